package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
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

// sessionUserSQL reads a session's user: every signed-in request asks it.
const sessionUserSQL = `SELECT u.id, u.username_ct, u.role, u.status, u.created_at, u.organisation_id, u.totp_enabled, u.language,
	COALESCE(p.discreet, FALSE), s.last_seen_at, s.expires_at
	FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN profiles p ON p.user_id = u.id WHERE s.token_hash = $1 AND s.kind = $2`

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
	st, err := db.readStmt(ctx, sessionUserSQL)
	if err != nil {
		return u, err
	}
	err = st.QueryRowContext(ctx, h, string(kind)).
		Scan(&u.ID, &nameCT, &role, &u.Status, &u.CreatedAt, &orgID, &u.SecondFactor, &u.Language, &u.Discreet, &lastSeen, &expires)
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

// APIKeyByToken returns the key a partner presented, if it exists and is
// not revoked (else scheme.ErrNotFound): looked up by its SHA-256, so the
// key itself is never stored or compared.
func (area Sessions) APIKeyByToken(ctx context.Context, token string) (scheme.APIKey, error) {
	db := area.db

	var k scheme.APIKey
	h := sha256.Sum256([]byte(token))
	var revoked sql.NullTime
	var used sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT id, name, prefix, per_minute, per_day, revoked_at, last_used_at FROM api_keys WHERE key_hash = $1`, h[:]).
		Scan(&k.ID, &k.Name, &k.Prefix, &k.PerMinute, &k.PerDay, &revoked, &used)
	if err != nil {
		return k, mapErr(err)
	}
	if revoked.Valid {
		return scheme.APIKey{}, scheme.ErrNotFound
	}
	// Note the use, at most once a minute: not a write on every check.
	if now := db.now().UTC(); !used.Valid || now.Sub(used.Time) > time.Minute {
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, now, k.ID)
			return err
		}); err != nil {
			return scheme.APIKey{}, err
		}
	}
	return k, nil
}

// CreateAPIKey issues a partner key and returns it with the token, which is
// shown once and never stored: "umpk_" and 26 base32 characters (130
// random bits); only its SHA-256 is kept. account.Service.CreateAPIKey
// checks the name and allowances first.
func (area Sessions) CreateAPIKey(ctx context.Context, actor, name string, perMinute, perDay int) (scheme.APIKey, string, error) {
	db := area.db

	name = strings.TrimSpace(name)
	token := scheme.APIKeyPrefix + rand.Text()
	h := sha256.Sum256([]byte(token))
	k := scheme.APIKey{ID: newID(), Name: name, Prefix: token[:len(scheme.APIKeyPrefix)+4], PerMinute: perMinute, PerDay: perDay,
		CreatedBy: actor, CreatedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, prefix, key_hash, per_minute, per_day, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, k.ID, k.Name, k.Prefix, h[:], k.PerMinute, k.PerDay, actor, k.CreatedAt); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "api_key.create", SubjectType: "api_key", SubjectID: k.ID,
			Detail: fmt.Sprintf(`{"per_minute":%d,"per_day":%d}`, perMinute, perDay)})
	})
	if err != nil {
		return scheme.APIKey{}, "", err
	}
	return k, token, nil
}

// APIKeys lists partner keys, newest first.
func (area Sessions) APIKeys(ctx context.Context) ([]scheme.APIKey, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (k scheme.APIKey, err error) {
		var used, revoked sql.NullTime
		var by sql.NullString
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &k.PerMinute, &k.PerDay, &k.CreatedBy, &k.CreatedAt, &used, &revoked, &by); err != nil {
			return k, err
		}
		k.LastUsedAt, k.RevokedAt, k.RevokedBy = used.Time, revoked.Time, by.String
		return k, nil
	}, `SELECT id, name, prefix, per_minute, per_day, created_by, created_at, last_used_at, revoked_at, revoked_by
		FROM api_keys ORDER BY created_at DESC, id`)
}

// RevokeAPIKey stops a key at once: the next request with it is refused.
func (area Sessions) RevokeAPIKey(ctx context.Context, actor, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL`,
			db.now().UTC(), actor, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return scheme.ErrNotFound
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "api_key.revoke", SubjectType: "api_key", SubjectID: id})
	})
}

