package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/account"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// caseDesk is a server with a member who reports and a coordinator (with a
// second factor, so the pages open) who reviews.
type caseDesk struct {
	t           *testing.T
	db          *store.DB
	ts          *httptest.Server
	member      scheme.User
	memberTok   string
	coordTok    string
	coordinator string
}

func newCaseDesk(t *testing.T, db *store.DB) *caseDesk {
	t.Helper()
	ctx := context.Background()
	ts := newServerOn(t, db, web.Config{})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	mid := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "reporter.one", WorkName: "Coral", Email: "coral@example.org", AlertChannels: []string{"email"}})
	l, err := db.Sessions.LoginByID(ctx, mid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := account.CreateStaff(ctx, db, "test", "coord.one", "a long test passphrase", scheme.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	c, err := db.Accounts.UserByUsername(ctx, "coord.one")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts.SetTOTP(ctx, c.ID, "JBSWY3DPEHPK3PXP", nil); err != nil {
		t.Fatal(err)
	}
	return &caseDesk{t: t, db: db, ts: ts, member: l.User, memberTok: sessionFor(t, db, mid), coordTok: sessionFor(t, db, c.ID), coordinator: c.ID}
}

// file submits a report by the member as if at time at.
func (d *caseDesk) file(at time.Time, in report.Input) scheme.Report {
	d.t.Helper()
	s := report.New(d.db, scheme.DefaultWorkingHours(time.UTC))
	s.Now = func() time.Time { return at }
	r, err := s.Submit(context.Background(), d.member, in)
	if err != nil {
		d.t.Fatal(err)
	}
	return r
}

func robbery(incident time.Time, types ...string) report.Input {
	if len(types) == 0 {
		types = []string{"robbery"}
	}
	return report.Input{
		IncidentTypes: types, IncidentAt: incident.Format(time.RFC3339), Region: "london", Town: "Hackney",
		Account: "SECRET ACCOUNT: he grabbed my bag outside the station.", PlaceKind: "street", ContactMethod: "phone",
		Offenders: []report.OffenderInput{{Description: scheme.OffenderDescription{Hair: "blond", Age: "40s"},
			Identifiers: []report.IdentifierInput{{Kind: "phone", Value: "07700 900123"}}}},
		Consents: scheme.Consents{Alert: true, Support: true},
	}
}

// do sends a request with a session cookie and does not follow redirects.
func (d *caseDesk) do(tok, method, path string, form url.Values) (int, string, string) {
	d.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, d.ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok != "" {
		req.AddCookie(&http.Cookie{Name: "um", Value: tok})
	}
	c := d.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func (d *caseDesk) get(path string) string {
	d.t.Helper()
	status, _, body := d.do(d.coordTok, "GET", path, nil)
	if status != http.StatusOK {
		d.t.Fatalf("GET %s: %d", path, status)
	}
	return body
}

// post expects a redirect back and returns where to.
func (d *caseDesk) post(path string, form url.Values) string {
	d.t.Helper()
	status, loc, body := d.do(d.coordTok, "POST", path, form)
	if status != http.StatusSeeOther {
		d.t.Fatalf("POST %s: %d, want 303\n%s", path, status, problemsIn(body))
	}
	return loc
}

var errorRE = regexp.MustCompile(`class="field-error"[^>]*>(?:<span[^>]*>Error: </span>)?([^<]*)`)

func problemsIn(body string) []string {
	var out []string
	for _, m := range errorRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// row returns the queue's table row for a report.
func row(body, id string) string {
	for _, r := range strings.Split(body, "<tr") {
		if strings.Contains(r, "/coordinator/reports/"+id+`"`) {
			return r
		}
	}
	return ""
}

func TestReportQueue_SeverityThenAgeMarkingLateAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newCaseDesk(t, db)
		now := time.Now()
		week := now.Add(-8 * 24 * time.Hour) // a day's work has passed since, whatever the weekday
		lowOld := d.file(week, robbery(week.Add(-time.Hour), "time-wasting"))
		highestNewLate := d.file(now, robbery(now.Add(-5*24*time.Hour), "rape-sexual-assault"))
		highestOld := d.file(week, robbery(week.Add(-2*time.Hour), "physical-assault", "kidnap-confinement"))
		highNew := d.file(now, robbery(now.Add(-2*time.Hour)))

		body := d.get("/coordinator/reports")
		var order []string
		for _, m := range regexp.MustCompile(`href="/coordinator/reports/([A-Z0-9]+)"`).FindAllStringSubmatch(body, -1) {
			order = append(order, m[1])
		}
		want := []string{highestOld.ID, highestNewLate.ID, highNew.ID, lowOld.ID}
		if strings.Join(order, ",") != strings.Join(want, ",") {
			t.Errorf("queue order %v, want highest severity first, then oldest: %v", order, want)
		}
		for _, tt := range []struct {
			id                   string
			severity             string
			late, overdue        bool
			types, notTheseTypes string
		}{
			{highestOld.ID, "Highest", false, true, "Kidnap or being held against your will", ""},
			{highestNewLate.ID, "Highest", true, false, "Rape or sexual assault", ""},
			{highNew.ID, "High", false, false, "Robbery or theft", "Time-wasting"},
			{lowOld.ID, "Low", false, true, "Time-wasting", ""},
		} {
			r := row(body, tt.id)
			if !strings.Contains(r, ">"+tt.severity+`<span class="visually-hidden"> severity`) {
				t.Errorf("%s: severity %q not shown in words", tt.id, tt.severity)
			}
			if got := strings.Contains(r, ">Late<"); got != tt.late {
				t.Errorf("%s: late tag %v, want %v", tt.id, got, tt.late)
			}
			if got := strings.Contains(r, "is-overdue") && strings.Contains(r, "Overdue by"); got != tt.overdue {
				t.Errorf("%s: overdue %v, want %v", tt.id, got, tt.overdue)
			}
			if !strings.Contains(r, tt.types) || !strings.Contains(r, "London") {
				t.Errorf("%s: row lacks incident type names or region: %s", tt.id, r)
			}
		}
		if strings.Contains(body, "SECRET ACCOUNT") || strings.Contains(body, "07700") {
			t.Error("the queue shows report content")
		}

		// Once reviewed, a report is acknowledged: no longer overdue; once
		// rejected it leaves the default view for the "rejected" one.
		d.post("/coordinator/reports/"+lowOld.ID+"/status", url.Values{"status": {"in_review"}})
		if r := row(d.get("/coordinator/reports"), lowOld.ID); strings.Contains(r, "Overdue") || !strings.Contains(r, "Acknowledged") {
			t.Errorf("a report in review still shows as waiting: %s", r)
		}
		d.post("/coordinator/reports/"+lowOld.ID+"/status", url.Values{"status": {"rejected"}, "reason": {"A test, not a real incident."}})
		if row(d.get("/coordinator/reports"), lowOld.ID) != "" {
			t.Error("a rejected report is still in the review queue")
		}
		if row(d.get("/coordinator/reports?status=rejected"), lowOld.ID) == "" {
			t.Error("a rejected report is missing from the rejected view")
		}
	})
}

