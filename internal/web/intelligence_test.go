package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestIntelligencePage_RanksAndSearches(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.report() // 07700 900123, robbery, London
	d.report()      // the same phone: one profile, two reports
	full, err := d.db.Reports.Report(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	profile := full.Working.Offenders[0].ProfileID

	page := d.get("coordA", "/coordinator/intelligence")
	if !strings.Contains(page, `<td class="num">2</td>`) || !strings.Contains(page, "/coordinator/offenders/"+profile) {
		t.Error("the ranking does not show the profile with its two reports")
	}
	if !strings.Contains(page, "ranked by the number of reports, then the most serious, then the most recent") {
		t.Error("the page does not say how offenders are ranked")
	}
	if strings.Contains(page, "900123") {
		t.Error("the ranking shows an identifier")
	}
	if !strings.Contains(page, `href="/coordinator/intelligence" aria-current="page"`) {
		t.Error("the Offenders tab is not the current one")
	}
	if p := d.get("coordA", "/coordinator/intelligence?min=2"); !strings.Contains(p, "/coordinator/offenders/"+profile) {
		t.Error("repeat offenders: the profile of two is missing")
	}
	if p := d.get("coordA", "/coordinator/intelligence?min=3"); !strings.Contains(p, "No offender matches.") {
		t.Error("three or more reports: the profile of two still shows")
	}
	if p := d.get("coordA", "/coordinator/intelligence?region=wales"); !strings.Contains(p, "No offender matches.") {
		t.Error("in Wales: the London profile still shows")
	}
	if status, _, _ := d.do("coordA", "GET", "/coordinator/intelligence?region=atlantis", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown region: %d", status)
	}

	search := func(form url.Values) (int, string) {
		t.Helper()
		status, _, body := d.do("coordA", "POST", "/coordinator/intelligence/search", form)
		return status, body
	}
	for _, v := range []string{"+44 7700 900123", "07700-900-123", "447700900123"} {
		status, body := search(url.Values{"kind": {"phone"}, "value": {v}})
		if status != http.StatusOK || !strings.Contains(body, "2 reports") || !strings.Contains(body, "/coordinator/reports/"+a.ID) ||
			!strings.Contains(body, "/coordinator/offenders/"+profile) {
			t.Errorf("whole number %q: %d %q", v, status, problemsOn(body))
		}
	}
	status, body := search(url.Values{"kind": {"phone"}, "value": {"07700 90"}, "region": {"london"}})
	if status != http.StatusOK || !strings.Contains(body, "2 reports") || !strings.Contains(body, "/coordinator/reports/"+a.ID) {
		t.Errorf("partial search: %d %q", status, problemsOn(body))
	}
	if v, _ := inputValue(body, "value"); v != "07700 90" {
		t.Errorf("the search box shows %q", v)
	}
	if !strings.Contains(body, `<option value="london" selected>`) || !strings.Contains(body, `href="/coordinator/intelligence" aria-current="page"`) {
		t.Error("the results page lost the chosen region or the current tab")
	}
	status, body = search(url.Values{"kind": {"phone"}, "value": {"077"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="s-value-error"`) || !strings.Contains(body, "at least 4") {
		t.Errorf("too short a part: %d %q", status, problemsOn(body))
	}
	if status, body = search(url.Values{"kind": {"phone"}, "value": {"07700 90"}, "region": {"atlantis"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown region in the search: %d %q", status, problemsOn(body))
	}
	status, body = search(url.Values{"kind": {"phone"}, "value": {"07700 900999"}})
	if status != http.StatusOK || !strings.Contains(body, "No report matches") {
		t.Errorf("a number in no report: %d", status)
	}

	// Audited; the value is in no audit entry.
	n := 0
	for e, err := range d.db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Action == "intelligence.search" {
			n++
		}
		if strings.Contains(e.Detail, "7700") || strings.Contains(e.Detail, "900123") {
			t.Errorf("an audit entry holds the value: %s %s", e.Action, e.Detail)
		}
	}
	if n != 5 {
		t.Errorf("%d searches audited, want the 5 that ran", n)
	}

	for _, who := range []string{"member", "reporter", "org"} {
		if status, _, _ := d.do(who, "GET", "/coordinator/intelligence", nil); status != http.StatusForbidden {
			t.Errorf("%s on the intelligence page: %d", who, status)
		}
		if status, _, body := d.do(who, "POST", "/coordinator/intelligence/search", url.Values{"kind": {"phone"}, "value": {"07700 900123"}}); status != http.StatusForbidden || strings.Contains(body, a.ID) {
			t.Errorf("%s searching: %d", who, status)
		}
	}
	if status, _, _ := d.do("", "POST", "/coordinator/intelligence/search", url.Values{"kind": {"phone"}, "value": {"07700 900123"}}); status == http.StatusOK {
		t.Error("a visitor could search")
	}
}

func TestOffenderPage_TimelineInDateOrderWithGaps(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	svc := report.New(d.db, scheme.DefaultWorkingHours(time.UTC))
	day := func(n int) time.Time {
		return time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -n).Add(12 * time.Hour)
	}
	// Filed out of order: the latest first.
	late, err := svc.Submit(context.Background(), d.users["reporter"], robbery(day(2), "threats"))
	if err != nil {
		t.Fatal(err)
	}
	early, err := svc.Submit(context.Background(), d.users["reporter"], robbery(day(40)))
	if err != nil {
		t.Fatal(err)
	}
	full, err := d.db.Reports.Report(context.Background(), late.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := d.get("coordA", "/coordinator/offenders/"+full.Working.Offenders[0].ProfileID)
	at := strings.Index(page, `id="timeline"`)
	if at < 0 {
		t.Fatal("no timeline on the offender page")
	}
	tl := page[at : strings.Index(page[at:], "</ol>")+at]
	e, l := strings.Index(tl, "/coordinator/reports/"+early.ID), strings.Index(tl, "/coordinator/reports/"+late.ID)
	if e < 0 || l < 0 || e > l {
		t.Errorf("timeline order: the earlier report at %d, the later at %d", e, l)
	}
	if !strings.Contains(tl, "38 days after the report before") || !strings.Contains(tl, "Threats") {
		t.Errorf("the timeline lacks the gap or the kinds: %s", tl)
	}
}
