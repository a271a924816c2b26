package store

import (
	"context"
	"database/sql"

	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// CurrentTerms returns the newest published terms and conditions.
func (db *DB) CurrentTerms(ctx context.Context) (scheme.Terms, error) {
	var t scheme.Terms
	err := db.read.QueryRowContext(ctx, `SELECT version, body, published_at FROM terms_versions
		WHERE published_at <= $1 ORDER BY version DESC LIMIT 1`, db.now().UTC()).Scan(&t.Version, &t.Body, &t.PublishedAt)
	return t, mapErr(err)
}

// Regions returns the scheme's regions in display order.
func (db *DB) Regions(ctx context.Context) ([]scheme.Region, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT slug, name FROM regions ORDER BY position, slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scheme.Region
	for rows.Next() {
		var r scheme.Region
		if err := rows.Scan(&r.Slug, &r.Name); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Sectors returns the sectors of work in display order.
func (db *DB) Sectors(ctx context.Context) ([]scheme.Sector, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT slug, name FROM sectors ORDER BY position, slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scheme.Sector
	for rows.Next() {
		var s scheme.Sector
		if err := rows.Scan(&s.Slug, &s.Name); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AddOffenderIdentifier records an identifier from a report (the reports
// issue builds on this; tests and the demo use it now).
func (db *DB) AddOffenderIdentifier(ctx context.Context, kind vault.Kind, normalised, reportID string) error {
	id := newID()
	s := &sealer{db: db, table: "offender_identifiers", id: id}
	ct, idx := s.seal("value", normalised), s.index(kind, normalised)
	if s.err != nil {
		return s.err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO offender_identifiers (id, kind, value_idx, value_ct, report_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, string(kind), idx, ct, reportID, db.now().UTC())
		return err
	})
}
