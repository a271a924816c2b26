package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestIntelligencePage_RanksAndSearches(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.report() // 07700 900123, robbery, London
	d.report()      // the same phone: one profile, two reports
	page := d.get("coordA", "/coordinator/intelligence")
	if !strings.Contains(page, `<td class="num">2</td>`) || !strings.Contains(page, "/coordinator/offenders/") {
		t.Error("the ranking does not show the profile with its two reports")
	}
	if p := d.get("coordA", "/coordinator/intelligence?min=3"); !strings.Contains(p, "No offender matches.") {
		t.Error("three or more reports: the profile of two still shows")
	}
	if status, _, _ := d.do("coordA", "GET", "/coordinator/intelligence?region=atlantis", nil); status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown region: %d", status)
	}

	status, _, body := d.do("coordA", "POST", "/coordinator/intelligence/search", url.Values{"kind": {"phone"}, "value": {"07700 90"}})
	if status != http.StatusOK || !strings.Contains(body, "2 reports") || !strings.Contains(body, "/coordinator/reports/"+a.ID) {
		t.Errorf("partial search: %d %q", status, problemsOn(body))
	}
	if v, _ := inputValue(body, "value"); v != "07700 90" {
		t.Errorf("the search box shows %q", v)
	}
	status, _, body = d.do("coordA", "POST", "/coordinator/intelligence/search", url.Values{"kind": {"phone"}, "value": {"077"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="s-value-error"`) {
		t.Errorf("too short a part: %d", status)
	}
	status, _, body = d.do("coordA", "POST", "/coordinator/intelligence/search", url.Values{"kind": {"phone"}, "value": {"07700 900999"}})
	if status != http.StatusOK || !strings.Contains(body, "No report matches") {
		t.Errorf("a number in no report: %d", status)
	}
	for _, p := range []string{"/coordinator/intelligence"} {
		if status, _, _ := d.do("member", "GET", p, nil); status != http.StatusForbidden {
			t.Errorf("a member on %s: %d", p, status)
		}
	}
}
