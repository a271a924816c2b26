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
)

// deskPage is a coordinator's or admin's page to open in the browser, and
// a text it must show.
type deskPage struct{ name, who, path, shows string }

// openDeskPages opens each page as its user at 360 and 1280 px, in both
// themes, and checks what every page must be: the text it shows, one h1,
// no sideways scrolling, nothing blocked by the CSP, no axe violation.
// Screenshots go to UGLYMUGS_SCREENSHOTS. check, if given, runs on each
// page as well.
func openDeskPages(t *testing.T, d *alertDesk, pages []deskPage, check func(bctx context.Context, p deskPage, width int64)) {
	t.Helper()
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	for _, width := range []int64{360, 1280} {
		for _, theme := range []string{"light", "dark"} {
			for _, p := range pages {
				if err := browserSteps(bctx, chromedp.EmulateViewport(width, 800), cookie("theme", theme), cookie("um", d.toks[p.who]),
					chromedp.Navigate(d.ts.URL+p.path)); err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%s at %d px, %s", p.name, width, theme)
				text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
				if err != nil || !strings.Contains(text, p.shows) {
					t.Errorf("%s: the page does not show %q (%v)", name, p.shows, err)
				}
				if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
					t.Errorf("%s: %d h1 elements (%v)", name, h1, err)
				}
				if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
					t.Errorf("%s scrolls sideways by %d px (%v)", name, overflow, err)
				}
				if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
					t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
				}
				accessible(t, bctx, name)
				if check != nil {
					check(bctx, p, width)
				}
				browsertest.Screenshot(t, bctx, fmt.Sprintf("desk-%s-%d-%s", p.name, width, theme))
			}
		}
	}
}
