package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// alertDesk is a server with a reporter and a member in London, a member
// in Wales, an organisation in London (key contact and staff), two
// coordinators and an admin (staff with a second factor, so the pages
// open). Sessions are by who: "reporter", "member", "outsider", "org",
// "orgstaff", "coordA", "coordB", "admin"; "" is a visitor.
type alertDesk struct {
	t     *testing.T
	db    *store.DB
	ts    *httptest.Server
	acc   *account.Service
	users map[string]scheme.User
	toks  map[string]string
}

func newAlertDesk(t *testing.T, db *store.DB) *alertDesk {
	t.Helper()
	ctx := context.Background()
	d := &alertDesk{t: t, db: db, ts: newServerOn(t, db, web.Config{}), users: map[string]scheme.User{}, toks: map[string]string{}}
	var err error
	if d.acc, err = account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin"); err != nil {
		t.Fatal(err)
	}
	member := func(who, region string, in account.ApplicationInput) {
		in.Password, in.TermsVersion, in.Regions = "a long test passphrase", 1, []string{region}
		a, err := d.acc.Apply(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
			t.Fatal(err)
		}
		d.keep(who, a.UserID)
	}
	member("reporter", "london", account.ApplicationInput{Type: "individual", Username: "rep.coral", WorkName: "Coral", Email: "coral@example.org"})
	member("member", "london", account.ApplicationInput{Type: "individual", Username: "m.iris", WorkName: "Iris", Email: "iris@example.org", AlertChannels: []string{"email"}})
	member("outsider", "wales", account.ApplicationInput{Type: "individual", Username: "m.wren", WorkName: "Wren", Mobile: "07700 900555", AlertChannels: []string{"sms"}})
	member("org", "london", account.ApplicationInput{Type: "project", Username: "p.lee",
		Organisation: &account.OrgInput{Name: "Harbour Project", Website: "https://harbour.example.org", Email: "lee@harbour.example.org", KeyContact: "Lee", Description: "Outreach for sex workers in town."}})
	staff, err := d.acc.AddStaff(ctx, d.users["org"], "p.sam", "a long test passphrase", "Sam")
	if err != nil {
		t.Fatal(err)
	}
	d.keep("orgstaff", staff.ID)
	for who, role := range map[string]scheme.Role{"coordA": scheme.RoleCoordinator, "coordB": scheme.RoleCoordinator, "admin": scheme.RoleAdmin} {
		if _, err := account.CreateStaff(ctx, db, "test", "staff."+strings.ToLower(who), "a long test passphrase", role); err != nil {
			t.Fatal(err)
		}
		u, err := db.Accounts.UserByUsername(ctx, "staff."+strings.ToLower(who))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts.SetTOTP(ctx, u.ID, "JBSWY3DPEHPK3PXP", nil); err != nil {
			t.Fatal(err)
		}
		d.keep(who, u.ID)
	}
	return d
}