// ActiveMemberByMobile finds the active member (not staff) whose
// registered mobile is e164, by blind index; scheme.ErrNotFound if none,
// or if two share it (the check by SMS must not guess whose phone it is).
func (area Sessions) ActiveMemberByMobile(ctx context.Context, e164 string) (scheme.User, error) {
	db := area.db

	idx, err := db.index(vault.KindPhone, e164)
	if err != nil {
		return scheme.User{}, err
	}
	ids, err := queryStrings(ctx, db.read, `SELECT u.id FROM profiles p JOIN users u ON u.id = p.user_id
		WHERE p.mobile_idx = $1 AND u.status = 'active' AND u.role IN ('member', 'org_contact', 'org_staff') LIMIT 2`, idx)
	if err != nil {
		return scheme.User{}, err
	}
	if len(ids) != 1 {
		return scheme.User{}, scheme.ErrNotFound
	}
	l, err := db.top.Sessions.LoginByID(ctx, ids[0])
	return l.User, err
}

// Throttle reports whether one more try under key (a client address, or a
// username) is allowed: burst tries at once, then one every `every` (the
// generic cell rate algorithm, kept in the database so that every instance
// shares it). The key is stored only as a keyed hash. When refused, it
// also says how long until the next try is allowed; a refused try costs
// nothing, so hammering does not push the next allowed try further away.
func (area Sessions) Throttle(ctx context.Context, key string, every time.Duration, burst int) (ok bool, wait time.Duration, err error) {
	db := area.db

	idx, err := db.throttleIndex(key)
	if err != nil {
		return false, 0, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		ok, wait, err = db.throttleTx(ctx, tx, idx, every, burst)
		return err
	})
	if err != nil {
		return false, 0, err
	}
	db.sweepThrottles(ctx, db.now().UnixMicro())
	return ok, wait, nil
}

// Refund gives back one try that Throttle allowed under key, for a try
// that turned out to be the rightful person's (a correct password): only
// failures use up an allowance.
func (area Sessions) Refund(ctx context.Context, key string, every time.Duration) error {
	db := area.db

	idx, err := db.throttleIndex(key)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE throttles SET tat = tat - $1 WHERE key_idx = $2`, every.Microseconds(), idx)
		return err
	})
}

func (db *core) throttleIndex(key string) ([]byte, error) {
	// The index keys are per kind; a NUL cannot occur in a username, so
	// this domain never meets real usernames.
	return db.index(vault.KindUsername, "throttle\x00"+key)
}

// throttleTx is Throttle inside the caller's transaction, for a try that
// is counted together with what it does.
func (db *core) throttleTx(ctx context.Context, tx *sql.Tx, idx []byte, every time.Duration, burst int) (ok bool, wait time.Duration, err error) {
	now := db.now().UnixMicro()
	step, limit := every.Microseconds(), int64(burst)*every.Microseconds()
	if _, err := tx.ExecContext(ctx, `INSERT INTO throttles (key_idx, tat) VALUES ($1, 0) ON CONFLICT DO NOTHING`, idx); err != nil {
		return false, 0, err
	}
	lock := ""
	if db.dialect == Postgres {
		lock = ` FOR UPDATE`
	}
	var tat int64
	if err := tx.QueryRowContext(ctx, `SELECT tat FROM throttles WHERE key_idx = $1`+lock, idx).Scan(&tat); err != nil {
		return false, 0, err
	}
	next := max(tat, now) + step
	if next-now > limit {
		return false, time.Duration(next-now-limit) * time.Microsecond, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE throttles SET tat = $1 WHERE key_idx = $2`, next, idx)
	return err == nil, 0, err
}

// sweepThrottles deletes, at most once a minute per process, the rows of
// addresses whose allowance is full again: they say nothing a missing row
// would not.
func (db *core) sweepThrottles(ctx context.Context, now int64) {
	db.sweepMu.Lock()
	due := now-db.sweptAt > time.Minute.Microseconds()
	if due {
		db.sweptAt = now
	}
	db.sweepMu.Unlock()
	if due {
		_, _ = db.write.ExecContext(ctx, `DELETE FROM throttles WHERE tat < $1`, now) // best effort: the next sweep tries again
	}
}

// Sign returns a keyed hash of msg for a purpose (domain) that every
// instance sharing the key file computes alike: for values the site hands
// out and must recognise later, such as the contact form's timestamp.
func (area Sessions) Sign(domain, msg string) ([]byte, error) {
	db := area.db

	return db.index(vault.KindUsername, "sign\x00"+domain+"\x00"+msg)
}
