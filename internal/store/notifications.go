package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/riverqueue/river"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// preferredChannel picks how to reach someone about their account: email if
// they gave one and either chose email alerts or gave no mobile, else SMS.
func preferredChannel(p scheme.Profile) (scheme.Channel, string) {
	switch {
	case p.Email != "" && (p.AlertEmail || p.Mobile == ""):
		return scheme.ChannelEmail, p.Email
	case p.Mobile != "":
		return scheme.ChannelSMS, p.Mobile
	case p.Email != "":
		return scheme.ChannelEmail, p.Email
	}
	return "", ""
}

// notifyUser queues a message to a user by their preferred channel, in tx:
// it is sent only if tx commits. Someone with no contact details (an
// organisation's staff, say) is simply not messaged.
func (db *core) notifyUser(ctx context.Context, tx *sql.Tx, userID string, p scheme.Profile, template string, params map[string]string) error {
	ch, to := preferredChannel(p)
	if ch == "" {
		return nil
	}
	return db.enqueueNotification(ctx, tx, userID, ch, to, template, params)
}

// enqueueNotification stores the message (address encrypted, params free of
// personal data) and the job that sends it. userID may be empty for a
// message that must outlive its user (the goodbye after leaving).
func (db *core) enqueueNotification(ctx context.Context, tx *sql.Tx, userID string, ch scheme.Channel, to, template string, params map[string]string) error {
	return db.queueNotification(ctx, tx, userID, ch, to, template, params, "", "")
}

// queueNotification stores a message, its address and parameters
// encrypted, with its sending job. One of a batch (a newsletter issue) is
// sent at a low priority and paced, so that members' own messages go
// first. lang is the language of a message to someone without an
// account; a member's is her profile's when it is sent.
func (db *core) queueNotification(ctx context.Context, tx *sql.Tx, userID string, ch scheme.Channel, to, template string, params map[string]string, batch, lang string) error {
	id := newID()
	pj, err := json.Marshal(params)
	if err != nil {
		return err
	}
	// A member's address and message go with her key.
	s := db.sealerOf(ctx, tx, "notifications", id, userID)
	toCT, paramsCT := s.seal("to", to), s.seal("params", string(pj))
	if s.err != nil {
		return s.err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, user_id, channel, to_ct, template, params_ct, status, created_at, batch, language)
		VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9)`, id, nullable(userID), string(ch), toCT, template, paramsCT, db.now().UTC(), nullable(batch), lang); err != nil {
		return err
	}
	var opts *river.InsertOpts
	if batch != "" {
		opts = &river.InsertOpts{Priority: 4}
	}
	return db.top.EnqueueTx(ctx, tx, outbox.SendArgs{ID: id}, opts)
}

// Notification returns a message with its address decrypted, for sending,
// in the language its recipient reads now: a member's profile's, else the
// one it was queued in (a newsletter subscriber's page's), else English.
func (area Deliveries) Notification(ctx context.Context, id string) (scheme.Notification, error) {
	db := area.db

	var n scheme.Notification
	var ch string
	var toCT, paramsCT []byte
	var sentAt sql.NullTime
	var batch sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT n.id, n.channel, n.to_ct, n.template, n.params_ct, n.status, n.attempts, n.created_at, n.sent_at, n.batch, n.error,
		COALESCE(NULLIF(u.language, ''), n.language) FROM notifications n LEFT JOIN users u ON u.id = n.user_id WHERE n.id = $1`, id).
		Scan(&n.ID, &ch, &toCT, &n.Template, &paramsCT, &n.Status, &n.Attempts, &n.CreatedAt, &sentAt, &batch, &n.Error, &n.Language)
	if err != nil {
		return n, mapErr(err)
	}
	n.Channel, n.SentAt, n.Batch = scheme.Channel(ch), sentAt.Time, batch.String
	if len(toCT) == 0 {
		return n, nil // sent: address and parameters erased
	}
	o := &opener{db: db, table: "notifications", id: id}
	n.To = o.open("to", toCT)
	params := o.open("params", paramsCT)
	if o.err != nil {
		return n, o.err
	}
	return n, json.Unmarshal([]byte(params), &n.Params)
}

