package main

import (
	"context"

	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// openDB opens the database named by --db, with the key file when keys is
// true (commands that touch no personal field do without). With lock it
// first takes a SQLite database's one-process lock (store.Source.Lock), as
// the commands that must not run beside a serving process do: serve itself
// (two would share one writer and run every job twice), demo, migrate (a
// schema changed under a running build) and seed (which migrates). The
// others run beside serve on purpose: backup copies a live database, audit
// verify and check-data only read, and user add writes one short
// transaction, as an operator adding a coordinator to a running service
// would. On PostgreSQL the lock is nothing: instances share it by design.
// done closes the database, then releases the lock.
func (c common) openDB(ctx context.Context, lock, keys bool) (db *store.DB, done func(), err error) {
	src, err := c.source()
	if err != nil {
		return nil, nil, err
	}
	return openSource(ctx, src, lock, func() (*vault.Vault, error) {
		if !keys {
			return nil, nil
		}
		return c.vault()
	})
}

// openSource opens src, first taking its lock when lock is true, with the
// keys that keys gives once the lock is held.
func openSource(ctx context.Context, src store.Source, lock bool, keys func() (*vault.Vault, error)) (*store.DB, func(), error) {
	release := func() {}
	if lock {
		l, err := src.Lock()
		if err != nil {
			return nil, nil, err
		}
		release = func() { _ = l.Release() } // closing a lock file; exiting releases it anyway
	}
	v, err := keys()
	if err != nil {
		release()
		return nil, nil, err
	}
	db, err := store.Open(ctx, src, v)
	if err != nil {
		release()
		return nil, nil, err
	}
	return db, func() { _ = db.Close(); release() }, nil // a close at exit has no one left to tell
}
