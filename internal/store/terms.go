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

// Lists returns the scheme's reference lists, in one query: incident types
// most severe first, regions and sectors in display order.
func (area Content) Lists(ctx context.Context) (scheme.Lists, error) {
	db := area.db

	var l scheme.Lists
	rows, err := db.read.QueryContext(ctx, `SELECT 1, slug, name, severity, position FROM incident_types
		UNION ALL SELECT 2, slug, name, '', position FROM regions
		UNION ALL SELECT 3, slug, name, '', position FROM sectors
		ORDER BY 1, 5, 2`)
	if err != nil {
		return l, err
	}
	err = eachRow(rows, func() error {
		var list, position int
		var slug, name, severity string
		if err := rows.Scan(&list, &slug, &name, &severity, &position); err != nil {
			return err
		}
		switch list {
		case 1:
			l.Types = append(l.Types, scheme.IncidentType{Slug: slug, Name: name, Severity: scheme.Severity(severity)})
		case 2:
			l.Regions = append(l.Regions, scheme.Region{Slug: slug, Name: name})
		default:
			l.Sectors = append(l.Sectors, scheme.Sector{Slug: slug, Name: name})
		}
		return nil
	})
	slices.SortStableFunc(l.Types, func(a, b scheme.IncidentType) int {
		return scheme.SeverityRank[b.Severity] - scheme.SeverityRank[a.Severity]
	})
	return l, err
}
