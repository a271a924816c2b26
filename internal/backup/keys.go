package backup

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"filippo.io/age"
)

// memberKey is one line of a keys file: a member's wrapped data key, as
// member_keys holds it (sealed under the vault's key, bound to her id).
type memberKey struct {
	UserID  string    `json:"user_id"`
	Key     []byte    `json:"key"`
	Created time.Time `json:"created_at"`
}

// takeKeys moves the member keys out of the snapshot at path: writes them,
// encrypted to to, one JSON line each, to w, then empties the table and
// rewrites the file so that no page of it keeps them.
func takeKeys(ctx context.Context, path string, w io.Writer, to []age.Recipient) (n int, err error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=secure_delete(1)")
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	db.SetMaxOpenConns(1)
	enc, err := age.Encrypt(w, to...)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT user_id, key_ct, created_at FROM member_keys ORDER BY user_id`)
	if err != nil {
		return 0, fmt.Errorf("backup: reading member keys: %w", err)
	}
	out := json.NewEncoder(enc)
	for rows.Next() {
		var k memberKey
		if err := rows.Scan(&k.UserID, &k.Key, &k.Created); err != nil {
			return n, errors.Join(fmt.Errorf("backup: reading member keys: %w", err), rows.Close())
		}
		if err := out.Encode(k); err != nil {
			return n, errors.Join(fmt.Errorf("backup: writing member keys: %w", err), rows.Close())
		}
		n++
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return n, fmt.Errorf("backup: reading member keys: %w", err)
	}
	if err := enc.Close(); err != nil {
		return n, fmt.Errorf("backup: writing member keys: %w", err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM member_keys`); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM`); err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// RestoreKeys decrypts a keys file and puts each key whose member is in
// the restored database db back in member_keys; keys of members who are
// not in it (they joined after its backup) are skipped. A member who has
// left since the backup was taken has no key in a newer keys file: her
// values stay unopenable.
func RestoreKeys(ctx context.Context, db *sql.DB, r io.Reader, ids ...age.Identity) (restored, skipped int, err error) {
	dec, err := age.Decrypt(r, ids...)
	if err != nil {
		return 0, 0, fmt.Errorf("restore: cannot decrypt the keys file with that key: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("restore: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after commit
	in := json.NewDecoder(bufio.NewReader(dec))
	for {
		var k memberKey
		if err := in.Decode(&k); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return restored, skipped, fmt.Errorf("restore: reading the keys file: %w", err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO member_keys (user_id, key_ct, created_at)
			SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1) ON CONFLICT (user_id) DO NOTHING`, k.UserID, k.Key, k.Created)
		if err != nil {
			return restored, skipped, fmt.Errorf("restore: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			restored++
		} else {
			skipped++
		}
	}
	return restored, skipped, tx.Commit()
}