func (d *alertDesk) keep(who, id string) {
	d.t.Helper()
	l, err := d.db.Sessions.LoginByID(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	d.users[who], d.toks[who] = l.User, sessionFor(d.t, d.db, id)
}

// do sends a request as who, following no redirects.
func (d *alertDesk) do(who, method, path string, form url.Values) (int, http.Header, string) {
	d.t.Helper()
	resp, body := send(d.t, d.ts, method, path, form, sessionCookie(d.toks[who])...)
	return resp.StatusCode, resp.Header, body
}

// get wants 200.
func (d *alertDesk) get(who, path string) string {
	d.t.Helper()
	status, _, body := d.do(who, "GET", path, nil)
	if status != http.StatusOK {
		d.t.Fatalf("GET %s as %s: %d, want 200", path, who, status)
	}
	return body
}

// post wants a redirect and returns where to.
func (d *alertDesk) post(who, path string, form url.Values) string {
	d.t.Helper()
	status, h, body := d.do(who, "POST", path, form)
	if status != http.StatusSeeOther {
		d.t.Fatalf("POST %s as %s: %d, want 303; problems %q", path, who, status, problemsOn(body))
	}
	return h.Get("Location")
}

// report files a robbery in London by the reporter, with alert consent and
// the phone number 07700 900123.
func (d *alertDesk) report() scheme.Report {
	d.t.Helper()
	s := report.New(d.db, scheme.DefaultWorkingHours(time.UTC))
	r, err := s.Submit(context.Background(), d.users["reporter"], robbery(time.Now().Add(-26*time.Hour)))
	if err != nil {
		d.t.Fatal(err)
	}
	return r
}

// fanOut runs the alert's fan-out to the end, as the worker would.
func (d *alertDesk) fanOut(id string) {
	d.t.Helper()
	for range 100 {
		done, err := d.db.Deliveries.FanOutAlert(context.Background(), id, 50)
		if err != nil {
			d.t.Fatal(err)
		}
		if done {
			return
		}
	}
	d.t.Fatal("the fan-out never finished")
}

// publish writes, approves, publishes and fans out an alert from a new
// report (through the service, not the pages), with in's fields.
func (d *alertDesk) publish(in alert.Input) scheme.Alert {
	d.t.Helper()
	ctx := context.Background()
	svc := alert.New(d.db, time.UTC)
	in.ReportIDs = []string{d.report().ID}
	a, err := svc.Draft(ctx, d.users["coordA"], in)
	if err != nil {
		d.t.Fatal(err)
	}
	if err := svc.Approve(ctx, d.users["coordB"], a.ID); err != nil {
		d.t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, d.users["coordA"], a.ID, "Checked by hand in a test."); err != nil {
		d.t.Fatal(err)
	}
	d.fanOut(a.ID)
	if a, err = d.db.Alerts.Alert(ctx, a.ID); err != nil {
		d.t.Fatal(err)
	}
	return a
}

func ptr[T any](v T) *T { return &v }

// feedItem is the feed's entry for an alert, or "".
func feedItem(body, id string) string {
	for _, li := range strings.Split(body, `<li class="al-item`) {
		if strings.Contains(li, `href="/alerts/`+id+`"`) {
			return li
		}
	}
	return ""
}

func TestAlertPages_MemberReadsAnAlertMarkedUnreadUntilOpened(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), Body: ptr("He took a worker's bag.\nHe <b>ran</b> towards the station.")})

	item := feedItem(d.get("member", "/alerts"), a.ID)
	if !strings.Contains(item, "al-item--unread") || !strings.Contains(item, ">New<") {
		t.Errorf("the new alert is not marked unread in words: %s", item)
	}
	for _, want := range []string{"Robbery — Hackney", "Robbery or theft", "High", "happened "} {
		if !strings.Contains(item, want) {
			t.Errorf("the feed entry lacks %q: %s", want, item)
		}
	}

	page := d.get("member", "/alerts/"+a.ID)
	for _, want := range []string{
		"Robbery — Hackney", "Robbery or theft", "London",
		"He took a worker&#39;s bag.\nHe &lt;b&gt;ran&lt;/b&gt; towards the station.", // escaped, line break kept
		"Phone number", "07700 900123", "Add information",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the alert page lacks %q", want)
		}
	}
	if strings.Contains(page, "<b>ran</b>") || strings.Contains(page, "+447700900123") {
		t.Error("the alert page shows unescaped text or the indexed form of an identifier")
	}
	if strings.Contains(page, a.IncidentAt.Format("15:04")) && a.IncidentAt.Format("15:04") != "00:00" {
		t.Error("the alert page shows the time of the incident: only the date is for members")
	}
	if item := feedItem(d.get("member", "/alerts"), a.ID); strings.Contains(item, "al-item--unread") {
		t.Errorf("still unread after opening it: %s", item)
	}
}

