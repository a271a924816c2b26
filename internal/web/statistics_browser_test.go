package web_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/demo"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// stMoreReports files a varied half-year of reports, so that every chart
// has something to show.
func stMoreReports(t *testing.T, d *alertDesk) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	types := scheme.DefaultIncidentTypes
	regions := []string{"london", "london", "north-west", "yorkshire-humber", "wales", "scotland", "south-east"}
	for i := range 120 {
		at := time.Now().Add(-time.Duration(rng.IntN(180*24)) * time.Hour)
		late := rng.IntN(5) == 0
		delay := time.Duration(2+rng.IntN(40)) * time.Hour
		if late {
			delay = time.Duration(80+rng.IntN(200)) * time.Hour
		}
		kinds := []string{types[rng.IntN(len(types))].Slug}
		if rng.IntN(4) == 0 {
			if k := types[rng.IntN(len(types))].Slug; k != kinds[0] {
				kinds = append(kinds, k)
			}
		}
		_, err := d.db.Reports.CreateReport(context.Background(), scheme.Report{Status: scheme.ReportSubmitted, Severity: scheme.SeverityMedium,
			IncidentTypes: kinds, Region: regions[rng.IntN(len(regions))], IncidentAt: at.Add(-delay), SubmittedAt: at, Delay: delay, Late: late,
			AcknowledgeBy: at.Add(24 * time.Hour), ContactMethod: scheme.ContactMethods[rng.IntN(len(scheme.ContactMethods))].Slug,
			ThirdParty: rng.IntN(4) == 0, ReporterID: d.users["reporter"].ID,
			Consents: scheme.Consents{Alert: rng.IntN(5) > 0, Police: rng.IntN(3) == 0, Support: rng.IntN(2) == 0, PoliceContact: rng.IntN(6) == 0},
			Original: scheme.ReportContent{Account: fmt.Sprintf("Report %d.", i),
				Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{{Kind: "phone", Value: "x", Normalised: fmt.Sprintf("+4477009%05d", rng.IntN(60))}}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatisticsPages_FitSmallScreensAndBreakNoCSPRule opens the public
// statistics (in English, Thai and Hungarian, whose words are long) and
// the coordinators' at phone and laptop widths in both themes, checking
// for sideways scrolling, CSP blocks and one h1; it saves screenshots
// when UGLYMUGS_SCREENSHOTS is set.
func TestStatisticsPages_FitSmallScreensAndBreakNoCSPRule(t *testing.T) {
	d := stDesk(t, storetest.Open(t, store.SQLite))
	stMoreReports(t, d)
	d.publish(alert.Input{Title: ptr("Robbery — London")})
	d.publish(alert.Input{Title: ptr("Threats — London"), IncidentTypes: ptr([]string{"threats"})})

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(name, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	pages := []struct {
		name, who, path, lang string
		charts                int64 // at least
	}{
		{"public", "visitor", "/statistics", "en-GB", 2},
		{"public-th", "visitor", "/statistics", "th", 2},
		{"public-hu", "visitor", "/statistics", "hu", 2},
		{"coordinator", "coordA", "/coordinator/statistics", "en-GB", 15},
		{"coordinator-london", "coordA", "/coordinator/statistics?region=london", "en-GB", 15},
	}
	for _, width := range []int64{360, 1280} {
		for _, theme := range []string{"light", "dark"} {
			for _, p := range pages {
				err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie("theme", theme), cookie("um", d.toks[p.who]),
					cookie("lang", p.lang), chromedp.Navigate(d.ts.URL+p.path))
				if err != nil {
					t.Fatal(err)
				}
				if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
					t.Errorf("%s: %d h1 elements (%v)", p.name, h1, err)
				}
				charts, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('svg.chart[role="img"]').length`))
				if err != nil || charts < p.charts {
					t.Errorf("%s: %d charts (%v)", p.name, charts, err)
				}
				overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow > 0 {
					t.Errorf("%s at %d px scrolls sideways by %d px", p.name, width, overflow)
				}
				// Chart text stays legible: at least 10 px on screen.
				small, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`Array.from(document.querySelectorAll('svg.chart text')).filter(e => e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height < 10).length`))
				if err != nil || small > 0 {
					t.Errorf("%s at %d px: %d chart labels under 10 px (%v)", p.name, width, small, err)
				}
				if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
					t.Errorf("%s: the Content-Security-Policy blocked %v", p.name, v)
				}
				accessible(t, bctx, fmt.Sprintf("stats %s at %d px, %s", p.name, width, theme))
				browsertest.Screenshot(t, bctx, fmt.Sprintf("stats-%s-%d-%s", p.name, width, theme))
			}
		}
	}
}

// TestStatisticsPages_DemoDataMakesMeaningfulCharts seeds the demo and
// checks that its statistics have something to show: reports by month,
// kind and region, consent lines, and in public at least the reports.
func TestStatisticsPages_DemoDataMakesMeaningfulCharts(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := &alertDesk{t: t, db: db, ts: newServerOn(t, db, web.Config{Demo: true}), users: map[string]scheme.User{}, toks: map[string]string{}}
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(context.Background(), db, acc, report.New(db, scheme.DefaultWorkingHours(time.UTC))); err != nil {
		t.Fatal(err)
	}
	coord, err := db.Accounts.UserByUsername(context.Background(), "demo-coordinator")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts.SetTOTP(context.Background(), coord.ID, "JBSWY3DPEHPK3PXP", nil); err != nil {
		t.Fatal(err)
	}
	d.keep("coord", coord.ID)

	body := d.get("coord", "/coordinator/statistics")
	t.Logf("the coordinators' page is %d bytes", len(body))
	for _, slug := range []string{"reports-month", "reports-type", "reports-region", "reports-contact", "consent-month", "alerts-month", "members-type", "offenders-repeat"} {
		if !strings.Contains(body, `aria-labelledby="chart-`+slug+`-title`) {
			t.Errorf("the demo has no %s chart", slug)
		}
	}
	if n := strings.Count(body, `<rect class="chart__bar" x=`); n < 40 {
		t.Errorf("only %d bars and columns in the demo's charts", n)
	}
	public := d.get("visitor", "/statistics")
	if !strings.Contains(public, `aria-labelledby="chart-reports-year-title`) {
		t.Error("the public page shows no chart of the demo's reports")
	}

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	for _, p := range []struct{ name, who, path string }{{"public", "visitor", "/statistics"}, {"coordinator", "coord", "/coordinator/statistics"},
		{"coordinator-reports-open", "coord", "/coordinator/statistics?open=st-reports"}} {
		for _, width := range []int64{360, 1280} {
			err := browserSteps(bctx, chromedp.EmulateViewport(width, 800),
				chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
					_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks[p.who], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
					return err
				}),
				chromedp.Navigate(d.ts.URL+p.path))
			if err != nil {
				t.Fatal(err)
			}
			if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
				t.Errorf("%s: the Content-Security-Policy blocked %v", p.name, v)
			}
			accessible(t, bctx, fmt.Sprintf("stats demo %s at %d px", p.name, width))
			browsertest.Screenshot(t, bctx, fmt.Sprintf("stats-demo-%s-%d", p.name, width))
			// The coordinators' page, its sections folded, is at most six
			// screens at 1280 px (it was 29,000 px); an opened section
			// shows its charts.
			height, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollHeight`))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s at %d px: %d px high", p.name, width, height)
			if p.name == "coordinator" && width == 1280 && height > 6*800 {
				t.Errorf("the coordinators' statistics at 1280 px are %d px high, more than 6 screens of 800", height)
			}
			if p.name == "coordinator-reports-open" {
				shown, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`Array.from(document.querySelectorAll('#st-reports svg.chart')).filter(e => e.getBoundingClientRect().height > 0).length`))
				if err != nil || shown < 5 {
					t.Errorf("the opened Reports section shows %d charts (%v)", shown, err)
				}
			}
		}
	}
}
