package store

import (
	"context"
	"database/sql"
	"encoding/json"

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
