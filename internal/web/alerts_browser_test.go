package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestAlertPages_FitSmallScreensAndBreakNoCSPRule opens the coordinators'
// editor (a draft with a flag) and the alert pages members see, at phone
// and laptop widths in both themes, checking for sideways scrolling, CSP
// blocks and one h1; it saves screenshots when UGLYMUGS_SCREENSHOTS is set.
func TestAlertPages_FitSmallScreensAndBreakNoCSPRule(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := d.publish(alert.Input{Title: ptr("Robbery and physical assault — Hackney, London"),
		IncidentTypes: ptr([]string{"robbery", "physical-assault"}),
		Body: ptr("What happened: a robbery and an assault, on Tuesday 3 March, in Hackney, London.\n" +
			"Description: man, aged about 40s, blond, tall, a scar on his left hand, London accent.\n" +
			"He used the phone number listed with this alert, and asked to meet at a hotel near the station.\n" +
			"If he contacts you, or you recognise him, add what you know below. Trust your instincts, and work with someone nearby if you can."),
		Translations: &map[string]scheme.AlertTranslation{"ro": {Title: "Jaf și agresiune fizică — Hackney, Londra",
			Body: "Un bărbat de vreo 40 de ani, blond și înalt, cu o cicatrice pe mâna stângă, a jefuit și a lovit o lucrătoare în Hackney."}}})
	d.speaks("member", "ro")
	d.speaks("reporter", "pl")
	if _, err := d.db.Alerts.AddAddition(ctx, d.users["reporter"].ID, a.ID, "The same man texted me last Friday from this number, asking for an outcall."); err != nil {
		t.Fatal(err)
	}
	pending, err := d.db.Alerts.PendingAdditions(ctx, scheme.PageOf(1))
	if err != nil || len(pending.Items) != 1 || pending.Total != 1 {
		t.Fatalf("pending additions: %v %v", pending, err)
	}
	if err := d.db.Alerts.ModerateAddition(ctx, d.users["coordB"].ID, pending.Items[0].ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Alerts.AddAddition(ctx, d.users["member"].ID, a.ID, "He called me too, on Sunday night, from a withheld number."); err != nil {
		t.Fatal(err)
	}
	d.publish(alert.Input{Title: ptr("Threats — London"), IncidentTypes: ptr([]string{"threats"})})

	// A draft whose text names the reporter: one flag.
	rep := d.report()
	loc := d.post("coordA", "/coordinator/alerts", url.Values{"report_ids": {rep.ID}})
	draft := strings.TrimSuffix(loc, "?done=created")
	form := draftForm("A man robbed a worker in Hackney on Tuesday evening. Coral says he was calm at first, then grabbed her bag.\n" +
		"Description: man, aged about 40s, blond.\nIf he contacts you, add what you know below.")
	// With a Romanian translation that names her too: a flag in its section.
	form.Set("translations.ro.title", "Jaf — Londra")
	form.Set("translations.ro.body", "Un bărbat a jefuit o lucrătoare. Coral spune că la început era calm.")
	d.post("coordA", draft, form)

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	pages := []struct{ name, who, path string }{
		{"editor-draft", "coordA", draft},
		{"editor-draft-approver", "coordB", draft},
		{"editor-published", "coordA", "/coordinator/alerts/" + a.ID},
		{"list", "coordA", "/coordinator/alerts"},
		{"deliveries", "coordA", "/coordinator/alerts/" + a.ID + "/deliveries"},
		{"additions", "coordA", "/coordinator/additions"},
		{"feed", "member", "/alerts"},
		{"view", "member", "/alerts/" + a.ID},
		{"view-untranslated", "reporter", "/alerts/" + a.ID},
		{"print", "org", "/alerts/" + a.ID + "/print"},
		{"bulletin", "org", "/alerts/bulletin"},
	}
	for _, width := range []int64{360, 1280} {
		for _, theme := range []string{"light", "dark"} {
			for _, p := range pages {
				err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie("theme", theme), cookie("um", d.toks[p.who]),
					chromedp.Navigate(d.ts.URL+p.path))
				if err != nil {
					t.Fatal(err)
				}
				if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
					t.Errorf("%s: %d h1 elements (%v)", p.name, h1, err)
				}
				overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow > 0 {
					t.Errorf("%s at %d px scrolls sideways by %d px", p.name, width, overflow)
				}
				if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
					t.Errorf("%s: the Content-Security-Policy blocked %v", p.name, v)
				}
				accessible(t, bctx, fmt.Sprintf("alert %s at %d px, %s", p.name, width, theme))
				browsertest.Screenshot(t, bctx, fmt.Sprintf("alert-%s-%d-%s", p.name, width, theme))
			}
		}
	}

	// The Print button shows once the script can print.
	if err := browserSteps(bctx, cookie("um", d.toks["org"]), chromedp.Navigate(d.ts.URL+"/alerts/bulletin")); err != nil {
		t.Fatal(err)
	}
	if hidden, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('button[data-print]').hidden`)); err != nil || hidden {
		t.Errorf("the Print button stays hidden with JavaScript on (%v)", err)
	}
	// On paper: no navigation, exit button or forms.
	err = chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{".quick-exit", ".site-header", ".al-print-bar", ".site-footer"} {
		shown, err := chromedp.Run(bctx, chromedp.Evaluate[bool](fmt.Sprintf(`(function(){var e=document.querySelector(%q);return !!e && e.getClientRects().length > 0})()`, sel)))
		if err != nil || shown {
			t.Errorf("printed, %s still shows (%v)", sel, err)
		}
	}
	browsertest.Screenshot(t, bctx, "alert-bulletin-print")
}
