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
	"uglymugs/internal/notify"
	"uglymugs/internal/scheme"
)

// Alert delivery. Publishing enqueues the fan-out (alerts.go); the fan-out
// calls FanOutAlert until it is done, each call one transaction over the
// next batch of accounts by id (a keyset cursor kept on the alert), so a
// fan-out killed at any point resumes where it stopped. The primary
// keys of alert_recipients (alert × member) and alert_deliveries (alert ×
// member × channel) make a repeated batch add nothing. The senders then
// claim due deliveries channel by channel (notify.AlertDeliverWorker).

// FanOutAlert makes the in-app rows and the email and SMS deliveries of
// the members alert alertID reaches among the next batch accounts by id
// after its cursor, and moves the cursor on. When no account remains it
// records the fan-out done and enqueues the senders of the channels it
// filled, in that transaction, and reports done. An alert that is no
// longer published (withdrawn) is done too: nothing more is made for it.
//
// A batch counts accounts, not recipients, so that the targeting rule is
// applied once per member (over an id range) rather than once to find the
// batch and again to fill it; a narrow alert takes as many batches as a
// nationwide one, each of them cheap.
func (db *DB) FanOutAlert(ctx context.Context, alertID string, batch int) (done bool, err error) {
	return db.FanOutPart(ctx, alertID, 0, 1, batch)
}

// fanOutParts is how many parts an alert's fan-out is split into: on
// SQLite one (its single writer would only make parts take turns), on
// PostgreSQL four, worked at once by whichever workers are free.
func (db *DB) fanOutParts() int {
	switch {
	case db.parts > 0:
		return db.parts
	case db.dialect == Postgres:
		return 4
	}
	return 1
}

// SetFanOutParts sets how many parts alerts published from now on are
// fanned out in (0: the default for the database).
func (db *DB) SetFanOutParts(n int) { db.parts = n }

// idOrder is the alphabet of ids (rand.Text's base32) in byte order: the
// fan-out's parts are ranges of it.
const idOrder = "234567ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// partRange is where part of parts begins (inclusive) and ends
// (exclusive; "" for no end). Ids made otherwise still fall in a part: the
// first begins at "" and the last has no end.
func partRange(part, parts int) (lo, hi string) {
	bound := func(i int) string {
		if i <= 0 || i >= parts {
			return ""
		}
		return idOrder[len(idOrder)*i/parts : len(idOrder)*i/parts+1]
	}
	return bound(part), bound(part + 1)
}

