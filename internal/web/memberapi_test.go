package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/apitest"
	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// apiDesk is the alert desk's people with API tokens, every exchange held
// to docs/openapi.yaml.
type apiDesk struct {
	*alertDesk
	api map[string]string
}

func newAPIDesk(t *testing.T, db *store.DB) *apiDesk {
	t.Helper()
	d := &apiDesk{alertDesk: newAlertDesk(t, db), api: map[string]string{}}
	d.ts.Client().Transport = apitest.Transport(t, d.ts.Client().Transport)
	for who, u := range d.users {
		tok, _, err := db.Sessions.CreateSession(context.Background(), u.ID, scheme.SessionAPI, account.DefaultAPITTL)
		if err != nil {
			t.Fatal(err)
		}
		d.api[who] = tok
	}
	return d
}

// call sends body (JSON, or nothing when "") as who and decodes the answer.
func (d *apiDesk) call(who, method, path, body string) (int, map[string]any) {
	d.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, d.ts.URL+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+d.api[who])
	resp, err := d.ts.Client().Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	if resp.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			d.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode, out
}

// fields are an error answer's problems by field.
func fields(out map[string]any) map[string]any {
	e, _ := out["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	return f
}

// PATCH /api/v1/me changes only what is sent, by the profile page's rules;
// a problem anywhere stores nothing, and who has no profile page gets 403.
func TestMeAPI_PartialChangeWithTheProfilePagesRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAPIDesk(t, db)
		status, me := d.call("member", "PATCH", "/api/v1/me", `{"profile":{"mobile":"07700 900777","alert_channels":["email","sms"]}}`)
		p, _ := me["profile"].(map[string]any)
		if status != http.StatusOK || p["mobile"] != "+447700900777" || p["alert_sms"] != true || p["alert_email"] != true || p["work_name"] != "Iris" || p["email"] != "iris@example.org" {
			t.Fatalf("a partial change: %d %v", status, me)
		}
		// Two problems at once, one of them the language: neither is stored.
		status, out := d.call("member", "PATCH", "/api/v1/me", `{"language":"xx","profile":{"mobile":"","regions":[]}}`)
		f := fields(out)
		if status != http.StatusUnprocessableEntity || f["language"] == nil || f["profile.alert_channels"] == nil || f["profile.regions"] == nil {
			t.Errorf("problems: %d %v", status, out)
		}
		_, me = d.call("member", "GET", "/api/v1/me", "")
		p, _ = me["profile"].(map[string]any)
		if p["mobile"] != "+447700900777" || me["language"] != "" || p["regions"] == nil {
			t.Errorf("a refused change stored something: %v", me)
		}
		// A valid profile with a bad language stores neither.
		if status, _ := d.call("member", "PATCH", "/api/v1/me", `{"language":"xx","profile":{"work_name":"Iris Two"}}`); status != http.StatusUnprocessableEntity {
			t.Errorf("a bad language beside a good name: %d", status)
		}
		if _, me = d.call("member", "GET", "/api/v1/me", ""); me["profile"].(map[string]any)["work_name"] != "Iris" {
			t.Errorf("the name changed with a refused language: %v", me["profile"])
		}
		// Both good: both stored, in one answer.
		status, me = d.call("member", "PATCH", "/api/v1/me", `{"language":"ro","profile":{"work_name":"Iris Two","sector":"escort"}}`)
		if p, _ := me["profile"].(map[string]any); status != http.StatusOK || me["language"] != "ro" || p["work_name"] != "Iris Two" || p["sector"] != "escort" {
			t.Errorf("both: %d %v", status, me)
		}
		if status, _ := d.call("coordA", "PATCH", "/api/v1/me", `{"profile":{"work_name":"Staff"}}`); status != http.StatusForbidden {
			t.Errorf("a coordinator's profile change: %d, want 403", status)
		}
		if status, out := d.call("member", "PATCH", "/api/v1/me", `{"profile":{"towns":["x"]}}`); status != http.StatusUnprocessableEntity || fields(out)["towns"] == nil {
			t.Errorf("an unknown field: %d %v", status, out)
		}
	})
}

