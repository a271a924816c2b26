package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// Newsletter subscribers are not members: they hold an email address
// (encrypted, with a blind index so that signing up twice is one
// subscriber) and one secret token, for the confirmation and unsubscribe
// links. Nothing else; unsubscribing deletes them.

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Subscribe takes a signup (email already normalised by the caller). A new
// address gets a confirmation email (double opt-in); one waiting for
// confirmation gets it again; a confirmed one gets a note that it is
// already subscribed, with the way out. The caller answers the same in
// every case, so the form says nothing about who subscribes.
func (area Content) Subscribe(ctx context.Context, email string, links scheme.NewsletterLinks) error {
	db := area.db

	idx, err := db.index(vault.KindEmail, email)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id, status string
		var tokenCT []byte
		err := tx.QueryRowContext(ctx, `SELECT id, status, token_ct FROM newsletter_subscribers WHERE email_idx = $1`, idx).Scan(&id, &status, &tokenCT)
		switch {
		case err == sql.ErrNoRows:
			id, status = newID(), "new"
			token := rand.Text() + rand.Text()
			emailCT, err := db.seal("newsletter_subscribers", "email", id, email)
			if err != nil {
				return err
			}
			if tokenCT, err = db.seal("newsletter_subscribers", "token", id, token); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_subscribers (id, email_idx, email_ct, token_hash, token_ct, status, created_at)
				VALUES ($1, $2, $3, $4, $5, 'pending', $6)`, id, idx, emailCT, tokenHash(token), tokenCT, db.now().UTC()); err != nil {
				return mapErr(err)
			}
		case err != nil:
			return err
		}
		token, err := db.open("newsletter_subscribers", "token", id, tokenCT)
		if err != nil {
			return err
		}
		if status == "confirmed" {
			return db.enqueueNotification(ctx, tx, "", scheme.ChannelEmail, email, outbox.TemplateNewsletterSubscribed,
				map[string]string{"url": links.Unsubscribe(token)})
		}
		return db.enqueueNotification(ctx, tx, "", scheme.ChannelEmail, email, outbox.TemplateNewsletterConfirm,
			map[string]string{"url": links.Confirm(token)})
	})
}

// SubscriptionStatus is "pending" or "confirmed" for a token, or
// scheme.ErrNotFound.
func (area Content) SubscriptionStatus(ctx context.Context, token string) (string, error) {
	db := area.db

	var status string
	err := db.read.QueryRowContext(ctx, `SELECT status FROM newsletter_subscribers WHERE token_hash = $1`, tokenHash(token)).Scan(&status)
	return status, mapErr(err)
}

// ConfirmSubscription confirms the subscriber whose token this is.
func (area Content) ConfirmSubscription(ctx context.Context, token string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE newsletter_subscribers SET status = 'confirmed', confirmed_at = COALESCE(confirmed_at, $1)
			WHERE token_hash = $2`, db.now().UTC(), tokenHash(token))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return scheme.ErrNotFound
		}
		return nil
	})
}

// Unsubscribe deletes the subscriber whose token this is, and with them
// their address. (An issue already queued to them still goes: its queued
// copy holds the address until it is sent, then erases it.)
func (area Content) Unsubscribe(ctx context.Context, token string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT id FROM newsletter_subscribers WHERE token_hash = $1`, tokenHash(token)).Scan(&id); err != nil {
			return mapErr(err)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM newsletter_subscribers WHERE id = $1`, id)
		return err
	})
}

// NewsletterCounts counts subscribers by status.
func (area Content) NewsletterCounts(ctx context.Context) (confirmed, pending int, err error) {
	db := area.db

	err = db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END), 0) FROM newsletter_subscribers`).Scan(&confirmed, &pending)
	return confirmed, pending, err
}

// SendIssue writes an issue and sends it, in one transaction, to every
// confirmed subscriber: one queued email each, with its own unsubscribe
// link, through the durable sending job at a lower priority than members'
// messages (the sender paces them with the newsletter's rate limit).
// content.Service.SendIssue checks the subject and body first.
func (area Content) SendIssue(ctx context.Context, actor, subject, body string, unsubscribe func(token string) string) (scheme.Issue, error) {
	db := area.db

	subject, body = strings.TrimSpace(subject), strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	is := scheme.Issue{ID: newID(), Subject: subject, Body: body, Status: "sent", CreatedBy: actor, SentBy: actor, CreatedAt: db.now().UTC()}
	is.SentAt = is.CreatedAt
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		type sub struct {
			id           string
			email, token []byte
		}
		subs, err := queryRows(ctx, tx, func(rows rowScanner) (s sub, err error) {
			err = rows.Scan(&s.id, &s.email, &s.token)
			return s, err
		}, `SELECT id, email_ct, token_ct FROM newsletter_subscribers WHERE status = 'confirmed' ORDER BY id`)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO newsletter_issues (id, subject, body, status, created_by, created_at, sent_by, sent_at, recipients)
			VALUES ($1, $2, $3, 'sent', $4, $5, $4, $5, $6)`, is.ID, subject, body, actor, is.CreatedAt, len(subs)); err != nil {
			return err
		}
		for _, s := range subs {
			email, err := db.open("newsletter_subscribers", "email", s.id, s.email)
			if err != nil {
				return err
			}
			token, err := db.open("newsletter_subscribers", "token", s.id, s.token)
			if err != nil {
				return err
			}
			if err := db.queueNotification(ctx, tx, "", scheme.ChannelEmail, email, outbox.TemplateNewsletterIssue,
				map[string]string{"subject": subject, "body": body, "url": unsubscribe(token)}, is.ID); err != nil {
				return err
			}
		}
		is.Recipients = len(subs)
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "newsletter.send", SubjectType: "newsletter_issue", SubjectID: is.ID,
			Detail: fmt.Sprintf(`{"recipients":%d}`, len(subs))})
	})
	return is, err
}

// Issues lists the newsletter issues, newest first, with their deliveries
// counted by status.
func (area Content) Issues(ctx context.Context) ([]scheme.Issue, error) {
	db := area.db

	out, err := queryRows(ctx, db.read, func(rows rowScanner) (is scheme.Issue, err error) {
		var sent sql.NullTime
		if err := rows.Scan(&is.ID, &is.Subject, &is.Body, &is.Status, &is.CreatedBy, &is.CreatedAt, &sent, &is.Recipients); err != nil {
			return is, err
		}
		is.SentAt, is.Deliveries = sent.Time, map[string]int{}
		return is, nil
	}, `SELECT id, subject, body, status, created_by, created_at, sent_at, recipients
		FROM newsletter_issues ORDER BY created_at DESC, id LIMIT 100`)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	// Every issue's deliveries in one query.
	at := map[string]int{}
	for i, is := range out {
		at[is.ID] = i
	}
	counts, err := db.read.QueryContext(ctx, `SELECT batch, status, COUNT(*) FROM notifications
		WHERE batch IN (SELECT id FROM newsletter_issues ORDER BY created_at DESC, id LIMIT 100) GROUP BY batch, status`)
	if err != nil {
		return nil, err
	}
	err = eachRow(counts, func() error {
		var batch, st string
		var n int
		if err := counts.Scan(&batch, &st, &n); err != nil {
			return err
		}
		if i, ok := at[batch]; ok {
			out[i].Deliveries[st] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
