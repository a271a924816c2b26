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

	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
)

// TestUrgentPages_FitSmallScreens opens the urgent alerts' pages in the
// state that shows their new parts, at 360 and 1280 px: the rota with a
// shift under way, the editor offering "Publish now as urgent" to the
// coordinator on call, an urgent alert waiting for another's review, and
// the alerts list with its review queue. One h1, no sideways scrolling,
// nothing blocked by the CSP, no axe violation.
func TestUrgentPages_FitSmallScreens(t *testing.T) {
	d, now := urgentDesk(t)
	ctx := context.Background()
	if _, err := d.db.Alerts.AddShifts(ctx, d.users["admin"].ID, []scheme.OnCallShift{{UserID: d.users["coordA"].ID, StartsAt: now.Add(-5 * time.Hour), EndsAt: now.Add(11 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	draft, published := d.draft(), d.draft()
	d.post("coordA", "/coordinator/alerts/"+published.ID+"/publish", url.Values{"urgent": {"true"}})

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	pages := []struct{ name, who, path, shows string }{
		{"rota", "admin", "/admin/on-call", "On call now"},
		{"editor-urgent", "coordA", "/coordinator/alerts/" + draft.ID, "Publish now as urgent"},
		{"editor-review", "coordB", "/coordinator/alerts/" + published.ID, "Confirm this alert"},
		{"list-review", "coordB", "/coordinator/alerts", "Urgent alerts to review"},
	}
	for _, width := range []int64{360, 1280} {
		for _, p := range pages {
			if err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie(d.toks[p.who]), chromedp.Navigate(d.ts.URL+p.path)); err != nil {
				t.Fatal(err)
			}
			text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
			if err != nil || !strings.Contains(text, p.shows) {
				t.Errorf("%s: the page does not show %q (%v)", p.name, p.shows, err)
			}
			if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
				t.Errorf("%s: %d h1 elements (%v)", p.name, h1, err)
			}
			if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
				t.Errorf("%s at %d px scrolls sideways by %d px (%v)", p.name, width, overflow, err)
			}
			if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
				t.Errorf("%s: the Content-Security-Policy blocked %v", p.name, v)
			}
			accessible(t, bctx, fmt.Sprintf("%s at %d px", p.name, width))
			browsertest.Screenshot(t, bctx, fmt.Sprintf("urgent-%s-%d", p.name, width))
		}
	}
}