func TestAlertPages_MemberOutsideTheTargetNeverSeesIt(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})

	if body := d.get("outsider", "/alerts"); strings.Contains(body, a.ID) || strings.Contains(body, "Robbery — Hackney") {
		t.Error("a member in Wales sees a London alert in their feed")
	}
	for _, path := range []string{"/alerts/" + a.ID, "/alerts/no-such-alert"} {
		status, _, body := d.do("outsider", "GET", path, nil)
		if status != http.StatusNotFound || strings.Contains(body, "Robbery — Hackney") {
			t.Errorf("GET %s as a member outside the target: %d, want the same 404 as for no alert", path, status)
		}
	}
	if status, _, _ := d.do("outsider", "POST", "/alerts/"+a.ID+"/additions", url.Values{"body": {"Me too."}}); status != http.StatusNotFound {
		t.Errorf("adding to an alert not received: %d, want 404", status)
	}
	if status, h, _ := d.do("", "GET", "/alerts/"+a.ID, nil); status != http.StatusSeeOther || !toSignIn(h.Get("Location")) {
		t.Errorf("a visitor: %d %s, want to be sent to sign in", status, h.Get("Location"))
	}
}

func TestAlertPages_AdditionsWaitForACoordinator(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	path := "/alerts/" + a.ID

	// A problem keeps what was typed.
	long := strings.Repeat("He called again. ", 300)
	status, _, body := d.do("member", "POST", path+"/additions", url.Values{"body": {long}})
	if status != http.StatusUnprocessableEntity || len(problemsOn(body)) != 1 || !strings.Contains(body, strings.TrimSpace(long)) {
		t.Errorf("too long an addition: %d, problems %q; want 422 with the text kept", status, problemsOn(body))
	}

	if loc := d.post("member", path+"/additions", url.Values{"body": {"The same man texted me on Friday from this number."}}); !strings.Contains(loc, "done=added") {
		t.Errorf("after adding: %s", loc)
	}
	mine := d.get("member", path+"?done=added")
	if !strings.Contains(mine, "Thank you.") || !strings.Contains(mine, "Waiting for a coordinator") || !strings.Contains(mine, "texted me on Friday") {
		t.Error("the member does not see their addition waiting, with a confirmation")
	}
	if other := d.get("reporter", path); strings.Contains(other, "texted me on Friday") {
		t.Error("another member sees an addition before a coordinator approved it")
	}

	queue := d.get("coordA", "/coordinator/additions")
	m := regexp.MustCompile(`/coordinator/additions/([^/"]+)/approve`).FindStringSubmatch(queue)
	if m == nil || !strings.Contains(queue, "texted me on Friday") || !strings.Contains(queue, "Robbery — Hackney") {
		t.Fatal("the queue does not show the addition with its alert's title")
	}
	if status, _, _ := d.do("member", "POST", "/coordinator/additions/"+m[1]+"/approve", url.Values{}); status != http.StatusForbidden {
		t.Errorf("a member approving an addition: %d, want 403", status)
	}
	d.post("coordA", "/coordinator/additions/"+m[1]+"/approve", url.Values{})
	other := d.get("reporter", path)
	if !strings.Contains(other, "A member added</strong>, ") || !strings.Contains(other, "texted me on Friday") {
		t.Error("another member does not see the approved addition")
	}
	if strings.Contains(other, "Iris") || strings.Contains(other, "m.iris") {
		t.Error("an addition names who wrote it")
	}
	if q := d.get("coordA", "/coordinator/additions"); strings.Contains(q, "texted me on Friday") {
		t.Error("an approved addition is still in the queue")
	}
}

