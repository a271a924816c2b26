package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestIntelligenceSearch_InTheBrowser searches by part of a number through
// the form (no JavaScript), and opens the offender's timeline, at 360 and
// 1280 px: the results and the timeline fit, with one h1 and nothing
// blocked by the CSP. Screenshots with UGLYMUGS_SCREENSHOTS.
func TestIntelligenceSearch_InTheBrowser(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	rep := d.report()
	d.report()
	full, err := d.db.Reports.Report(context.Background(), rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks["coordA"], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
		return err
	})
	check := func(name string, width int64) {
		t.Helper()
		if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
			t.Errorf("%s: %d h1 elements (%v)", name, h1, err)
		}
		if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
			t.Errorf("%s at %d px scrolls sideways by %d px (%v)", name, width, overflow, err)
		}
		if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
			t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
		}
		accessible(t, bctx, fmt.Sprintf("intelligence %s at %d px", name, width))
		browsertest.Screenshot(t, bctx, fmt.Sprintf("intelligence-%s-%d", name, width))
	}
	for _, width := range []int64{360, 1280} {
		err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie, chromedp.Navigate(d.ts.URL+"/coordinator/intelligence"),
			chromedp.SendKeys(chromedp.CSS(`#s-value`), "07700 90"),
			chromedp.Click(chromedp.CSS(`#search-title ~ form button`), chromedp.NodeVisible),
			chromedp.WaitVisible(chromedp.CSS(`#results`)))
		if err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('#results a[href^="/coordinator/reports/"]').length`))
		if err != nil || n != 2 {
			t.Errorf("at %d px the search shows %d reports (%v), want 2", width, n, err)
		}
		check("search", width)
		if err := browserSteps(bctx, chromedp.Navigate(d.ts.URL+"/coordinator/offenders/"+full.Working.Offenders[0].ProfileID)); err != nil {
			t.Fatal(err)
		}
		check("offender", width)
	}
}