func TestCaseWorkingCopy_EditedByFormWhileTheOriginalStaysUnchanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newCaseDesk(t, db)
		ctx := context.Background()
		now := time.Now()
		rep := d.file(now, robbery(now.Add(-3*time.Hour)))
		path := "/coordinator/reports/" + rep.ID
		oid := rep.Original.Offenders[0].ID
		pid := rep.Original.Offenders[0].ProfileID

		page := d.get(path)
		for _, want := range []string{"As submitted", "never changed", "SECRET ACCOUNT: he grabbed my bag", `name="offenders.0.id" value="` + oid + `"`,
			`value="07700 900123"`, "Matched as <code>&#43;447700900123</code>", `href="/coordinator/offenders/` + pid + `"`} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %s", want)
			}
		}

		form := url.Values{
			"account": {"He grabbed a bag outside a station (identifying details removed)."}, "town": {"Hackney"}, "police_reference": {"CAD 1234"},
			"offenders.0.id": {oid}, "offenders.0.hair": {"blond"}, "offenders.0.age": {"about 45"}, "offenders.0.features": {"tattoo on left hand"},
			"offenders.0.identifiers.0.kind": {"phone"}, "offenders.0.identifiers.0.value": {"+44 7700 900123"},
			"offenders.0.identifiers.1.kind": {"email"}, "offenders.0.identifiers.1.value": {"not an email"},
		}
		// "Add an identifier" shows the form again with a new row, keeping
		// what was typed and saving nothing.
		form.Set("add", "identifier-0")
		status, _, body := d.do(d.coordTok, "POST", path+"/working-copy", form)
		if status != http.StatusOK || !strings.Contains(body, `id="offenders.0.identifiers.2.value"`) || !strings.Contains(body, `value="tattoo on left hand"`) {
			t.Errorf("add an identifier: %d, or the new row or typed values are missing", status)
		}
		form.Del("add")
		form.Set("offenders.0.identifiers.2.kind", "vehicle")
		form.Set("offenders.0.identifiers.2.value", "ab12 cde")
		form.Set("offenders.0.identifiers.2.make", "Ford")

		// A problem is shown beside its field, with what was typed kept.
		status, _, body = d.do(d.coordTok, "POST", path+"/working-copy", form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid email: status %d", status)
		}
		for _, want := range []string{`id="offenders.0.identifiers.1.value-error"`, `href="#offenders.0.identifiers.1.value"`, `value="not an email"`, `value="about 45"`, "CAD 1234"} {
			if !strings.Contains(body, want) {
				t.Errorf("re-shown working copy lacks %s", want)
			}
		}
		if got, _ := db.Reports.Report(ctx, rep.ID); got.Working.Account != rep.Original.Account {
			t.Error("a refused edit changed the working copy")
		}

		form.Set("offenders.0.identifiers.1.value", "Gaz.Driver@Example.ORG")
		if loc := d.post(path+"/working-copy", form); loc != path+"?done=edit#working-copy" {
			t.Errorf("saved: redirected to %s", loc)
		}
		got, err := db.Reports.Report(ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Original.Account != rep.Original.Account || got.Original.PoliceRef != "" || len(got.Original.Offenders[0].Identifiers) != 1 || got.Original.Offenders[0].Description.Age != "40s" {
			t.Errorf("the original changed: %+v", got.Original)
		}
		w := got.Working
		if !strings.Contains(w.Account, "identifying details removed") || w.PoliceRef != "CAD 1234" || len(w.Offenders) != 1 {
			t.Fatalf("working copy %+v", w)
		}
		o := w.Offenders[0]
		if o.ID != oid || o.ProfileID != pid {
			t.Errorf("the offender lost their id or link: %s/%s, want %s/%s", o.ID, o.ProfileID, oid, pid)
		}
		if o.Description.Age != "about 45" || o.Description.Features != "tattoo on left hand" {
			t.Errorf("description %+v", o.Description)
		}
		ids := o.Identifiers
		if len(ids) != 3 || ids[0].Normalised != "+447700900123" || ids[1].Normalised != "gaz.driver@example.org" || ids[2].Normalised != "AB12CDE" || ids[2].Make != "Ford" {
			t.Errorf("identifiers not normalised as at submission: %+v", ids)
		}
		page = d.get(path + "?done=edit")
		if !strings.Contains(page, "Working copy saved") || !strings.Contains(page, "Working copy edited") {
			t.Error("no notice, or no timeline line, for the edit")
		}

		// Adding an offender re-shows the form with an empty one; saving
		// it creates a second offender, with a profile of their own.
		form.Set("add", "offender")
		if status, _, body := d.do(d.coordTok, "POST", path+"/working-copy", form); status != http.StatusOK || !strings.Contains(body, `name="offenders.1.id" value=""`) {
			t.Errorf("add an offender: %d", status)
		}
		form.Del("add")
		form.Set("offenders.1.id", "")
		form.Set("offenders.1.gender", "man")
		form.Set("offenders.1.identifiers.0.kind", "name")
		form.Set("offenders.1.identifiers.0.value", "Baz")
		d.post(path+"/working-copy", form)
		got, _ = db.Reports.Report(ctx, rep.ID)
		if len(got.Working.Offenders) != 2 || got.Working.Offenders[0].ID != oid || got.Working.Offenders[1].ProfileID == "" || got.Working.Offenders[1].ProfileID == pid {
			t.Errorf("second offender: %+v", got.Working.Offenders)
		}
		if len(got.Original.Offenders) != 1 {
			t.Error("the original gained an offender")
		}
	})
}

