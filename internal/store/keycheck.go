package store

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"uglymugs/internal/vault"
)

// A key file that is not the database's own must stop a command before it
// writes: data sealed with the wrong keys can never be read back, and
// every blind-index look-up (sign-in by username, checks, duplicates)
// silently finds nothing. The key canary is the proof: one row sealed with
// the database's encryption key, holding the blind index of a fixed text
// under each index key.

// WrongKeysError means the key file in use does not open this database.
type WrongKeysError struct{ Reason string }

func (e *WrongKeysError) Error() string {
	return "the key file does not belong to this database: " + e.Reason
}

// ErrNoKeyCanary means no key file has been checked against this database
// yet (EnsureKeys writes the canary).
var ErrNoKeyCanary = errors.New("no key check is recorded in this database yet: start it with its key file")

var canaryField = vault.Field{Table: "key_canary", Column: "sealed", RowID: "1"}

// canaryText is what the canary's blind indexes are of.
const canaryText = "uglymugs key canary"

type canary struct {
	Index map[vault.Kind][]byte `json:"index"`
}

func (db *core) sealCanary() ([]byte, error) {
	c := canary{Index: map[vault.Kind][]byte{}}
	for _, k := range vault.Kinds {
		c.Index[k] = db.vault.Index(k, canaryText)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return db.vault.Seal(canaryField, b)
}

// openCanary checks a sealed canary against the vault. stale says it
// should be sealed again: with an older key than the active one, or
// lacking an index kind added since.
func (db *core) openCanary(sealed []byte) (stale bool, err error) {
	pt, err := db.vault.Open(canaryField, sealed)
	if errors.Is(err, vault.ErrUnknownKey) {
		id, _ := vault.KeyID(sealed)
		return false, &WrongKeysError{Reason: fmt.Sprintf("this database's data is encrypted with key %s, which the key file does not hold", id)}
	}
	if err != nil {
		return false, &WrongKeysError{Reason: "its keys do not open this database's data"}
	}
	var c canary
	if err := json.Unmarshal(pt, &c); err != nil {
		return false, fmt.Errorf("read the key canary: %w", err)
	}
	for _, k := range vault.Kinds {
		want, ok := c.Index[k]
		if !ok {
			stale = true
			continue
		}
		if !hmac.Equal(want, db.vault.Index(k, canaryText)) {
			return false, &WrongKeysError{Reason: fmt.Sprintf("its blind-index key for %s is not the one this database was indexed with", k)}
		}
	}
	id, _ := vault.KeyID(sealed)
	return stale || id != db.vault.ActiveKeyID(), nil
}

// CheckKeys proves, without writing, that the vault opens this database
// (for /healthz and read-only commands): ErrNoKeyCanary if none has been
// recorded, a *WrongKeysError if it does not.
func (d *DB) CheckKeys(ctx context.Context) error {
	db := d.db

	if db.vault == nil {
		return errNoVault
	}
	var sealed []byte
	err := db.read.QueryRowContext(ctx, `SELECT sealed FROM key_canary WHERE id = 1`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoKeyCanary
	}
	if err != nil {
		return fmt.Errorf("read the key canary: %w", err)
	}
	_, err = db.openCanary(sealed)
	return err
}

// EnsureKeys proves that the vault opens this database, recording the
// proof the first time. A database without a canary (new, or from before
// it existed) is first checked against the data it holds: its oldest
// users' usernames must open and match their blind index. Every command
// that writes with a key file calls it before anything else, so a wrong
// key file writes nothing.
func (d *DB) EnsureKeys(ctx context.Context) error {
	db := d.db

	if db.vault == nil {
		return errNoVault
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		err := tx.QueryRowContext(ctx, `SELECT sealed FROM key_canary WHERE id = 1`).Scan(&sealed)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read the key canary: %w", err)
		}
		if err == nil {
			stale, err := db.openCanary(sealed)
			if err != nil || !stale {
				return err
			}
			fresh, err := db.sealCanary()
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE key_canary SET sealed = $1, recorded_at = $2 WHERE id = 1`, fresh, db.now().UTC())
			return err
		}
		if err := db.checkKeysAgainstUsers(ctx, tx); err != nil {
			return err
		}
		fresh, err := db.sealCanary()
		if err != nil {
			return err
		}
		// Another instance starting at the same moment may have written
		// one first (PostgreSQL): then it is read back and checked.
		if _, err := tx.ExecContext(ctx, `INSERT INTO key_canary (id, sealed, recorded_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
			fresh, db.now().UTC()); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT sealed FROM key_canary WHERE id = 1`).Scan(&sealed); err != nil {
			return fmt.Errorf("read the key canary: %w", err)
		}
		_, err = db.openCanary(sealed)
		return err
	})
}

// checkKeysAgainstUsers opens the usernames of the first few users: in a
// database that has any data, there are users.
func (db *core) checkKeysAgainstUsers(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, username_idx, username_ct FROM users ORDER BY created_at, id LIMIT 3`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var idx, ct []byte
		if err := rows.Scan(&id, &idx, &ct); err != nil {
			return err
		}
		name, err := db.open("users", "username", id, ct)
		if errors.Is(err, vault.ErrUnknownKey) {
			kid, _ := vault.KeyID(ct)
			return &WrongKeysError{Reason: fmt.Sprintf("this database's data is encrypted with key %s, which the key file does not hold", kid)}
		}
		if err != nil {
			return &WrongKeysError{Reason: "its keys do not open this database's data"}
		}
		if !hmac.Equal(idx, db.vault.Index(vault.KindUsername, name)) {
			return &WrongKeysError{Reason: "its blind-index key for usernames is not the one this database was indexed with"}
		}
	}
	return rows.Err()
}

// One damaged ciphertext (a flipped bit on disk, a bad restore) must cost
// that one value, not every page that lists it. Every decryption goes
// through DB.open, which reports a value that does not open to the
// OnUnreadable hook (serve counts and logs it, ids only); list reads then
// mark the item unreadable and go on with the rest, while a page about that
// one object still fails. ScanUnreadable finds them all (uglymugs
// check-data).

// OnUnreadable sets what happens when a read meets an unreadable value
// (the web server counts it and logs it).
func (d *DB) OnUnreadable(fn func(vault.Field)) {
	db := d.db
	db.onUnreadable.Store(&fn)
}

// unreadable reports whether err means the value does not open (damaged,
// moved, or sealed with a key not in the key file).
func unreadable(err error) bool { return errors.Is(err, vault.ErrDecrypt) }

func (db *core) reportUnreadable(table, column, id string) {
	if fn := db.onUnreadable.Load(); fn != nil && *fn != nil {
		(*fn)(vault.Field{Table: table, Column: column, RowID: id})
	}
}

// sealedColumn is one encrypted column: the field name bound into its
// ciphertexts (vault.Field.Column) and the SQL giving the row id bound.
type sealedColumn struct {
	table, column, field, rowID string
}

// sealedColumns is every encrypted column in the schema (a test checks
// that none is missing).
var sealedColumns = []sealedColumn{
	{"users", "username_ct", "username", "id"},
	{"users", "totp_secret_ct", "totp_secret", "id"},
	{"organisations", "name_ct", "name", "id"},
	{"organisations", "website_ct", "website", "id"},
	{"organisations", "email_ct", "email", "id"},
	{"organisations", "key_contact_ct", "key_contact", "id"},
	{"organisations", "description_ct", "description", "id"},
	{"profiles", "work_name_ct", "work_name", "user_id"},
	{"profiles", "real_name_ct", "real_name", "user_id"},
	{"profiles", "email_ct", "email", "user_id"},
	{"profiles", "mobile_ct", "mobile", "user_id"},
	{"profiles", "area_ct", "area", "user_id"},
	{"member_keys", "key_ct", "key", "user_id"},
	{"push_subscriptions", "endpoint_ct", "endpoint", "id"},
	{"push_subscriptions", "keys_ct", "keys", "id"},
	{"push_subscriptions", "label_ct", "label", "id"},
	{"applications", "reason_ct", "reason", "id"},
	{"applications", "question_ct", "question", "id"},
	{"applications", "answer_ct", "answer", "id"},
	{"revocations", "reason_ct", "reason", "user_id"},
	{"data_exports", "purpose_ct", "purpose", "id"},
	{"notifications", "to_ct", "to", "id"},
	{"notifications", "params_ct", "params", "id"},
	{"reports", "original_ct", "original", "id"},
	{"reports", "working_ct", "working", "id"},
	{"reports", "reason_ct", "reason", "id"},
	{"offender_identifiers", "value_ct", "value", "id"},
	{"report_events", "body_ct", "body", "id"},
	{"case_tasks", "title_ct", "title", "id"},
	{"report_messages", "body_ct", "body", "id"},
	{"report_drafts", "data_ct", "data", "id"},
	{"police_help_requests", "note_ct", "note", "id"},
	{"police_help_requests", "crime_ref_ct", "crime_ref", "id"},
	{"service_referrals", "note_ct", "note", "id"},
	{"alerts", "content_ct", "content", "id"},
	{"alerts", "flags_ct", "flags", "id"},
	{"alerts", "override_ct", "override", "id"},
	{"alerts", "notice_ct", "notice", "id"},
	{"alert_versions", "content_ct", "content", "alert_id || '/' || CAST(version AS TEXT)"},
	{"alert_additions", "body_ct", "body", "id"},
	{"police_exports", "purpose_ct", "purpose", "id"},
	{"police_exports", "recipient_ct", "recipient", "id"},
	{"police_enquiries", "unit_ct", "unit", "id"},
	{"police_enquiries", "reference_ct", "reference", "id"},
	{"police_enquiries", "request_ct", "request", "id"},
	{"police_enquiries", "outcome_ct", "outcome", "id"},
	{"disclosures", "what_ct", "what", "id"},
	{"disclosures", "recipient_ct", "recipient", "id"},
	{"disclosures", "justification_ct", "justification", "id"},
	{"disclosures", "no_notify_ct", "no_notify", "id"},
	{"disclosures", "decision_ct", "decision", "id"},
	{"newsletter_subscribers", "email_ct", "email", "id"},
	{"newsletter_subscribers", "token_ct", "token", "id"},
	{"key_canary", "sealed", "sealed", "CAST(id AS TEXT)"},
}

// EncryptedColumns lists every encrypted column as "table.column".
func EncryptedColumns() []string {
	out := make([]string, len(sealedColumns))
	for i, c := range sealedColumns {
		out[i] = c.table + "." + c.column
	}
	return out
}

// ScanUnreadable tries to open every encrypted value in the database and
// calls fn for each that does not open, table by table in a stable order.
// It reads one row at a time, so memory stays flat however large the
// database; it returns how many values it tried.
func (d *DB) ScanUnreadable(ctx context.Context, fn func(vault.Field) error) (int, error) {
	db := d.db

	if db.vault == nil {
		return 0, errNoVault
	}
	n := 0
	for _, c := range sealedColumns {
		// Names come from the list above, never from input.
		rows, err := db.read.QueryContext(ctx, `SELECT `+c.rowID+`, `+c.column+` FROM `+c.table+ // #nosec G202 -- constant identifiers from sealedColumns
			` WHERE `+c.column+` IS NOT NULL ORDER BY 1`)
		if err != nil {
			return n, fmt.Errorf("read %s.%s: %w", c.table, c.column, err)
		}
		err = eachRow(rows, func() error {
			var id string
			var ct []byte
			if err := rows.Scan(&id, &ct); err != nil {
				return err
			}
			if len(ct) == 0 {
				return nil
			}
			n++
			if _, err := db.openField(vault.Field{Table: c.table, Column: c.field, RowID: id}, ct); err != nil {
				if !unreadable(err) {
					return err
				}
				return fn(vault.Field{Table: c.table, Column: c.field, RowID: id})
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
