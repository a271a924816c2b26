package store

import (
	"context"
	"database/sql"
	"time"
)

// Several service processes may share one database (PostgreSQL), and any
// of them may die without a word (SIGKILL, a lost machine). Each records a
// heartbeat; a job still "running" under a process whose heartbeat has
// stopped is made available again, so another process (or this one after
// a restart) takes it over within seconds. Every job is written to be
// safe to run again: the fan-out keeps a cursor and inserts with ON
// CONFLICT DO NOTHING, the senders claim each delivery in a transaction.

// Heartbeat records that the process with this id is alive.
func (db *DB) Heartbeat(ctx context.Context, id string, started time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO instances (id, started_at, seen_at) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at`, id, started.UTC(), db.now().UTC())
	return err
}

// ForgetInstance removes a process that is stopping cleanly.
func (db *DB) ForgetInstance(ctx context.Context, id string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM instances WHERE id = $1`, id)
	return err
}

// RescueOrphanedJobs makes available again every job left running by a
// process not seen for staleAfter, and forgets processes gone for a day.
// It returns how many jobs it rescued.
func (db *DB) RescueOrphanedJobs(ctx context.Context, staleAfter time.Duration) (int64, error) {
	now := db.now().UTC()
	// The process running a job is the last one River recorded as
	// attempting it (a JSON array in SQLite, an array in PostgreSQL).
	runner := `json_extract(attempted_by, '$[#-1]')`
	if db.dialect == Postgres {
		runner = `attempted_by[array_upper(attempted_by, 1)]`
	}
	var rescued int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		// #nosec G202 -- runner is one of the two constant expressions above
		res, err := tx.ExecContext(ctx, `UPDATE river_job SET state = 'available'
			WHERE state = 'running' AND COALESCE(`+runner+`, '') NOT IN (SELECT id FROM instances WHERE seen_at > $1)`, now.Add(-staleAfter))
		if err != nil {
			return err
		}
		if rescued, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM instances WHERE seen_at < $1`, now.Add(-24*time.Hour))
		return err
	})
	return rescued, err
}
