package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

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
