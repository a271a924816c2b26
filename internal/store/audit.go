package store

import (
	"context"
	"database/sql"
	"iter"

	"uglymugs/internal/audit"
)

// auditLockKey serialises appends on PostgreSQL; SQLite's single writer
// already does.
const auditLockKey = 0x75676c7961756469 // "uglyaudi"

// appendAudit adds e to the chain inside tx, so the entry commits with the
// change it records.
func (db *core) appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLockKey)); err != nil {
			return err
		}
	}
	var prev audit.Entry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&prev.Seq, &prev.Hash)
	var p *audit.Entry
	switch err {
	case nil:
		p = &prev
	case sql.ErrNoRows:
	default:
		return err
	}
	if e.At.IsZero() {
		e.At = db.now()
	}
	e = audit.Next(p, e)
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, action, subject_type, subject_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.Seq, e.At, e.Actor, e.Action, e.SubjectType, e.SubjectID, e.Detail, e.PrevHash, e.Hash)
	return err
}

// Audit records an event that changes nothing else (a view of personal data,
// say). Changes record theirs in their own transaction.
func (d *DB) Audit(ctx context.Context, e audit.Entry) error {
	db := d.db

	return db.inTx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, e) })
}

// AuditEntries streams the whole log in order, for verification.
func (d *DB) AuditEntries(ctx context.Context) iter.Seq2[audit.Entry, error] {
	db := d.db

	return func(yield func(audit.Entry, error) bool) {
		rows, err := db.read.QueryContext(ctx, `SELECT seq, at, actor, action, subject_type, subject_id, detail, prev_hash, hash
			FROM audit_log ORDER BY seq`)
		if err != nil {
			yield(audit.Entry{}, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var e audit.Entry
			if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.SubjectType, &e.SubjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				yield(e, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(audit.Entry{}, err)
		}
	}
}

// Viewed returns v once its view is in the audit log, or err if reading it
// failed, when there was nothing to see and nothing is recorded. The
// domain calls it for every read of personal data that must be audited.
func Viewed[T any](ctx context.Context, d *DB, e audit.Entry, v T, err error) (T, error) {
	if err != nil {
		return v, err
	}
	return v, d.Audit(ctx, e)
}
