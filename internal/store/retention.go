package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"uglymugs/internal/audit"
)

// Retention says how long each kind of record is kept; zero keeps it for
// ever. The daily retention job applies it (ApplyRetention).
type Retention struct {
	// Reports: sent reports, from when they were sent, with their
	// offenders, identifiers, messages, notes and tasks; offender
	// profiles left with no report go too. A report an open police
	// enquiry is about is kept until the enquiry is closed. Alerts written
	// from reports stay: they hold nothing that identifies anyone.
	Reports time.Duration
	// Checks: the check log (who checked what kind, the blind index,
	// matches). Unusual checking looks back UnusualWindow, so keep it at
	// least that long.
	Checks time.Duration
	// Deliveries: records of alert emails and SMS and of account messages
	// in a final state (sent, failed, cancelled), from their last change.
	Deliveries time.Duration
	// Audit: audit log entries. The purge is itself an entry recording the
	// last entry removed and its hash, so the chain still verifies from
	// there (audit.Verify).
	Audit time.Duration
}

// Purged counts what one application of Retention removed.
type Purged struct {
	Reports, Profiles, Checks, Deliveries, Notifications, AuditEntries int64
	// SMSInbound: inbound SMS message ids older than SMSSeenFor, whatever
	// Retention says (they exist only to recognise a replayed request).
	SMSInbound int64
}

// ApplyRetention deletes what Retention no longer keeps, as of the store's
// clock, each kind in its own transaction, and records what it removed
// (counts only) in the audit log.
func (d *DB) ApplyRetention(ctx context.Context, r Retention) (Purged, error) {
	db := d.db

	var p Purged
	now := db.now().UTC()
	if r.Reports > 0 {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM reports WHERE submitted_at < $1
				AND id NOT IN (SELECT report_id FROM police_enquiries WHERE report_id IS NOT NULL AND status <> 'closed')`, now.Add(-r.Reports))
			if err != nil {
				return fmt.Errorf("retention: reports: %w", err)
			}
			if p.Reports, err = res.RowsAffected(); err != nil || p.Reports == 0 {
				return err
			}
			if err := db.lockProfiles(ctx, tx); err != nil {
				return err
			}
			res, err = tx.ExecContext(ctx, `DELETE FROM offender_profiles WHERE id NOT IN (SELECT profile_id FROM offenders)
				AND id NOT IN (SELECT profile_id FROM police_enquiries WHERE profile_id IS NOT NULL AND status <> 'closed')`)
			if err != nil {
				return fmt.Errorf("retention: offender profiles: %w", err)
			}
			if p.Profiles, err = res.RowsAffected(); err != nil {
				return err
			}
			return db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: "retention.reports",
				Detail: fmt.Sprintf(`{"reports":%d,"profiles":%d,"days":%d}`, p.Reports, p.Profiles, days(r.Reports))})
		})
		if err != nil {
			return p, err
		}
	}
	if r.Checks > 0 {
		n, err := db.top.Checks.PurgeChecks(ctx, now.Add(-r.Checks))
		if err != nil {
			return p, fmt.Errorf("retention: checks: %w", err)
		}
		p.Checks = n
	}
	if r.Deliveries > 0 {
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			cutoff := now.Add(-r.Deliveries)
			res, err := tx.ExecContext(ctx, `DELETE FROM alert_deliveries WHERE status IN ('sent', 'failed', 'cancelled') AND updated_at < $1`, cutoff)
			if err != nil {
				return fmt.Errorf("retention: deliveries: %w", err)
			}
			if p.Deliveries, err = res.RowsAffected(); err != nil {
				return err
			}
			res, err = tx.ExecContext(ctx, `DELETE FROM notifications WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, created_at) < $1`, cutoff)
			if err != nil {
				return fmt.Errorf("retention: notifications: %w", err)
			}
			if p.Notifications, err = res.RowsAffected(); err != nil || p.Deliveries+p.Notifications == 0 {
				return err
			}
			return db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: "retention.deliveries",
				Detail: fmt.Sprintf(`{"deliveries":%d,"notifications":%d,"days":%d}`, p.Deliveries, p.Notifications, days(r.Deliveries))})
		})
		if err != nil {
			return p, err
		}
	}
	n, err := db.sweepSMSInbound(ctx, now)
	if err != nil {
		return p, fmt.Errorf("retention: inbound SMS ids: %w", err)
	}
	p.SMSInbound = n
	if r.Audit > 0 {
		n, err := db.purgeAudit(ctx, now.Add(-r.Audit), days(r.Audit))
		if err != nil {
			return p, fmt.Errorf("retention: audit log: %w", err)
		}
		p.AuditEntries = n
	}
	return p, nil
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// purgeAudit removes the entries older than before and appends an
// "audit.purge" entry naming the last one removed and its hash: the
// checkpoint the chain is verified from afterwards.
func (db *core) purgeAudit(ctx context.Context, before time.Time, keptDays int) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLockKey)); err != nil {
				return err
			}
		}
		// Never the newest entry: the chain goes on from it.
		var last audit.Checkpoint
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log WHERE at < $1 AND seq < (SELECT MAX(seq) FROM audit_log)
			ORDER BY seq DESC LIMIT 1`, before).Scan(&last.Seq, &last.Hash)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		// The append-only trigger lets through only what a permit, alive
		// only inside this transaction, covers.
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_purge_permits (through_seq) VALUES ($1)`, last.Seq); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE seq <= $1`, last.Seq)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM audit_purge_permits`); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: audit.PurgeAction,
			Detail: fmt.Sprintf(`{"through":%d,"hash":%q,"deleted":%d,"days":%d}`, last.Seq, hex.EncodeToString(last.Hash), n, keptDays)})
	})
	return n, err
}
