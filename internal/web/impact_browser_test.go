package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestMyReport_WhatItLedToInABrowser is the walk "reporter: see what her
// report did, and ask for help with the police" at 360 px: from her
// reports she opens the one that became an alert, reads the counts, ticks
// "tell me" and saves, asks for help with a note; a coordinator records
// that she reported it, on the case page at the same width; her page then
// says so with the crime reference. Each page: one h1, no sideways
// scrolling, nothing blocked by the CSP, no axe violation.
func TestMyReport_WhatItLedToInABrowser(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d, rep := impactDesk(t, db)

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	text := func() string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	looksRight := func(name string) {
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
		accessible(t, bctx, fmt.Sprintf("%s at 360 px", name))
		browsertest.Screenshot(t, bctx, fmt.Sprintf("%s-360", name))
	}

	// From her list to the report: what it led to.
	err := browserSteps(bctx, chromedp.EmulateViewport(360, 800), cookie(d.toks["reporter"]),
		chromedp.Navigate(d.ts.URL+"/reports"),
		chromedp.Click(chromedp.CSS(`a[href="/reports/`+rep.ID+`"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#impact`)))
	if err != nil {
		t.Fatal(err)
	}
	page := text()
	for _, want := range []string{"What your report led to", "Alerts published from it\n1", "Members they were sent to\n4",
		"Times members checked and found the warning\n2", "Shared with the police as anonymous intelligence", "Help me report to the police"} {
		if !strings.Contains(page, want) {
			t.Errorf("her report's page lacks %q", want)
		}
	}
	looksRight("impact-report")

	// She chooses to be told, then asks for help.
	err = browserSteps(bctx,
		chromedp.Click(chromedp.CSS(`label[for="impact-notify"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`form[action="/reports/`+rep.ID+`/impact-notices"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#impact ~ .notice, .notice`)))
	if err != nil {
		t.Fatal(err)
	}
	if on, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById('impact-notify').checked`)); err != nil || !on {
		t.Errorf("after saving, the box is not ticked (%v)", err)
	}
	err = browserSteps(bctx,
		chromedp.SendKeys(chromedp.CSS(`#help-note`), "Evenings after 7 are safe."),
		chromedp.Click(chromedp.CSS(`form[action="/reports/`+rep.ID+`/police-help"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.rp-help--open`)))
	if err != nil {
		t.Fatal(err)
	}
	if page := text(); !strings.Contains(page, "Your request is sent. A caseworker will contact you.") || !strings.Contains(page, "You asked for help on") {
		t.Errorf("after asking, the page reads:\n%s", page)
	}
	looksRight("impact-asked")

	// A coordinator records, on the case page, that she reported it.
	err = browserSteps(bctx, cookie(d.toks["coordA"]), chromedp.Navigate(d.ts.URL+"/coordinator/reports/"+rep.ID+"#case-police-help"),
		chromedp.WaitVisible(chromedp.CSS(`#case-police-help`)))
	if err != nil {
		t.Fatal(err)
	}
	if page := text(); !strings.Contains(page, "Evenings after 7 are safe.") {
		t.Error("the case page does not show her note")
	}
	looksRight("impact-case")
	err = browserSteps(bctx,
		chromedp.Click(chromedp.CSS(`label[for="outcome-reported"]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#crime_reference`), "CRI/2027/0042"),
		chromedp.Click(chromedp.CSS(`form[action$="/outcome#case-police-help"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#case-police-help ~ .notice, .notice`)))
	if err != nil {
		t.Fatal(err)
	}
	if page := text(); !strings.Contains(page, "She reported it to the police") || !strings.Contains(page, "Reported to the police") {
		t.Errorf("after the outcome, the case page reads:\n%s", page)
	}

	// Her page says so.
	if err := browserSteps(bctx, cookie(d.toks["reporter"]), chromedp.Navigate(d.ts.URL+"/reports/"+rep.ID)); err != nil {
		t.Fatal(err)
	}
	page = text()
	if !strings.Contains(page, "You reported it to the police with our help on") || !strings.Contains(page, "Crime reference: CRI/2027/0042") {
		t.Errorf("after the outcome, her page reads:\n%s", page)
	}
	looksRight("impact-reported")
}
