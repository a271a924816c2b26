// Package backup writes and reads encrypted backups of the SQLite
// database. A backup is a consistent copy of the database file taken
// while the service runs (SQLite's VACUUM INTO), encrypted with age
// (filippo.io/age) to one or more public keys. The server holds only the
// public key: it can make backups but not read them; whoever restores
// needs the private key (kept offline) and, to read the data inside, the
// vault key file (kept apart from both).
//
// Members' data keys (table member_keys) are taken out of the copy and
// written to a file of their own, of the same moment. Data backups are
// kept as long as the scheme keeps backups; only the newest keys file is
// kept. A backup is restored with the newest keys, so a member who has
// left since it was taken is in it only as values nobody can open.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// ParseRecipients reads age public keys ("age1…"), one or more, separated
// by white space or commas.
func ParseRecipients(s string) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		r, err := age.ParseX25519Recipient(f)
		if err != nil {
			return nil, fmt.Errorf("backup: %q is not an age public key (age1…): %w", f, err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("backup: give the public key (age1…) to encrypt to")
	}
	return out, nil
}

// ReadIdentities reads age private keys from a key file as age-keygen
// writes it.
func ReadIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path) // #nosec G304 -- the operator's own identity file
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("backup: reading %s: %w", path, err)
	}
	return ids, nil
}

// SQLite writes an encrypted copy of the database db (an open SQLite
// database) to w, without members' data keys, and those keys, of the same
// moment and encrypted to the same recipients, to keys. The plain copy
// exists only for the moment it takes to encrypt it, in a directory only
// this user can read, next to tmpDir.
func SQLite(ctx context.Context, db *sql.DB, tmpDir string, w, keys io.Writer, to ...age.Recipient) (n int64, nkeys int, err error) {
	dir, err := os.MkdirTemp(tmpDir, "uglymugs-backup-")
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	snap := filepath.Join(dir, "snapshot.db")
	// A consistent copy, read in one transaction while writers go on.
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, snap); err != nil {
		return 0, 0, fmt.Errorf("backup: copying the database: %w", err)
	}
	if nkeys, err = takeKeys(ctx, snap, keys, to); err != nil {
		return 0, 0, err
	}
	f, err := os.Open(snap) // #nosec G304 -- the copy just made, in our private directory
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	enc, err := age.Encrypt(w, to...)
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	if n, err = io.Copy(enc, f); err != nil {
		return n, 0, fmt.Errorf("backup: encrypting: %w", err)
	}
	if err := enc.Close(); err != nil {
		return n, 0, fmt.Errorf("backup: encrypting: %w", err)
	}
	return n, nkeys, nil
}

// RestoreSQLite decrypts a backup into a new database file at path, which
// must not exist: a restore never overwrites a database. The file is
// written beside path and renamed into place only once whole, and is
// readable by this user only.
func RestoreSQLite(r io.Reader, path string, ids ...age.Identity) (n int64, err error) {
	if _, err := os.Stat(path); err == nil {
		return 0, fmt.Errorf("restore: %s already exists; restore into a new file and move it into place yourself", path)
	}
	dec, err := age.Decrypt(r, ids...)
	if err != nil {
		return 0, fmt.Errorf("restore: cannot decrypt the backup with that key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".restore-*.db")
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, os.Remove(tmp.Name()))
		}
	}()
	if n, err = io.Copy(tmp, dec); err != nil {
		return n, errors.Join(fmt.Errorf("restore: decrypting: %w", err), tmp.Close())
	}
	if err := tmp.Sync(); err != nil {
		return n, errors.Join(fmt.Errorf("restore: %w", err), tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return n, fmt.Errorf("restore: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil { // fails if path appeared meanwhile
		return n, fmt.Errorf("restore: %w", err)
	}
	return n, os.Remove(tmp.Name())
}