func TestCaseStatus_ReasonNeededOnlyToReject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newCaseDesk(t, db)
		ctx := context.Background()
		now := time.Now()
		rep := d.file(now, robbery(now.Add(-3*time.Hour)))
		path := "/coordinator/reports/" + rep.ID

		page := d.get(path)
		for _, want := range []string{`value="in_review"`, `value="intelligence"`, `value="rejected"`} {
			if !strings.Contains(page, want) {
				t.Errorf("a submitted report does not offer %s", want)
			}
		}
		if strings.Contains(page, `value="published"`) {
			t.Error("a submitted report offers publishing")
		}

		status, _, body := d.do(d.coordTok, "POST", path+"/status", url.Values{"status": {"rejected"}, "reason": {"  "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-error"`) || !strings.Contains(body, `value="rejected" id="status-rejected" checked`) {
			t.Errorf("reject without a reason: %d %v", status, problemsIn(body))
		}
		if status, _, _ := d.do(d.coordTok, "POST", path+"/status", url.Values{}); status != http.StatusUnprocessableEntity {
			t.Errorf("no status chosen: %d", status)
		}
		if got, _ := db.Reports.Report(ctx, rep.ID); got.Status != scheme.ReportSubmitted {
			t.Fatalf("status %s after refused changes", got.Status)
		}

		if loc := d.post(path+"/status", url.Values{"status": {"in_review"}}); loc != path+"?done=status#case-status" {
			t.Errorf("redirected to %s", loc)
		}
		got, _ := db.Reports.Report(ctx, rep.ID)
		if got.Status != scheme.ReportInReview || got.AcknowledgedAt.IsZero() {
			t.Errorf("after review started: %s, acknowledged %v", got.Status, got.AcknowledgedAt)
		}
		d.post(path+"/status", url.Values{"status": {"rejected"}, "reason": {"Duplicate of an earlier report."}})
		got, _ = db.Reports.Report(ctx, rep.ID)
		if got.Status != scheme.ReportRejected || got.Reason != "Duplicate of an earlier report." {
			t.Errorf("after rejecting: %s %q", got.Status, got.Reason)
		}
		page = d.get(path)
		if !strings.Contains(page, "Status changed to Rejected") || !strings.Contains(page, "Duplicate of an earlier report.") || !strings.Contains(page, "Reopen for review") {
			t.Error("the case page does not show the rejection and the way back")
		}
		// A move the flow does not allow is refused, and said so.
		status, _, body = d.do(d.coordTok, "POST", path+"/status", url.Values{"status": {"published"}})
		if status != http.StatusConflict || !strings.Contains(body, "cannot go from") {
			t.Errorf("rejected to published: %d", status)
		}
	})
}

