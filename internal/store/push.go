package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Push holds members' push subscriptions (their browsers and installed
// apps that turned push on) and their discreet-mode choice. A
// subscription's endpoint, keys and label are sealed; a browser is found
// again by its endpoint's SHA-256 (an endpoint is a capability URL: the
// hash tells nothing to whoever does not already hold it).
type Push struct{ db *core }

// PushSubscription is a browser's subscription as the member's client
// sends it, already validated (push.Service).
type PushSubscription struct {
	Endpoint string
	Keys     outbox.PushKeys
	Label    string
}

func endpointHash(endpoint string) string {
	h := sha256.Sum256([]byte(endpoint))
	return hex.EncodeToString(h[:])
}

// Subscribe stores userID's subscription and returns its id. The same
// browser subscribing again keeps its id (its keys are replaced); a browser
// another member had subscribed becomes this member's (one browser, one
// person: the other member's alerts must not show on it any more).
func (area Push) Subscribe(ctx context.Context, userID string, s PushSubscription) (id string, err error) {
	db := area.db

	err = db.inTx(ctx, func(tx *sql.Tx) error {
		hash := endpointHash(s.Endpoint)
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT id, user_id FROM push_subscriptions WHERE endpoint_hash = $1`, hash).Scan(&id, &owner)
		switch {
		case err == sql.ErrNoRows:
			id = ""
		case err != nil:
			return err
		case owner != userID:
			if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = $1`, id); err != nil {
				return err
			}
			id = ""
		}
		action := "push.renew"
		if id == "" {
			id, action = newID(), "push.subscribe"
		}
		sl := db.sealerOf(ctx, tx, "push_subscriptions", id, userID)
		kj, err := json.Marshal(s.Keys)
		endpoint, label, keys := sl.seal("endpoint", s.Endpoint), sl.seal("label", s.Label), sl.seal("keys", string(kj))
		if err = firstErr(err, sl.err); err != nil {
			return err
		}
		if action == "push.renew" {
			_, err = tx.ExecContext(ctx, `UPDATE push_subscriptions SET endpoint_ct = $1, keys_ct = $2, label_ct = $3 WHERE id = $4`,
				endpoint, keys, label, id)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO push_subscriptions (id, user_id, endpoint_hash, endpoint_ct, keys_ct, label_ct, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, userID, hash, endpoint, keys, label, db.now().UTC())
		}
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: action, SubjectType: "push_subscription", SubjectID: id})
	})
	return id, err
}

// Devices lists userID's subscriptions, newest first.
func (area Push) Devices(ctx context.Context, userID string) ([]scheme.PushDevice, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (d scheme.PushDevice, err error) {
		var label []byte
		var last sql.NullTime
		if err := rows.Scan(&d.ID, &label, &d.CreatedAt, &last); err != nil {
			return d, err
		}
		if last.Valid {
			t := last.Time
			d.LastSentAt = &t
		}
		d.Label, err = db.open("push_subscriptions", "label", d.ID, label)
		return d, err
	}, `SELECT id, label_ct, created_at, last_sent_at FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
}

// Unsubscribe removes one of userID's subscriptions: not found for
// another member's. Its queued deliveries are cancelled by the sender,
// which finds the subscription gone.
func (area Push) Unsubscribe(ctx context.Context, userID, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return scheme.ErrNotFound
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "push.unsubscribe", SubjectType: "push_subscription", SubjectID: id})
	})
}

// Gone removes a subscription its push service says no longer exists (404
// or 410): the browser unsubscribed, or the member cleared its data.
func (area Push) Gone(ctx context.Context, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: "push.gone", SubjectType: "push_subscription", SubjectID: id})
	})
}

// Discreet reports whether userID chose discreet mode.
func (area Push) Discreet(ctx context.Context, userID string) (bool, error) {
	db := area.db

	var on bool
	err := db.read.QueryRowContext(ctx, `SELECT discreet FROM profiles WHERE user_id = $1`, userID).Scan(&on)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return on, err
}

// SetDiscreet records userID's discreet-mode choice.
func (area Push) SetDiscreet(ctx context.Context, userID string, on bool) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE profiles SET discreet = $1 WHERE user_id = $2 AND discreet <> $1`, on, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		action := "profile.discreet_off"
		if on {
			action = "profile.discreet_on"
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: action, SubjectType: "user", SubjectID: userID})
	})
}

func stringsToAny(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// PushGone is Push.Gone for the senders (notify.AlertSource).
func (area Deliveries) PushGone(ctx context.Context, device string) error {
	return area.db.top.Push.Gone(ctx, device)
}

// VAPID returns the key file's Web Push key pair (vault.VAPID).
func (db *DB) VAPID() (public, private string, ok bool) {
	if db.db.vault == nil {
		return "", "", false
	}
	return db.db.vault.VAPID()
}

// SeedPushSubscriptions gives up to n members of region a device each with
// push on (benchmarks only), as sub makes them, sealed as in real use, in
// large transactions. It returns how many it made.
func (d *DB) SeedPushSubscriptions(ctx context.Context, region string, n int, sub func() PushSubscription) (int, error) {
	db := d.db

	ids, err := queryStrings(ctx, db.read, `SELECT u.id FROM users u JOIN profile_regions r ON r.user_id = u.id
		WHERE r.region = $1 AND u.status = 'active' ORDER BY u.id LIMIT $2`, region, n)
	if err != nil {
		return 0, err
	}
	for done := 0; done < len(ids); {
		size := min(SeedBatch, len(ids)-done)
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			st, err := tx.PrepareContext(ctx, `INSERT INTO push_subscriptions (id, user_id, endpoint_hash, endpoint_ct, keys_ct, label_ct, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`)
			if err != nil {
				return err
			}
			defer st.Close()
			now := db.now().UTC()
			for _, userID := range ids[done : done+size] {
				s, id := sub(), newID()
				sl := db.sealerOf(ctx, tx, "push_subscriptions", id, userID)
				kj, err := json.Marshal(s.Keys)
				endpoint, label, keys := sl.seal("endpoint", s.Endpoint), sl.seal("label", s.Label), sl.seal("keys", string(kj))
				if err = firstErr(err, sl.err); err != nil {
					return err
				}
				if _, err := st.ExecContext(ctx, id, userID, endpointHash(s.Endpoint), endpoint, keys, label, now); err != nil {
					return fmt.Errorf("seed push subscription: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += size
	}
	return len(ids), nil
}
