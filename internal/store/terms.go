package store

import (
	"context"
	"slices"

	"uglymugs/internal/scheme"
)

// CurrentTerms returns the newest published terms and conditions.
func (area Content) CurrentTerms(ctx context.Context) (scheme.Terms, error) {
	db := area.db

	var t scheme.Terms
	err := db.read.QueryRowContext(ctx, `SELECT version, body, published_at FROM terms_versions
		ORDER BY version DESC LIMIT 1`).Scan(&t.Version, &t.Body, &t.PublishedAt)
	return t, mapErr(err)
}

// Regions returns the scheme's regions in display order.
func (area Content) Regions(ctx context.Context) ([]scheme.Region, error) {
	db := area.db

	return slugNames[scheme.Region](ctx, db.read, `SELECT slug, name FROM regions ORDER BY position, slug`)
}

// Sectors returns the sectors of work in display order.
func (area Content) Sectors(ctx context.Context) ([]scheme.Sector, error) {
	db := area.db

	return slugNames[scheme.Sector](ctx, db.read, `SELECT slug, name FROM sectors ORDER BY position, slug`)
}

// slugNames reads a list of slugs and names (regions, sectors).
func slugNames[T ~struct{ Slug, Name string }](ctx context.Context, q queryer, query string) ([]T, error) {
	return queryRows(ctx, q, func(rows rowScanner) (T, error) {
		var v struct{ Slug, Name string }
		err := rows.Scan(&v.Slug, &v.Name)
		return T(v), err
	}, query)
}

// IncidentTypes returns the kinds of incident with their severities.
func (area Content) IncidentTypes(ctx context.Context) ([]scheme.IncidentType, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (t scheme.IncidentType, err error) {
		var sev string
		if err := rows.Scan(&t.Slug, &t.Name, &sev); err != nil {
			return t, err
		}
		t.Severity = scheme.Severity(sev)
		return t, nil
	}, `SELECT slug, name, severity FROM incident_types ORDER BY position, slug`)
}

// Lists returns the scheme's reference lists: incident types most severe
// first, regions and sectors in display order.
func (area Content) Lists(ctx context.Context) (scheme.Lists, error) {
	db := area.db

	var l scheme.Lists
	var err error
	if l.Types, err = db.top.Content.IncidentTypes(ctx); err != nil {
		return l, err
	}
	slices.SortStableFunc(l.Types, func(a, b scheme.IncidentType) int {
		return scheme.SeverityRank[b.Severity] - scheme.SeverityRank[a.Severity]
	})
	if l.Regions, err = db.top.Content.Regions(ctx); err != nil {
		return l, err
	}
	l.Sectors, err = db.top.Content.Sectors(ctx)
	return l, err
}