func TestCase_NoteTaskDoneAndMessageToTheReporter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newCaseDesk(t, db)
		ctx := context.Background()
		now := time.Now()
		rep := d.file(now, robbery(now.Add(-3*time.Hour)))
		path := "/coordinator/reports/" + rep.ID

		if status, _, body := d.do(d.coordTok, "POST", path+"/notes", url.Values{"kind": {"note"}, "text": {" "}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="text-error"`) {
			t.Errorf("empty note: %d", status)
		}
		if loc := d.post(path+"/notes", url.Values{"kind": {"note"}, "text": {"Spoke to the project worker."}}); loc != path+"?done=note#case-notes" {
			t.Errorf("note: redirected to %s", loc)
		}
		d.post(path+"/notes", url.Values{"kind": {"referral"}, "text": {"Referred to the ISVA service."}})

		tomorrow := now.UTC().Add(24 * time.Hour).Format("2006-01-02")
		if status, _, body := d.do(d.coordTok, "POST", path+"/tasks", url.Values{"title": {"Call back"}, "due": {"2001-01-01"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="due-error"`) {
			t.Errorf("task due in the past: %d", status)
		}
		d.post(path+"/tasks", url.Values{"title": {"Call back about support"}, "due": {tomorrow}})
		tasks, err := db.Reports.Tasks(ctx, rep.ID)
		if err != nil || len(tasks) != 1 || tasks[0].DueAt.IsZero() || tasks[0].Overdue(now) {
			t.Fatalf("tasks %+v, %v", tasks, err)
		}
		if loc := d.post(path+"/tasks/"+tasks[0].ID+"/done", url.Values{}); loc != path+"?done=task-done#case-tasks" {
			t.Errorf("task done: redirected to %s", loc)
		}
		if tasks, _ = db.Reports.Tasks(ctx, rep.ID); tasks[0].DoneAt.IsZero() {
			t.Error("the task is not done")
		}
		if status, _, _ := d.do(d.coordTok, "POST", path+"/tasks/"+tasks[0].ID+"/done", url.Values{}); status != http.StatusNotFound {
			t.Errorf("a task done twice: %d", status)
		}

		before, _ := db.Reports.UnreadMessages(ctx, d.member.ID)
		if status, _, _ := d.do(d.coordTok, "POST", path+"/messages", url.Values{"body": {""}}); status != http.StatusUnprocessableEntity {
			t.Errorf("empty message: %d", status)
		}
		d.post(path+"/messages", url.Values{"body": {"Are you safe? Would you like support?"}})
		if after, _ := db.Reports.UnreadMessages(ctx, d.member.ID); after != before+1 {
			t.Errorf("reporter's unread messages %d, want %d", after, before+1)
		}

		page := d.get(path)
		for _, want := range []string{"Spoke to the project worker.", "Referral to a support service", "Referred to the ISVA service.",
			"Task done", "Call back about support", "Are you safe? Would you like support?", "Not read yet", "Message sent to the reporter", "coord.one (you)", "The reporter"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
	})
}

