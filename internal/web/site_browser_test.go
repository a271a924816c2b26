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

// TestSitePages_FitSmallScreens opens the public content pages and the
// admins' content, terms and newsletter pages at 360 and 1280 px: one h1,
// no sideways scrolling, nothing blocked by the CSP. Screenshots with
// UGLYMUGS_SCREENSHOTS.
func TestSitePages_FitSmallScreens(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	d.post("admin", "/admin/pages/case-studies", url.Values{"body": {"# Case studies\n\nA member checked a number and stayed safe.\n\n| Year | Alerts |\n|---|---|\n| 2026 | 40 |"}, "action": {"save"}})
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	pages := []struct{ name, who, path string }{
		{"about", "", "/about"}, {"join", "", "/join"}, {"privacy", "", "/privacy"}, {"contact", "", "/contact"},
		{"case-studies", "", "/case-studies"}, {"supporters", "", "/supporters"}, {"newsletter", "", "/newsletter"},
		{"pages-admin", "admin", "/admin/pages"}, {"page-editor", "admin", "/admin/pages/case-studies"},
		{"page-editor-ro", "admin", "/admin/pages/about?lang=ro"},
		{"terms-admin", "admin", "/admin/terms"}, {"newsletter-admin", "admin", "/admin/newsletter"},
	}
	for _, width := range []int64{360, 1280} {
		for _, p := range pages {
			if err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie("um", d.toks[p.who]), chromedp.Navigate(d.ts.URL+p.path)); err != nil {
				t.Fatal(err)
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
			browsertest.Screenshot(t, bctx, fmt.Sprintf("site-%s-%d", p.name, width))
		}
	}
}
