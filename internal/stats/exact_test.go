package stats

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func hours(hs ...float64) []time.Duration {
	var out []time.Duration
	for _, h := range hs {
		out = append(out, time.Duration(h*float64(time.Hour)))
	}
	return out
}

func sampleFigures() Figures {
	return Figures{
		Filter:   Filter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, testLoc), To: time.Date(2026, 4, 1, 0, 0, 0, 0, testLoc)},
		Location: testLoc,
		Regions:  []Category{{"london", "London"}, {"wales", "Wales"}},
		Sectors:  []Category{{"street", "Street"}},
		Genders:  []Category{{"woman", "Woman"}, {"man", "Man"}},
		Members: MemberFigures{Total: 3, Staff: 2, ByType: map[string]int{"individual": 2, "project": 1},
			ByGender: map[string]int{"woman": 2, "": 1}, BySector: map[string]int{"street": 1, "gone": 1, "": 1},
			ByRegion: map[string]int{"london": 3, "wales": 1}, ByMonth: map[string]int{"2026-01": 1, "2026-03": 2}},
		Applications: ApplicationFigures{ByStatus: map[string]int{"approved": 5, "rejected": 1},
			Processing: map[string][]time.Duration{"approved": hours(32, 2, 26, 4, 6), "rejected": hours(1.5)}},
		Reports: ReportFigures{Total: 4, Within72h: 3, ThirdParty: 1, ByMonth: map[string]ReportMonth{
			"2026-01": {Reports: 3, Within72h: 2, ThirdParty: 1, Alert: 3, Police: 1},
			"2026-03": {Reports: 1, Within72h: 1, Support: 1},
		}},
		Alerts: AlertFigures{Published: 1, ByMonth: map[string]int{"2026-02": 1}, Deliveries: map[string]map[string]int{
			"email":  {"sent": 6, "failed": 2, "queued": 1, "cancelled": 1},
			"in_app": {"delivered": 3, "read": 4},
		}},
		Offenders: OffenderFigures{ByReports: map[int]int{2: 3, 3: 1, 6: 1, 7: 2}, Reports: 3},
	}
}

func cellText(t *testing.T, ts []Table, slug, row, col string) string {
	t.Helper()
	tb, ok := Find(ts, slug)
	if !ok {
		t.Fatalf("no table %s", slug)
	}
	rows := tb.Rows
	if tb.Total != nil {
		rows = append(rows, *tb.Total)
	}
	for _, r := range rows {
		if r.Label == row {
			v, ok := tb.Value(r, col)
			if !ok {
				t.Fatalf("%s: no column %q", slug, col)
			}
			return v.String()
		}
	}
	t.Fatalf("%s: no row %q", slug, row)
	return ""
}

func TestTables_ExactFiguresForCoordinators(t *testing.T) {
	ts := All(Tables(sampleFigures()))
	for _, tc := range []struct{ slug, row, col, want string }{
		{"members-type", "Individual sex workers", "Members", "2"},
		{"members-type", "Escort sites and establishments", "Members", "0"},
		{"members-type", "Total", "Members", "3"},
		{"members-gender", "Not given", "Members", "1"},
		{"members-gender", "Man", "Members", "0"},
		{"members-sector", "gone", "Members", "1"}, // a sector since removed still shows
		{"members-joined", "February 2026", "Members joined", "0"},
		{"members-joined", "March 2026", "Members joined", "2"},
		{"applications-time", "Approved", "Median (working hours)", "6.0"},
		{"applications-time", "Approved", "90th percentile (working hours)", "32.0"},
		{"applications-time", "Rejected", "Median (working hours)", "1.5"},
		{"applications-time", "All decisions", "Median (working hours)", "5.0"},
		{"applications-time", "All decisions", "Decided", "6"},
		{"reports-month", "January 2026", "Within 72 hours (%)", "67%"},
		{"reports-month", "February 2026", "Within 72 hours (%)", ""},
		{"reports-month", "Total", "Third party (%)", "25%"},
		{"reports-delay", "Later", "Reports", "1"},
		{"consent-month", "January 2026", "Alert (%)", "100%"},
		{"consent-month", "All months", "Support contact (%)", "25%"},
		{"alerts-month", "February 2026", "Alerts", "1"},
		{"deliveries-channel", "Email", "Failure rate (%)", "25%"},
		{"deliveries-channel", "Email", "Waiting", "1"},
		{"deliveries-channel", "On the website", "Delivered", "7"},
		{"deliveries-channel", "Total", "Messages", "17"},
		{"offenders-repeat", "2 reports", "Offender profiles", "3"},
		{"offenders-repeat", "5 or more reports", "Offender profiles", "3"},
		{"offenders-repeat", "Total", "Offender profiles", "7"},
	} {
		if got := cellText(t, ts, tc.slug, tc.row, tc.col); got != tc.want {
			t.Errorf("%s, %s, %s = %q, want %q", tc.slug, tc.row, tc.col, got, tc.want)
		}
	}
	if _, ok := Find(ts, "checks-day"); ok {
		t.Error("a checks table without a check log")
	}
	if months, _ := Find(ts, "reports-month"); len(months.Rows) != 3 {
		t.Errorf("January to March is %d months", len(months.Rows))
	}
}