// A report written through the API's drafts follows the web form's rules:
// kept with its problems, not sent before each consent is answered, sent
// once, and nobody else's to read.
func TestDraftsAPI_WrittenInStepsAndSentOnlyWhenAnswered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAPIDesk(t, db)
		status, dr := d.call("member", "POST", "/api/v1/drafts", "")
		id, _ := dr["id"].(string)
		if status != http.StatusCreated || id == "" || dr["problems"] == nil {
			t.Fatalf("new draft: %d %v", status, dr)
		}
		day := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
		status, dr = d.call("member", "PATCH", "/api/v1/drafts/"+id, `{"step":2,"incident_types":["robbery"],"account":"He took the money back.","region":"narnia"}`)
		probs, _ := dr["problems"].(map[string]any)
		region, _ := probs["region"].(map[string]any)
		if status != http.StatusOK || dr["step"] != float64(2) || region == nil || region["step"] != float64(2) || probs["incident_types"] != nil {
			t.Fatalf("step 1 and a wrong region: %d %v", status, dr)
		}
		if status, out := d.call("member", "POST", "/api/v1/drafts/"+id+"/submit", ""); status != http.StatusUnprocessableEntity || fields(out)["consents.alert"] == nil || fields(out)["region"] == nil {
			t.Errorf("sending with problems and no consents: %d %v", status, out)
		}
		if status, _ := d.call("member", "GET", "/api/v1/drafts/"+id, ""); status != http.StatusOK {
			t.Errorf("the refused draft is gone: %d", status)
		}
		status, dr = d.call("member", "PATCH", "/api/v1/drafts/"+id, `{"step":6,"region":"london","incident_at":"`+day+`T22:00",
			"offenders":[{"identifiers":[{"kind":"phone","value":"07700 900444"}]}],
			"consents":{"alert":true,"police":false,"support":false}}`)
		if probs, _ := dr["problems"].(map[string]any); status != http.StatusOK || len(probs) != 1 || probs["consents.police_contact"] == nil {
			t.Fatalf("all but one consent: %d %v", status, dr)
		}
		if status, _ := d.call("member", "POST", "/api/v1/drafts/"+id+"/submit", ""); status != http.StatusUnprocessableEntity {
			t.Errorf("sending with one consent unanswered: %d", status)
		}
		if status, out := d.call("member", "PATCH", "/api/v1/drafts/"+id, `{"consents":{"sms":true}}`); status != http.StatusUnprocessableEntity || fields(out)["consents.sms"] == nil {
			t.Errorf("an unknown consent: %d %v", status, out)
		}
		if status, _ := d.call("member", "PATCH", "/api/v1/drafts/"+id, `{"consents":{"police_contact":false}}`); status != http.StatusOK {
			t.Fatalf("the last consent: %d", status)
		}
		// Another member: not found, whatever she does.
		for _, m := range []string{"GET", "PATCH", "DELETE"} {
			if status, _ := d.call("outsider", m, "/api/v1/drafts/"+id, map[string]string{"PATCH": `{"account":"x"}`}[m]); status != http.StatusNotFound {
				t.Errorf("%s another's draft: %d, want 404", m, status)
			}
		}
		status, sent := d.call("member", "POST", "/api/v1/drafts/"+id+"/submit", "")
		if status != http.StatusCreated || sent["status"] != "submitted" {
			t.Fatalf("sending: %d %v", status, sent)
		}
		rep, err := db.Reports.Report(context.Background(), sent["id"].(string))
		if err != nil || rep.ReporterID != d.users["member"].ID || !rep.Consents.Alert || rep.Consents.Police || rep.Region != "london" {
			t.Errorf("the report filed: %+v %v", rep.Consents, err)
		}
		if status, _ := d.call("member", "POST", "/api/v1/drafts/"+id+"/submit", ""); status != http.StatusNotFound {
			t.Errorf("sending the same draft again: %d, want 404 (one report)", status)
		}
		if status, list := d.call("member", "GET", "/api/v1/drafts", ""); status != http.StatusOK || len(list["items"].([]any)) != 0 {
			t.Errorf("drafts after sending: %d %v", status, list)
		}
		// Organisation staff always report for someone else.
		_, dr = d.call("orgstaff", "POST", "/api/v1/drafts", "")
		_, dr = d.call("orgstaff", "PATCH", "/api/v1/drafts/"+dr["id"].(string), `{"third_party":false}`)
		if dr["report"].(map[string]any)["third_party"] != true {
			t.Errorf("organisation staff's draft not for someone else: %v", dr["report"])
		}
		// Discarding.
		_, dr = d.call("member", "POST", "/api/v1/drafts", "")
		if status, _ := d.call("member", "DELETE", "/api/v1/drafts/"+dr["id"].(string), ""); status != http.StatusNoContent {
			t.Errorf("discarding: %d", status)
		}
	})
}

