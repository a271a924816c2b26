package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Alert delivery. Publishing enqueues the fan-out (alerts.go); the fan-out
// calls FanOutAlert until it is done, each call one transaction over the
// next batch of candidates by id (fanout.go; a keyset cursor kept per
// part), so a fan-out killed at any point resumes where it stopped. The primary
// keys of alert_recipients (alert × member) and alert_deliveries (alert ×
// member × channel) make a repeated batch add nothing. The senders then
// claim due deliveries channel by channel (notify.AlertDeliverWorker).

// startDeliveries enqueues the sender of each channel in tx. The sender
// job is unique per channel; if one is already waiting for a retry, it is
// made available now instead, so that a new alert does not wait behind a
// backoff.
func (db *core) startDeliveries(ctx context.Context, tx *sql.Tx, channels ...string) error {
	for _, ch := range channels {
		running, err := db.wakeDeliveries(ctx, tx, ch)
		if err != nil {
			return err
		}
		if !running {
			continue
		}
		// The running sender may have looked for work for the last time
		// already (a job stays "running" until River records it done), so
		// leave a nudge that starts it again once it has finished.
		if _, err := db.jobs.InsertTx(ctx, tx, outbox.AlertDeliverArgs{Channel: ch, Nudge: true},
			&river.InsertOpts{ScheduledAt: db.now().Add(outbox.NudgeAfter)}); err != nil {
			return fmt.Errorf("enqueue alert_deliver nudge: %w", err)
		}
	}
	return nil
}

// wakeDeliveries enqueues channel's sender, or wakes it if it is waiting
// for a retry; it reports whether one is running instead.
func (db *core) wakeDeliveries(ctx context.Context, tx *sql.Tx, ch string) (running bool, err error) {
	res, err := db.jobs.InsertTx(ctx, tx, outbox.AlertDeliverArgs{Channel: ch}, nil)
	if err != nil {
		return false, fmt.Errorf("enqueue alert_deliver: %w", err)
	}
	if !res.UniqueSkippedAsDuplicate || res.Job == nil {
		return false, nil
	}
	switch res.Job.State {
	case rivertype.JobStateRunning:
		return true, nil
	case rivertype.JobStateScheduled:
		if r, ok := db.jobs.(jobRetrier); ok {
			if _, err := r.JobRetryTx(ctx, tx, res.Job.ID); err != nil {
				return false, fmt.Errorf("wake alert_deliver: %w", err)
			}
		}
	}
	return false, nil
}

// WakeDeliveries starts channel's sender, or wakes it, unless one is
// running (see outbox.AlertDeliverArgs.Nudge).
func (area Deliveries) WakeDeliveries(ctx context.Context, channel string) (running bool, err error) {
	db := area.db

	err = db.inTx(ctx, func(tx *sql.Tx) error {
		running, err = db.wakeDeliveries(ctx, tx, channel)
		return err
	})
	return running, err
}

// jobRetrier is the River client's way to make a waiting job run now.
type jobRetrier interface {
	JobRetryTx(ctx context.Context, tx *sql.Tx, id int64) (*rivertype.JobRow, error)
}

// placeholders returns "$from, …" for n parameters.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ph, ", ")
}

// inList binds each of vs with arg and returns their placeholders, joined
// for "IN (…)".
func inList[T ~string](arg func(any) string, vs []T) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = arg(string(v))
	}
	return strings.Join(ph, ", ")
}

