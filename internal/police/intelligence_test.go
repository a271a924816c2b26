package police_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// fileOne files a report naming phone, of types, in region, days ago.
func (d *desk) fileOne(t *testing.T, phone, region string, days int, types ...string) scheme.Report {
	t.Helper()
	r, err := d.reports.Submit(context.Background(), d.people["reporter"], report.Input{
		IncidentTypes: types, IncidentAt: time.Now().Add(-time.Duration(days) * 24 * time.Hour).UTC().Format(time.RFC3339),
		Region: region, Account: "He did it.",
		Offenders: []report.OffenderInput{{Identifiers: []report.IdentifierInput{{Kind: "phone", Value: phone}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestIntelligence_SearchWholeOrPartAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		a := d.fileOne(t, "07700 900101", "london", 30, "robbery")
		b := d.fileOne(t, "07700 900202", "wales", 3, "threats")
		coord := d.people["coord"]
		ids := func(res police.SearchResult) string {
			var s []string
			for _, h := range res.Hits {
				s = append(s, h.Report.ID)
			}
			return strings.Join(s, ",")
		}
		for _, c := range []struct {
			in   police.SearchInput
			want string
		}{
			{police.SearchInput{Kind: "phone", Value: "+44 7700 900101"}, a.ID},
			{police.SearchInput{Kind: "phone", Value: "07700-900-101"}, a.ID},
			{police.SearchInput{Kind: "phone", Value: "07700 90"}, b.ID + "," + a.ID}, // most recent first
			{police.SearchInput{Kind: "phone", Value: "0202"}, b.ID},
			{police.SearchInput{Kind: "phone", Value: "07700 90", Region: "wales"}, b.ID},
			{police.SearchInput{Type: "robbery"}, a.ID},
			{police.SearchInput{From: time.Now().AddDate(0, 0, -7).Format(time.DateOnly)}, b.ID},
		} {
			rs, err := d.svc.SearchReports(ctx, coord, c.in)
			if got := ids(rs); err != nil || got != c.want {
				t.Errorf("%+v: %s %v, want %s", c.in, got, err, c.want)
			}
		}
		// Fishing with a few characters is refused, whatever else is typed
		// around them.
		for _, v := range []string{"0", "07", "+44 7", "(0)7-7", "a@b"} {
			_, err := d.svc.SearchReports(ctx, coord, police.SearchInput{Kind: map[bool]string{true: "email", false: "phone"}[strings.Contains(v, "@")], Value: v})
			if se, ok := err.(*scheme.Error); !ok || !strings.Contains(se.Fields["value"], "at least 4") {
				t.Errorf("%q: %v, want a request for at least 4 characters", v, err)
			}
		}
		for field, in := range map[string]police.SearchInput{
			"value": {Kind: "phone", Value: "077"},
			"to":    {Type: "robbery", From: "2026-02-01", To: "2026-01-01"},
			"kind":  {Kind: "shoe", Value: "07700 900101"},
			"from":  {From: "yesterday"},
		} {
			_, err := d.svc.SearchReports(ctx, coord, in)
			if se, ok := err.(*scheme.Error); !ok || se.Fields[field] == "" {
				t.Errorf("%+v: %v, want a problem with %s", in, err, field)
			}
		}
		if _, err := d.svc.SearchReports(ctx, d.people["reporter"], police.SearchInput{Type: "robbery"}); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member searching: %v", err)
		}
		// Audited, without the value.
		n := 0
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action == "intelligence.search" {
				n++
				if strings.Contains(e.Detail, "7700") || strings.Contains(e.Detail, "0202") {
					t.Errorf("the audit entry holds the value: %s", e.Detail)
				}
			}
		}
		if n != 7 {
			t.Errorf("%d searches audited, want the 7 that ran", n)
		}
	})
}
