package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestKeyContact_BookTrainingInABrowser is the walk "key contact: book
// training" at 360 px: from her account she opens Training, sees her
// organisation is due, ticks a member of her staff on a published event
// and books; the place shows, and her organisation stays "due" until a
// coordinator records attendance, then reads "Training attended on …".
// Each page: one h1, no sideways scrolling, nothing blocked by the CSP,
// no axe violation; screenshots with UGLYMUGS_SCREENSHOTS.
func TestKeyContact_BookTrainingInABrowser(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now })
	d := newAlertDesk(t, db)
	ctx := context.Background()
	e, err := db.Training.PublishTrainingEvent(ctx, d.users["coordA"].ID, scheme.TrainingEvent{Title: "Safety and reporting: new members",
		StartsAt: now.Add(48 * time.Hour), Online: true, Places: 12})
	if err != nil {
		t.Fatal(err)
	}
	sam := d.users["orgstaff"].ID

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	text := func() string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	looksRight := func(name string) {
		t.Helper()
		if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
			t.Errorf("%s: %d h1 elements (%v)", name, h1, err)
		}
		if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
			t.Errorf("%s at 360 px scrolls sideways by %d px (%v)", name, overflow, err)
		}
		if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
			t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
		}
		accessible(t, bctx, fmt.Sprintf("%s at 360 px", name))
		browsertest.Screenshot(t, bctx, fmt.Sprintf("%s-360", name))
	}

	// From her account to Training: her organisation is due.
	err = browserSteps(bctx, chromedp.EmulateViewport(360, 800), cookie(d.toks["org"]),
		chromedp.Navigate(d.ts.URL+"/account"),
		chromedp.Click(chromedp.CSS(`a[href="/organisation/training"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#training-status`)))
	if err != nil {
		t.Fatal(err)
	}
	page := text()
	for _, want := range []string{"Training due by", "Safety and reporting: new members", "Places left: 12", "No places booked yet."} {
		if !strings.Contains(page, want) {
			t.Errorf("before booking, the page lacks %q", want)
		}
	}
	looksRight("training-due")

	// She ticks Sam and books.
	err = browserSteps(bctx,
		chromedp.Click(chromedp.CSS(`#people-`+e.ID+`-`+sam), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`form[action="/organisation/training/`+e.ID+`/book"] button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	if err != nil {
		t.Fatal(err)
	}
	page = text()
	for _, want := range []string{"Places booked.", "Places left: 11", "Sam", "Booked", "Training due by"} {
		if !strings.Contains(page, want) {
			t.Errorf("after booking, the page lacks %q", want)
		}
	}
	looksRight("training-booked")

	// The event takes place; a coordinator records that Sam attended.
	// (Signed in afresh: days are past any session.)
	now = e.StartsAt.Add(3 * time.Hour)
	d.keep("org", d.users["org"].ID)
	d.keep("coordA", d.users["coordA"].ID)
	b, err := db.Training.OrganisationBookings(ctx, d.users["org"].OrganisationID)
	if err != nil || len(b) != 1 {
		t.Fatalf("bookings: %v %v", b, err)
	}
	if err := browserSteps(bctx, cookie(d.toks["org"]), chromedp.Navigate(d.ts.URL+"/organisation/training")); err != nil {
		t.Fatal(err)
	}
	if page := text(); !strings.Contains(page, "Training due") {
		t.Error("after the event, before attendance is recorded, her organisation is not shown as due")
	}
	d.post("coordA", "/coordinator/training/"+e.ID+"/attendance", url.Values{"attended": {b[0].ID}})
	if err := browserSteps(bctx, chromedp.Navigate(d.ts.URL+"/organisation/training")); err != nil {
		t.Fatal(err)
	}
	page = text()
	if !strings.Contains(page, "Training attended on 3 March 2027.") || !strings.Contains(page, "Attended") || strings.Contains(page, "Training due") {
		t.Errorf("after attendance, the page reads:\n%s", page)
	}
	looksRight("training-attended")

	// The coordinators' pages at the same width.
	if err := browserSteps(bctx, cookie(d.toks["coordA"]), chromedp.Navigate(d.ts.URL+"/coordinator/training")); err != nil {
		t.Fatal(err)
	}
	looksRight("training-desk")
	if err := browserSteps(bctx, chromedp.Navigate(d.ts.URL+"/coordinator/training/"+e.ID)); err != nil {
		t.Fatal(err)
	}
	looksRight("training-event")
}