func TestTables_ChecksByDayWhenThereIsALog(t *testing.T) {
	f := sampleFigures()
	f.Filter.From, f.Filter.To = time.Date(2026, 3, 30, 0, 0, 0, 0, testLoc), time.Date(2026, 4, 2, 0, 0, 0, 0, testLoc)
	f.Checks = &CheckFigures{ByDay: map[string]CheckDay{"2026-03-31": {Checks: 8, Hits: 2}}}
	ts := All(Tables(f))
	tb, ok := Find(ts, "checks-day")
	if !ok || len(tb.Rows) != 3 {
		t.Fatalf("checks table %+v", tb)
	}
	if got := cellText(t, ts, "checks-day", "Tue 31 Mar 2026", "Hit rate (%)"); got != "25%" {
		t.Errorf("hit rate %q", got)
	}
}

func TestPercentiles_NearestRankAndMiddleOfTwo(t *testing.T) {
	d := hours(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
	if m := median(d); m != 5*time.Hour+30*time.Minute {
		t.Errorf("median %v", m)
	}
	if p := percentile(d, .9); p != 9*time.Hour {
		t.Errorf("90th percentile %v", p)
	}
	if p := percentile(hours(4), .9); p != 4*time.Hour {
		t.Errorf("90th percentile of one %v", p)
	}
}

func TestWriteCSV_ExactNumbersAndNoFormulas(t *testing.T) {
	tb := Table{Label: "Region", Columns: []Column{{"Reports", Count}, {"Share (%)", Percent}},
		Rows:  []Row{{Label: "=HYPERLINK(\"x\")", Values: []Value{Of(1234), PercentOf(1, 3)}}, {Label: "Wales, north", Values: []Value{Protect(3), {Kind: Percent, None: true}}}},
		Total: &Row{Label: "Total", Values: []Value{Of(1237), PercentOf(1, 1)}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, tb); err != nil {
		t.Fatal(err)
	}
	want := "Region,Reports,Share (%)\n\"'=HYPERLINK(\"\"x\"\")\",1234,33.3\n\"Wales, north\",fewer than 10,\nTotal,1237,100.0\n"
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestValue_JSON(t *testing.T) {
	b, err := json.Marshal([]Value{Of(12), Protect(4), PercentOf(1, 3), {Kind: Hours, None: true}, Sum(Protect(1), Protect(2))})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `[12,"fewer than 10",33.3,null,"fewer than 20"]` {
		t.Errorf("JSON %s", got)
	}
}

func TestMonths_OnTheSchemesClock(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	got := months(time.Date(2025, 11, 30, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC), loc)
	if strings.Join(got, " ") != "2025-11 2025-12 2026-01 2026-02 2026-03 2026-04" {
		t.Errorf("months %v", got)
	}
	if got := days(time.Date(2026, 3, 28, 12, 0, 0, 0, loc), time.Date(2026, 3, 30, 0, 0, 0, 0, loc), loc); strings.Join(got, " ") != "2026-03-28 2026-03-29" {
		t.Errorf("days %v", got)
	}
}

func TestTables_ReferralsByKindAndOutcome(t *testing.T) {
	f := sampleFigures()
	f.SupportKinds = []Category{{"sexual-health", "Sexual health"}, {"housing", "Housing"}}
	f.Referrals = ReferralFigures{ByKind: map[string]map[string]int{
		"sexual-health": {"suggested": 2, "accepted": 3},
		"housing":       {"declined": 1},
	}}
	ts := All(Tables(f))
	for _, tc := range []struct{ row, col, want string }{
		{"Sexual health", "Suggested", "2"},
		{"Sexual health", "Accepted", "3"},
		{"Sexual health", "Referrals", "5"},
		{"Housing", "Made", "0"},
		{"Housing", "Declined", "1"},
		{"Total", "Referrals", "6"},
		{"Total", "Accepted", "3"},
	} {
		if got := cellText(t, ts, "referrals-kind", tc.row, tc.col); got != tc.want {
			t.Errorf("referrals-kind, %s, %s = %q, want %q", tc.row, tc.col, got, tc.want)
		}
	}
}