func TestOffenderPage_SharedPhoneLinksReportsAndUnlinkingMovesOneOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newCaseDesk(t, db)
		ctx := context.Background()
		now := time.Now()
		a := d.file(now, robbery(now.Add(-5*time.Hour)))
		in := robbery(now.Add(-2*time.Hour), "threats")
		in.Offenders[0].Identifiers[0].Value = "+44 (0)7700-900123"
		b := d.file(now, in)
		pid := a.Original.Offenders[0].ProfileID
		if b.Original.Offenders[0].ProfileID != pid {
			t.Fatal("the same phone written differently did not link the reports")
		}
		bo := b.Original.Offenders[0].ID
		prof := "/coordinator/offenders/" + pid

		page := d.get(prof)
		for _, want := range []string{`href="/coordinator/reports/` + a.ID + `"`, `href="/coordinator/reports/` + b.ID + `"`, "&#43;447700900123", "Threats or intimidation", "London"} {
			if !strings.Contains(page, want) {
				t.Errorf("offender page lacks %s", want)
			}
		}
		if strings.Contains(page, "SECRET ACCOUNT") {
			t.Error("the offender page shows a report's account")
		}

		// Unlinking needs a reason.
		status, _, body := d.do(d.coordTok, "POST", "/coordinator/offenders/move", url.Values{"offender": {bo}, "to": {""}, "from": {pid}, "reason": {""}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-`+bo+`-error"`) {
			t.Errorf("unlink without reason: %d %v", status, problemsIn(body))
		}
		loc := d.post("/coordinator/offenders/move", url.Values{"offender": {bo}, "to": {""}, "from": {pid}, "reason": {"Different car and description."}})
		got, _ := db.Reports.Report(ctx, b.ID)
		newPID := got.Working.Offenders[0].ProfileID
		if newPID == pid || loc != "/coordinator/offenders/"+newPID+"?done=unlinked&from="+pid {
			t.Fatalf("unlinked into %s, redirected to %s", newPID, loc)
		}
		if page := d.get(loc); !strings.Contains(page, `href="/coordinator/reports/`+b.ID+`"`) || !strings.Contains(page, `href="/coordinator/offenders/`+pid+`">Back to the profile it left`) {
			t.Error("the new profile does not show the report, or the way back")
		}
		if page := d.get(prof); strings.Contains(page, `href="/coordinator/reports/`+b.ID+`"`) || !strings.Contains(page, `href="/coordinator/reports/`+a.ID+`"`) {
			t.Error("the unlinked report is still in the profile it left")
		}
		if !strings.Contains(d.get("/coordinator/reports/"+b.ID), "Different car and description.") {
			t.Error("the reason is not in the report's timeline")
		}

		// Linking it back by its reference, with a reason.
		if status, _, body := d.do(d.coordTok, "POST", "/coordinator/offenders/move", url.Values{"offender": {"NOSUCHOFFENDER"}, "to": {pid}, "from": {pid}, "reason": {"x"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="link-offender-error"`) {
			t.Errorf("link an unknown offender: %d", status)
		}
		if loc := d.post("/coordinator/offenders/move", url.Values{"offender": {bo}, "to": {pid}, "from": {pid}, "reason": {"Same phone after all."}}); loc != prof+"?done=linked" {
			t.Errorf("linked: redirected to %s", loc)
		}
		if page := d.get(prof); !strings.Contains(page, `href="/coordinator/reports/`+b.ID+`"`) {
			t.Error("the linked report is not in the profile")
		}
	})
}

func TestReportRoutes_OnlyCoordinatorsAndAdmins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newCaseDesk(t, db)
		ctx := context.Background()
		now := time.Now()
		rep := d.file(now, robbery(now.Add(-3*time.Hour)))
		tk, err := db.Reports.AddTask(ctx, d.coordinator, rep.ID, "Call back", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := account.CreateStaff(ctx, db, "test", "admin.one", "a long test passphrase", scheme.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		admin, _ := db.Accounts.UserByUsername(ctx, "admin.one")
		if err := db.Accounts.SetTOTP(ctx, admin.ID, "JBSWY3DPEHPK3PXP", nil); err != nil {
			t.Fatal(err)
		}
		pid, oid := rep.Original.Offenders[0].ProfileID, rep.Original.Offenders[0].ID
		base := "/coordinator/reports/" + rep.ID
		routes := []struct{ method, path string }{
			{"GET", "/coordinator/reports"},
			{"GET", "/coordinator/reports?status=rejected"},
			{"GET", base},
			{"POST", base + "/working-copy"},
			{"POST", base + "/status"},
			{"POST", base + "/notes"},
			{"POST", base + "/tasks"},
			{"POST", base + "/tasks/" + tk.ID + "/done"},
			{"POST", base + "/messages"},
			{"GET", "/coordinator/offenders/" + pid},
			{"POST", "/coordinator/offenders/move"},
		}
		// Forms that change nothing when allowed (no status, no text, no
		// reason), so that every role meets the same report.
		form := url.Values{"offender": {oid}, "from": {pid}, "add": {"offender"}}
		for _, rt := range routes {
			var f url.Values
			if rt.method == "POST" {
				f = form
			}
			if status, _, _ := d.do(d.memberTok, rt.method, rt.path, f); status != http.StatusForbidden {
				t.Errorf("%s %s as the reporting member: %d, want 403", rt.method, rt.path, status)
			}
			if status, loc, _ := d.do("", rt.method, rt.path, f); status != http.StatusSeeOther || !toSignIn(loc) {
				t.Errorf("%s %s as a visitor: %d %s, want a redirect to sign in", rt.method, rt.path, status, loc)
			}
			for who, tok := range map[string]string{"coordinator": d.coordTok, "admin": sessionFor(t, db, admin.ID)} {
				if status, loc, _ := d.do(tok, rt.method, rt.path, f); status == http.StatusForbidden || status >= 500 || toSignIn(loc) || loc == "/account/second-factor" {
					t.Errorf("%s %s as %s: %d %s, want it allowed", rt.method, rt.path, who, status, loc)
				}
			}
		}
	})
}

// TestReportPages_FitSmallScreensAndBreakNoCSPRule opens the queue, a case
// and an offender profile in Chromium at phone and laptop widths, in both
// themes, and saves screenshots when UGLYMUGS_SCREENSHOTS is set.
func TestReportPages_FitSmallScreensAndBreakNoCSPRule(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newCaseDesk(t, db)
	ctx := context.Background()
	now := time.Now()
	week := now.Add(-8 * 24 * time.Hour)
	d.file(week, robbery(week.Add(-time.Hour), "time-wasting"))
	d.file(now, robbery(now.Add(-5*24*time.Hour), "rape-sexual-assault"))
	in := robbery(week.Add(20*time.Hour), "physical-assault", "robbery", "threats")
	in.Account = "He booked by phone for an outcall to a hotel near the station. When I arrived he refused to pay, pushed me against the door and took my phone and cash.\n\nHe said he knew where I worked. He had a strong local accent and drove a dark blue Ford."
	in.PoliceReported, in.PoliceReference = true, "CAD 4471/12"
	in.VictimGender, in.VictimSector = "woman", "escort"
	in.Offenders[0].Description = scheme.OffenderDescription{Gender: "man", Age: "40s", Height: "tall", Build: "heavy", Hair: "shaved", Features: "scar through left eyebrow", Accent: "local"}
	in.Offenders[0].Identifiers = append(in.Offenders[0].Identifiers,
		report.IdentifierInput{Kind: "vehicle", Value: "ab12 cde", Make: "Ford Focus", Colour: "dark blue"},
		report.IdentifierInput{Kind: "email", Value: "gaz.driver@example.org"},
		report.IdentifierInput{Kind: "name", Value: "Gaz"})
	rep := d.file(week.Add(24*time.Hour), in)
	other := robbery(now.Add(-50*time.Hour), "threats")
	other.Offenders[0].Identifiers[0].Value = "+447700900123"
	d.file(now, other)
	pid := rep.Original.Offenders[0].ProfileID
	if _, err := db.Reports.AddTask(ctx, d.coordinator, rep.ID, "Ask whether they want an ISVA", now.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddTask(ctx, d.coordinator, rep.ID, "Check the hotel's name is out of the alert", now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.Reports.AddCaseNote(ctx, d.coordinator, rep.ID, "note", "Spoke to her project worker: she is safe and staying with a friend."); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddMessage(ctx, d.coordinator, rep.ID, true, "Thank you for telling us. Are you safe now? We can put you in touch with an advocate.", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddMessage(ctx, d.member.ID, rep.ID, false, "I'm ok thanks. Yes please.", ""); err != nil {
		t.Fatal(err)
	}

	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	err := chromedp.Do(bctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.coordTok, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{"queue": "/coordinator/reports", "case": "/coordinator/reports/" + rep.ID, "offender": "/coordinator/offenders/" + pid}
	for _, width := range []int64{360, 1280} {
		for _, theme := range []string{"light", "dark"} {
			if err := chromedp.Do(bctx, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"queue", "case", "offender"} {
				if err := chromedp.Do(bctx, chromedp.Navigate(d.ts.URL+pages[name])); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.documentElement.setAttribute('data-theme', %q), true`, theme))); err != nil {
					t.Fatal(err)
				}
				if h1, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.querySelectorAll('h1').length`)); err != nil || h1 != 1 {
					t.Errorf("%s: %d h1 elements (%v)", name, h1, err)
				}
				overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
				if err != nil {
					t.Fatal(err)
				}
				if overflow > 0 {
					t.Errorf("%s at %d px scrolls sideways by %d px", name, width, overflow)
				}
				if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
					t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
				}
				accessible(t, bctx, fmt.Sprintf("%s at %d px, %s", name, width, theme))
				browsertest.Screenshot(t, bctx, fmt.Sprintf("%s-%d-%s", name, width, theme))
			}
		}
	}

	// A refused working copy comes back with the problem beside its field.
	for _, width := range []int64{360, 1280} {
		err = chromedp.Do(bctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(d.ts.URL+pages["case"]),
			chromedp.SetValue(chromedp.CSS(`[id="offenders.0.identifiers.2.value"]`), "not an email"),
			chromedp.Click(chromedp.CSS(`.working-form .actions .button`)),
			chromedp.WaitVisible(chromedp.CSS(`[id="offenders.0.identifiers.2.value-error"]`)),
		)
		if err != nil {
			t.Fatal(err)
		}
		if v := browsertest.CSPViolations(t, bctx); len(v) > 0 {
			t.Errorf("refused working copy: the Content-Security-Policy blocked %v", v)
		}
		browsertest.Screenshot(t, bctx, fmt.Sprintf("case-refused-%d-light", width))
	}

	// Without JavaScript's help, Enter in a field of the working copy saves
	// it (the first submit button is "save", not "add an identifier").
	err = chromedp.Do(bctx,
		chromedp.Navigate(d.ts.URL+pages["case"]),
		chromedp.SendKeys(chromedp.CSS(`#town`), " Central"),
		chromedp.KeyEvent("\r"), // apart from the text: see the reporter pages' test
	)
	if err != nil {
		t.Fatal(err)
	}
	waitLocation(t, bctx, d.ts.URL+pages["case"]+"?done=edit")
	if got, _ := db.Reports.Report(ctx, rep.ID); !strings.Contains(got.Working.Town, "Central") {
		t.Errorf("Enter in the town field saved %q", got.Working.Town)
	}
}