func TestAlertPages_WithdrawnAlertShowsOnlyItsNotice(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), Body: ptr("He took a worker's bag near the canal.")})
	d.get("member", "/alerts/"+a.ID) // read it

	status, _, body := d.do("coordA", "POST", "/coordinator/alerts/"+a.ID+"/withdraw", url.Values{"notice": {"  "}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="notice-error"`) {
		t.Errorf("withdrawing without a notice: %d, want 422 with the problem beside the notice", status)
	}
	d.post("coordA", "/coordinator/alerts/"+a.ID+"/withdraw", url.Values{"notice": {"It was sent in error."}})

	feed := d.get("member", "/alerts")
	item := feedItem(feed, a.ID)
	if !strings.Contains(item, "This alert was withdrawn: It was sent in error.") || !strings.Contains(item, "al-item--unread") {
		t.Errorf("the feed does not show the withdrawal, as new: %s", item)
	}
	page := d.get("member", "/alerts/"+a.ID)
	for _, body := range []string{feed, page} {
		if strings.Contains(body, "Robbery — Hackney") || strings.Contains(body, "near the canal") || strings.Contains(body, "900123") {
			t.Error("a withdrawn alert still shows its content")
		}
	}
	if !strings.Contains(page, "It was sent in error.") || strings.Contains(page, `action="/alerts/`+a.ID+`/additions"`) {
		t.Error("the withdrawn alert's page lacks the notice, or still takes additions")
	}
	editor := d.get("coordA", "/coordinator/alerts/"+a.ID)
	if !strings.Contains(editor, "Withdrawn alert") || !strings.Contains(editor, "It was sent in error.") || strings.Contains(editor, `action="/coordinator/alerts/`+a.ID+`"`) {
		t.Error("the editor of a withdrawn alert does not show it read-only with its notice")
	}
}

func TestAlertPages_BulletinOnlyForOrganisations(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	old := d.publish(alert.Input{Title: ptr("Withdrawn one")})
	if err := d.db.Alerts.WithdrawAlert(context.Background(), d.users["coordA"].ID, old.ID, "Sent in error."); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/alerts/bulletin", "/alerts/" + a.ID + "/print"} {
		if status, _, _ := d.do("member", "GET", path, nil); status != http.StatusForbidden {
			t.Errorf("GET %s as an individual member: %d, want 403", path, status)
		}
		for _, who := range []string{"org", "orgstaff"} {
			body := d.get(who, path)
			if !regexp.MustCompile(`<link rel="stylesheet" href="/static/site\.[0-9a-f]{8}\.css">`).MatchString(body) ||
				!strings.Contains(body, `class="bulletin"`) || !strings.Contains(body, "Robbery — Hackney") || !strings.Contains(body, "07700 900123") {
				t.Errorf("GET %s as %s: not a bulletin with the print styles and the alert", path, who)
			}
			if strings.Contains(body, "Withdrawn one") {
				t.Errorf("GET %s: a withdrawn alert is on the bulletin", path)
			}
			if !strings.Contains(body, `data-print hidden`) || !strings.Contains(body, "browser’s Print") {
				t.Errorf("GET %s: no Print button for scripts, or no words for people without them", path)
			}
		}
	}
	css := d.get("", regexp.MustCompile(`/static/site\.[0-9a-f]{8}\.css`).FindString(d.get("org", "/alerts/bulletin")))
	for _, want := range []string{"@page { size: A4;", "body:has(.bulletin) .site-header", ".al-screen-only"} {
		if !strings.Contains(css, want) {
			t.Errorf("the print styles lack %q", want)
		}
	}
	if body := d.get("member", "/alerts"); strings.Contains(body, "/alerts/bulletin") {
		t.Error("an individual member is offered the bulletin")
	}
	if body := d.get("org", "/alerts"); !strings.Contains(body, `href="/alerts/bulletin"`) {
		t.Error("the organisation is not offered the bulletin")
	}
}

func TestAlertFeed_FiltersKeepTheirValuesAndPagesGoBack(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	if err := d.db.Alerts.SetSetting(ctx, "test", scheme.SettingRequireApproval, "false"); err != nil {
		t.Fatal(err)
	}
	first := d.publish(alert.Input{Title: ptr("Oldest: threats"), IncidentTypes: ptr([]string{"threats"})})
	for i := range 26 {
		d.publish(alert.Input{Title: ptr(fmt.Sprintf("Robbery number %d", i+1))})
	}

	body := d.get("member", "/alerts")
	if strings.Contains(body, "Oldest: threats") || !strings.Contains(body, "Robbery number 26") || !strings.Contains(body, "1–25 of 27") {
		t.Error("the first page is not the newest twenty-five of 27")
	}
	older := regexp.MustCompile(`href="(/alerts\?page=2)" rel="next">Next<`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no link to older alerts")
	}
	body = d.get("member", older[1])
	if !strings.Contains(body, "Oldest: threats") || strings.Contains(body, "Robbery number 26") || !strings.Contains(body, "26–27 of 27") ||
		!strings.Contains(body, `href="/alerts" rel="prev">Previous<`) {
		t.Error("the older page does not hold the oldest alert, or has no way back")
	}
	body = d.get("member", "/alerts?region=london&page=2")
	if !strings.Contains(body, `href="/alerts?region=london" rel="prev"`) {
		t.Error("the way back from page 2 forgets the filter")
	}

	body = d.get("member", "/alerts?type=threats&region=london")
	if !strings.Contains(body, "Oldest: threats") || strings.Contains(body, "Robbery number") {
		t.Error("filtering by type does not narrow the feed")
	}
	if selected(body, "type") != "threats" || selected(body, "region") != "london" || !strings.Contains(body, "<details class=\"al-filters\" open>") {
		t.Error("the filters do not keep their values, or are folded away")
	}
	body = d.get("member", "/alerts?region=wales")
	if strings.Contains(body, first.ID) {
		t.Error("filtering by another region still shows a London alert")
	}
	body = d.get("member", "/alerts?from=yesterday")
	if !strings.Contains(body, `id="from-error"`) || !strings.Contains(body, `value="yesterday"`) {
		t.Error("a date that is not one is not said beside the field, or not kept")
	}
}

func TestAlertFeed_EmptyStateSaysWhatAlertsAre(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	body := d.get("member", "/alerts")
	if !strings.Contains(body, "You have no alerts yet.") || !strings.Contains(body, "An alert is a warning") {
		t.Error("the empty feed does not explain alerts")
	}
}

// TestAlertPages_NeverIndexed: every alert page, members' and
// coordinators', asks not to be indexed, in a header and in the page.
func TestAlertPages_NeverIndexed(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	layout, err := os.ReadFile("core/templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	headHook := strings.Contains(string(layout), `block "head"`) || strings.Contains(string(layout), `template "head"`)
	for _, tt := range []struct{ who, path string }{
		{"member", "/alerts"}, {"member", "/alerts/" + a.ID}, {"org", "/alerts/bulletin"}, {"org", "/alerts/" + a.ID + "/print"},
		{"coordA", "/coordinator/alerts"}, {"coordA", "/coordinator/alerts/" + a.ID}, {"coordA", "/coordinator/alerts/" + a.ID + "/deliveries"},
		{"coordA", "/coordinator/additions"}, {"admin", "/admin/settings"},
	} {
		status, h, body := d.do(tt.who, "GET", tt.path, nil)
		if status != http.StatusOK {
			t.Errorf("GET %s: %d", tt.path, status)
			continue
		}
		if !strings.Contains(h.Get("X-Robots-Tag"), "noindex") || h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: X-Robots-Tag %q, Cache-Control %q", tt.path, h.Get("X-Robots-Tag"), h.Get("Cache-Control"))
		}
		head, _, _ := strings.Cut(body, "</head>")
		if headHook && !strings.Contains(head, `<meta name="robots" content="noindex, nofollow">`) {
			t.Errorf("GET %s: no robots meta tag in the head", tt.path)
		}
	}
	if !headHook {
		t.Log("layout.html has no \"head\" block yet: the views' robots meta tag is not rendered (the header is)")
	}
}
