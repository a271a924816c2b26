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

	"uglymugs/internal/account"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// servicesDesk is the alert desk with a Romanian-speaking member in
// Yorkshire and the Humber (Leeds's region) and the directory a
// coordinator keeps: a Romanian-speaking clinic in Leeds, a housing desk
// there, a national helpline.
func servicesDesk(t *testing.T) *alertDesk {
	t.Helper()
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "m.ana", WorkName: "Ana", Email: "ana@example.org",
		Password: "a long test passphrase", TermsVersion: 1, Regions: []string{"yorkshire-humber"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
		t.Fatal(err)
	}
	d.keep("ana", a.UserID)
	d.speaks("ana", "ro")
	if _, err := d.db.Towns.AddTown(ctx, d.users["admin"].ID, "yorkshire-humber", "Leeds", "leeds"); err != nil {
		t.Fatal(err)
	}
	for _, f := range []url.Values{
		serviceForm(func(f url.Values) {
			f.Set("name", "Aire Valley Health Bus")
			f.Set("regions", "yorkshire-humber")
			f.Set("towns", "leeds")
		}),
		serviceForm(func(f url.Values) {
			f.Set("name", "Leeds Housing Desk")
			f.Set("regions", "yorkshire-humber")
			f["kinds"] = []string{"housing"}
			f.Set("languages", "en")
			f.Set("phone", "0113 496 0999")
		}),
		serviceForm(func(f url.Values) {
			f.Set("name", "Quiet Line")
			f.Del("regions")
			f.Set("national", "yes")
			f.Set("helpline", "yes")
			f["kinds"] = []string{"isva-idva"}
			f.Set("languages", "en")
			f.Set("phone", "0808 157 0999")
		}),
	} {
		d.post("coordA", "/coordinator/services", f)
	}
	return d
}

// browserAs returns a browser and the way to sign it in as someone of d.
func browserAs(t *testing.T, d *alertDesk) (context.Context, func(who string) chromedp.Action[chromedp.Void]) {
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	return bctx, func(who string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks[who], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
}

// pageLooksRight checks what every page must be: one h1, no sideways
// scrolling, nothing the CSP blocked, no WCAG 2.2 A/AA violation, and at
// a phone's width the header in one row.
func pageLooksRight(t *testing.T, bctx context.Context, name string, width int64) {
	t.Helper()
	if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
		t.Errorf("%s: %d h1 elements (%v)", name, h1, err)
	}
	if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
		t.Errorf("%s at %d px scrolls sideways by %d px (%v)", name, width, overflow, err)
	}
	if width <= 360 {
		if h, err := chromedp.Run(bctx, chromedp.Evaluate[float64](`document.querySelector('.header-inner').getBoundingClientRect().height`)); err != nil || h > 64 {
			t.Errorf("%s: the header is %.0f px tall, want one row (at most 64) (%v)", name, h, err)
		}
	}
	if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
		t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
	}
	accessible(t, bctx, fmt.Sprintf("%s at %d px", name, width))
	browsertest.Screenshot(t, bctx, fmt.Sprintf("%s-%d", name, width))
}

