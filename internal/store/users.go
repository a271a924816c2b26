package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// newID returns a random 128-bit id in base32: ids carry no order and no
// count, and cannot be guessed.
func newID() string { return rand.Text() }

var errNoVault = errors.New("store: this command was started without a key file")

func (db *core) seal(table, column, id, plaintext string) ([]byte, error) {
	if db.vault == nil {
		return nil, errNoVault
	}
	return db.vault.SealString(vault.Field{Table: table, Column: column, RowID: id}, plaintext)
}

// open decrypts one field. A value that does not open is reported
// (OnUnreadable) and its error matches vault.ErrDecrypt, so that list
// reads can mark it and go on.
func (db *core) open(table, column, id string, ciphertext []byte) (string, error) {
	if db.vault == nil {
		return "", errNoVault
	}
	s, err := db.vault.OpenString(vault.Field{Table: table, Column: column, RowID: id}, ciphertext)
	if unreadable(err) {
		db.reportUnreadable(table, column, id)
		return "", fmt.Errorf("%s.%s of %s: %w", table, column, id, err)
	}
	return s, err
}

func (db *core) index(k vault.Kind, normalised string) ([]byte, error) {
	if db.vault == nil {
		return nil, errNoVault
	}
	return db.vault.Index(k, normalised), nil
}

// NewUser is what creating a sign-in needs. PasswordHash is already hashed;
// TOTPSecret may be empty.
type NewUser struct {
	Username     string
	Role         scheme.Role
	PasswordHash string
	TOTPSecret   string
}

// CreateUser adds a user and records who did it. A taken username is a
// conflict.
func (area Accounts) CreateUser(ctx context.Context, actor string, nu NewUser) (scheme.User, error) {
	db := area.db

	if p := scheme.UsernameProblem(nu.Username); p != "" {
		return scheme.User{}, scheme.Invalid(map[string]string{"username": p})
	}
	u := scheme.User{ID: newID(), Username: nu.Username, Role: nu.Role, Status: "active", CreatedAt: db.now().UTC()}
	idx, err := db.index(vault.KindUsername, nu.Username)
	if err != nil {
		return u, err
	}
	s := &sealer{db: db, table: "users", id: u.ID}
	nameCT, totpCT := s.seal("username", nu.Username), s.seal("totp_secret", nu.TOTPSecret)
	if s.err != nil {
		return u, s.err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username_idx, username_ct, role, status, password_hash, totp_secret_ct, totp_enabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			u.ID, idx, nameCT, string(u.Role), u.Status, nu.PasswordHash, totpCT, nu.TOTPSecret != "", u.CreatedAt)
		if err != nil {
			if scheme.ErrorCode(mapErr(err)) == scheme.CodeConflict {
				return &scheme.Error{Code: scheme.CodeConflict, Message: "That username is taken.", Fields: map[string]string{"username": "That username is taken. Try another."}}
			}
			return fmt.Errorf("insert user: %w", err)
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.create", SubjectType: "user", SubjectID: u.ID,
			Detail: fmt.Sprintf(`{"role":%q}`, u.Role)})
	})
	return u, err
}

// UserByUsername finds a user by exact (case-sensitive) username.
func (area Accounts) UserByUsername(ctx context.Context, username string) (scheme.User, error) {
	db := area.db

	idx, err := db.index(vault.KindUsername, username)
	if err != nil {
		return scheme.User{}, err
	}
	var u scheme.User
	var role string
	var nameCT []byte
	err = db.read.QueryRowContext(ctx, `SELECT id, username_ct, role, status, created_at FROM users WHERE username_idx = $1`, idx).
		Scan(&u.ID, &nameCT, &role, &u.Status, &u.CreatedAt)
	if err != nil {
		return u, mapErr(err)
	}
	u.Role = scheme.Role(role)
	u.Username, err = db.open("users", "username", u.ID, nameCT)
	return u, err
}
