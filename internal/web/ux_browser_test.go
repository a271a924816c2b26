package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// bypassWorker sends the tab's requests past the service worker (on) or
// through it again.
func bypassWorker(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetBypassServiceWorker, network.SetBypassServiceWorkerParams{Bypass: on})
		return err
	})
}

// TestPhone_OneRowHeaderAndWhatMattersAboveTheFold walks the pages a member
// and staff open most, at 360 × 800 and at 1280 px, in both themes:
//   - the header is one row on a phone for everyone, with a menu that opens
//     without JavaScript, and "Join" only for visitors;
//   - at 1280 px the staff's navigation is one row, grouped, with the open
//     group's own pages under it;
//   - the first alert's title is above the fold on the feed, and the check
//     box on /check; an alert leads with how to recognise them, each with a
//     check; the join form fits two phone screens;
//   - HTML comes compressed; and axe finds nothing.
func TestPhone_OneRowHeaderAndWhatMattersAboveTheFold(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney, London"), IncidentTypes: ptr([]string{"robbery"})})
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			if value == "" {
				_, err := cdp.Call(ctx, tgt, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: d.ts.URL})
				return err
			}
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	open := func(width, height int64, theme, who, path string) {
		t.Helper()
		if err := browserSteps(bctx, chromedp.EmulateViewport(width, height), cookie("theme", theme), cookie("um", d.toks[who]),
			chromedp.Navigate(d.ts.URL+path)); err != nil {
			t.Fatal(err)
		}
	}
	num := func(js string) float64 {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[float64](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	for _, theme := range []string{"light", "dark"} {
		// On a phone: one row for everyone, the menu opens without JavaScript.
		for _, c := range []struct{ who, path, inMenu string }{
			{"", "/about", "Sign in"},
			{"member", "/alerts", "My account"},
			{"orgstaff", "/reports", "My account"},
			{"coordA", "/coordinator/reports", "Offenders"},
			{"admin", "/admin/settings", "API keys"},
		} {
			name := fmt.Sprintf("%s on %s at 360 px, %s", c.who, c.path, theme)
			open(360, 800, theme, c.who, c.path)
			if h := num(`document.querySelector('.header-inner').getBoundingClientRect().height`); h > 64 {
				t.Errorf("%s: the header is %.0f px tall, want one row (at most 64)", name, h)
			}
			if w := num(`document.querySelector('.nav--wide').getBoundingClientRect().width`); w != 0 {
				t.Errorf("%s: the wide navigation shows on a phone (%.0f px)", name, w)
			}
			join := num(`document.querySelectorAll('.site-header a[href="/join"]').length`)
			if (c.who == "") != (join > 0) {
				t.Errorf("%s: %.0f links to Join", name, join)
			}
			// Open the menu (a <details>: no script involved) and find a link in it.
			if err := browserSteps(bctx, chromedp.Click(chromedp.CSS(`.nav-menu__button`), chromedp.NodeVisible)); err != nil {
				t.Fatal(err)
			}
			shown := num(fmt.Sprintf(`[...document.querySelectorAll('.nav-menu__panel a, .nav-menu__panel button')].filter(e => e.textContent.trim() === %q && e.getBoundingClientRect().height > 0).length`, c.inMenu))
			if shown != 1 {
				t.Errorf("%s: the open menu shows %.0f %q", name, shown, c.inMenu)
			}
			accessible(t, bctx, name+", menu open")
		}

		// The member's first things, above the fold. The page's own timing
		// shows compression on the wire only when the service worker does
		// not stand between (its answers report their decoded size), so
		// the feed is opened past it.
		if err := browserSteps(bctx, bypassWorker(true)); err != nil {
			t.Fatal(err)
		}
		open(360, 800, theme, "member", "/alerts")
		if b := num(`document.querySelector('.al-item__title').getBoundingClientRect().bottom`); b > 800 {
			t.Errorf("feed, %s: the first alert's title ends at %.0f px, below the fold", theme, b)
		}
		if enc := num(`(e => e.decodedBodySize - e.encodedBodySize)(performance.getEntriesByType('navigation')[0])`); enc <= 0 {
			t.Errorf("feed, %s: the page came uncompressed (decoded minus encoded: %.0f bytes)", theme, enc)
		}
		if err := browserSteps(bctx, bypassWorker(false)); err != nil {
			t.Fatal(err)
		}
		open(360, 800, theme, "member", "/check")
		if b := num(`document.getElementById('check-value').getBoundingClientRect().bottom`); b > 800 {
			t.Errorf("check, %s: the box ends at %.0f px, below the fold", theme, b)
		}
		open(360, 800, theme, "member", "/alerts/"+a.ID)
		if rec, facts := num(`document.querySelector('.al-recognise').getBoundingClientRect().top`), num(`document.querySelector('.al-facts').getBoundingClientRect().top`); rec >= facts {
			t.Errorf("alert, %s: how to recognise them (%.0f px) comes after the facts (%.0f px)", theme, rec, facts)
		}
		if n := num(`document.querySelectorAll('.al-recognise form[action^="/check"] button').length`); n < 1 {
			t.Errorf("alert, %s: no one-tap check beside the identifiers", theme)
		}
		accessible(t, bctx, "alert at 360 px, "+theme)
		open(360, 800, theme, "", "/join/individual")
		if b := num(`document.querySelector('.join-form button[type=submit]').getBoundingClientRect().bottom + window.scrollY`); b > 1600 {
			t.Errorf("join, %s: the form ends at %.0f px, more than two screens", theme, b)
		}

		// On a laptop: the staff's groups in one row, the group's pages under it.
		for _, who := range []string{"coordA", "admin"} {
			open(1280, 900, theme, who, "/coordinator/intelligence")
			name := fmt.Sprintf("%s at 1280 px, %s", who, theme)
			if h := num(`document.querySelector('.nav--wide').getBoundingClientRect().height`); h > 48 {
				t.Errorf("%s: the navigation is %.0f px tall, want one row", name, h)
			}
			if n := num(`document.querySelectorAll('.nav--wide a[aria-current]').length`); n != 1 {
				t.Errorf("%s: %.0f groups marked as open", name, n)
			}
			if n := num(`document.querySelectorAll('.sub-nav a[aria-current="page"][href="/coordinator/intelligence"]').length`); n != 1 {
				t.Errorf("%s: the group's own row does not mark the page", name)
			}
			accessible(t, bctx, name)
		}
		browsertest.Screenshot(t, bctx, "nav-staff-1280-"+theme)
	}
}