// The reporter writes to the scheme about her report and reads the thread,
// its messages then read; nobody else can do either.
func TestReportMessagesAPI_BothWaysForTheReporterOnly(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	rep := d.report()
	if _, err := db.Reports.AddMessage(context.Background(), d.users["coordA"].ID, rep.ID, true, "Could you tell us the car's colour?", "http://test.example.org/reports/"+rep.ID); err != nil {
		t.Fatal(err)
	}
	if status, out := d.call("reporter", "POST", "/api/v1/reports/"+rep.ID+"/messages", `{"message":"  "}`); status != http.StatusUnprocessableEntity || fields(out)["message"] == nil {
		t.Errorf("an empty message: %d %v", status, out)
	}
	// Her list says a message waits, as the web's list does.
	if status, list := d.call("reporter", "GET", "/api/v1/reports", ""); status != http.StatusOK || list["items"].([]any)[0].(map[string]any)["unread_messages"] != float64(1) {
		t.Errorf("her list before reading: %d %v", status, list)
	}
	if status, m := d.call("reporter", "POST", "/api/v1/reports/"+rep.ID+"/messages", `{"message":"It was dark blue."}`); status != http.StatusCreated || m["from_scheme"] != false {
		t.Errorf("sending: %d %v", status, m)
	}
	status, th := d.call("reporter", "GET", "/api/v1/reports/"+rep.ID+"/messages", "")
	items, _ := th["items"].([]any)
	if status != http.StatusOK || len(items) != 2 || items[0].(map[string]any)["from_scheme"] != true || items[1].(map[string]any)["body"] != "It was dark blue." {
		t.Fatalf("the thread: %d %v", status, th)
	}
	if unread, err := unreadOf(d, rep); err != nil || unread != 0 {
		t.Errorf("after reading: %d unread, %v", unread, err)
	}
	if _, list := d.call("reporter", "GET", "/api/v1/reports", ""); list["items"].([]any)[0].(map[string]any)["unread_messages"] != float64(0) {
		t.Errorf("her list after reading: %v", list)
	}
	for _, who := range []string{"member", "coordA"} {
		if status, _ := d.call(who, "GET", "/api/v1/reports/"+rep.ID+"/messages", ""); status != http.StatusNotFound {
			t.Errorf("%s reading another's thread: %d, want 404", who, status)
		}
		if status, _ := d.call(who, "POST", "/api/v1/reports/"+rep.ID+"/messages", `{"message":"Hello"}`); status != http.StatusNotFound {
			t.Errorf("%s writing on another's report: %d, want 404", who, status)
		}
	}
}

// unreadOf counts the scheme's messages the reporter has not read.
func unreadOf(d *apiDesk, rep scheme.Report) (int, error) {
	msgs, err := d.db.Reports.Messages(context.Background(), rep.ID, false)
	n := 0
	for _, m := range msgs {
		if m.FromScheme && m.ReadAt.IsZero() {
			n++
		}
	}
	return n, err
}

