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
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestIntelligencePages_FitSmallScreens opens every page of issue 6 that
// coordinators, admins and reporters use, filled with a little data, at
// 360 and 1280 px: one h1, no sideways scrolling, nothing blocked by the
// CSP. Screenshots with UGLYMUGS_SCREENSHOTS.
func TestIntelligencePages_FitSmallScreens(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	ctx := context.Background()
	rep := d.report()
	d.report()
	if _, err := db.Reports.SetConsents(ctx, d.users["reporter"].ID, rep.ID, scheme.Consents{Alert: true, Police: true}); err != nil {
		t.Fatal(err)
	}
	export := d.post("coordA", "/coordinator/exports", url.Values{"report_ids": {rep.ID}, "purpose": {"Linking a series of robberies in Hackney"},
		"recipient": {"NCA SCAS, analyst on duty"}, "format": {"csv"}})
	enquiry := strings.TrimSuffix(d.post("coordA", "/coordinator/enquiries", url.Values{"force": {"Example Police"}, "unit": {"CID"},
		"report_id": {rep.ID}, "request": {"DC Example would like to talk to the reporter about the man in this report."}}), "?done=created")
	d.post("coordA", enquiry+"/forward", url.Values{"report_id": {rep.ID}, "to": {"reporter"}})
	fs, err := db.Police.MemberEnquiries(ctx, d.users["reporter"], "")
	if err != nil || len(fs) != 1 {
		t.Fatalf("forwards: %v %v", fs, err)
	}
	disclosure := strings.TrimSuffix(d.post("coordA", "/coordinator/disclosures", url.Values{"legal_basis": {"risk_to_life"}, "username": {"m.iris"},
		"what": {"Her mobile number."}, "recipient": {"Duty inspector, an example force"}, "justification": {"A credible threat."}, "notify": {"yes"}}), "?done=recorded")
	if _, _, err := db.Sessions.CreateAPIKey(ctx, d.users["admin"].ID, "Example Adverts Ltd", 60, 5000); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	pages := []struct{ name, who, path string }{
		{"intelligence", "coordA", "/coordinator/intelligence"},
		{"exports", "coordA", "/coordinator/exports"},
		{"export", "coordA", strings.TrimSuffix(export, "?done=created")},
		{"enquiries", "coordA", "/coordinator/enquiries"},
		{"enquiry", "coordA", enquiry},
		{"disclosures", "coordA", "/coordinator/disclosures"},
		{"disclosure", "admin", disclosure},
		{"api-keys", "admin", "/admin/api-keys"},
		{"my-enquiries", "reporter", "/enquiries"},
		{"my-enquiry", "reporter", "/enquiries/" + fs[0].ID},
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
			browsertest.Screenshot(t, bctx, fmt.Sprintf("police-%s-%d", p.name, width))
		}
	}
}