// NextDeliveryAt returns when the next delivery of channel falls due: now
// for a queued one, the time of the next retry, or when an abandoned
// "sending" claim may be taken again. false: nothing is waiting.
func (area Deliveries) NextDeliveryAt(ctx context.Context, channel string, staleAfter time.Duration) (time.Time, bool, error) {
	db := area.db

	var next time.Time
	found := false
	consider := func(q string) error {
		var t time.Time
		err := db.read.QueryRowContext(ctx, q, channel).Scan(&t)
		switch {
		case err == sql.ErrNoRows:
			return nil
		case err != nil:
			return err
		}
		if !found || t.Before(next) {
			next, found = t, true
		}
		return nil
	}
	// Ordering by the column itself (not MIN) keeps its type on SQLite. A
	// queued delivery's next_attempt_at is when it was queued.
	for _, status := range []string{scheme.DeliveryQueued, scheme.DeliveryRetrying} {
		if err := consider(`SELECT next_attempt_at FROM alert_deliveries WHERE channel = $1 AND status = '` + status + `'
			ORDER BY next_attempt_at LIMIT 1`); err != nil {
			return next, false, err
		}
	}
	var oldest time.Time
	err := db.read.QueryRowContext(ctx, `SELECT updated_at FROM alert_deliveries WHERE channel = $1 AND status = 'sending' ORDER BY updated_at LIMIT 1`, channel).Scan(&oldest)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return next, false, err
	default:
		if t := oldest.Add(staleAfter); !found || t.Before(next) {
			next, found = t, true
		}
	}
	return next, found, nil
}