// A police enquiry forwarded to the reporter is hers to read and answer
// through the API, as on the web; another member's is not found.
func TestEnquiriesAPI_TheReporterReadsAndDecides(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	ctx := context.Background()
	rep := d.report()
	ps := police.New(db, scheme.DefaultWorkingHours(time.UTC))
	enq, err := ps.CreateEnquiry(ctx, d.users["coordA"], police.EnquiryInput{Force: "Example Police", Request: "Would she talk to an officer?", ReportID: rep.ID})
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := ps.ForwardEnquiry(ctx, d.users["coordA"], enq.ID, rep.ID, "reporter", "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	status, list := d.call("reporter", "GET", "/api/v1/enquiries", "")
	items, _ := list["items"].([]any)
	if status != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["force"] != "Example Police" || items[0].(map[string]any)["decision"] != nil {
		t.Fatalf("the list: %d %v", status, list)
	}
	if status, out := d.call("reporter", "POST", "/api/v1/enquiries/"+fwd.ID+"/decision", `{"decision":"maybe"}`); status != http.StatusUnprocessableEntity || fields(out)["decision"] == nil {
		t.Errorf("a wrong answer: %d %v", status, out)
	}
	if status, e := d.call("reporter", "POST", "/api/v1/enquiries/"+fwd.ID+"/decision", `{"decision":"caseworker"}`); status != http.StatusOK || e["decision"] != "caseworker" {
		t.Errorf("answering: %d %v", status, e)
	}
	if status, e := d.call("reporter", "GET", "/api/v1/enquiries/"+fwd.ID, ""); status != http.StatusOK || e["decision"] != "caseworker" || e["request"] != "Would she talk to an officer?" {
		t.Errorf("reading it back: %d %v", status, e)
	}
	if status, _ := d.call("member", "GET", "/api/v1/enquiries/"+fwd.ID, ""); status != http.StatusNotFound {
		t.Errorf("another member reading it: %d, want 404", status)
	}
	if status, _ := d.call("member", "POST", "/api/v1/enquiries/"+fwd.ID+"/decision", `{"decision":"yes"}`); status != http.StatusNotFound {
		t.Errorf("another member answering it: %d, want 404", status)
	}
}

// A key contact lists, adds, switches off and on her organisation's staff
// logins; a switched-off login's token stops working; nobody else may.
func TestStaffAPI_KeyContactManagesHerStaffLogins(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	if status, out := d.call("org", "POST", "/api/v1/organisation/staff", `{"username":"p.kim","password":"short","name":""}`); status != http.StatusUnprocessableEntity || fields(out)["password"] == nil || fields(out)["name"] == nil {
		t.Errorf("a bad login: %d %v", status, out)
	}
	status, kim := d.call("org", "POST", "/api/v1/organisation/staff", `{"username":"p.kim","password":"a long test passphrase","name":"Kim, outreach"}`)
	if status != http.StatusCreated || kim["status"] != "active" || kim["name"] != "Kim, outreach" {
		t.Fatalf("adding: %d %v", status, kim)
	}
	sam := d.users["orgstaff"].ID
	if status, s := d.call("org", "POST", "/api/v1/organisation/staff/"+sam+"/disable", ""); status != http.StatusOK || s["status"] != "disabled" {
		t.Errorf("switching off: %d %v", status, s)
	}
	if status, _ := d.call("orgstaff", "GET", "/api/v1/me", ""); status != http.StatusUnauthorized {
		t.Errorf("a switched-off login's token: %d, want 401", status)
	}
	if status, s := d.call("org", "POST", "/api/v1/organisation/staff/"+sam+"/enable", ""); status != http.StatusOK || s["status"] != "active" {
		t.Errorf("switching on: %d %v", status, s)
	}
	status, list := d.call("org", "GET", "/api/v1/organisation/staff", "")
	if items, _ := list["items"].([]any); status != http.StatusOK || len(items) != 2 {
		t.Errorf("the list: %d %v", status, list)
	}
	for _, who := range []string{"member", "coordA"} {
		if status, _ := d.call(who, "GET", "/api/v1/organisation/staff", ""); status != http.StatusForbidden {
			t.Errorf("%s listing staff: %d, want 403", who, status)
		}
	}
	if status, _ := d.call("org", "POST", "/api/v1/organisation/staff/"+d.users["member"].ID+"/disable", ""); status != http.StatusNotFound {
		t.Errorf("switching off someone not hers: %d, want 404", status)
	}
}

// Changing the password through the API ends every session and answers
// with a fresh token, as the web page signs her in afresh.
func TestPasswordAPI_EndsSessionsAndGivesAFreshToken(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	if status, out := d.call("member", "POST", "/api/v1/me/password", `{"current":"wrong","password":"another long passphrase"}`); status != http.StatusUnprocessableEntity || fields(out)["current"] == nil {
		t.Errorf("a wrong current password: %d %v", status, out)
	}
	old := d.api["member"]
	status, out := d.call("member", "POST", "/api/v1/me/password", `{"current":"a long test passphrase","password":"another long passphrase"}`)
	tok, _ := out["token"].(string)
	if status != http.StatusOK || out["signed_out"] != false || tok == "" || tok == old {
		t.Fatalf("changing: %d %v", status, out)
	}
	if status, _ := d.call("member", "GET", "/api/v1/me", ""); status != http.StatusUnauthorized {
		t.Errorf("the old token: %d, want 401", status)
	}
	d.api["member"] = tok
	if status, _ := d.call("member", "GET", "/api/v1/me", ""); status != http.StatusOK {
		t.Errorf("the new token: %d", status)
	}
	// A second factor through the API: a wrong code changes nothing.
	status, sf := d.call("member", "POST", "/api/v1/me/second-factor", "")
	if status != http.StatusOK || sf["secret"] == "" {
		t.Fatalf("a new secret: %d %v", status, sf)
	}
	if status, out := d.call("member", "POST", "/api/v1/me/second-factor/confirm", `{"secret":"`+sf["secret"].(string)+`","code":"000000"}`); status != http.StatusUnprocessableEntity || fields(out)["code"] == nil {
		t.Errorf("a wrong code: %d %v", status, out)
	}
}

// An applicant answers the coordinators' question through the API; an
// empty answer is refused by the same rule as the web's.
func TestAnswerAPI_ApplicantAnswersTheQuestion(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	ctx := context.Background()
	a, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "ask.me", Password: "a long test passphrase",
		WorkName: "Sage", Email: "sage@example.org", Regions: []string{"london"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.acc.Decide(ctx, d.users["coordA"].ID, a.ID, scheme.RequestInfo, "Which area do you work in?"); err != nil {
		t.Fatal(err)
	}
	if d.api["applicant"], _, err = db.Sessions.CreateSession(ctx, a.UserID, scheme.SessionAPI, account.DefaultAPITTL); err != nil {
		t.Fatal(err)
	}
	if status, out := d.call("applicant", "POST", "/api/v1/me/answer", `{"answer":" "}`); status != http.StatusUnprocessableEntity || fields(out)["answer"] == nil {
		t.Errorf("an empty answer: %d %v", status, out)
	}
	if status, me := d.call("applicant", "POST", "/api/v1/me/answer", `{"answer":"Mostly east London."}`); status != http.StatusOK || me["application_status"] != "pending" {
		t.Errorf("answering: %d %v", status, me)
	}
	if status, _ := d.call("applicant", "POST", "/api/v1/me/answer", `{"answer":"Again."}`); status != http.StatusConflict {
		t.Errorf("answering twice: %d, want 409", status)
	}
}

// New terms stop a member's API as they stop her pages: only reading her
// account, choosing her language, accepting them, her data, leaving and
// signing out work until she accepts.
func TestTermsAPI_NewTermsWaitForHerAcceptance(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	terms, err := db.Content.PublishTerms(context.Background(), d.users["admin"].ID, "# Terms\n\nVersion two, with a new rule about data.")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/v1/alerts", ""}, {"GET", "/api/v1/reports", ""}, {"POST", "/api/v1/drafts", ""},
		{"PATCH", "/api/v1/me", `{"profile":{"area":"Soho"}}`}, {"POST", "/api/v1/me/password", `{"current":"x","password":"y"}`},
	} {
		status, out := d.call("member", c.method, c.path, c.body)
		if e, _ := out["error"].(map[string]any); status != http.StatusForbidden || e["message"] != "The terms and conditions have changed: read the current version and accept it." {
			t.Errorf("%s %s before accepting: %d %v", c.method, c.path, status, out)
		}
	}
	if status, me := d.call("member", "GET", "/api/v1/me", ""); status != http.StatusOK || me["terms_to_accept"] != float64(terms.Version) {
		t.Errorf("her account: %d %v", status, me)
	}
	if status, me := d.call("member", "PATCH", "/api/v1/me", `{"language":"ro"}`); status != http.StatusOK || me["language"] != "ro" {
		t.Errorf("choosing her language first: %d %v", status, me)
	}
	if status, _ := d.call("member", "GET", "/api/v1/me/export", ""); status != http.StatusOK {
		t.Errorf("her data: %d", status)
	}
	// Staff are not asked.
	if status, _ := d.call("coordA", "GET", "/api/v1/alerts", ""); status != http.StatusOK {
		t.Errorf("a coordinator: %d", status)
	}
	if status, _ := d.call("member", "POST", "/api/v1/me/terms", `{"version":1}`); status != http.StatusConflict {
		t.Errorf("accepting the old version: %d, want 409", status)
	}
	status, me := d.call("member", "POST", "/api/v1/me/terms", `{"version":`+strconv.Itoa(terms.Version)+`}`)
	if p, _ := me["profile"].(map[string]any); status != http.StatusOK || me["terms_to_accept"] != nil || p["terms_version"] != float64(terms.Version) {
		t.Errorf("accepting: %d %v", status, me)
	}
	if status, _ := d.call("member", "GET", "/api/v1/alerts", ""); status != http.StatusOK {
		t.Errorf("after accepting: %d", status)
	}
}

// An alert through the API carries the additions as the alert's page
// shows them: the approved ones to every reader, her own pending one to her
// alone.
func TestAlertAdditionsAPI_ApprovedForAllPendingForTheWriter(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAPIDesk(t, db)
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	additions := func(who string) []any {
		t.Helper()
		status, out := d.call(who, "GET", "/api/v1/alerts/"+a.ID, "")
		if status != http.StatusOK {
			t.Fatalf("GET as %s: %d", who, status)
		}
		ads, _ := out["additions"].([]any)
		return ads
	}
	status, ad := d.call("member", "POST", "/api/v1/alerts/"+a.ID+"/additions", `{"body":"The same man called me."}`)
	if status != http.StatusCreated || ad["status"] != "pending" {
		t.Fatalf("adding: %d %v", status, ad)
	}
	if ads := additions("member"); len(ads) != 1 || ads[0].(map[string]any)["mine"] != true || ads[0].(map[string]any)["status"] != "pending" {
		t.Errorf("her own pending addition: %v", ads)
	}
	if ads := additions("org"); len(ads) != 0 {
		t.Errorf("another reader sees a pending addition: %v", ads)
	}
	if err := alert.New(db, time.UTC).ModerateAddition(context.Background(), d.users["coordA"], ad["id"].(string), true); err != nil {
		t.Fatal(err)
	}
	if ads := additions("org"); len(ads) != 1 || ads[0].(map[string]any)["body"] != "The same man called me." || ads[0].(map[string]any)["mine"] != nil {
		t.Errorf("the approved addition for another reader: %v", ads)
	}
}