// FanOutPart is FanOutAlert for one part of an alert's members (a range of
// ids) when its fan-out is split into parts, each worked by its own job:
// batches of different parts may run at once, on different instances.
// When the last part is done, the alert's fan-out is marked done and the
// senders are started.
func (db *DB) FanOutPart(ctx context.Context, alertID string, part, parts, batch int) (done bool, err error) {
	if batch <= 0 {
		batch = 2000
	}
	if parts < 1 || part < 0 || part >= parts {
		return false, fmt.Errorf("fan-out: part %d of %d", part, parts)
	}
	lo, hi := partRange(part, parts)
	partDone := false
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// On PostgreSQL a shared lock on the alert orders a batch and a
		// withdrawal (which waits for the batches, then cancels what they
		// queued) while letting the other parts' batches run; the part's
		// own row is locked, so one part is worked by one run at a time.
		share, lock := "", ""
		if db.dialect == Postgres {
			share, lock = ` FOR SHARE`, ` FOR UPDATE`
		}
		var status, legacy string
		var doneAt sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT status, fanout_cursor, fanout_done_at FROM alerts WHERE id = $1`+share, alertID).
			Scan(&status, &legacy, &doneAt); err != nil {
			return mapErr(err)
		}
		if status != string(scheme.AlertPublished) || doneAt.Valid {
			done = true
			return nil
		}
		// A fan-out begun in one part before parts existed carries on
		// from the alert's own cursor.
		start := ""
		if parts == 1 {
			start = legacy
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_fanout_parts (alert_id, part, cursor) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			alertID, part, start); err != nil {
			return err
		}
		var cursor string
		var partAt sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT cursor, done_at FROM alert_fanout_parts WHERE alert_id = $1 AND part = $2`+lock,
			alertID, part).Scan(&cursor, &partAt); err != nil {
			return err
		}
		if partAt.Valid {
			partDone = true
			return nil
		}
		now := db.now().UTC()
		// A batch is the next `batch` accounts by id in the part's range
		// (an index range, read without the targeting); the inserts below
		// apply the targeting to that range alone, so each member is
		// weighed once.
		// One lower bound, so that the index range starts where the batch
		// does: the part's start before its first batch, then the cursor.
		from, after := ` >= $2`, lo
		if cursor != "" {
			from, after = ` > $2`, cursor
		}
		upTo := ""
		if hi != "" {
			upTo = ` AND id < $3`
		}
		var last sql.NullString
		// #nosec G202 -- from and upTo are constant fragments
		if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM users WHERE id`+from+upTo+` ORDER BY id LIMIT $1) b`,
			append([]any{batch, after}, nonEmpty(hi)...)...).Scan(&last); err != nil {
			return fmt.Errorf("fan-out batch: %w", err)
		}
		if !last.Valid {
			partDone = true
			_, err := tx.ExecContext(ctx, `UPDATE alert_fanout_parts SET done_at = $1 WHERE alert_id = $2 AND part = $3`, now, alertID, part)
			return err
		}
		inRange := ` AND u.id` + from + ` AND u.id <= $3`
		// A member who could already read it (through a check, say) is now
		// a recipient of the alert itself, and so gets email and SMS.
		// #nosec G202 -- targetFrom and the range are constant fragments and $n placeholders
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_recipients (alert_id, user_id, via, created_at)
			SELECT $1, u.id, 'alert', $4`+targetFrom+inRange+`
			ON CONFLICT (alert_id, user_id) DO UPDATE SET via = 'alert' WHERE alert_recipients.via <> 'alert'`,
			alertID, after, last.String, now); err != nil {
			return fmt.Errorf("fan-out in-app: %w", err)
		}
		// Email and SMS go to the batch's recipients who chose the channel:
		// the targeting was applied once, above.
		for _, c := range []struct{ channel, wants string }{{"email", wantsEmail}, {"sms", wantsSMS}} {
			// #nosec G202 -- constant fragments and column names chosen in code, and $n placeholders; values are arguments
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, status, attempts, next_attempt_at, updated_at)
				SELECT r.alert_id, r.user_id, $5, 'queued', 0, $4, $4 FROM alert_recipients r JOIN profiles p ON p.user_id = r.user_id
				WHERE r.alert_id = $1 AND r.via = 'alert' AND r.user_id`+from+` AND r.user_id <= $3`+c.wants+` ON CONFLICT DO NOTHING`,
				alertID, after, last.String, now, c.channel); err != nil {
				return fmt.Errorf("fan-out %s: %w", c.channel, err)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE alert_fanout_parts SET cursor = $1 WHERE alert_id = $2 AND part = $3`, last.String, alertID, part)
		return err
	})
	if err != nil || done || !partDone {
		return done, err
	}
	return true, db.finishFanOut(ctx, alertID, parts)
}

// finishFanOut marks the alert's fan-out done, and starts the senders of
// the channels it queued messages on, once every part is done; the part
// that finishes last does it (on PostgreSQL the alert's row lock makes
// parts finishing at once take turns).
func (db *DB) finishFanOut(ctx context.Context, alertID string, parts int) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.dialect == Postgres {
			lock = ` FOR UPDATE`
		}
		var doneAt sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT fanout_done_at FROM alerts WHERE id = $1`+lock, alertID).Scan(&doneAt); err != nil {
			return mapErr(err)
		}
		var finished int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_fanout_parts WHERE alert_id = $1 AND done_at IS NOT NULL`, alertID).Scan(&finished); err != nil {
			return err
		}
		if doneAt.Valid || finished < parts {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET fanout_done_at = $1 WHERE id = $2`, db.now().UTC(), alertID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT channel FROM alert_deliveries WHERE alert_id = $1 AND status = 'queued' ORDER BY channel`, alertID)
		if err != nil {
			return err
		}
		channels, err := scanStrings(rows)
		if err != nil {
			return err
		}
		return db.startDeliveries(ctx, tx, channels...)
	})
}

