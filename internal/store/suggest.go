package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"uglymugs/internal/scheme"
)

// comparable keeps what matters when comparing a partial value with a
// full one: digits for phones, letters and digits (upper-cased) otherwise.
func comparable(kind, s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if unicode.IsDigit(r) || kind != "phone" && unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if kind == "phone" {
		// Compare national numbers: "07700 90" and "+447700900123" both
		// start 7700 90 once the trunk 0 or country code 44 is dropped.
		out = strings.TrimPrefix(strings.TrimPrefix(out, "44"), "0")
	}
	return out
}

// SuggestedMatches finds partial identifiers in other profiles that are the
// start of one of this profile's full identifiers of the same kind (a
// partial phone "07700 90…" fits "+447700900123"). It decrypts identifiers
// to compare them, so it is for coordinators' eyes, one profile at a time;
// the caller has already audited the profile view.
func (area Reports) SuggestedMatches(ctx context.Context, profileID string) ([]scheme.Suggestion, error) {
	db := area.db

	type ident struct{ id, kind, profile, report, offender, value string }
	load := func(q string, args ...any) ([]ident, error) {
		return queryRows(ctx, db.read, func(rows rowScanner) (i ident, err error) {
			var ct []byte
			if err := rows.Scan(&i.id, &i.kind, &i.profile, &i.report, &i.offender, &ct); err != nil {
				return i, err
			}
			if i.value, err = db.open("offender_identifiers", "value", i.id, ct); err != nil {
				return i, err
			}
			return i, nil
		}, q, args...)
	}
	const cols = `SELECT i.id, i.kind, o.profile_id, i.report_id, i.offender_id, i.value_ct FROM offender_identifiers i JOIN offenders o ON o.id = i.offender_id`
	mine, err := load(cols+` WHERE o.profile_id = $1 AND i.partial = $2`, profileID, false)
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	partials, err := load(cols+` WHERE o.profile_id <> $1 AND i.partial = $2`, profileID, true)
	if err != nil {
		return nil, err
	}
	var out []scheme.Suggestion
	seen := map[string]bool{}
	for _, p := range partials {
		pc := comparable(p.kind, p.value)
		if len(pc) < 3 {
			continue // too little to suggest anything
		}
		for _, m := range mine {
			if m.kind != p.kind || !strings.HasPrefix(comparable(m.kind, m.value), pc) || seen[p.offender] {
				continue
			}
			seen[p.offender] = true
			out = append(out, scheme.Suggestion{ProfileID: p.profile, ReportID: p.report, OffenderID: p.offender, Kind: p.kind, Partial: p.value, Matches: m.value})
		}
	}
	return out, nil
}

// FindReportsByIdentifier returns the reports holding an identifier of the
// given kind equal to any of values (normalised values and values as typed,
// so that a partial value typed the same way is found too), by blind index.
// The caller audits the search (report.Service.Search).
func (area Reports) FindReportsByIdentifier(ctx context.Context, kind string, values ...string) ([]scheme.Report, error) {
	db := area.db

	k, ok := indexKind[kind]
	if !ok { // report.Service.Search refuses it first
		return nil, fmt.Errorf("find reports: unknown identifier kind %q", kind)
	}
	seen := map[string]bool{}
	var ids []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		idx, err := db.index(k, v)
		if err != nil {
			return nil, err
		}
		rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT report_id FROM offender_identifiers WHERE kind = $1 AND value_idx = $2`, kind, idx)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return db.top.Reports.Reports(ctx, scheme.ReportFilter{IDs: ids})
}
