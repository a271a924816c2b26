package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
)

// Durable jobs live in the same database as the data, so that a change and
// the work it causes (an alert and its deliveries, say) commit or roll back
// together. The queue is River, which has drivers for both engines; both run
// over database/sql here so that the store has one transaction type.

type inserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// RiverDriver is the River driver for this database, for the jobs package to
// build the client that works jobs.
func (d *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	db := d.db
	return db.riverDriver()
}

func (db *core) riverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect == SQLite {
		return riversqlite.New(db.write)
	}
	return riverdatabasesql.New(db.write)
}

// initJobs makes the insert-only client the store enqueues through.
func (db *core) initJobs() error {
	c, err := river.NewClient(db.riverDriver(), &river.Config{})
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	db.jobs = c
	return nil
}

// InTx runs fn in one write transaction, committed if fn returns nil. It is
// for work that spans packages and must be atomic with a job it enqueues;
// the store's own methods manage their transactions themselves.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db := d.db

	return db.inTx(ctx, fn)
}

// EnqueueTx adds a job in tx: it runs only if tx commits.
func (d *DB) EnqueueTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error {
	db := d.db

	if _, err := db.jobs.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	return nil
}
