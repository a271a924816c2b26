package store_test

import (
	"context"
	"slices"
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
	r, err := db.Reports.CreateReport(context.Background(), scheme.Report{
		Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{typ}, Region: region,
		IncidentAt: now.AddDate(0, 0, -days), SubmittedAt: now, AcknowledgeBy: now.Add(24 * time.Hour),
		Original: scheme.ReportContent{Account: "He took my bag.", Offenders: []scheme.Offender{{Identifiers: ids}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hitIDs(hs []scheme.ReportHit) []string {
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
		if err := db.Reports.SetReportStatus(ctx, "coord", c.ID, scheme.ReportRejected, "Not an incident."); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    scheme.ReportSearch
			want []string // most recent first
		}{
			{"whole, by blind index", scheme.ReportSearch{Kind: "phone", Whole: []string{"+447700900101"}}, []string{a.ID}},
			{"a partial value stored as typed, typed the same way", scheme.ReportSearch{Kind: "phone", Whole: []string{"07700 90…"}}, []string{c.ID}},
			{"national start", scheme.ReportSearch{Kind: "phone", Partial: "07700 90"}, []string{b.ID, c.ID, a.ID}},
			{"international start", scheme.ReportSearch{Kind: "phone", Partial: "+44 7700 9002"}, []string{b.ID}},
			{"the end of a number", scheme.ReportSearch{Kind: "phone", Partial: "0202"}, []string{b.ID}},
			{"a part and a region", scheme.ReportSearch{Kind: "phone", Partial: "07700 90", Region: "wales"}, []string{b.ID}},
			{"a part and dates", scheme.ReportSearch{Kind: "phone", Partial: "7700", From: time.Now().AddDate(0, 0, -20), To: time.Now().AddDate(0, 0, -5)}, []string{c.ID}},
			{"an email's domain", scheme.ReportSearch{Kind: "email", Partial: "@EXAMPLE.org"}, []string{a.ID}},
			{"a registration without its space", scheme.ReportSearch{Kind: "vehicle", Partial: "b12c"}, []string{b.ID}},
			{"another kind holds nothing", scheme.ReportSearch{Kind: "username", Partial: "7700"}, nil},
			{"filters only", scheme.ReportSearch{Type: "robbery"}, []string{c.ID, a.ID}},
		} {
			hits, more, err := db.Police.SearchReports(ctx, tc.f)
			if err != nil || more || !slices.Equal(hitIDs(hits), tc.want) {
				t.Errorf("%s: %v more=%v %v, want %v", tc.name, hitIDs(hits), more, err, tc.want)
			}
		}

		// Each hit names the profile it matched through; the rejected
		// report is found and its status shows.
		hits, _, _ := db.Police.SearchReports(ctx, scheme.ReportSearch{Kind: "phone", Partial: "07700 90"})
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
		hits, more, err := db.Police.SearchReports(ctx, scheme.ReportSearch{Kind: "phone", Partial: "7700", Limit: 2})
		if err != nil || !more || !slices.Equal(hitIDs(hits), []string{b.ID, c.ID}) {
			t.Errorf("limit 2: %v more=%v %v", hitIDs(hits), more, err)
		}
		// The search is audited by police.Service.SearchReports, which
		// calls this (see TestIntelligence_SearchWholeOrPartAudited).
	})
}

func TestIntelligence_RankingByReportsThenSeverityThenRecency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		file := func(sev scheme.Severity, typ, region string, days int, e164 string) scheme.Report {
			t.Helper()
			r, err := db.Reports.CreateReport(ctx, scheme.Report{
				Status: scheme.ReportSubmitted, Severity: sev, IncidentTypes: []string{typ}, Region: region,
				IncidentAt: now.AddDate(0, 0, -days), SubmittedAt: now, AcknowledgeBy: now.Add(24 * time.Hour),
				Original: scheme.ReportContent{Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{phone(e164, e164)}}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		reject := func(r scheme.Report) {
			t.Helper()
			if err := db.Reports.SetReportStatus(ctx, "coord", r.ID, scheme.ReportRejected, "Not an incident."); err != nil {
				t.Fatal(err)
			}
		}
		// A: three high reports, one in Wales. B: one highest. C: one high,
		// 5 days ago. D: one high, 8 days ago. E: one medium counted, one
		// highest rejected. F: only a rejected report.
		a := file(scheme.SeverityHigh, "robbery", "london", 30, "+447700900101")
		file(scheme.SeverityHigh, "robbery", "london", 20, "+447700900101")
		file(scheme.SeverityHigh, "threats", "wales", 10, "+447700900101")
		b := file(scheme.SeverityHighest, "rape-sexual-assault", "london", 40, "+447700900102")
		c := file(scheme.SeverityHigh, "robbery", "london", 5, "+447700900103")
		d := file(scheme.SeverityHigh, "robbery", "london", 8, "+447700900104")
		e := file(scheme.SeverityMedium, "threats", "london", 6, "+447700900105")
		reject(file(scheme.SeverityHighest, "kidnap-confinement", "london", 2, "+447700900105"))
		reject(file(scheme.SeverityHighest, "kidnap-confinement", "london", 1, "+447700900106"))
		profile := func(r scheme.Report) string { return r.Original.Offenders[0].ProfileID }
		order := func(ps []scheme.ProfileRank) []string {
			var out []string
			for _, p := range ps {
				out = append(out, p.ID)
			}
			return out
		}
		all, err := db.Police.RankedProfiles(ctx, scheme.IntelFilter{}, scheme.Page{})
		if err != nil {
			t.Fatal(err)
		}
		ranked := all.Items
		if want := []string{profile(a), profile(b), profile(c), profile(d), profile(e)}; !slices.Equal(order(ranked), want) {
			t.Fatalf("order %v, want A (3 reports), B (highest), C (high, 5 days), D (high, 8 days), E (medium; its rejected highest not counted); F not at all", order(ranked))
		}
		top := ranked[0]
		if top.Reports != 3 || top.Highest != scheme.SeverityHigh || !slices.Equal(top.Regions, []string{"london", "wales"}) ||
			!slices.Equal(top.Types, []string{"robbery", "threats"}) || top.LastSeen.Sub(top.FirstSeen) < 19*24*time.Hour {
			t.Errorf("A: %+v", top)
		}
		if last := ranked[4]; last.Reports != 1 || last.Highest != scheme.SeverityMedium || slices.Contains(last.Types, "kidnap-confinement") {
			t.Errorf("E counts its rejected report: %+v", last)
		}
		for _, tc := range []struct {
			name  string
			f     scheme.IntelFilter
			p     scheme.Page
			want  []string
			total int
		}{
			{"repeat offenders", scheme.IntelFilter{MinReports: 2}, scheme.Page{}, []string{profile(a)}, 1},
			{"in Wales", scheme.IntelFilter{Region: "wales"}, scheme.Page{}, []string{profile(a)}, 1},
			{"threats: one each, A's high before E's medium", scheme.IntelFilter{Type: "threats"}, scheme.Page{}, []string{profile(a), profile(e)}, 2},
			{"the last week", scheme.IntelFilter{From: now.AddDate(0, 0, -7)}, scheme.Page{}, []string{profile(c), profile(e)}, 2},
			{"up to 25 days ago", scheme.IntelFilter{To: now.AddDate(0, 0, -25)}, scheme.Page{}, []string{profile(b), profile(a)}, 2},
			{"the second page, counted", scheme.IntelFilter{}, scheme.Page{Number: 2, Size: 2}, []string{profile(c), profile(d)}, 5},
			{"the last page", scheme.IntelFilter{}, scheme.Page{Number: 3, Size: 2}, []string{profile(e)}, 5},
			{"past the end", scheme.IntelFilter{}, scheme.Page{Number: 4, Size: 2}, nil, 5},
		} {
			got, err := db.Police.RankedProfiles(ctx, tc.f, tc.p)
			if err != nil || !slices.Equal(order(got.Items), tc.want) || got.Total != tc.total {
				t.Errorf("%s: %v of %d %v, want %v of %d", tc.name, order(got.Items), got.Total, err, tc.want, tc.total)
			}
		}
		if wales, _ := db.Police.RankedProfiles(ctx, scheme.IntelFilter{Region: "wales"}, scheme.Page{}); len(wales.Items) == 1 && wales.Items[0].Reports != 1 {
			t.Errorf("in Wales, A counts %d reports, want the 1 there", wales.Items[0].Reports)
		}
	})
}
