package main

import "uglymugs/internal/store"

// lockDB takes a SQLite database's one-process lock (store.Source.Lock) for
// the commands that must not run beside a serving process: serve itself
// (two would share one writer and run every job twice), demo, migrate (a
// schema changed under a running build) and seed (which migrates). The
// others run beside serve on purpose: backup copies a live database, audit
// verify and check-data only read, and user add writes one short
// transaction, as an operator adding a coordinator to a running service
// would. On PostgreSQL it takes nothing: instances share it by design.
func (c common) lockDB() (*store.Lock, error) {
	src, err := c.source()
	if err != nil {
		return nil, err
	}
	return src.Lock()
}