// MarkNotification records a send attempt, and why it did not send (a
// reason code, never an address or text; "" once sent). Once sent, the
// address and parameters are erased: a delivered message needs neither.
// A failed one keeps them, so that an admin can read it in the outbox.
func (area Deliveries) MarkNotification(ctx context.Context, id, status string, attempts int, reason string) error {
	db := area.db

	if len(reason) > 200 {
		reason = reason[:200]
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		q := `UPDATE notifications SET status = $1, attempts = $2, error = $3 WHERE id = $4`
		args := []any{status, attempts, reason, id}
		if status == "sent" {
			q = `UPDATE notifications SET status = $1, attempts = $2, sent_at = $3, to_ct = $4, params_ct = $4, error = '' WHERE id = $5`
			args = []any{status, attempts, db.now().UTC(), []byte{}, id}
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	})
}

// Outbox lists, for an admin to read, the messages that failed for good
// (each with its reason; nobody else will see them, and one may be a
// plea for help from the contact form) and those held because no email or
// SMS provider is set up (the demo): page p of them, the failed first,
// each part newest first.
func (area Deliveries) Outbox(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Notification], error) {
	db := area.db

	ids, err := listPage(ctx, db, p, func(rows rowScanner) (id string, err error) {
		err = rows.Scan(&id)
		return id, err
	}, `SELECT id FROM notifications WHERE status IN ('outbox', 'failed')`,
		`CASE status WHEN 'failed' THEN 0 ELSE 1 END, created_at DESC, id`)
	if err != nil {
		return scheme.Listed[scheme.Notification]{}, err
	}
	out := scheme.Listed[scheme.Notification]{Items: make([]scheme.Notification, 0, len(ids.Items)), Total: ids.Total}
	for _, id := range ids.Items {
		n, err := db.top.Deliveries.Notification(ctx, id)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, n)
	}
	return out, nil
}

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
func (area Deliveries) FanOutAlert(ctx context.Context, alertID string, batch int) (done bool, err error) {
	db := area.db

	return db.top.Deliveries.FanOutPart(ctx, alertID, 0, 1, batch)
}

// fanOutParts is how many parts an alert's fan-out is split into: on
// SQLite one (its single writer would only make parts take turns), on
// PostgreSQL four, worked at once by whichever workers are free.
func (db *core) fanOutParts() int {
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
func (area Deliveries) SetFanOutParts(n int) {
	db := area.db
	db.parts = n
}

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
func (area Deliveries) FanOutPart(ctx context.Context, alertID string, part, parts, batch int) (done bool, err error) {
	db := area.db

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
		var urgent bool
		if err := tx.QueryRowContext(ctx, `SELECT status, fanout_cursor, fanout_done_at, urgent FROM alerts WHERE id = $1`+share, alertID).
			Scan(&status, &legacy, &doneAt, &urgent); err != nil {
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
		// the targeting was applied once, above. An urgent alert's carry
		// its mark, so that the senders take them first.
		for _, c := range []struct{ channel, wants string }{{"email", wantsEmail}, {"sms", wantsSMS}} {
			// #nosec G202 -- constant fragments and column names chosen in code, and $n placeholders; values are arguments
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, status, attempts, next_attempt_at, updated_at, urgent)
				SELECT r.alert_id, r.user_id, $5, 'queued', 0, $4, $4, $6 FROM alert_recipients r JOIN profiles p ON p.user_id = r.user_id
				WHERE r.alert_id = $1 AND r.via = 'alert' AND r.user_id`+from+` AND r.user_id <= $3`+c.wants+` ON CONFLICT DO NOTHING`,
				alertID, after, last.String, now, c.channel, urgent); err != nil {
				return fmt.Errorf("fan-out %s: %w", c.channel, err)
			}
		}
		// Push goes to each of their devices.
		// #nosec G202 -- constant fragments and $n placeholders
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, device, status, attempts, next_attempt_at, updated_at, urgent)
			SELECT r.alert_id, r.user_id, 'push', s.id, 'queued', 0, $4, $4, $5 FROM alert_recipients r JOIN push_subscriptions s ON s.user_id = r.user_id
			WHERE r.alert_id = $1 AND r.via = 'alert' AND r.user_id`+from+` AND r.user_id <= $3 ON CONFLICT DO NOTHING`,
			alertID, after, last.String, now, urgent); err != nil {
			return fmt.Errorf("fan-out push: %w", err)
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
func (db *core) finishFanOut(ctx context.Context, alertID string, parts int) error {
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
		channels, err := queryStrings(ctx, tx, `SELECT DISTINCT channel FROM alert_deliveries WHERE alert_id = $1 AND status = 'queued' ORDER BY channel`, alertID)
		if err != nil {
			return err
		}
		return db.startDeliveries(ctx, tx, outbox.StartOrder(channels)...)
	})
}

func nonEmpty(s string) []any {
	if s == "" {
		return nil
	}
	return []any{s}
}
