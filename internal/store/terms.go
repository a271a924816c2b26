package store

import (
	"context"
	"slices"

	"uglymugs/internal/scheme"
)

// CurrentTerms returns the newest published terms and conditions.
func (db Content) CurrentTerms(ctx context.Context) (scheme.Terms, error) {
	var t scheme.Terms
	err := db.read.QueryRowContext(ctx, `SELECT version, body, published_at FROM terms_versions
		ORDER BY version DESC LIMIT 1`).Scan(&t.Version, &t.Body, &t.PublishedAt)
	return t, mapErr(err)
}

// Regions returns the scheme's regions in display order.
func (db Content) Regions(ctx context.Context) ([]scheme.Region, error) {
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
func (db Content) Sectors(ctx context.Context) ([]scheme.Sector, error) {
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

// IncidentTypes returns the kinds of incident with their severities.
func (db Content) IncidentTypes(ctx context.Context) ([]scheme.IncidentType, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT slug, name, severity FROM incident_types ORDER BY position, slug`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scheme.IncidentType
	for rows.Next() {
		var t scheme.IncidentType
		var sev string
		if err := rows.Scan(&t.Slug, &t.Name, &sev); err != nil {
			return nil, err
		}
		t.Severity = scheme.Severity(sev)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Lists returns the scheme's reference lists: incident types most severe
// first, regions and sectors in display order.
func (db Content) Lists(ctx context.Context) (scheme.Lists, error) {
	var l scheme.Lists
	var err error
	if l.Types, err = db.IncidentTypes(ctx); err != nil {
		return l, err
	}
	slices.SortStableFunc(l.Types, func(a, b scheme.IncidentType) int {
		return scheme.SeverityRank[b.Severity] - scheme.SeverityRank[a.Severity]
	})
	if l.Regions, err = db.Regions(ctx); err != nil {
		return l, err
	}
	l.Sectors, err = db.Sectors(ctx)
	return l, err
}
