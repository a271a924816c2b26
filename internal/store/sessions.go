package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// SessionTTL is how long a session lives: Idle after the last use, Absolute
// after sign-in, whichever comes first.
type SessionTTL struct{ Idle, Absolute time.Duration }

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// CreateSession starts a session and returns its token (256 random bits);
// only the token's hash is stored.
func (area Sessions) CreateSession(ctx context.Context, userID string, kind scheme.SessionKind, ttl SessionTTL) (token string, expires time.Time, err error) {
	db := area.db

	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // never fails
	token = base64.RawURLEncoding.EncodeToString(b)
	now := db.now().UTC()
	expires = now.Add(ttl.Absolute)
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $4, $5)`, hashToken(token), userID, string(kind), now, expires)
		return err
	})
	return token, expires, err
}

// touchEvery limits last-seen writes to one a minute per session.
const touchEvery = time.Minute

// SessionUser returns the user of a live session of the given kind, and
// keeps it alive. An unknown, expired or idle session, or a user who is no
// longer active, is unauthenticated (and an expired session is deleted).
func (area Sessions) SessionUser(ctx context.Context, token string, kind scheme.SessionKind, ttl SessionTTL) (scheme.User, error) {
	db := area.db

	unauth := scheme.Errorf(scheme.CodeUnauthenticated, "Please sign in.")
	if token == "" {
		return scheme.User{}, unauth
	}
	h := hashToken(token)
	var u scheme.User
	var role string
	var nameCT []byte
	var lastSeen, expires time.Time
	var orgID sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT u.id, u.username_ct, u.role, u.status, u.created_at, u.organisation_id, u.totp_enabled, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.kind = $2`, h, string(kind)).
		Scan(&u.ID, &nameCT, &role, &u.Status, &u.CreatedAt, &orgID, &u.SecondFactor, &lastSeen, &expires)
	if err != nil {
		if scheme.ErrorCode(mapErr(err)) == scheme.CodeNotFound {
			return u, unauth
		}
		return u, err
	}
	now := db.now().UTC()
	if now.After(expires) || now.Sub(lastSeen) > ttl.Idle {
		_ = db.inTx(ctx, func(tx *sql.Tx) error { // best effort; it is dead either way
			_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h)
			return err
		})
		return u, unauth
	}
	if u.Status != scheme.StatusActive && u.Status != scheme.StatusApplicant && u.Status != scheme.StatusRejected {
		return u, unauth
	}
	if now.Sub(lastSeen) > touchEvery {
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, now, h)
			return err
		}); err != nil {
			return u, err
		}
	}
	u.Role, u.OrganisationID = scheme.Role(role), orgID.String
	u.Username, err = db.open("users", "username", u.ID, nameCT)
	return u, err
}

// DeleteSession ends one session (sign-out).
func (area Sessions) DeleteSession(ctx context.Context, token string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token))
		return err
	})
}

func deleteUserSessions(ctx context.Context, tx *sql.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// Login is what signing in needs to know about a user.
type Login struct {
	User         scheme.User
	PasswordHash string
	TOTPEnabled  bool
	TOTPSecret   string
}

// LoginByUsername finds a user for signing in; not found is CodeNotFound.
func (area Sessions) LoginByUsername(ctx context.Context, username string) (Login, error) {
	db := area.db

	idx, err := db.index(vault.KindUsername, username)
	if err != nil {
		return Login{}, err
	}
	return db.loginWhere(ctx, `username_idx = $1`, idx)
}

// LoginByID is LoginByUsername by user id.
func (area Sessions) LoginByID(ctx context.Context, id string) (Login, error) {
	db := area.db

	return db.loginWhere(ctx, `id = $1`, id)
}

func (db *core) loginWhere(ctx context.Context, where string, arg any) (Login, error) {
	var l Login
	var role string
	var nameCT, totpCT []byte
	var orgID sql.NullString
	err := db.read.QueryRowContext(ctx, `SELECT id, username_ct, role, status, created_at, organisation_id, password_hash, totp_enabled, totp_secret_ct
		FROM users WHERE `+where, arg).Scan(&l.User.ID, &nameCT, &role, &l.User.Status, &l.User.CreatedAt, &orgID, &l.PasswordHash, &l.TOTPEnabled, &totpCT)
	if err != nil {
		return l, mapErr(err)
	}
	l.User.Role, l.User.OrganisationID, l.User.SecondFactor = scheme.Role(role), orgID.String, l.TOTPEnabled
	o := &opener{db: db, table: "users", id: l.User.ID}
	l.User.Username, l.TOTPSecret = o.open("username", nameCT), o.open("totp_secret", totpCT)
	return l, o.err
}

// LoginSucceeded records the sign-in.
func (area Sessions) LoginSucceeded(ctx context.Context, userID string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "user.signin", SubjectType: "user", SubjectID: userID})
	})
}
