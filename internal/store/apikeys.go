package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"time"

	"uglymugs/internal/scheme"
)

// APIKeyPrefix starts every partner key, so that the API can tell a key
// from a member's session token without a look-up.
const APIKeyPrefix = "umpk_"

// APIKey is a partner site's key, as stored: never the key itself.
type APIKey struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`   // the partner, e.g. "Example Adverts Ltd"
	Prefix     string    `json:"prefix"` // the key's first characters, to tell keys apart
	PerMinute  int       `json:"per_minute"`
	PerDay     int       `json:"per_day"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	RevokedBy  string    `json:"revoked_by,omitempty"`
}

// APIKeyByToken returns the key a partner presented, if it exists and is
// not revoked (else scheme.ErrNotFound): looked up by its SHA-256, so the
// key itself is never stored or compared.
func (db *DB) APIKeyByToken(ctx context.Context, token string) (APIKey, error) {
	var k APIKey
	h := sha256.Sum256([]byte(token))
	var revoked sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT id, name, prefix, per_minute, per_day, revoked_at FROM api_keys WHERE key_hash = $1`, h[:]).
		Scan(&k.ID, &k.Name, &k.Prefix, &k.PerMinute, &k.PerDay, &revoked)
	if err != nil {
		return k, mapErr(err)
	}
	if revoked.Valid {
		return APIKey{}, scheme.ErrNotFound
	}
	return k, nil
}