// MarkDelivery records what became of a claimed delivery. "sent" holds
// whatever happened to the claim meanwhile (the message went); any other
// outcome is recorded only if the claim is still this one, so that a
// sender that stalled and lost its claim to another does not overwrite it.
// The reason must be a code or status, never an address or message text.
func (area Deliveries) MarkDelivery(ctx context.Context, d outbox.AlertDelivery, m outbox.DeliveryMark) error {
	db := area.db

	now := db.now().UTC()
	reason := m.Reason
	if len(reason) > 200 {
		reason = reason[:200]
	}
	key := ` WHERE alert_id = $2 AND user_id = $3 AND channel = $4 AND device = $5`
	claim := key + ` AND status = 'sending' AND attempts = $6`
	var q string
	args := []any{now, d.AlertID, d.UserID, d.Channel, d.Device, d.Attempts}
	switch m.Status {
	case scheme.DeliverySent:
		q = `UPDATE alert_deliveries SET status = 'sent', sent_at = $1, updated_at = $1, error = ''` + key + ` AND status <> 'sent'`
		args = args[:5]
	case scheme.DeliveryRetrying:
		q = `UPDATE alert_deliveries SET status = 'retrying', next_attempt_at = $7, error = $8, updated_at = $1` + claim
		args = append(args, m.NextAttempt.UTC(), reason)
	case scheme.DeliveryFailed, scheme.DeliveryCancelled, scheme.DeliveryOutbox:
		q = `UPDATE alert_deliveries SET status = $7, error = $8, updated_at = $1` + claim
		args = append(args, m.Status, reason)
	case outbox.DeliveryReleased:
		q = `UPDATE alert_deliveries SET status = CASE WHEN attempts <= 1 THEN 'queued' ELSE 'retrying' END,
			attempts = attempts - 1, next_attempt_at = $1, updated_at = $1` + claim
	default:
		return fmt.Errorf("mark delivery: unknown status %q", m.Status)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// DeliveryCounts counts an alert's deliveries by channel ("in_app",
// "email", "sms", "push": one a device) and state. In-app rows are "delivered" (not yet opened)
// or "read"; email and SMS have the scheme.Delivery* states. Every channel
// is present, with only the states that have a count.
func (area Deliveries) DeliveryCounts(ctx context.Context, alertID string) (map[string]map[string]int, error) {
	db := area.db

	out := map[string]map[string]int{"in_app": {}, "email": {}, "sms": {}, "push": {}}
	err := addCounts(ctx, db.read, out, `SELECT channel, status, COUNT(*) FROM alert_deliveries WHERE alert_id = $1 GROUP BY channel, status`, alertID)
	if err != nil {
		return nil, err
	}
	var unread, read int
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN read_at IS NULL THEN 0 ELSE 1 END), 0) FROM alert_recipients WHERE alert_id = $1`, alertID).Scan(&unread, &read); err != nil {
		return nil, err
	}
	if unread > 0 {
		out["in_app"]["delivered"] = unread
	}
	if read > 0 {
		out["in_app"]["read"] = read
	}
	return out, nil
}

// DeliveryFailures lists page p of an alert's failed and retrying
// deliveries, most recent first.
func (area Deliveries) DeliveryFailures(ctx context.Context, alertID string, p scheme.Page) (scheme.Listed[scheme.DeliveryFailure], error) {
	db := area.db

	return listPage(ctx, db, p, func(rows rowScanner) (f scheme.DeliveryFailure, err error) {
		d := outbox.AlertDelivery{AlertID: alertID}
		if err := rows.Scan(&d.UserID, &d.Channel, &d.Device, &f.State, &f.Error, &f.Attempts, &f.UpdatedAt); err != nil {
			return f, err
		}
		f.Channel, f.Ref = d.Channel, d.Ref()
		return f, nil
	}, `SELECT user_id, channel, device, status, error, attempts, updated_at FROM alert_deliveries
		WHERE alert_id = $1 AND status IN ('failed', 'retrying')`, `updated_at DESC, channel, user_id, device`, alertID)
}

// RetryDeliveries queues an alert's failed deliveries on channel again,
// with their attempts counted afresh, and starts the sender. It returns how
// many were queued. A withdrawn alert's messages are not sent again.
func (area Deliveries) RetryDeliveries(ctx context.Context, actor, alertID, channel string) (int, error) {
	db := area.db

	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM alerts WHERE id = $1`, alertID).Scan(&status); err != nil {
			return mapErr(err)
		}
		if err := scheme.CanResend(scheme.Alert{Status: scheme.AlertStatus(status)}); err != nil {
			return err
		}
		now := db.now().UTC()
		res, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = 'queued', attempts = 0, next_attempt_at = $1, updated_at = $1, error = ''
			WHERE alert_id = $2 AND channel = $3 AND status = 'failed'`, now, alertID, channel)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if n > 0 {
			if err := db.startDeliveries(ctx, tx, channel); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.deliveries.retry", SubjectType: "alert", SubjectID: alertID,
			Detail: fmt.Sprintf(`{"channel":%q,"queued":%d}`, channel, n)})
	})
	return int(n), err
}

// PauseChannel stops sending on channel (the sender found its provider
// failing); a channel already paused keeps its first reason. Recorded in
// the audit log as the system's doing.
func (area Deliveries) PauseChannel(ctx context.Context, channel, reason string) error {
	db := area.db

	if err := scheme.CheckChannel(channel); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO delivery_pauses (channel, paused_at, reason) VALUES ($1, $2, $3) ON CONFLICT (channel) DO NOTHING`,
			channel, db.now().UTC(), reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: "delivery.pause", SubjectType: "channel", SubjectID: channel})
	})
}

// ResumeChannel lets channel send again and starts its sender, which takes
// up the deliveries that waited.
func (area Deliveries) ResumeChannel(ctx context.Context, actor, channel string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM delivery_pauses WHERE channel = $1`, channel)
		if err != nil {
			return err
		}
		if err := db.startDeliveries(ctx, tx, channel); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // not paused: nothing to record
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "delivery.resume", SubjectType: "channel", SubjectID: channel})
	})
}

// ChannelPaused reports whether sending on channel is paused.
func (area Deliveries) ChannelPaused(ctx context.Context, channel string) (bool, error) {
	db := area.db

	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_pauses WHERE channel = $1`, channel).Scan(&n)
	return n > 0, err
}

// DeliveryPauses lists the paused channels.
func (area Deliveries) DeliveryPauses(ctx context.Context) ([]scheme.DeliveryPause, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (p scheme.DeliveryPause, err error) {
		err = rows.Scan(&p.Channel, &p.Reason, &p.PausedAt)
		return p, err
	}, `SELECT channel, reason, paused_at FROM delivery_pauses ORDER BY channel`)
}
