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

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestCheckPage_InABrowser types a number into the check as a member
// would, at phone and laptop widths, and opens the coordinators' flags
// page: the answer links the alert, nothing scrolls sideways, the CSP
// blocks nothing, each page has one h1. Screenshots with
// UGLYMUGS_SCREENSHOTS.
func TestCheckPage_InABrowser(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery and threats — Hackney, London")})
	for range scheme.UnusualReportedCheck {
		d.do("outsider", "POST", "/check", url.Values{"value": {"07700 900123"}})
	}
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	looksRight := func(name string, width int64) {
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
		accessible(t, bctx, fmt.Sprintf("%s at %d px", name, width))
		browsertest.Screenshot(t, bctx, fmt.Sprintf("%s-%d", name, width))
	}
	for _, width := range []int64{360, 1280} {
		for _, c := range []struct{ name, typed, want string }{
			{"check-found", "07700-900-123", "Reported in 1 alert"},
			{"check-nothing", "+44 7700 900999", "Nothing reported"},
		} {
			err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie("um", d.toks["member"]),
				chromedp.Navigate(d.ts.URL+"/check"),
				chromedp.SendKeys(chromedp.CSS(`#check-value`), c.typed),
				chromedp.Click(chromedp.CSS(`.check-form button`), chromedp.NodeVisible),
				chromedp.WaitVisible(chromedp.CSS(`#check-result`)))
			if err != nil {
				t.Fatal(err)
			}
			text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#check-result').innerText`))
			if err != nil || !strings.Contains(text, c.want) {
				t.Errorf("%s: the answer reads %q (%v)", c.name, text, err)
			}
			if c.name == "check-found" {
				href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#check-result a').getAttribute('href')`))
				if err != nil || href != "/alerts/"+a.ID {
					t.Errorf("the answer links %q (%v)", href, err)
				}
			}
			looksRight(c.name, width)
		}
		if err := browserSteps(bctx, cookie("um", d.toks["coordA"]), chromedp.Navigate(d.ts.URL+"/coordinator/checks")); err != nil {
			t.Fatal(err)
		}
		looksRight("check-flags", width)
	}
}

// accessible runs axe-core on the page and fails the test for each WCAG
// 2.2 A/AA rule the page breaks.
func accessible(t *testing.T, bctx context.Context, name string) {
	t.Helper()
	vs := browsertest.Axe(t, bctx)
	for _, v := range vs {
		t.Errorf("%s: %s (%s, %s) at %v", name, v.Help, v.ID, v.Impact, v.Targets)
	}
	if len(vs) == 0 {
		t.Logf("axe: %s: no WCAG 2.2 A/AA violation", name)
	}
}
