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
	"uglymugs/internal/notify"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestStaffPages_NewPartsFitSmallScreens opens the pages that grew in the
// attack's fixes, each in the state that shows its new part, at 360 and
// 1280 px: the members page with a revoked member's export waiting for a
// second person (as the one who asked and as the one who may approve), and
// the outbox with a message that could not be sent. One h1, no sideways
// scrolling, nothing blocked by the CSP, no axe violation; screenshots with
// UGLYMUGS_SCREENSHOTS.
func TestStaffPages_NewPartsFitSmallScreens(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	d.ts = contactServer(t, db, "help@example.org")
	ctx := context.Background()
	if err := db.Accounts.Revoke(ctx, d.users["coordA"].ID, d.users["outsider"].ID, "Probing for offenders' details.", "http://test.example.org/signin"); err != nil {
		t.Fatal(err)
	}
	d.post("coordA", "/coordinator/members/"+d.users["outsider"].ID+"/export", url.Values{"purpose": {"Intelligence hub, an example force"}})
	d.post("", "/contact", url.Values{"t": {contactStamp(t, db)}, "message": {"I need to talk to someone today.\r\nPlease call after six."}, "name": {"Ann"}})
	sendContactMessages(t, db, &notify.Worker{Source: db.Deliveries, Mail: refusingMailer{}})

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	pages := []struct{ name, who, path, shows string }{
		{"members-asked", "coordA", "/coordinator/members", "Waiting for a second coordinator or admin"},
		{"members-approver", "coordB", "/coordinator/members", "Approve"},
		{"outbox-failed", "admin", "/admin/outbox", "Could not be sent"},
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
			browsertest.Screenshot(t, bctx, fmt.Sprintf("staff-%s-%d", p.name, width))
		}
	}
}
