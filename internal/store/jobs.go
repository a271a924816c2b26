package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

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

// Several service processes may share one database (PostgreSQL), and any
// of them may die without a word (SIGKILL, a lost machine). Each records a
// heartbeat; a job still "running" under a process whose heartbeat has
// stopped is made available again, so another process (or this one after
// a restart) takes it over within seconds. Every job is written to be
// safe to run again: the fan-out keeps a cursor and inserts with ON
// CONFLICT DO NOTHING, the senders claim each delivery in a transaction
// (recording the claiming process, so that its claims are handed back
// with its jobs).

// Heartbeat records that the process with this id is alive.
func (d *DB) Heartbeat(ctx context.Context, id string, started time.Time) error {
	db := d.db

	_, err := db.write.ExecContext(ctx, `INSERT INTO instances (id, started_at, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, id, started.UTC(), db.now().UTC())
	return err
}

// ForgetInstance removes a process that is stopping cleanly.
func (d *DB) ForgetInstance(ctx context.Context, id string) error {
	db := d.db

	_, err := db.write.ExecContext(ctx, `DELETE FROM instances WHERE id = $1`, id)
	return err
}

// RescueOrphanedJobs makes available again every job left running by a
// process not seen for staleAfter, hands back the alert deliveries such a
// process had claimed, and forgets processes gone for a day. It returns
// how many jobs and delivery claims it handed back.
//
// A handed-back delivery is "retrying", its attempt counted, due since it
// was first due (so it keeps its place in the line, ahead of what was
// queued after it): whether the dead process sent it is unknown, so it is
// sent again under the same reference (the provider's idempotency key). The claims go back
// before the jobs, in one transaction, so that the sender job taken over
// finds them due rather than waiting for them to grow stale.
func (d *DB) RescueOrphanedJobs(ctx context.Context, staleAfter time.Duration) (jobs, claims int64, err error) {
	db := d.db

	now := db.now().UTC()
	// The process running a job is the last one River recorded as
	// attempting it (a JSON array in SQLite, an array in PostgreSQL).
	runner := `json_extract(attempted_by, '$[#-1]')`
	if db.dialect == Postgres {
		runner = `attempted_by[array_upper(attempted_by, 1)]`
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = 'retrying', updated_at = $1,
			error = 'interrupted', claimed_by = NULL
			WHERE status = 'sending' AND claimed_by IS NOT NULL AND claimed_by NOT IN (SELECT id FROM instances WHERE seen_at > $2)`,
			now, now.Add(-staleAfter))
		if err != nil {
			return err
		}
		if claims, err = res.RowsAffected(); err != nil {
			return err
		}
		// #nosec G202 -- runner is one of the two constant expressions above
		res, err = tx.ExecContext(ctx, `UPDATE river_job SET state = 'available'
			WHERE state = 'running' AND COALESCE(`+runner+`, '') NOT IN (SELECT id FROM instances WHERE seen_at > $1)`, now.Add(-staleAfter))
		if err != nil {
			return err
		}
		if jobs, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM instances WHERE seen_at < $1`, now.Add(-24*time.Hour))
		return err
	})
	return jobs, claims, err
}
