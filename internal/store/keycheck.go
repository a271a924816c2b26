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
