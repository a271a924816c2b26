package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestLists_AdminRetiresATypeInUseOnAPhone walks it at 360 px: an admin
// retires "Robbery or theft", which a published alert and its report
// hold; the case, the reporter's report and the alert still show it; the
// report form and a new alert's editor no longer offer it. Every page:
// one h1, no sideways scrolling, nothing blocked by the CSP, no axe
// violation.
func TestLists_AdminRetiresATypeInUseOnAPhone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	ctx := context.Background()
	pub := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), IncidentTypes: ptr([]string{"robbery"})})
	old := pub.ReportIDs[0]
	threats, err := report.New(db, scheme.DefaultWorkingHours(time.UTC)).Submit(ctx, d.users["reporter"], robbery(time.Now().Add(-2*time.Hour), "threats"))
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := alert.New(db, time.UTC).Draft(ctx, d.users["coordA"], alert.Input{ReportIDs: []string{threats.ID}})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := db.Reports.SaveDraft(ctx, d.users["reporter"].ID, "", 1, mustJSON(t, robbery(time.Now().Add(-time.Hour), "threats")))
	if err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	as := func(who string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks[who], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	text := func() string {
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	fits := func(name string) {
		t.Helper()
		if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
			t.Errorf("%s: %d h1 elements (%v)", name, h1, err)
		}
		if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
			t.Errorf("%s at 360 px scrolls sideways by %d px (%v)", name, overflow, err)
		}
		if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
			t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
		}
		// At the top, as other pages are checked: a page opened at an
		// anchor has content under the fixed quick-exit button, which axe
		// counts as a target too close to another.
		if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`)); err != nil {
			t.Fatal(err)
		}
		accessible(t, bctx, name+" at 360 px")
		browsertest.Screenshot(t, bctx, "lists-"+name+"-360")
	}
	has := func(selector string) bool {
		ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q) !== null`, selector)))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	// The admin retires the type from the Lists page.
	retire := `form[action="/admin/lists/incident-types/robbery/retire"] button`
	if err := browserSteps(bctx, chromedp.EmulateViewport(360, 800), as("admin"), chromedp.Navigate(d.ts.URL+"/admin/lists")); err != nil {
		t.Fatal(err)
	}
	fits("lists")
	if err := browserSteps(bctx, chromedp.Click(chromedp.CSS(retire), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS(`.notice`))); err != nil {
		t.Fatal(err)
	}
	if s := text(); !strings.Contains(s, "Retired: it is no longer offered") {
		t.Errorf("after retiring, the page says %q", s)
	}
	if !has(`form[action="/admin/lists/incident-types/robbery/retire"] input[name="retired"][value="false"]`) {
		t.Error("the retired type has no way to be offered again")
	}
	fits("lists-retired")

	// Old records keep showing it.
	for _, p := range []struct{ name, who, path string }{
		{"case", "coordA", "/coordinator/reports/" + old},
		{"my-report", "reporter", "/reports/" + old},
		{"alert", "member", "/alerts/" + pub.ID},
	} {
		if err := browserSteps(bctx, as(p.who), chromedp.Navigate(d.ts.URL+p.path)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text(), "Robbery or theft") {
			t.Errorf("%s: the retired type's name is gone", p.name)
		}
		fits(p.name)
	}

	// New records are not offered it.
	for _, p := range []struct{ name, who, path string }{
		{"report-form", "reporter", "/reports/draft/" + draft + "/1"},
		{"alert-editor", "coordA", "/coordinator/alerts/" + fresh.ID},
	} {
		if err := browserSteps(bctx, as(p.who), chromedp.Navigate(d.ts.URL+p.path)); err != nil {
			t.Fatal(err)
		}
		if has(`input[value="robbery"]`) || !has(`input[value="threats"]`) {
			t.Errorf("%s: offers the retired type, or not the others", p.name)
		}
		fits(p.name)
	}
}
