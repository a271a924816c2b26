package store

import "time"

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