func nonEmpty(s string) []any {
	if s == "" {
		return nil
	}
	return []any{s}
}

// startDeliveries enqueues the sender of each channel in tx. The sender
// job is unique per channel; if one is already waiting for a retry, it is
// made available now instead, so that a new alert does not wait behind a
// backoff.
func (db *DB) startDeliveries(ctx context.Context, tx *sql.Tx, channels ...string) error {
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
		if _, err := db.jobs.InsertTx(ctx, tx, notify.AlertDeliverArgs{Channel: ch, Nudge: true},
			&river.InsertOpts{ScheduledAt: db.now().Add(notify.NudgeAfter)}); err != nil {
			return fmt.Errorf("enqueue alert_deliver nudge: %w", err)
		}
	}
	return nil
}

// wakeDeliveries enqueues channel's sender, or wakes it if it is waiting
// for a retry; it reports whether one is running instead.
func (db *DB) wakeDeliveries(ctx context.Context, tx *sql.Tx, ch string) (running bool, err error) {
	res, err := db.jobs.InsertTx(ctx, tx, notify.AlertDeliverArgs{Channel: ch}, nil)
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
// running (see notify.AlertDeliverArgs.Nudge).
func (db *DB) WakeDeliveries(ctx context.Context, channel string) (running bool, err error) {
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

// deliveryDue is the condition for a delivery a sender may claim: $2 is
// now, $3 the time before which a "sending" claim counts as abandoned.
const deliveryDue = `(status = 'queued' OR (status = 'retrying' AND next_attempt_at <= $2) OR (status = 'sending' AND updated_at < $3))`

// ClaimDeliveries marks up to limit due deliveries of channel "sending",
// counting an attempt, and returns each with the member's current address
// (decrypted), whether the member still wants the channel and whether the
// alert is still published. The oldest due go first. claimant is the
// claiming process's heartbeat id (see Heartbeat): if that process falls
// silent, RescueOrphanedJobs hands its claims back within seconds. A claim
// with no claimant ("") is taken again only after staleAfter.
func (db *DB) ClaimDeliveries(ctx context.Context, channel, claimant string, limit int, staleAfter time.Duration) ([]notify.AlertDelivery, error) {
	if limit <= 0 {
		limit = 100
	}
	var out []notify.AlertDelivery
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		now := db.now().UTC()
		// Two senders on PostgreSQL skip each other's rows; the condition is
		// repeated outside so that a row claimed meanwhile is not taken twice.
		skip := ""
		if db.dialect == Postgres {
			skip = ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, `UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $2, claimed_by = $5
			WHERE channel = $1 AND `+deliveryDue+` AND (alert_id, user_id) IN (
				SELECT alert_id, user_id FROM alert_deliveries WHERE channel = $1 AND `+deliveryDue+`
				ORDER BY next_attempt_at, alert_id, user_id LIMIT $4`+skip+`)
			RETURNING alert_id, user_id, attempts`, channel, now, now.Add(-staleAfter), limit, nullable(claimant))
		if err != nil {
			return fmt.Errorf("claim deliveries: %w", err)
		}
		err = eachRow(rows, func() error {
			d := notify.AlertDelivery{Channel: channel}
			if err := rows.Scan(&d.AlertID, &d.UserID, &d.Attempts); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
		if err != nil {
			return err
		}
		return db.fillDeliveries(ctx, tx, channel, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fillDeliveries adds each member's address and choice and each alert's
// status to claimed deliveries, one query for the members and one for the
// alerts.
func (db *DB) fillDeliveries(ctx context.Context, tx *sql.Tx, channel string, ds []notify.AlertDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	users, alerts := map[string]bool{}, map[string]bool{}
	var userArgs, alertArgs []any
	for _, d := range ds {
		if !users[d.UserID] {
			users[d.UserID] = true
			userArgs = append(userArgs, d.UserID)
		}
		if !alerts[d.AlertID] {
			alerts[d.AlertID] = true
			alertArgs = append(alertArgs, d.AlertID)
		}
	}
	column, choice := "email", "p.alert_email"
	if channel == "sms" {
		column, choice = "mobile", "p.alert_sms"
	}
	type member struct {
		to     string
		wanted bool
	}
	members := map[string]member{}
	// #nosec G202 -- constant fragments and column names chosen in code, and $n placeholders; values are arguments
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.status = 'active' AND COALESCE(`+choice+`, FALSE), p.`+column+`_ct
		FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id IN (`+placeholders(1, len(userArgs))+`)`, userArgs...)
	if err != nil {
		return err
	}
	err = eachRow(rows, func() error {
		var id string
		var wanted bool
		var ct []byte
		if err := rows.Scan(&id, &wanted, &ct); err != nil {
			return err
		}
		var to string
		if len(ct) > 0 {
			if to, err = db.open("profiles", column, id, ct); err != nil {
				return err
			}
		}
		members[id] = member{to: to, wanted: wanted && to != ""}
		return nil
	})
	if err != nil {
		return err
	}
	live := map[string]bool{}
	// #nosec G202 -- constant fragments and column names chosen in code, and $n placeholders; values are arguments
	rows, err = tx.QueryContext(ctx, `SELECT id FROM alerts WHERE status = 'published' AND id IN (`+placeholders(1, len(alertArgs))+`)`, alertArgs...)
	if err != nil {
		return err
	}
	ids, err := scanStrings(rows)
	if err != nil {
		return err
	}
	for _, id := range ids {
		live[id] = true
	}
	for i := range ds {
		m := members[ds[i].UserID]
		ds[i].To, ds[i].Wanted, ds[i].Live = m.to, m.wanted, live[ds[i].AlertID]
	}
	return nil
}

// placeholders returns "$from, …" for n parameters.
func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(ph, ", ")
}

// NextDeliveryAt returns when the next delivery of channel falls due: now
// for a queued one, the time of the next retry, or when an abandoned
// "sending" claim may be taken again. false: nothing is waiting.
func (db *DB) NextDeliveryAt(ctx context.Context, channel string, staleAfter time.Duration) (time.Time, bool, error) {
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
func (db *DB) MarkDelivery(ctx context.Context, d notify.AlertDelivery, m notify.DeliveryMark) error {
	now := db.now().UTC()
	reason := m.Reason
	if len(reason) > 200 {
		reason = reason[:200]
	}
	key := ` WHERE alert_id = $2 AND user_id = $3 AND channel = $4`
	claim := key + ` AND status = 'sending' AND attempts = $5`
	var q string
	args := []any{now, d.AlertID, d.UserID, d.Channel, d.Attempts}
	switch m.Status {
	case scheme.DeliverySent:
		q = `UPDATE alert_deliveries SET status = 'sent', sent_at = $1, updated_at = $1, error = ''` + key + ` AND status <> 'sent'`
		args = args[:4]
	case scheme.DeliveryRetrying:
		q = `UPDATE alert_deliveries SET status = 'retrying', next_attempt_at = $6, error = $7, updated_at = $1` + claim
		args = append(args, m.NextAttempt.UTC(), reason)
	case scheme.DeliveryFailed, scheme.DeliveryCancelled, scheme.DeliveryOutbox:
		q = `UPDATE alert_deliveries SET status = $6, error = $7, updated_at = $1` + claim
		args = append(args, m.Status, reason)
	case notify.DeliveryReleased:
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

// MarkSent records deliveries as sent, all in one transaction: a sender
// marks a batch once its messages are accepted, instead of paying a
// transaction for each.
func (db *DB) MarkSent(ctx context.Context, ds []notify.AlertDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	now := db.now().UTC()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE alert_deliveries SET status = 'sent', sent_at = $1, updated_at = $1, error = ''
			WHERE alert_id = $2 AND user_id = $3 AND channel = $4 AND status <> 'sent'`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, d := range ds {
			if _, err := st.ExecContext(ctx, now, d.AlertID, d.UserID, d.Channel); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeliveryCounts counts an alert's deliveries by channel ("in_app",
// "email", "sms") and state. In-app rows are "delivered" (not yet opened)
// or "read"; email and SMS have the scheme.Delivery* states. Every channel
// is present, with only the states that have a count.
func (db *DB) DeliveryCounts(ctx context.Context, alertID string) (map[string]map[string]int, error) {
	out := map[string]map[string]int{"in_app": {}, "email": {}, "sms": {}}
	rows, err := db.read.QueryContext(ctx, `SELECT channel, status, COUNT(*) FROM alert_deliveries WHERE alert_id = $1 GROUP BY channel, status`, alertID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ch, st string
		var n int
		if err := rows.Scan(&ch, &st, &n); err != nil {
			return nil, err
		}
		if out[ch] == nil {
			out[ch] = map[string]int{}
		}
		out[ch][st] = n
	}
	if err := rows.Err(); err != nil {
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

// DeliveryFailure is one delivery that failed or waits to be retried, as
// coordinators see it: no member, no address.
type DeliveryFailure struct {
	Ref       string    `json:"ref"` // opaque, stable per delivery (notify.DeliveryRef)
	Channel   string    `json:"channel"`
	State     string    `json:"state"` // failed or retrying
	Error     string    `json:"error"` // a reason code or status
	Attempts  int       `json:"attempts"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DeliveryFailures lists an alert's failed and retrying deliveries, most
// recent first.
func (db *DB) DeliveryFailures(ctx context.Context, alertID string, limit int) ([]DeliveryFailure, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.read.QueryContext(ctx, `SELECT user_id, channel, status, error, attempts, updated_at FROM alert_deliveries
		WHERE alert_id = $1 AND status IN ('failed', 'retrying') ORDER BY updated_at DESC, channel, user_id LIMIT $2`, alertID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeliveryFailure
	for rows.Next() {
		var f DeliveryFailure
		var userID string
		if err := rows.Scan(&userID, &f.Channel, &f.State, &f.Error, &f.Attempts, &f.UpdatedAt); err != nil {
			return nil, err
		}
		f.Ref = notify.DeliveryRef(alertID, userID, f.Channel)
		out = append(out, f)
	}
	return out, rows.Err()
}

func checkChannel(channel string) error {
	if channel != "email" && channel != "sms" {
		return scheme.Invalid(map[string]string{"channel": "Choose email or SMS."})
	}
	return nil
}

// RetryDeliveries queues an alert's failed deliveries on channel again,
// with their attempts counted afresh, and starts the sender. It returns how
// many were queued. A withdrawn alert's messages are not sent again.
func (db *DB) RetryDeliveries(ctx context.Context, actor, alertID, channel string) (int, error) {
	if err := checkChannel(channel); err != nil {
		return 0, err
	}
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM alerts WHERE id = $1`, alertID).Scan(&status); err != nil {
			return mapErr(err)
		}
		if status != string(scheme.AlertPublished) {
			return scheme.Errorf(scheme.CodeConflict, "Only a published alert's messages can be sent again; this alert is %s.", status)
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

// DeliveryPause is a channel that stopped sending after too many failures
// in a row, until a coordinator resumes it.
type DeliveryPause struct {
	Channel  string    `json:"channel"`
	Reason   string    `json:"reason"`
	PausedAt time.Time `json:"paused_at"`
}

// PauseChannel stops sending on channel (the sender found its provider
// failing); a channel already paused keeps its first reason. Recorded in
// the audit log as the system's doing.
func (db *DB) PauseChannel(ctx context.Context, channel, reason string) error {
	if err := checkChannel(channel); err != nil {
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
func (db *DB) ResumeChannel(ctx context.Context, actor, channel string) error {
	if err := checkChannel(channel); err != nil {
		return err
	}
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
func (db *DB) ChannelPaused(ctx context.Context, channel string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM delivery_pauses WHERE channel = $1`, channel).Scan(&n)
	return n > 0, err
}

// DeliveryPauses lists the paused channels.
func (db *DB) DeliveryPauses(ctx context.Context) ([]DeliveryPause, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT channel, reason, paused_at FROM delivery_pauses ORDER BY channel`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeliveryPause
	for rows.Next() {
		var p DeliveryPause
		if err := rows.Scan(&p.Channel, &p.Reason, &p.PausedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
