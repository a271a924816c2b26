package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"uglymugs/internal/scheme"
)

// IntelFilter narrows the reports counted in the offender ranking.
type IntelFilter struct {
	Region, Type string
	From, To     time.Time // incidents from (inclusive) to (exclusive); zero: open
	MinReports   int       // profiles in at least this many counted reports (1 by default)
	Offset       int
	Limit        int // 50 by default
}

// ProfileRank is one offender profile in the ranking.
type ProfileRank struct {
	ID                  string
	Reports             int
	Highest             scheme.Severity
	FirstSeen, LastSeen time.Time
	Regions, Types      []string
}

// RankedProfiles ranks offender profiles by the number of reports that
// name them, then the highest severity, then the latest incident, counting
// only reports that match f and were not rejected. It reads codes and
// dates only: no identifier is decrypted.
func (db *DB) RankedProfiles(ctx context.Context, f IntelFilter) ([]ProfileRank, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where := ` WHERE r.status <> 'rejected'`
	if f.Region != "" {
		where += ` AND r.region = ` + arg(f.Region)
	}
	if f.Type != "" {
		where += ` AND EXISTS (SELECT 1 FROM report_incident_types t WHERE t.report_id = r.id AND t.type = ` + arg(f.Type) + `)`
	}
	if !f.From.IsZero() {
		where += ` AND r.incident_at >= ` + arg(f.From.UTC())
	}
	if !f.To.IsZero() {
		where += ` AND r.incident_at < ` + arg(f.To.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q := `SELECT o.profile_id, COUNT(DISTINCT r.id), MAX(r.severity_rank), MIN(r.incident_at), MAX(r.incident_at)
		FROM offenders o JOIN reports r ON r.id = o.report_id` + where + `
		GROUP BY o.profile_id HAVING COUNT(DISTINCT r.id) >= ` + arg(max(f.MinReports, 1)) + `
		ORDER BY COUNT(DISTINCT r.id) DESC, MAX(r.severity_rank) DESC, MAX(r.incident_at) DESC, o.profile_id
		LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []ProfileRank
	index := map[string]int{}
	for rows.Next() {
		var p ProfileRank
		var rank int
		var first, last any
		if err := rows.Scan(&p.ID, &p.Reports, &rank, &first, &last); err != nil {
			rows.Close()
			return nil, err
		}
		if p.FirstSeen, err = scanTime(first); err == nil {
			p.LastSeen, err = scanTime(last)
		}
		if err != nil {
			rows.Close()
			return nil, err
		}
		for sev, r := range scheme.SeverityRank {
			if r == rank {
				p.Highest = sev
			}
		}
		index[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// Regions and kinds of the page's profiles, one query each.
	in := make([]string, 0, len(out))
	pargs := make([]any, 0, len(out))
	for i, p := range out {
		in = append(in, fmt.Sprintf("$%d", i+1))
		pargs = append(pargs, p.ID)
	}
	list := strings.Join(in, ", ")
	for _, side := range []struct {
		q  string
		to func(p *ProfileRank, v string)
	}{
		{`SELECT DISTINCT o.profile_id, r.region FROM offenders o JOIN reports r ON r.id = o.report_id
			WHERE r.status <> 'rejected' AND o.profile_id IN (` + list + `) ORDER BY 1, 2`, func(p *ProfileRank, v string) { p.Regions = append(p.Regions, v) }},
		{`SELECT DISTINCT o.profile_id, t.type FROM offenders o JOIN reports r ON r.id = o.report_id JOIN report_incident_types t ON t.report_id = r.id
			WHERE r.status <> 'rejected' AND o.profile_id IN (` + list + `) ORDER BY 1, 2`, func(p *ProfileRank, v string) { p.Types = append(p.Types, v) }},
	} {
		rows, err := db.read.QueryContext(ctx, side.q, pargs...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, err
			}
			side.to(&out[index[id]], v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReportsWithPartialIdentifier finds the reports holding an identifier of
// kind that contains fragment, however either was written (compared as
// the suggestions compare them: national digits for phones, so "07700 90"
// finds +447700900123; letters and digits, upper-cased, otherwise). Identifiers are encrypted, so this
// reads and decrypts every identifier of the kind: fine for thousands,
// slow for millions (a full value is looked up by blind index instead).
func (db *DB) ReportsWithPartialIdentifier(ctx context.Context, kind, fragment string) ([]string, error) {
	if _, ok := indexKind[kind]; !ok {
		return nil, scheme.Invalid(map[string]string{"kind": "Choose phone, email, vehicle, name or username."})
	}
	want := comparable(kind, fragment)
	if want == "" {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, report_id, value_ct FROM offender_identifiers WHERE kind = $1`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() {
		var id, report string
		var ct []byte
		if err := rows.Scan(&id, &report, &ct); err != nil {
			return nil, err
		}
		if seen[report] {
			continue
		}
		v, err := db.open("offender_identifiers", "value", id, ct)
		if err != nil {
			return nil, err
		}
		if strings.Contains(comparable(kind, v), want) {
			seen[report] = true
			out = append(out, report)
		}
	}
	return out, rows.Err()
}