// TestServicesNearMe_InABrowser: a member whose language is Romanian, in
// Leeds's region, opens "Services near me" from the menu at 360 px,
// filters by kind and language, and finds the Romanian-speaking clinic
// with a tap-to-call link; the housing desk is filtered out.
func TestServicesNearMe_InABrowser(t *testing.T) {
	d := servicesDesk(t)
	bctx, as := browserAs(t, d)
	err := browserSteps(bctx, chromedp.EmulateViewport(360, 800), as("ana"),
		chromedp.Navigate(d.ts.URL+"/alerts"),
		chromedp.Click(chromedp.CSS(`.nav-menu__button`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`.nav-menu a[href="/services"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#svc-kind`)))
	if err != nil {
		t.Fatal(err)
	}
	if h1, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('h1').innerText`)); err != nil || h1 != "Servicii lângă mine" {
		t.Errorf("the page's heading is %q, want it in Romanian (%v)", h1, err)
	}
	pageLooksRight(t, bctx, "services-near-me", 360)
	err = browserSteps(bctx,
		chromedp.SetValue(chromedp.CSS(`#svc-kind`), "sexual-health"),
		chromedp.SetValue(chromedp.CSS(`#svc-language`), "ro"),
		chromedp.Click(chromedp.CSS(`.svc-filter button`), chromedp.NodeVisible),
		// Only the filtered page has the kind chosen in its markup.
		chromedp.WaitReady(chromedp.CSS(`#svc-kind option[value="sexual-health"][selected]`)),
		chromedp.WaitVisible(chromedp.CSS(`#svc-results`)))
	if err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#svc-results').innerText`))
	if err != nil || !strings.Contains(text, "Aire Valley Health Bus") || strings.Contains(text, "Leeds Housing Desk") || strings.Contains(text, "Quiet Line") {
		t.Errorf("the results read %q (%v): want the Romanian-speaking clinic only", text, err)
	}
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('#svc-results a.svc__call').getAttribute('href')`))
	if err != nil || href != "tel:+441134960123" {
		t.Errorf("tap-to-call links %q (%v), want tel:+441134960123", href, err)
	}
	pageLooksRight(t, bctx, "services-filtered", 360)
}

// TestReferral_InABrowser: a coordinator suggests a service from a case;
// the member sees it in her report's thread at 360 px and answers "call
// me first"; the coordinator sees her answer on the case.
func TestReferral_InABrowser(t *testing.T) {
	d := servicesDesk(t)
	rep := d.report() // the reporter agreed to be contacted about support
	if !rep.Consents.Support {
		if _, err := d.db.Reports.SetConsents(context.Background(), d.users["reporter"].ID, rep.ID, scheme.Consents{Alert: true, Support: true}); err != nil {
			t.Fatal(err)
		}
	}
	bctx, as := browserAs(t, d)
	err := browserSteps(bctx, chromedp.EmulateViewport(1280, 900), as("coordA"),
		chromedp.Navigate(d.ts.URL+"/coordinator/reports/"+rep.ID+"#case-referrals"),
		chromedp.WaitVisible(chromedp.CSS(`#service`)))
	if err != nil {
		t.Fatal(err)
	}
	options, err := chromedp.Run(bctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#service option')].map(o => o.textContent).join('|')`))
	if err != nil || !strings.Contains(options, "Quiet Line") || strings.Contains(options, "Aire Valley") {
		t.Errorf("a London report is offered %q (%v): want London's and national services only", options, err)
	}
	err = browserSteps(bctx,
		chromedp.SetValue(chromedp.CSS(`#service`), serviceID(t, d, "Quiet Line")),
		chromedp.SendKeys(chromedp.CSS(`#note`), "They are there day and night."),
		chromedp.Click(chromedp.CSS(`form[action$="/referrals#case-referrals"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#case-referrals ~ .notice, #case-referrals + .notice`)))
	if err != nil {
		t.Fatal(err)
	}
	pageLooksRight(t, bctx, "case-referral", 1280)

	err = browserSteps(bctx, chromedp.EmulateViewport(360, 800), as("reporter"),
		chromedp.Navigate(d.ts.URL+"/reports/"+rep.ID),
		chromedp.WaitVisible(chromedp.CSS(`.rp-referral`)))
	if err != nil {
		t.Fatal(err)
	}
	item, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('.rp-referral').innerText`))
	if err != nil || !strings.Contains(item, "Quiet Line") || !strings.Contains(item, "They are there day and night.") {
		t.Errorf("her thread shows %q (%v)", item, err)
	}
	pageLooksRight(t, bctx, "referral-in-thread", 360)
	err = browserSteps(bctx,
		chromedp.Click(chromedp.CSS(`.rp-referral button[value="call-first"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.rp-referral__answer`)))
	if err != nil {
		t.Fatal(err)
	}
	if answer, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('.rp-referral__answer').innerText`)); err != nil || answer != "You said: call me first." {
		t.Errorf("her answer reads %q (%v)", answer, err)
	}
	pageLooksRight(t, bctx, "referral-answered", 360)

	if c := d.get("coordA", "/coordinator/reports/"+rep.ID); !strings.Contains(c, "Call me first") {
		t.Error("the caseworker does not see her answer")
	}
}

func serviceID(t *testing.T, d *alertDesk, name string) string {
	t.Helper()
	all, err := d.db.Support.Services(context.Background(), scheme.ServiceFilter{Retired: true}, scheme.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all.Items {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no service %q", name)
	return ""
}
