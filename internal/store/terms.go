package store

import (
	"context"

	"uglymugs/internal/scheme"
)

// CurrentTerms returns the newest published terms and conditions.
func (db *DB) CurrentTerms(ctx context.Context) (scheme.Terms, error) {
	var t scheme.Terms
	err := db.read.QueryRowContext(ctx, `SELECT version, body, published_at FROM terms_versions
		WHERE published_at <= $1 ORDER BY version DESC LIMIT 1`, db.now().UTC()).Scan(&t.Version, &t.Body, &t.PublishedAt)
	return t, mapErr(err)
}
