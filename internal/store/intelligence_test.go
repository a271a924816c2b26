package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// intelReport files a report of one type in region, days ago, whose one
// offender has the given identifiers (already normalised).
func intelReport(t *testing.T, db *store.DB, typ, region string, days int, ids ...scheme.Identifier) scheme.Report {
	t.Helper()
	now := time.Now().UTC()
	r, err := db.CreateReport(context.Background(), scheme.Report{
		Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{typ}, Region: region,
		IncidentAt: now.AddDate(0, 0, -days), SubmittedAt: now, AcknowledgeBy: now.Add(24 * time.Hour),
		Original: scheme.ReportContent{Account: "He took my bag.", Offenders: []scheme.Offender{{Identifiers: ids}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hitIDs(hs []store.ReportHit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Report.ID)
	}
	return out
}

func TestIntelligence_SearchWholePartialAndFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := intelReport(t, db, "robbery", "london", 30, phone("07700 900101", "+447700900101"),
			scheme.Identifier{Kind: "email", Value: "Punter@Example.org", Normalised: "punter@example.org"})
		b := intelReport(t, db, "threats", "wales", 3, phone("07700 900202", "+447700900202"),
			scheme.Identifier{Kind: "vehicle", Value: "AB12 CDE", Normalised: "AB12CDE"})
		c := intelReport(t, db, "robbery", "london", 10, scheme.Identifier{Kind: "phone", Value: "07700 90…", Partial: true})
		if err := db.SetReportStatus(ctx, "coord", c.ID, scheme.ReportRejected, "Not an incident."); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    store.ReportSearch
			want []string // most recent first
		}{
			{"whole, by blind index", store.ReportSearch{Kind: "phone", Whole: []string{"+447700900101"}}, []string{a.ID}},
			{"a partial value stored as typed, typed the same way", store.ReportSearch{Kind: "phone", Whole: []string{"07700 90…"}}, []string{c.ID}},
			{"national start", store.ReportSearch{Kind: "phone", Partial: "07700 90"}, []string{b.ID, c.ID, a.ID}},
			{"international start", store.ReportSearch{Kind: "phone", Partial: "+44 7700 9002"}, []string{b.ID}},
			{"the end of a number", store.ReportSearch{Kind: "phone", Partial: "0202"}, []string{b.ID}},
			{"a part and a region", store.ReportSearch{Kind: "phone", Partial: "07700 90", Region: "wales"}, []string{b.ID}},
			{"a part and dates", store.ReportSearch{Kind: "phone", Partial: "7700", From: time.Now().AddDate(0, 0, -20), To: time.Now().AddDate(0, 0, -5)}, []string{c.ID}},
			{"an email's domain", store.ReportSearch{Kind: "email", Partial: "@EXAMPLE.org"}, []string{a.ID}},
			{"a registration without its space", store.ReportSearch{Kind: "vehicle", Partial: "b12c"}, []string{b.ID}},
			{"another kind holds nothing", store.ReportSearch{Kind: "username", Partial: "7700"}, nil},
			{"filters only", store.ReportSearch{Type: "robbery"}, []string{c.ID, a.ID}},
		} {
			hits, more, err := db.SearchReports(ctx, "coord", tc.f)
			if err != nil || more || !slices.Equal(hitIDs(hits), tc.want) {
				t.Errorf("%s: %v more=%v %v, want %v", tc.name, hitIDs(hits), more, err, tc.want)
			}
		}

		// Each hit names the profile it matched through; the rejected
		// report is found and its status shows.
		hits, _, _ := db.SearchReports(ctx, "coord", store.ReportSearch{Kind: "phone", Partial: "07700 90"})
		for _, h := range hits {
			var want string
			switch h.Report.ID {
			case a.ID:
				want = a.Original.Offenders[0].ProfileID
			case b.ID:
				want = b.Original.Offenders[0].ProfileID
			case c.ID:
				want = c.Original.Offenders[0].ProfileID
				if h.Report.Status != scheme.ReportRejected {
					t.Errorf("the rejected report shows as %s", h.Report.Status)
				}
			}
			if len(h.Profiles) != 1 || h.Profiles[0] != want || len(h.Report.IncidentTypes) != 1 {
				t.Errorf("hit %s: profiles %v, want %s; types %v", h.Report.ID, h.Profiles, want, h.Report.IncidentTypes)
			}
		}

		// The limit: the most recent first, and "more".
		hits, more, err := db.SearchReports(ctx, "coord", store.ReportSearch{Kind: "phone", Partial: "7700", Limit: 2})
		if err != nil || !more || !slices.Equal(hitIDs(hits), []string{b.ID, c.ID}) {
			t.Errorf("limit 2: %v more=%v %v", hitIDs(hits), more, err)
		}

		// Audited as intelligence.search, with the kind and the count, never the value.
		n := 0
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action != "intelligence.search" {
				continue
			}
			n++
			for _, v := range []string{"7700", "0202", "xample", "XAMPLE", "B12", "b12"} {
				if strings.Contains(e.Detail, v) {
					t.Errorf("the audit entry holds the value: %s", e.Detail)
				}
			}
		}
		if n != 13 {
			t.Errorf("%d searches audited, want 13", n)
		}
	})
}