func TestSearch_FindsReportsByAnyWayOfWritingAPhoneAndPartialsAsTyped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ts := newServerOn(t, db, web.Config{})
		now := time.Now()
		mk := func(value string, partial bool) string {
			ident := scheme.Identifier{Kind: "phone", Value: value, Partial: partial}
			if !partial {
				ident.Normalised = "+447700900515"
			}
			r, err := db.Reports.CreateReport(ctx, scheme.Report{Severity: scheme.SeverityLow, IncidentTypes: []string{"other"}, Region: "wales",
				IncidentAt: now, SubmittedAt: now, AcknowledgeBy: now,
				Original: scheme.ReportContent{Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{ident}}}}})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		full, partial := mk("07700 900515", false), mk("07700 90…", true)
		if _, err := account.CreateStaff(ctx, db, "test", "coord.search", "a long test passphrase", scheme.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		coord, _ := db.Accounts.UserByUsername(ctx, "coord.search")
		cookie := sessionFor(t, db, coord.ID)
		search := func(value string) string {
			req, _ := http.NewRequest("POST", ts.URL+"/coordinator/search", strings.NewReader(url.Values{"kind": {"phone"}, "value": {value}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "um", Value: cookie})
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		if body := search("+44 (0)7700 900515"); !strings.Contains(body, full) || strings.Contains(body, partial) {
			t.Error("a full number written differently did not find (only) its report")
		}
		if body := search("07700 90…"); !strings.Contains(body, partial) {
			t.Error("a partial number typed the same way was not found")
		}
		var audits int
		var detail string
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*), MAX(detail) FROM audit_log WHERE action = 'identifier.search'`).Scan(&audits, &detail)
		if audits != 2 || strings.Contains(detail, "7700") {
			t.Errorf("%d search audit entries (detail %q), want 2 without the number", audits, detail)
		}
	})
}
