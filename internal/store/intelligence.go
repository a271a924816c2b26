package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/scheme"
)

// RankedProfiles ranks offender profiles by the number of reports that
// name them, then the highest severity, then the latest incident, counting
// only reports that match f and were not rejected; page p of them, and how
// many profiles match in all. It reads codes and dates only: no
// identifier is decrypted.
func (area Police) RankedProfiles(ctx context.Context, f scheme.IntelFilter, p scheme.Page) (scheme.Listed[scheme.ProfileRank], error) {
	db := area.db

	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where := ` WHERE r.status <> 'rejected'` + reportConditions(f.Region, f.Type, f.From, f.To, arg)
	// #nosec G202 -- the filters add constant fragments and $n placeholders (arg); values are arguments
	q := `SELECT o.profile_id, COUNT(DISTINCT r.id), MAX(r.severity_rank), MIN(r.incident_at), MAX(r.incident_at)
		FROM offenders o JOIN reports r ON r.id = o.report_id` + where + `
		GROUP BY o.profile_id HAVING COUNT(DISTINCT r.id) >= ` + arg(max(f.MinReports, 1))
	l, err := listPage(ctx, db, p, func(rows rowScanner) (pr scheme.ProfileRank, err error) {
		var rank int
		var first, last any
		if err := rows.Scan(&pr.ID, &pr.Reports, &rank, &first, &last); err != nil {
			return pr, err
		}
		if pr.FirstSeen, err = scanTime(first); err == nil {
			pr.LastSeen, err = scanTime(last)
		}
		for sev, r := range scheme.SeverityRank {
			if r == rank {
				pr.Highest = sev
			}
		}
		return pr, err
	}, q, `COUNT(DISTINCT r.id) DESC, MAX(r.severity_rank) DESC, MAX(r.incident_at) DESC, o.profile_id`, args...)
	out := l.Items
	if err != nil || len(out) == 0 {
		return l, err
	}
	index := map[string]int{}
	for i, pr := range out {
		index[pr.ID] = i
	}
	// Regions and kinds of the page's profiles, one query each.
	in := make([]string, 0, len(out))
	pargs := make([]any, 0, len(out))
	for i, pr := range out {
		in = append(in, fmt.Sprintf("$%d", i+1))
		pargs = append(pargs, pr.ID)
	}
	list := strings.Join(in, ", ")
	for _, side := range []struct {
		q  string
		to func(p *scheme.ProfileRank, v string)
	}{
		{`SELECT DISTINCT o.profile_id, r.region FROM offenders o JOIN reports r ON r.id = o.report_id
			WHERE r.status <> 'rejected' AND o.profile_id IN (` + list + `) ORDER BY 1, 2`, func(p *scheme.ProfileRank, v string) { p.Regions = append(p.Regions, v) }},
		{`SELECT DISTINCT o.profile_id, t.type FROM offenders o JOIN reports r ON r.id = o.report_id JOIN report_incident_types t ON t.report_id = r.id
			WHERE r.status <> 'rejected' AND o.profile_id IN (` + list + `) ORDER BY 1, 2`, func(p *scheme.ProfileRank, v string) { p.Types = append(p.Types, v) }},
	} {
		err := eachPair(ctx, db.read, func(id, v string) { side.to(&out[index[id]], v) }, side.q, pargs...)
		if err != nil {
			return l, err
		}
	}
	return l, nil
}

