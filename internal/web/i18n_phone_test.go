package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/i18n"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestKeyPages_EveryLanguageOnAPhone shows the pages a visitor and a
// member use most (home, join, sign in, the feed, one alert, check, each
// step of a report and its error, the reports, my account) in every
// language at 360 px, in both themes, and fails on a sideways scroll, a
// button cut off, a wrong <html lang>, a header without the language in
// one tap, or anything axe finds. With $UGLYMUGS_SCREENSHOTS set, each is
// kept as a PNG to look at.
func TestKeyPages_EveryLanguageOnAPhone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney, London"), IncidentTypes: ptr([]string{"robbery"})})
	ctx := context.Background()
	now := time.Now().UTC()
	member := d.users["member"]
	sent, err := report.New(db, scheme.DefaultWorkingHours(time.UTC)).Submit(ctx, member, fullDraft(now.AddDate(0, 0, -6), "07700 900123"))
	if err != nil {
		t.Fatal(err)
	}
	full, err := db.Reports.SaveDraft(ctx, member.ID, "", 5, mustJSON(t, fullDraft(now.AddDate(0, 0, -1), "07700 900123")))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := db.Reports.SaveDraft(ctx, member.ID, "", 3, mustJSON(t, fullDraft(now.AddDate(0, 0, -1), "07700 900abc")))
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct{ who, name, path string }{
		{"", "home", "/"},
		{"", "join", "/join/individual"},
		{"", "signin", "/signin"},
		{"member", "feed", "/alerts"},
		{"member", "alert", "/alerts/" + a.ID},
		{"member", "check", "/check"},
		{"member", "reports", "/reports"},
		{"member", "step3-error", "/reports/draft/" + bad + "/3"},
		{"member", "sent", "/reports/" + sent.ID + "?sent=1"},
		{"member", "account", "/account"},
	}
	for step := 1; step <= 6; step++ {
		pages = append(pages, struct{ who, name, path string }{"member", fmt.Sprintf("step%d", step), fmt.Sprintf("/reports/draft/%s/%d", full, step)})
	}

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
	for _, l := range i18n.Languages {
		t.Run(l.Code, func(t *testing.T) {
			bctx := browsertest.New(t) // a browser each: its time limit is per language
			if err := browserSteps(bctx, chromedp.EmulateViewport(360, 800)); err != nil {
				t.Fatal(err)
			}
			for _, theme := range []string{"light", "dark"} {
				for _, p := range pages {
					name := fmt.Sprintf("%s in %s at 360 px, %s", p.name, l.English, theme)
					if err := browserSteps(bctx, cookie("lang", l.Code), cookie("theme", theme), cookie("um", d.toks[p.who]),
						chromedp.Navigate(d.ts.URL+p.path)); err != nil {
						t.Fatal(err)
					}
					if p.name == "step3-error" {
						if err := browserSteps(bctx, chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
							chromedp.WaitVisible(chromedp.CSS(`#error-summary`))); err != nil {
							t.Fatal(err)
						}
					}
					fitsAPhone(t, bctx, name, l.Code)
					accessible(t, bctx, name)
					browsertest.Screenshot(t, bctx, fmt.Sprintf("%s-%s-%s-360", l.Code, p.name, theme))
				}
			}
		})
	}
}

// fitsAPhone fails unless the page in the browser is in lang, has no
// sideways scroll and no button cut off, and has the language link in
// sight in its header.
func fitsAPhone(t *testing.T, bctx context.Context, name, lang string) {
	t.Helper()
	type fit struct {
		Lang     string   `json:"lang"`
		Overflow float64  `json:"overflow"`
		Clipped  []string `json:"clipped"`
		LangLink float64  `json:"langLink"`
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[fit](`({
		lang: document.documentElement.lang,
		overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
		clipped: [...document.querySelectorAll('button, a.button, summary, .nav a')]
			.filter(b => b.offsetParent !== null && !b.closest('.visually-hidden, .nav-menu__panel'))
			.filter(b => b.scrollWidth > b.clientWidth + 1 || b.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
			.map(b => b.textContent.trim()),
		langLink: [...document.querySelectorAll('.site-header a.lang-link')]
			.filter(a => { const r = a.getBoundingClientRect(); return r.width > 0 && r.bottom > 0 && r.bottom <= window.innerHeight }).length,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Lang != lang {
		t.Errorf("%s: <html lang=%q>", name, got.Lang)
	}
	if got.Overflow > 0 {
		t.Errorf("%s: scrolls sideways by %.0f px", name, got.Overflow)
	}
	if len(got.Clipped) > 0 {
		t.Errorf("%s: cut off: %q", name, got.Clipped)
	}
	if got.LangLink != 1 {
		t.Errorf("%s: %.0f language links in sight in the header, want 1", name, got.LangLink)
	}
}
