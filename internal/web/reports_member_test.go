package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
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

// reporterDesk is a server with two members: one who reports, and another
// who must not see the first one's drafts and reports.
type reporterDesk struct {
	t                  *testing.T
	db                 *store.DB
	ts                 *httptest.Server
	acc                *account.Service
	member, other      scheme.User
	memberTok, otherTk string
}

func newReporterDesk(t *testing.T, db *store.DB) *reporterDesk {
	t.Helper()
	ts := newServerOn(t, db, web.Config{})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	d := &reporterDesk{t: t, db: db, ts: ts, acc: acc}
	d.member, d.memberTok = d.newMember("rep.one", "Ruby", "ruby@example.org")
	d.other, d.otherTk = d.newMember("rep.two", "Opal", "opal@example.org")
	return d
}

func (d *reporterDesk) newMember(username, work, email string) (scheme.User, string) {
	d.t.Helper()
	id := approved(d.t, d.db, d.acc, account.ApplicationInput{Type: "individual", Username: username, WorkName: work, Email: email, AlertChannels: []string{"email"}})
	l, err := d.db.Sessions.LoginByID(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return l.User, sessionFor(d.t, d.db, id)
}

// send makes a request with a session cookie, following no redirects.
func (d *reporterDesk) send(tok, method, path string, form url.Values) (int, string, string) {
	d.t.Helper()
	resp, body := send(d.t, d.ts, method, path, form, sessionCookie(tok)...)
	return resp.StatusCode, resp.Header.Get("Location"), body
}

// page GETs a page as the member and wants 200.
func (d *reporterDesk) page(path string) string {
	d.t.Helper()
	status, _, body := d.send(d.memberTok, "GET", path, nil)
	if status != http.StatusOK {
		d.t.Fatalf("GET %s: %d", path, status)
	}
	return body
}

// step POSTs a step as the member and wants a redirect; it returns where to.
func (d *reporterDesk) step(path string, form url.Values) string {
	d.t.Helper()
	status, loc, body := d.send(d.memberTok, "POST", path, form)
	if status != http.StatusSeeOther {
		d.t.Fatalf("POST %s: %d, want 303; problems %q", path, status, problemsOn(body))
	}
	return loc
}

// newDraft starts a report and returns its draft's address without the step.
func (d *reporterDesk) newDraft(tok string) string {
	d.t.Helper()
	status, loc, _ := d.send(tok, "POST", "/reports/new", url.Values{})
	m := regexp.MustCompile(`^(/reports/draft/[^/]+/)1$`).FindStringSubmatch(loc)
	if status != http.StatusSeeOther || m == nil {
		d.t.Fatalf("new draft: %d %q", status, loc)
	}
	return m[1]
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var problemRE = regexp.MustCompile(`class="field-error"[^>]*>(?:<span[^>]*>Error: </span>)?([^<]*)`)

func problemsOn(body string) []string {
	var out []string
	for _, m := range problemRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// inputValue is the value of the input named name, and whether there is one.
func inputValue(body, name string) (string, bool) {
	re := regexp.MustCompile(`<input[^>]*\sname="` + regexp.QuoteMeta(name) + `"[^>]*>`)
	tag := re.FindString(body)
	if tag == "" {
		return "", false
	}
	m := regexp.MustCompile(`\svalue="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return "", true
	}
	return htmlUnescape(m[1]), true
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&amp;", "&", "&#39;", "'", "&#34;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

// checked says whether the checkbox with this id is ticked.
func checked(body, id string) bool {
	tag := regexp.MustCompile(`<input[^>]*\sid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(body)
	return strings.Contains(tag, " checked")
}

// selected is the value of the selected option of the select named name.
func selected(body, name string) string {
	sel := regexp.MustCompile(`(?s)<select[^>]*\sname="` + regexp.QuoteMeta(name) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(body)
	if sel == nil {
		return "<no select>"
	}
	m := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(sel[1])
	if m == nil {
		return ""
	}
	return m[1]
}

func assertValues(t *testing.T, body string, want map[string]string) {
	t.Helper()
	for name, v := range want {
		got, ok := inputValue(body, name)
		if !ok {
			t.Errorf("no input %q", name)
		} else if got != v {
			t.Errorf("input %q = %q, want %q", name, got, v)
		}
	}
}

// step3Form is a whole step 3: an offender described, with a phone that
// has letters in it, an email and a vehicle.
func step3Form(phone string) url.Values {
	return url.Values{
		"offenders.0.description.gender":   {"Man"},
		"offenders.0.description.age":      {"40s"},
		"offenders.0.description.hair":     {"Shaved"},
		"offenders.0.description.features": {"Scar through left eyebrow"},
		"offenders.0.identifiers.0.kind":   {"phone"},
		"offenders.0.identifiers.0.value":  {phone},
		"offenders.0.identifiers.1.kind":   {"vehicle"},
		"offenders.0.identifiers.1.value":  {"ab12 cde"},
		"offenders.0.identifiers.1.make":   {"Ford Focus"},
		"offenders.0.identifiers.1.colour": {"Dark blue"},
		"offenders.0.identifiers.2.kind":   {"email"},
		"offenders.0.identifiers.2.value":  {"gaz.driver@example.org"},
		"action":                           {"next"},
	}
}

func TestReportForm_MemberWalksFiveStepsSavingEachAndSends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newReporterDesk(t, db)
		ctx := context.Background()

		list := d.page("/reports")
		if !strings.Contains(list, `action="/reports/new"`) || !strings.Contains(list, "Make a report") {
			t.Fatal("no way to make a report on /reports")
		}
		draft := d.newDraft(d.memberTok)
		id := strings.Split(draft, "/")[3]

		// Step 1: nothing ticked is refused, and the account typed is kept.
		one := d.page(draft + "1")
		if !strings.Contains(one, `value="rape-sexual-assault"`) || strings.Index(one, `value="rape-sexual-assault"`) > strings.Index(one, `value="time-wasting"`) {
			t.Error("step 1 does not list incident types, most severe first")
		}
		if checked(one, "third_party") {
			t.Error("a member's report starts as a third-party report")
		}
		account := "He booked by phone, then refused to pay & pushed me <hard>."
		status, _, body := d.send(d.memberTok, "POST", draft+"1", url.Values{"account": {account}, "action": {"next"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose at least one thing that happened") {
			t.Fatalf("step 1 without a type: %d %q", status, problemsOn(body))
		}
		if !strings.Contains(body, "He booked by phone, then refused to pay &amp; pushed me &lt;hard&gt;.</textarea>") {
			t.Error("the account typed was not shown again")
		}
		if !strings.Contains(body, `href="#incident_types"`) || !strings.Contains(body, `id="incident_types"`) {
			t.Error("the error summary does not link to the first checkbox")
		}
		if loc := d.step(draft+"1", url.Values{"incident_types": {"robbery", "physical-assault"}, "account": {account}, "third_party": {"yes"}, "action": {"next"}}); loc != draft+"2" {
			t.Fatalf("step 1 went to %s", loc)
		}
		// The draft survives: step 1 shows what was saved.
		one = d.page(draft + "1")
		if !checked(one, "incident_types-robbery") || !checked(one, "incident_types-physical-assault") || !checked(one, "third_party") {
			t.Error("step 1 lost its ticks")
		}
		if !strings.Contains(one, "pushed me &lt;hard&gt;.</textarea>") {
			t.Error("step 1 lost the account")
		}

		// Step 2: five days ago, about 10pm, in London.
		when := time.Now().UTC().AddDate(0, 0, -5)
		two := url.Values{"day": {fmt.Sprint(when.Day())}, "month": {when.Format("January")}, "year": {fmt.Sprint(when.Year())}, "hour": {"22"},
			"region": {"london"}, "town": {"Hackney"}, "place_kind": {"hotel"}, "action": {"next"}}
		if loc := d.step(draft+"2", two); loc != draft+"3" {
			t.Fatalf("step 2 went to %s", loc)
		}
		page2 := d.page(draft + "2")
		assertValues(t, page2, map[string]string{"day": fmt.Sprint(when.Day()), "month": fmt.Sprint(int(when.Month())), "year": fmt.Sprint(when.Year()), "town": "Hackney"})
		if selected(page2, "region") != "london" || selected(page2, "hour") != "22" || selected(page2, "place_kind") != "hotel" {
			t.Errorf("step 2 lost its choices: region %q hour %q place %q", selected(page2, "region"), selected(page2, "hour"), selected(page2, "place_kind"))
		}

		// Step 3: a phone with letters comes back with the problem beside
		// it, and everything typed still there.
		status, _, body = d.send(d.memberTok, "POST", draft+"3", step3Form("07700 900abc"))
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("bad phone: %d", status)
		}
		if !strings.Contains(body, `id="offenders.0.identifiers.0.value-error"`) || !strings.Contains(body, "A phone number has only digits") {
			t.Errorf("no message beside the phone: %q", problemsOn(body))
		}
		if !strings.Contains(body, `href="#offenders.0.identifiers.0.value"`) {
			t.Error("the error summary does not link to the phone")
		}
		want3 := map[string]string{"offenders.0.identifiers.0.value": "07700 900abc", "offenders.0.identifiers.1.value": "ab12 cde",
			"offenders.0.identifiers.1.make": "Ford Focus", "offenders.0.identifiers.1.colour": "Dark blue",
			"offenders.0.identifiers.2.value": "gaz.driver@example.org", "offenders.0.description.age": "40s",
			"offenders.0.description.features": "Scar through left eyebrow", "offenders.0.description.gender": "Man"}
		assertValues(t, body, want3)
		if selected(body, "offenders.0.identifiers.2.kind") != "email" || selected(body, "offenders.0.identifiers.1.kind") != "vehicle" {
			t.Error("the kinds chosen were not kept")
		}
		// ... and saved: a fresh GET shows the same.
		assertValues(t, d.page(draft+"3"), want3)

		// Another identifier and another offender, without JavaScript.
		form := step3Form("07700 900abc")
		form.Set("action", "add-identifier")
		if loc := d.step(draft+"3", form); !strings.HasPrefix(loc, draft+"3#offenders.0.identifiers.3") {
			t.Errorf("add identifier went to %s", loc)
		}
		three := d.page(draft + "3")
		if v, ok := inputValue(three, "offenders.0.identifiers.3.value"); !ok || v != "" {
			t.Errorf("no blank fourth identifier row (%q, %v)", v, ok)
		}
		form.Set("action", "add-offender")
		if loc := d.step(draft+"3", form); loc != draft+"3#offender-1" {
			t.Errorf("add offender went to %s", loc)
		}
		three = d.page(draft + "3")
		if _, ok := inputValue(three, "offenders.1.description.age"); !ok {
			t.Error("no second offender")
		}
		assertValues(t, three, want3)

		// Fixed: on to step 4. The blank second offender is dropped.
		fixed := step3Form("07700 900123")
		fixed.Set("offenders.1.description.age", "")
		fixed.Set("offenders.1.identifiers.0.kind", "phone")
		if loc := d.step(draft+"3", fixed); loc != draft+"4" {
			t.Fatalf("step 3 went to %s", loc)
		}
		if _, ok := inputValue(d.page(draft+"3"), "offenders.1.description.age"); ok {
			t.Error("a blank offender was kept")
		}

		// Step 4, then back and forward: Back saves too.
		four := url.Values{"contact_method": {"phone"}, "police_reported": {"yes"}, "police_reference": {"CAD 4471/12"},
			"victim_gender": {"woman"}, "victim_sector": {"escort"}, "action": {"back"}}
		if loc := d.step(draft+"4", four); loc != draft+"3" {
			t.Fatalf("back from step 4 went to %s", loc)
		}
		page4 := d.page(draft + "4")
		assertValues(t, page4, map[string]string{"police_reference": "CAD 4471/12"})
		if !checked(page4, "police_reported") || selected(page4, "contact_method") != "phone" || selected(page4, "victim_sector") != "escort" {
			t.Error("step 4 was not saved by Back")
		}
		four.Set("action", "next")
		if loc := d.step(draft+"4", four); loc != draft+"5" {
			t.Fatalf("step 4 went to %s", loc)
		}

		// Step 5: each consent asked as a question, none answered for her;
		// Continue with one left unanswered is refused, naming it, and keeps
		// the answers given.
		five := d.page(draft + "5")
		for _, c := range []string{"alert", "police", "support", "police_contact"} {
			for _, a := range []string{"yes", "no"} {
				if !strings.Contains(five, `id="consents.`+c+`-`+a+`"`) {
					t.Errorf("consent %s has no %s", c, a)
				}
				if checked(five, "consents."+c+"-"+a) {
					t.Errorf("consent %s is answered %s before the reporter answers", c, a)
				}
			}
		}
		status, _, body = d.send(d.memberTok, "POST", draft+"5", url.Values{"consents.alert": {"yes"}, "consents.police": {"no"}, "consents.support": {"yes"}, "action": {"next"}})
		if status != http.StatusUnprocessableEntity || !slices.Equal(problemsOn(body), []string{"Answer yes or no: If the police want to talk to you, may we ask you?"}) {
			t.Fatalf("an unanswered consent: %d, problems %q", status, problemsOn(body))
		}
		if !checked(body, "consents.alert-yes") || !checked(body, "consents.police-no") || checked(body, "consents.police_contact-yes") || checked(body, "consents.police_contact-no") {
			t.Error("the answers given were not kept")
		}
		if loc := d.step(draft+"5", url.Values{"consents.alert": {"yes"}, "consents.police": {"no"}, "consents.support": {"yes"}, "consents.police_contact": {"no"}, "action": {"next"}}); loc != draft+"6" {
			t.Fatalf("step 5 went to %s", loc)
		}

		// Step 6: everything in words, her answers too.
		six := d.page(draft + "6")
		for _, want := range []string{"Physical assault", "Robbery or theft", "pushed me &lt;hard&gt;.", "London", "Hackney", "Hotel",
			"07700 900123", "AB12 CDE", "gaz.driver@example.org", "Dark blue Ford Focus", "Phone call", "CAD 4471/12", "Someone else", "around 10pm",
			"May we warn other members?</dt><dd>Yes", "May we share it with the police, anonymously?</dt><dd>No"} {
			if !strings.Contains(strings.ReplaceAll(six, "ab12 cde", "AB12 CDE"), want) {
				t.Errorf("the summary lacks %q", want)
			}
		}

		loc := d.step(draft+"6", url.Values{"action": {"submit"}})
		m := regexp.MustCompile(`^/reports/([^/?]+)\?sent=1$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("sending went to %s", loc)
		}
		rep, err := db.Reports.Report(ctx, m[1])
		if err != nil {
			t.Fatal(err)
		}
		if rep.ReporterID != d.member.ID || rep.Status != scheme.ReportSubmitted || !rep.ThirdParty || !rep.Late {
			t.Errorf("report: reporter %v, status %s, third party %v, late %v", rep.ReporterID == d.member.ID, rep.Status, rep.ThirdParty, rep.Late)
		}
		if rep.Consents != (scheme.Consents{Alert: true, Support: true}) {
			t.Errorf("consents %+v", rep.Consents)
		}
		if !rep.TimeKnown || rep.IncidentAt.Hour() != 22 || rep.Region != "london" || rep.PlaceKind != "hotel" || rep.ContactMethod != "phone" || !rep.PoliceReported {
			t.Errorf("report details: %+v", rep)
		}
		o := rep.Original
		if o.Account != account || o.Town != "Hackney" || o.PoliceRef != "CAD 4471/12" || len(o.Offenders) != 1 || len(o.Offenders[0].Identifiers) != 3 {
			t.Fatalf("original: %+v", o)
		}
		if got := o.Offenders[0].Identifiers[0].Normalised; got != "+447700900123" {
			t.Errorf("phone normalised to %q", got)
		}
		if v := o.Offenders[0].Identifiers[1]; v.Make != "Ford Focus" || v.Colour != "Dark blue" {
			t.Errorf("vehicle %+v", v)
		}
		if drafts, _ := db.Reports.Drafts(ctx, d.member.ID); len(drafts) != 0 {
			t.Errorf("%d drafts left after sending", len(drafts))
		}
		if status, _, _ := d.send(d.memberTok, "GET", draft+"6", nil); status != http.StatusNotFound {
			t.Errorf("the sent draft answers %d", status)
		}

		sent := d.page(loc)
		if !strings.Contains(sent, "within one working day") || !strings.Contains(sent, `href="/reports/`+rep.ID+`"`) {
			t.Error("the confirmation does not say what happens next")
		}
		list = d.page("/reports")
		if !strings.Contains(list, `href="/reports/`+rep.ID+`"`) || strings.Contains(list, "/reports/draft/"+id) {
			t.Error("the list does not show the report, or still shows its draft")
		}
	})
}

func TestReportForm_SendingShowsTheStepWithTheFirstProblem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newReporterDesk(t, db)
		draft := d.newDraft(d.memberTok)
		id := strings.Split(draft, "/")[3]
		// A draft written straight into the store, as if the person had
		// skipped ahead: no region, and a bad email.
		in := report.Input{IncidentTypes: []string{"threats"}, IncidentAt: time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"),
			Town: "Leeds", Offenders: []report.OffenderInput{{Identifiers: []report.IdentifierInput{{Kind: "email", Value: "not an email"}}}}}
		if _, err := db.Reports.SaveDraft(context.Background(), d.member.ID, id, 5, mustJSON(t, in)); err != nil {
			t.Fatal(err)
		}
		status, _, body := d.send(d.memberTok, "POST", draft+"5", url.Values{"consents.police": {"yes"}, "action": {"submit"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", status)
		}
		if !strings.Contains(body, `action="/reports/draft/`+id+`/2"`) || !strings.Contains(body, "Choose the region where it happened") {
			t.Errorf("not step 2 with the region problem: %q", problemsOn(body))
		}
		if strings.Contains(body, "does not look like an email") {
			t.Error("a later step's problem is shown on step 2")
		}
		if !strings.Contains(body, "not sent yet") {
			t.Error("not told that the report is not sent")
		}
		assertValues(t, body, map[string]string{"town": "Leeds"})
		// The consent answered before sending was kept.
		if !checked(d.page(draft+"5"), "consents.police-yes") {
			t.Error("the consent ticked before sending was lost")
		}
		// Coming from the check, Continue goes back there.
		if !strings.Contains(body, `name="from" value="check"`) {
			t.Error("the step does not know it came from the check")
		}
		loc := d.step(draft+"2", url.Values{"day": {"1"}, "month": {"1"}, "year": {fmt.Sprint(time.Now().Year() - 1)}, "region": {"yorkshire-humber"},
			"town": {"Leeds"}, "from": {"check"}, "action": {"next"}})
		if loc != draft+"6" {
			t.Errorf("continue from the check went to %s", loc)
		}
		status, _, body = d.send(d.memberTok, "POST", draft+"5", url.Values{"consents.police": {"yes"}, "action": {"submit"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `action="/reports/draft/`+id+`/3"`) || !strings.Contains(body, "does not look like an email") {
			t.Errorf("second send: %d, %q", status, problemsOn(body))
		}
		if reps, _ := db.Reports.Reports(context.Background(), scheme.ReportFilter{ReporterID: d.member.ID}); len(reps) != 0 {
			t.Errorf("%d reports stored from an invalid draft", len(reps))
		}
	})
}

func TestReportDrafts_AndReports_AreNotFoundForOtherMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newReporterDesk(t, db)
		ctx := context.Background()
		draft := d.newDraft(d.memberTok)
		d.step(draft+"1", url.Values{"incident_types": {"threats"}, "account": {"PRIVATE ACCOUNT"}, "action": {"next"}})
		rep, err := report.New(db, scheme.DefaultWorkingHours(time.UTC)).Submit(ctx, d.member, report.Input{IncidentTypes: []string{"robbery"},
			IncidentAt: time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), Region: "london", Account: "PRIVATE REPORT"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			method, path string
			form         url.Values
		}{
			{"GET", draft + "1", nil},
			{"POST", draft + "1", url.Values{"incident_types": {"other"}, "action": {"next"}}},
			{"POST", draft + "5", url.Values{"action": {"submit"}}},
			{"POST", draft + "discard", url.Values{}},
			{"GET", "/reports/" + rep.ID, nil},
			{"GET", "/reports/" + rep.ID + "?sent=1", nil},
			{"POST", "/reports/" + rep.ID + "/messages", url.Values{"message": {"hello"}}},
			{"POST", "/reports/" + rep.ID + "/consents", url.Values{}},
		} {
			status, _, body := d.send(d.otherTk, c.method, c.path, c.form)
			if status != http.StatusNotFound {
				t.Errorf("%s %s as another member: %d, want 404", c.method, c.path, status)
			}
			if strings.Contains(body, "PRIVATE") {
				t.Errorf("%s %s shows the first member's words", c.method, c.path)
			}
		}
		if _, _, body := d.send(d.otherTk, "GET", "/reports", nil); strings.Contains(body, rep.ID) || strings.Contains(body, draft) {
			t.Error("another member's list shows the first member's report or draft")
		}
		// Nothing of the first member's changed.
		if ds, _ := db.Reports.Drafts(ctx, d.member.ID); len(ds) != 1 || !strings.Contains(ds[0].Data, "PRIVATE ACCOUNT") {
			t.Errorf("the draft changed: %+v", ds)
		}
		got, _ := db.Reports.Report(ctx, rep.ID)
		if got.Consents != rep.Consents {
			t.Error("another member changed the consents")
		}
		if msgs, _ := db.Reports.Messages(ctx, rep.ID, false); len(msgs) != 0 {
			t.Error("another member added a message")
		}
	})
}

func TestMyReport_ConsentWithdrawnAtOnceAndMessagesBothWays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newReporterDesk(t, db)
		ctx := context.Background()
		rep, err := report.New(db, scheme.DefaultWorkingHours(time.UTC)).Submit(ctx, d.member, report.Input{IncidentTypes: []string{"threats"},
			IncidentAt: time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), Region: "wales", Town: "Cardiff",
			Consents: scheme.Consents{Alert: true, Police: true, Support: true, PoliceContact: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Reports.AddMessage(ctx, "coordinator", rep.ID, true, "Are you safe now? We can help.", ""); err != nil {
			t.Fatal(err)
		}
		list := d.page("/reports")
		if !strings.Contains(list, "1 new message") || !strings.Contains(list, "Sent") {
			t.Error("the list does not mark the unread message")
		}
		page := d.page("/reports/" + rep.ID)
		for _, want := range []string{"Are you safe now? We can help.", "Cardiff", "Threats or intimidation", "takes effect at once"} {
			if !strings.Contains(page, want) {
				t.Errorf("the report page lacks %q", want)
			}
		}
		if n, _ := db.Reports.UnreadMessages(ctx, d.member.ID); n != 0 {
			t.Errorf("%d unread after reading", n)
		}
		if strings.Contains(d.page("/reports"), "new message") {
			t.Error("the list still marks the message read")
		}

		// Withdraw the alert and police consents: the boxes left ticked stay.
		status, loc, _ := d.send(d.memberTok, "POST", "/reports/"+rep.ID+"/consents", url.Values{"consents.support": {"yes"}, "consents.police_contact": {"yes"}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/reports/"+rep.ID+"?done=consents") {
			t.Fatalf("consents: %d %s", status, loc)
		}
		got, _ := db.Reports.Report(ctx, rep.ID)
		if got.Consents != (scheme.Consents{Support: true, PoliceContact: true}) {
			t.Errorf("consents stored %+v", got.Consents)
		}
		page = d.page(loc)
		if !strings.Contains(page, "Your choices are saved") || checked(page, "consents.alert") || !checked(page, "consents.support") {
			t.Error("the page does not show the new choices")
		}

		// Messages: an empty one is refused beside the box; a real one is kept.
		status, _, body := d.send(d.memberTok, "POST", "/reports/"+rep.ID+"/messages", url.Values{"message": {"  "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Write your message first") {
			t.Errorf("empty message: %d %q", status, problemsOn(body))
		}
		status, loc, _ = d.send(d.memberTok, "POST", "/reports/"+rep.ID+"/messages", url.Values{"message": {"Yes, I am safe. He also used the name Gaz."}})
		if status != http.StatusSeeOther {
			t.Fatalf("message: %d", status)
		}
		if !strings.Contains(d.page(loc), "He also used the name Gaz.") {
			t.Error("the message sent is not in the thread")
		}
	})
}

func TestReportForm_ReportWithinThreeDaysIsNotLateNorThirdParty(t *testing.T) {
	d := newReporterDesk(t, storetest.Open(t, store.SQLite))
	draft := d.newDraft(d.memberTok)
	y := time.Now().UTC().AddDate(0, 0, -1)
	d.step(draft+"1", url.Values{"incident_types": {"non-payment-fraud"}, "action": {"next"}})
	d.step(draft+"2", url.Values{"day": {fmt.Sprint(y.Day())}, "month": {fmt.Sprint(int(y.Month()))}, "year": {fmt.Sprint(y.Year())}, "region": {"scotland"}, "action": {"next"}})
	d.step(draft+"3", url.Values{"action": {"next"}})
	d.step(draft+"4", url.Values{"action": {"next"}})
	d.step(draft+"5", url.Values{"consents.alert": {"no"}, "consents.police": {"no"}, "consents.support": {"no"}, "consents.police_contact": {"no"}, "action": {"next"}})
	loc := d.step(draft+"6", url.Values{"action": {"submit"}})
	reps, err := d.db.Reports.Reports(context.Background(), scheme.ReportFilter{ReporterID: d.member.ID})
	if err != nil || len(reps) != 1 || loc != "/reports/"+reps[0].ID+"?sent=1" {
		t.Fatalf("%d reports (%v), sent to %s", len(reps), err, loc)
	}
	if r := reps[0]; r.Late || r.ThirdParty || r.TimeKnown || r.Consents != (scheme.Consents{}) {
		t.Errorf("late %v, third party %v, time known %v, consents %+v", r.Late, r.ThirdParty, r.TimeKnown, r.Consents)
	}
	if !strings.Contains(d.page(loc), "You did not agree to an alert") {
		t.Error("the confirmation does not say there will be no alert")
	}
}

func TestReportDrafts_ContinueAndDiscardFromTheList(t *testing.T) {
	d := newReporterDesk(t, storetest.Open(t, store.SQLite))
	draft := d.newDraft(d.memberTok)
	d.step(draft+"1", url.Values{"incident_types": {"threats"}, "action": {"next"}})
	list := d.page("/reports")
	if !strings.Contains(list, "Not sent yet") || !strings.Contains(list, `href="`+draft+`2"`) {
		t.Fatal("the list does not offer to continue the draft at step 2")
	}
	if loc := d.step(draft+"discard", url.Values{}); loc != "/reports?done=discarded" {
		t.Errorf("discard went to %s", loc)
	}
	if ds, _ := d.db.Reports.Drafts(context.Background(), d.member.ID); len(ds) != 0 {
		t.Error("the draft is still there")
	}
}

func TestReportForm_OrganisationStaffReportForSomeoneElse(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newReporterDesk(t, db)
	ctx := context.Background()
	contact := approved(t, db, d.acc, account.ApplicationInput{Type: "project", Username: "proj.lead",
		Organisation: &account.OrgInput{Name: "Test Project", Website: "https://example.org", Email: "p@example.org", KeyContact: "Lee", Description: "Outreach for sex workers in town."}})
	tok := sessionFor(t, db, contact)
	draft := d.newDraft(tok)
	status, _, body := d.send(tok, "GET", draft+"1", nil)
	if status != http.StatusOK || !checked(body, "third_party") || !strings.Contains(body, "this starts ticked") {
		t.Errorf("a key contact's report does not start ticked and explained (%d)", status)
	}
	// Their staff always report for someone else: no box to untick.
	l, err := db.Sessions.LoginByID(ctx, contact)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := d.acc.AddStaff(ctx, l.User, "proj.staff", "a long test passphrase", "Jo, outreach")
	if err != nil {
		t.Fatal(err)
	}
	stok := sessionFor(t, db, staff.ID)
	draft = d.newDraft(stok)
	_, _, body = d.send(stok, "GET", draft+"1", nil)
	if strings.Contains(body, `id="third_party"`) || !strings.Contains(body, `<input type="hidden" name="third_party" value="yes">`) || !strings.Contains(body, "You are reporting for someone else") {
		t.Error("organisation staff are offered a third-party box, or not told")
	}
	if _, _, nav := d.send(stok, "GET", "/account", nil); !strings.Contains(nav, `<a href="/reports"`) {
		t.Error("no Reports link in the header for organisation staff")
	}
}

func TestReportPages_OnlyForPeopleWhoCanReport(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newReporterDesk(t, db)
	pending, err := d.acc.Apply(context.Background(), account.ApplicationInput{Type: "individual", Username: "waiting", Password: "a long test passphrase",
		WorkName: "Fern", Mobile: "07700 900333", Regions: []string{"wales"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	applicant := sessionFor(t, db, pending.UserID)
	for _, c := range []struct{ method, path string }{{"GET", "/reports"}, {"POST", "/reports/new"}, {"GET", "/reports/x"}} {
		if status, loc, _ := d.send("", c.method, c.path, url.Values{}); status != http.StatusSeeOther || !toSignIn(loc) {
			t.Errorf("%s %s as a visitor: %d %s", c.method, c.path, status, loc)
		}
		if status, _, _ := d.send(applicant, c.method, c.path, url.Values{}); status != http.StatusForbidden {
			t.Errorf("%s %s as an applicant: %d, want 403", c.method, c.path, status)
		}
	}
	if _, _, body := d.send(d.memberTok, "GET", "/account", nil); !strings.Contains(body, `href="/reports"`) {
		t.Error("no link to reports for a member")
	}
}

func TestReportForm_SignedOutWhileTypingGetsTheTextBack(t *testing.T) {
	d := newReporterDesk(t, storetest.Open(t, store.SQLite))
	draft := d.newDraft(d.memberTok)
	status, _, body := d.send("expired-token", "POST", draft+"1", url.Values{"account": {"He followed me <home>."}, "action": {"next"}})
	if status != http.StatusUnauthorized || !strings.Contains(body, "He followed me &lt;home&gt;.") || !strings.Contains(body, `href="/signin"`) {
		t.Errorf("signed out: %d", status)
	}
}

func TestReportForm_DateBoxesReadMonthNamesAndKeepMistakes(t *testing.T) {
	d := newReporterDesk(t, storetest.Open(t, store.SQLite))
	draft := d.newDraft(d.memberTok)
	status, _, body := d.send(d.memberTok, "POST", draft+"2", url.Values{"day": {"31"}, "month": {"feb"}, "year": {"25"}, "region": {"london"}, "action": {"next"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the date as day, month and year") {
		t.Fatalf("31 February: %d %q", status, problemsOn(body))
	}
	assertValues(t, body, map[string]string{"day": "31", "month": "2", "year": "2025"})
	if !strings.Contains(body, `href="#incident_at"`) || !strings.Contains(body, `id="incident_at"`) {
		t.Error("the summary does not link to the day box")
	}
}

// fullDraft is a draft with every step answered, as the form saves it.
func fullDraft(when time.Time, phone string) report.Input {
	return report.Input{
		IncidentTypes: []string{"physical-assault", "robbery", "threats"},
		Account: "He booked by phone for an outcall to a hotel near the station. When I arrived he refused to pay, pushed me against the door and took my phone and cash.\n\n" +
			"He said he knew where I worked. He had a strong local accent and drove a dark blue Ford.",
		IncidentAt: when.Format("2006-01-02") + "T22:00", Region: "london", Town: "Hackney, near the station", PlaceKind: "hotel",
		ContactMethod: "phone", PoliceReported: true, PoliceReference: "CAD 4471/12", VictimGender: "woman", VictimSector: "escort",
		Offenders: []report.OffenderInput{
			{Description: scheme.OffenderDescription{Gender: "Man", Age: "40s", Height: "Tall", Build: "Heavy", Hair: "Shaved", Features: "Scar through left eyebrow", Accent: "Local"},
				Identifiers: []report.IdentifierInput{{Kind: "phone", Value: phone}, {Kind: "vehicle", Value: "AB12 CDE", Make: "Ford Focus", Colour: "Dark blue"},
					{Kind: "name", Value: "Gaz"}}},
			{Description: scheme.OffenderDescription{Gender: "Man", Age: "20s", Features: "Waited in the car"}},
		},
		Consents: scheme.Consents{Alert: true},
	}
}

// TestReportPages_WorkWithoutJavaScriptAndFitSmallScreens walks the form in
// Chromium with JavaScript off (ticking, typing, Enter, adding a row, an
// error, sending), then opens every reporter page at phone and laptop
// widths in both themes, checking for sideways scrolling and CSP blocks, and
// saves screenshots when UGLYMUGS_SCREENSHOTS is set.
func TestReportPages_WorkWithoutJavaScriptAndFitSmallScreens(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newReporterDesk(t, db)
	ctx := context.Background()
	svc := report.New(db, scheme.DefaultWorkingHours(time.UTC))
	now := time.Now().UTC()

	// The member's history: a report being reviewed, with messages; an
	// older one published; a draft; and drafts to open at each step.
	sent, err := svc.Submit(ctx, d.member, fullDraft(now.AddDate(0, 0, -6), "07700 900123"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Reports.SetReportStatus(ctx, "coordinator", sent.ID, scheme.ReportInReview, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddMessage(ctx, "coordinator", sent.ID, true, "Thank you for telling us. Are you safe now? We can put you in touch with an advocate.", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddMessage(ctx, d.member.ID, sent.ID, false, "I'm ok thanks. Yes please.", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Reports.AddMessage(ctx, "coordinator", sent.ID, true, "We have asked an advocate in your area to call you.", ""); err != nil {
		t.Fatal(err)
	}
	old, err := svc.Submit(ctx, d.member, report.Input{IncidentTypes: []string{"time-wasting"}, IncidentAt: now.AddDate(0, -2, 0).Format("2006-01-02"), Region: "london"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Reports.SetReportStatus(ctx, "coordinator", old.ID, scheme.ReportIntelligence, "Kept to link with other reports."); err != nil {
		t.Fatal(err)
	}
	full, err := db.Reports.SaveDraft(ctx, d.member.ID, "", 5, mustJSON(t, fullDraft(now.AddDate(0, 0, -1), "07700 900123")))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := db.Reports.SaveDraft(ctx, d.member.ID, "", 3, mustJSON(t, fullDraft(now.AddDate(0, 0, -1), "07700 900abc")))
	if err != nil {
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
	noScript := func(off bool) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
			return err
		})
	}
	// Without JavaScript, as the other member.
	err = browserSteps(bctx, cookie("um", d.otherTk), noScript(true), chromedp.EmulateViewport(360, 800),
		chromedp.Navigate(d.ts.URL+"/reports"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// quickexit.js describes the exit link when it runs: here it must not.
	if attrs, err := chromedp.Run(bctx, chromedp.Attributes(chromedp.CSS(`a.quick-exit`))); err != nil || attrs["aria-describedby"] != "" {
		t.Fatalf("JavaScript is not off (%v, %v)", attrs, err)
	}
	err = browserSteps(bctx,
		chromedp.Click(chromedp.CSS(`.rp-start button`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`label[for="incident_types-robbery"]`)),
		chromedp.Click(chromedp.CSS(`label[for="incident_types-robbery"]`), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(`#account`), "He took my bag."),
		chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#incident_at`)),
		chromedp.SendKeys(chromedp.CSS(`#incident_at`), "2"),
		chromedp.SendKeys(chromedp.CSS(`#incident_at-month`), "1"),
		chromedp.SendKeys(chromedp.CSS(`#incident_at-year`), fmt.Sprint(now.Year())),
		chromedp.SetAttributeValue(chromedp.CSS(`#region option[value="wales"]`), "selected", ""),
		chromedp.SendKeys(chromedp.CSS(`#town`), "Swansea"),
		// Enter continues. Typed apart from the text: SendKeys would still be
		// sending the key's release to a field the navigation has removed.
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`), "07700 9OO123"),
		chromedp.Click(chromedp.CSS(`button[value="add-identifier:0"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[id="offenders.0.identifiers.1.value"]`)),
		chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`[id="offenders.0.identifiers.0.value-error"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, bctx, "report-nojs-error-360")
	err = browserSteps(bctx,
		chromedp.Clear(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`), "07700 900123"),
		chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`#contact_method`)),
		chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`label[for="consents.alert-yes"]`)),
		chromedp.Click(chromedp.CSS(`label[for="consents.alert-yes"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`label[for="consents.police-no"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`label[for="consents.support-no"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`label[for="consents.police_contact-no"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.rp-actions button[value="submit"]`)),
		chromedp.Click(chromedp.CSS(`.rp-actions button[value="submit"]`), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(`.rp-confirm`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	reps, err := db.Reports.Reports(ctx, scheme.ReportFilter{ReporterID: d.other.ID})
	if err != nil || len(reps) != 1 {
		t.Fatalf("without JavaScript: %d reports (%v)", len(reps), err)
	}
	got, _ := db.Reports.Report(ctx, reps[0].ID)
	if got.Region != "wales" || got.Original.Town != "Swansea" || !got.Consents.Alert || got.Consents.Police ||
		len(got.Original.Offenders) != 1 || got.Original.Offenders[0].Identifiers[0].Normalised != "+447700900123" {
		t.Errorf("the report sent without JavaScript: %+v %+v", got, got.Original)
	}

	// Every page, both widths, both themes, as the first member.
	pages := []struct{ name, path string }{
		{"list", "/reports"},
		{"step1", "/reports/draft/" + full + "/1"},
		{"step2", "/reports/draft/" + full + "/2"},
		{"step3", "/reports/draft/" + full + "/3"},
		{"step4", "/reports/draft/" + full + "/4"},
		{"step5", "/reports/draft/" + full + "/5"},
		{"step6", "/reports/draft/" + full + "/6"},
		{"step3-error", "/reports/draft/" + bad + "/3"},
		{"sent", "/reports/" + sent.ID + "?sent=1"},
		{"view", "/reports/" + sent.ID},
		{"view-old", "/reports/" + old.ID},
	}
	if err := browserSteps(bctx, noScript(false), cookie("um", d.memberTok), chromedp.Navigate(d.ts.URL+"/reports")); err != nil {
		t.Fatal(err)
	}
	if attrs, err := chromedp.Run(bctx, chromedp.Attributes(chromedp.CSS(`a.quick-exit`))); err != nil || attrs["aria-describedby"] != "quick-exit-hint" {
		t.Fatalf("JavaScript is not back on (%v, %v)", attrs, err)
	}
	for _, width := range []int64{360, 1280} {
		for _, theme := range []string{"light", "dark"} {
			if err := browserSteps(bctx, chromedp.EmulateViewport(width, 900), cookie("theme", theme)); err != nil {
				t.Fatal(err)
			}
			for _, p := range pages {
				if err := browserSteps(bctx, chromedp.Navigate(d.ts.URL+p.path)); err != nil {
					t.Fatal(err)
				}
				if p.name == "step3-error" {
					err := browserSteps(bctx, chromedp.Click(chromedp.CSS(`.rp-actions button[value="next"]`), chromedp.NodeVisible),
						chromedp.WaitVisible(chromedp.CSS(`#error-summary`)))
					if err != nil {
						t.Fatal(err)
					}
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
				accessible(t, bctx, fmt.Sprintf("report %s at %d px, %s", p.name, width, theme))
				browsertest.Screenshot(t, bctx, fmt.Sprintf("report-%s-%d-%s", p.name, width, theme))
			}
		}
	}
}

// browserSteps runs browser actions one by one. An action that meets a node the
// page replaced a moment earlier (a form's navigation still settling) is
// tried again, up to three times: that error says nothing about our pages,
// and every assertion still has to hold.
func browserSteps(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) error {
	for _, a := range actions {
		var err error
		for try := 0; try < 3; try++ {
			if err = chromedp.Do(ctx, a); err == nil || !strings.Contains(err.Error(), "Could not find node") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// One rule, every door: the report form and the API refuse the same bad
// report with the same problems under the same fields. Before, a vehicle's
// make and colour sent without its registration were refused by the form
// alone, and the API silently dropped them.
func TestReport_FormAndAPIRefuseTheSameBadReportAlike(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newReporterDesk(t, db)
		ctx := context.Background()
		in := fullDraft(time.Now().UTC().AddDate(0, 0, -1), "07700 900321")
		in.Offenders[0].Identifiers = []report.IdentifierInput{
			{Kind: "vehicle", Make: "Ford Focus", Colour: "Dark blue"}, // no registration
			{Kind: "email", Value: "not an email"},
		}

		// The API.
		tok, _, err := db.Sessions.CreateSession(ctx, d.member.ID, scheme.SessionAPI, account.DefaultAPITTL)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(ctx, "POST", d.ts.URL+"/api/v1/reports", strings.NewReader(mustJSON(t, in)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := d.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("the API took the report: %d %v", resp.StatusCode, err)
		}
		api := slices.Sorted(maps.Values(out.Error.Fields))
		if out.Error.Fields["offenders.0.identifiers.0.value"] == "" || out.Error.Fields["offenders.0.identifiers.1.value"] == "" || len(api) != 2 {
			t.Errorf("the API's problems: %v, want the registration's and the email's", out.Error.Fields)
		}

		// The form, sending a draft that holds the same report.
		draft := d.newDraft(d.memberTok)
		if _, err := db.Reports.SaveDraft(ctx, d.member.ID, strings.Split(draft, "/")[3], 5, mustJSON(t, in)); err != nil {
			t.Fatal(err)
		}
		status, _, body := d.send(d.memberTok, "POST", draft+"5", url.Values{"consents.alert": {"yes"}, "consents.police": {"no"},
			"consents.support": {"no"}, "consents.police_contact": {"no"}, "action": {"submit"}})
		form := problemsOn(body)
		for i := range form {
			form[i] = htmlUnescape(form[i])
		}
		slices.Sort(form)
		if status != http.StatusUnprocessableEntity || !slices.Equal(form, api) {
			t.Errorf("the form: %d, problems %q; the API's %q", status, form, api)
		}
		if reps, _ := db.Reports.Reports(ctx, scheme.ReportFilter{ReporterID: d.member.ID}); len(reps) != 0 {
			t.Errorf("%d reports stored from a refused one", len(reps))
		}
	})
}
