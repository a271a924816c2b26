package stats

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// words is a working time in words with an 8-hour day, as
// scheme.WorkingHours.Words says it for the default hours.
func words(d time.Duration) string {
	days, h := int(d/(8*time.Hour)), int(d%(8*time.Hour)/time.Hour)
	return fmt.Sprintf("%dd%dh", days, h)
}

func TestFilter_PreviousIsTheSameNumberOfDaysJustBefore(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, testLoc) }
	cases := []struct {
		name     string
		f        Filter
		from, to time.Time
		ok       bool
	}{
		{"a year", Filter{From: day(2026, 1, 1), To: day(2027, 1, 1)}, day(2025, 1, 1), day(2026, 1, 1), true},
		{"across the clocks going forward (29 March)", Filter{From: day(2026, 3, 1), To: day(2026, 4, 1), Region: "wales"}, day(2026, 1, 29), day(2026, 3, 1), true},
		{"one day", Filter{From: day(2026, 3, 29), To: day(2026, 3, 30)}, day(2026, 3, 28), day(2026, 3, 29), true},
		{"open", Filter{To: day(2026, 3, 30)}, time.Time{}, time.Time{}, false},
	}
	for _, c := range cases {
		p, ok := c.f.Previous(testLoc)
		if ok != c.ok || (ok && (!p.From.Equal(c.from) || !p.To.Equal(c.to) || p.Region != c.f.Region)) {
			t.Errorf("%s: %v–%v %q (%t), want %v–%v (%t)", c.name, p.From, p.To, p.Region, ok, c.from, c.to, c.ok)
		}
	}
}

func TestHeadlines_EachFigureWithItsChangeInWords(t *testing.T) {
	now := sampleFigures()
	now.Checks = &CheckFigures{ByDay: map[string]CheckDay{"2026-03-02": {Checks: 30, Hits: 3}}, Oldest: now.Filter.From.AddDate(0, -6, 0)}
	before := sampleFigures()
	before.Filter.From, before.Filter.To = now.Filter.From.AddDate(0, 0, -90), now.Filter.From
	before.Reports = ReportFigures{Total: 5, Within72h: 2, ByMonth: map[string]ReportMonth{"2025-11": {Reports: 5, Police: 5}}}
	before.Alerts.Published = 0
	before.Applications.Processing = map[string][]time.Duration{"approved": hours(40)}
	before.Checks = &CheckFigures{ByDay: map[string]CheckDay{"2025-12-01": {Checks: 40}}, Oldest: now.Checks.Oldest}

	got := map[string]Headline{}
	for _, h := range Headlines(now, before, true, words) {
		got[h.Label] = h
	}
	want := []struct{ label, text, change string }{
		{"Reports received", "4", "down 1 (20%)"},
		{"Reported within 72 hours", "75%", "up 35 points"},           // 40% → 75%
		{"Alerts published", "1", "up 1, from none"},                  // 0 → 1
		{"New members", "3", "no change"},                             // 3 → 3
		{"Time to a decision (median)", "0d5h", "4d3h quicker"},       // 40 → 5 working hours (1.5, 2, 4, 6, 26, 32)
		{"Checks by members", "30", "down 10 (25%)"},                  // 40 → 30
		{"Consent to share with the police", "25%", "down 75 points"}, // 100% → 25%
		{"Offenders in two or more reports", "7", "no change"},
	}
	for _, w := range want {
		h, ok := got[w.label]
		if !ok || h.Text != w.text || h.Change != w.change || !h.Compared {
			t.Errorf("%s: %q %q (compared %t), want %q %q", w.label, h.Text, h.Change, h.Compared, w.text, w.change)
		}
	}

	// No period before, or a check log that does not reach back to it:
	// said so, never a made-up change.
	for _, h := range Headlines(now, Figures{}, false, words) {
		if h.Compared || h.Change != "no period before to compare with" {
			t.Errorf("%s without a period before: %q", h.Label, h.Change)
		}
	}
	before.Checks.Oldest = before.Filter.From.AddDate(0, 0, 1)
	for _, h := range Headlines(now, before, true, words) {
		if h.Label == "Checks by members" && (h.Compared || !strings.Contains(h.Change, "check log does not go back")) {
			t.Errorf("checks with the log trimmed: %q (compared %t)", h.Change, h.Compared)
		}
	}
	// A scheme that keeps no check log has no check figure at all.
	now.Checks = nil
	for _, h := range Headlines(now, before, true, words) {
		if h.Section == "Checks" {
			t.Errorf("a check figure without a check log: %+v", h)
		}
	}
}

func TestDeskSections_DrawChecksByWeekAndKeepEveryOtherTable(t *testing.T) {
	f := sampleFigures()
	f.Filter = Filter{From: time.Date(2026, 3, 4, 0, 0, 0, 0, testLoc), To: time.Date(2026, 3, 24, 0, 0, 0, 0, testLoc)} // Wed 4 to Mon 23 March
	f.Checks = &CheckFigures{ByDay: map[string]CheckDay{
		"2026-03-04": {Checks: 2, Hits: 1}, "2026-03-08": {Checks: 3}, // week of Mon 2 March (part)
		"2026-03-09": {Checks: 5, Hits: 5}, // week of 9 March
		"2026-03-23": {Checks: 1},          // week of 23 March (part)
	}}
	desk, all := All(DeskSections(f)), All(Tables(f))
	if len(desk) != len(all) {
		t.Fatalf("%d tables on the page, %d in all", len(desk), len(all))
	}
	if _, ok := Find(desk, "checks-day"); ok {
		t.Error("the page still has checks by day")
	}
	if _, ok := Find(all, "checks-day"); !ok {
		t.Error("the API's tables lost checks by day")
	}
	week, ok := Find(desk, "checks-week")
	if !ok {
		t.Fatal("no checks by week")
	}
	var rows []string
	for _, r := range week.Rows {
		rows = append(rows, fmt.Sprintf("%s %s %s %s", r.Label, r.Values[0], r.Values[1], r.Values[2]))
	}
	wantRows := []string{"Week of 2 Mar 2026 5 1 20%", "Week of 9 Mar 2026 5 5 100%", "Week of 16 Mar 2026 0 0 ", "Week of 23 Mar 2026 1 0 0%"}
	if strings.Join(rows, " | ") != strings.Join(wantRows, " | ") {
		t.Errorf("weeks:\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(wantRows, "\n"))
	}
	if tot := week.Total.Values; tot[0].N != 11 || tot[1].N != 6 {
		t.Errorf("total %v", tot)
	}
	if svg := SVG(week, "chart-checks-week", English); !strings.Contains(svg, "Column chart of checks by week from Week of 2 Mar 2026 to Week of 23 Mar 2026") {
		t.Errorf("the weekly chart does not say it is by week: %.200s", svg)
	}
}