// SearchReports finds reports, most recent incident first, up to the limit;
// more reports that the caller should narrow the search to see. A partial
// fragment is compared, as the suggestions compare (national digits for
// phones, letters and digits upper-cased otherwise), with every identifier
// of the kind in the reports the filters allow, decrypting each one: the
// cost grows with the number of identifiers of that kind (a few
// milliseconds per thousand), which is why filters narrow the reading
// first, and a whole value never pays it. The caller audits the search
// (police.Service.SearchReports).
func (area Police) SearchReports(ctx context.Context, f scheme.ReportSearch) (hits []scheme.ReportHit, more bool, err error) {
	db := area.db

	if f.Limit <= 0 {
		f.Limit = 200
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	match := "none"
	var q string
	if f.Kind != "" && (len(f.Whole) > 0 || f.Partial != "") {
		k, ok := indexKind[f.Kind]
		if !ok { // police.Service.SearchReports refuses it first
			return nil, false, fmt.Errorf("search reports: unknown identifier kind %q", f.Kind)
		}
		q = `SELECT r.id, o.profile_id, i.id, i.value_ct FROM offender_identifiers i JOIN offenders o ON o.id = i.offender_id
			JOIN reports r ON r.id = i.report_id WHERE i.kind = ` + arg(f.Kind)
		if len(f.Whole) > 0 {
			match = "whole"
			var ph []string
			for _, v := range f.Whole {
				idx, err := db.index(k, strings.TrimSpace(v))
				if err != nil {
					return nil, false, err
				}
				ph = append(ph, arg(idx))
			}
			q += ` AND i.value_idx IN (` + strings.Join(ph, ", ") + `)`
		} else {
			match = "partial"
		}
	} else {
		// Reports without an offender are found too, with no profile.
		q = `SELECT r.id, COALESCE(o.profile_id, ''), '', NULL FROM reports r LEFT JOIN offenders o ON o.report_id = r.id WHERE 1 = 1`
	}
	q += reportConditions(f.Region, f.Type, f.From, f.To, arg)
	q += ` ORDER BY r.incident_at DESC, r.id`
	matches := partialMatcher(f.Kind, f.Partial)
	if match == "partial" && matches == nil { // police.Service.SearchReports asks for enough of them first
		return nil, false, fmt.Errorf("search reports: no letters or digits to compare in the partial value")
	}

	var order []string
	profiles := map[string][]string{}
	err = func() error {
		rows, err := db.read.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rid, pid, iid string
			var ct []byte
			if err := rows.Scan(&rid, &pid, &iid, &ct); err != nil {
				return err
			}
			if match == "partial" {
				v, err := db.open("offender_identifiers", "value", iid, ct)
				if err != nil {
					return err
				}
				if !matches(v) {
					continue
				}
			}
			ps, seen := profiles[rid]
			if !seen {
				if len(order) == f.Limit {
					more = true
					return nil // enough: stop reading (and decrypting)
				}
				order = append(order, rid)
			}
			if pid != "" && !slices.Contains(ps, pid) {
				ps = append(ps, pid)
			}
			profiles[rid] = ps
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, false, err
	}
	if len(order) == 0 {
		return nil, false, nil
	}
	reports, err := db.top.Reports.Reports(ctx, scheme.ReportFilter{IDs: order})
	if err != nil {
		return nil, false, err
	}
	byID := make(map[string]scheme.Report, len(reports))
	for _, r := range reports {
		byID[r.ID] = r
	}
	for _, id := range order {
		if r, ok := byID[id]; ok {
			hits = append(hits, scheme.ReportHit{Report: r, Profiles: profiles[id]})
		}
	}
	return hits, more, nil
}

// partialMatcher returns whether a stored identifier of kind holds the
// fragment, or nil if the fragment holds nothing to compare. Phones compare
// digits, in national and international form both, so that "07700 90",
// "+44 7700 90" and "0202" all fit +447700900202 (and a partial number
// stored as typed, "07700 90..."); emails compare lower-cased with their
// punctuation, so "@example.org" means the domain; registrations, names
// and usernames compare letters and digits, upper-cased.
// reportConditions are the conditions on reports (under alias r) of a
// police filter: its region, incident type and incident dates, those that
// are given, each as " AND …", with arg binding the values.
func reportConditions(region, typ string, from, to time.Time, arg func(any) string) string {
	var c string
	if region != "" {
		c += ` AND r.region = ` + arg(region)
	}
	if typ != "" {
		c += ` AND EXISTS (SELECT 1 FROM report_incident_types t WHERE t.report_id = r.id AND t.type = ` + arg(typ) + `)`
	}
	if !from.IsZero() {
		c += ` AND r.incident_at >= ` + arg(from.UTC())
	}
	if !to.IsZero() {
		c += ` AND r.incident_at < ` + arg(to.UTC())
	}
	return c
}

func partialMatcher(kind, fragment string) func(stored string) bool {
	switch kind {
	case "phone":
		want := digitsOf(fragment)
		if want == "" {
			return nil
		}
		return func(stored string) bool {
			d := digitsOf(stored)
			if strings.Contains(d, want) {
				return true
			}
			if rest, ok := strings.CutPrefix(d, "44"); ok && strings.Contains("0"+rest, want) {
				return true
			}
			rest, ok := strings.CutPrefix(d, "0")
			return ok && strings.Contains("44"+rest, want)
		}
	case "email":
		want := strings.ToLower(strings.Join(strings.Fields(fragment), ""))
		if want == "" {
			return nil
		}
		return func(stored string) bool { return strings.Contains(strings.ToLower(stored), want) }
	}
	want := comparable(kind, fragment)
	if want == "" {
		return nil
	}
	return func(stored string) bool { return strings.Contains(comparable(kind, stored), want) }
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
