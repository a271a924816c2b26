package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
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

// irishDesk is the alert desk with a member in Ireland ("dublin").
func irishDesk(t *testing.T, db *store.DB) *alertDesk {
	t.Helper()
	d := newAlertDesk(t, db)
	a, err := d.acc.Apply(context.Background(), account.ApplicationInput{Type: "individual", Username: "m.aoife", WorkName: "Aoife",
		Email: "aoife@example.org", Password: "a long test passphrase", TermsVersion: 1, Regions: []string{"ireland"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.acc.Decide(context.Background(), "test", a.ID, scheme.Approve, ""); err != nil {
		t.Fatal(err)
	}
	d.keep("dublin", a.UserID)
	return d
}

// postJSON sends body to the API with who's API token and returns the
// status and the answer.
func (d *alertDesk) postJSON(who, path string, body any) (int, map[string]any) {
	d.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", d.ts.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
	}
	resp, err := d.ts.Client().Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestPhoneRegion_JoiningReadsANumberWithoutCountryCodeByTheRegionsChosen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServerOn(t, db, web.Config{})
		ctx := context.Background()
		for _, tc := range []struct {
			username, typed string
			regions         []string
			want            string
		}{
			{"ie.one", "085 123 4567", []string{"ireland"}, "+353851234567"},
			{"ie.two", "+44 7700 900126", []string{"ireland"}, "+447700900126"}, // an explicit code wins
			{"uk.one", "07700 900123", []string{"london"}, "+447700900123"},
			{"uk.two", "+353 85 123 4568", []string{"wales"}, "+353851234568"},
			{"both", "07700 900127", []string{"ireland", "northern-ireland"}, "+447700900127"}, // plans disagree: the scheme's
		} {
			form := url.Values{"username": {tc.username}, "password": {"a long test passphrase"}, "work_name": {"Saffron"},
				"mobile": {tc.typed}, "alert_channels": {"sms"}, "regions": tc.regions, "terms_version": {"1"}}
			resp, err := ts.Client().PostForm(ts.URL+"/join/individual", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("%s joining with %q in %v: %d", tc.username, tc.typed, tc.regions, resp.StatusCode)
			}
			u, err := db.Accounts.UserByUsername(ctx, tc.username)
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.Accounts.Profile(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Mobile != tc.want {
				t.Errorf("%q typed in %v is kept as %q, want %q", tc.typed, tc.regions, p.Mobile, tc.want)
			}
		}
		// A UK member's Irish number without its code is not a UK mobile.
		form := url.Values{"username": {"uk.three"}, "password": {"a long test passphrase"}, "work_name": {"Saffron"},
			"mobile": {"085 123 4569"}, "alert_channels": {"sms"}, "regions": {"london"}, "terms_version": {"1"}}
		resp, err := ts.Client().PostForm(ts.URL+"/join/individual", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("085 123 4569 for a London member: %d, want 422", resp.StatusCode)
		}
	})
}

func TestPhoneRegion_ReportsAndChecksReadIrishNumbersInIreland(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := irishDesk(t, db)
		ctx := context.Background()
		// An Irish member reports, through the API, an incident in Ireland
		// with a number written as in Ireland, and one with a UK code.
		in := robbery(time.Now().Add(-26 * time.Hour))
		in.Region = "ireland"
		in.Offenders[0].Identifiers = []report.IdentifierInput{{Kind: "phone", Value: "085 123 4567"}, {Kind: "phone", Value: "+44 7700 900128"}}
		status, out := d.postJSON("dublin", "/api/v1/reports", in)
		if status != http.StatusCreated {
			t.Fatalf("Irish report: %d %v", status, out)
		}
		rep, err := db.Reports.Report(ctx, out["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, id := range rep.Working.Offenders[0].Identifiers {
			got = append(got, id.Normalised)
		}
		if strings.Join(got, " ") != "+353851234567 +447700900128" {
			t.Errorf("the report's numbers are kept as %v", got)
		}
		// Her profile reads her new mobile the same way; a retired region
		// she has does not stop her saving it.
		d.post("admin", "/admin/lists/regions/ireland/retire", url.Values{"retired": {"true"}})
		d.post("dublin", "/account/profile", url.Values{"work_name": {"Aoife"}, "email": {"aoife@example.org"}, "mobile": {"085 765 4321"},
			"alert_channels": {"email"}, "regions": {"ireland"}})
		if p, err := db.Accounts.Profile(ctx, d.users["dublin"].ID); err != nil || p.Mobile != "+353857654321" || len(p.Regions) != 1 {
			t.Errorf("her profile after saving 085 765 4321: %+v, %v", p, err)
		}
		d.post("admin", "/admin/lists/regions/ireland/retire", url.Values{"retired": {"false"}})
		// A London report's 07700 number is still British.
		if r := d.report(); r.Working.Offenders[0].Identifiers[0].Normalised != "+447700900123" {
			t.Errorf("a London report's 07700 900123 is %q", r.Working.Offenders[0].Identifiers[0].Normalised)
		}

		// Published, the Irish number is found by the Irish member as she
		// writes it, and by a London member only with its country code.
		svc := alert.New(db, time.UTC)
		a, err := svc.Draft(ctx, d.users["coordA"], alert.Input{ReportIDs: []string{rep.ID}, Nationwide: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Approve(ctx, d.users["coordB"], a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Publish(ctx, d.users["coordA"], a.ID, "Checked by hand in a test."); err != nil {
			t.Fatal(err)
		}
		d.fanOut(a.ID)
		for _, tc := range []struct {
			who, typed string
			found      bool
		}{
			{"dublin", "085 123 4567", true},
			{"dublin", "+353 85 123 4567", true},
			{"member", "+353 85 123 4567", true},
			{"member", "00353 85 123 4567", true},
			{"member", "085 123 4567", false}, // a UK reading: not this number
			{"dublin", "07700 900128", false}, // an Irish reading: not the UK number
			{"dublin", "+44 7700 900128", true},
		} {
			status, _, body := d.do(tc.who, "POST", "/check", url.Values{"value": {tc.typed}})
			res := checkResult(body)
			found := strings.Contains(res, `href="/alerts/`+a.ID+`"`)
			if found != tc.found {
				t.Errorf("%s checking %q: %d, found %v, want %v (%q)", tc.who, tc.typed, status, found, tc.found, problemsOn(body))
			}
		}
	})
}

func TestLists_RetiredIncidentTypeIsKeptOnOldRecordsAndOfferedNoMore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		ctx := context.Background()
		pub := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), IncidentTypes: ptr([]string{"robbery"})})
		old := pub.ReportIDs[0]
		waiting := d.report() // a robbery not yet in an alert

		// The admin retires "Robbery or theft" and a region; a coordinator may not.
		if status, _, _ := d.do("coordA", "POST", "/admin/lists/incident-types/robbery/retire", url.Values{"retired": {"true"}}); status != http.StatusForbidden {
			t.Errorf("a coordinator retiring a type: %d, want 403", status)
		}
		if loc := d.post("admin", "/admin/lists/incident-types/robbery/retire", url.Values{"retired": {"true"}}); !strings.HasPrefix(loc, "/admin/lists?done=retired") {
			t.Errorf("retired, sent to %q", loc)
		}
		d.post("admin", "/admin/lists/regions/wales/retire", url.Values{"retired": {"true"}})
		page := d.get("admin", "/admin/lists")
		if !strings.Contains(page, `action="/admin/lists/incident-types/robbery/retire"`) || !strings.Contains(page, "Offer again<span class=\"visually-hidden\">: Robbery or theft") {
			t.Error("the lists page does not show robbery as retired, with a way to offer it again")
		}

		// Old records keep showing it: the reporter's report, the case, the alert.
		for _, x := range []struct{ who, path string }{
			{"reporter", "/reports/" + old}, {"coordA", "/coordinator/reports/" + old}, {"member", "/alerts/" + pub.ID}, {"coordA", "/coordinator/alerts/" + pub.ID},
		} {
			if body := d.get(x.who, x.path); !strings.Contains(body, "Robbery or theft") {
				t.Errorf("%s on %s: the retired type's name is gone", x.who, x.path)
			}
		}
		// Statistics keep counting it.
		if body := d.get("coordA", "/coordinator/statistics/download/reports-type"); !strings.Contains(body, "Robbery or theft") {
			t.Errorf("the statistics of reports by type lost the retired type: %s", body)
		}
		// An alert written from a report made before keeps it, marked, so
		// that it can be taken out.
		svc := alert.New(db, time.UTC)
		fromOld, err := svc.Draft(ctx, d.users["coordA"], alert.Input{ReportIDs: []string{waiting.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if body := d.get("coordA", "/coordinator/alerts/"+fromOld.ID); !strings.Contains(body, "Robbery or theft (retired)") {
			t.Error("the alert editor does not mark the retired type the alert holds")
		}

		// It is offered no more: the report form, a new alert's editor, the API.
		draft, err := db.Reports.SaveDraft(ctx, d.users["reporter"].ID, "", 1, mustJSON(t, robbery(time.Now().Add(-time.Hour), "threats")))
		if err != nil {
			t.Fatal(err)
		}
		if body := d.get("reporter", "/reports/draft/"+draft+"/1"); strings.Contains(body, `value="robbery"`) || !strings.Contains(body, `value="threats"`) {
			t.Error("the report form still offers the retired type (or lost the others)")
		}
		if body := d.get("reporter", "/reports/draft/"+draft+"/2"); strings.Contains(body, `value="wales"`) || !strings.Contains(body, `value="london"`) {
			t.Error("the report form still offers the retired region")
		}
		status, out := d.postJSON("reporter", "/api/v1/reports", robbery(time.Now().Add(-time.Hour)))
		if status != http.StatusUnprocessableEntity || fields(out)["incident_types"] == nil {
			t.Errorf("a new report of a retired type: %d %v, want 422 on incident_types", status, out)
		}
		threats, err := report.New(db, scheme.DefaultWorkingHours(time.UTC)).Submit(ctx, d.users["reporter"], robbery(time.Now().Add(-2*time.Hour), "threats"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := svc.Draft(ctx, d.users["coordA"], alert.Input{ReportIDs: []string{threats.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if body := d.get("coordA", "/coordinator/alerts/"+a.ID); strings.Contains(body, `value="robbery"`) || strings.Contains(body, `value="wales"`) {
			t.Error("a new alert's editor offers a retired value")
		}
		if _, err := svc.Update(ctx, d.users["coordA"], a.ID, alert.Input{IncidentTypes: ptr([]string{"threats", "robbery"})}); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("adding a retired type to an alert: %v, want invalid", err)
		}
		status, _, body := d.do("", "GET", "/api/v1/regions", nil)
		if status != http.StatusOK || strings.Contains(body, `"wales"`) || !strings.Contains(body, `"slug":"ireland","name":"Ireland","phone_region":"IE"`) {
			t.Errorf("GET /api/v1/regions: %d %s", status, body)
		}

		// Offered again, it is on the form again.
		d.post("admin", "/admin/lists/incident-types/robbery/retire", url.Values{"retired": {"false"}})
		if body := d.get("reporter", "/reports/draft/"+draft+"/1"); !strings.Contains(body, `value="robbery"`) {
			t.Error("offered again, the type is not on the report form")
		}
	})
}

func TestLists_AdminsAddAndRenameWithProblemsBesideTheFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		// Refused: no name, a name the list has, a severity off the scale,
		// a phone plan that is not a country's. The typed values come back.
		for _, tc := range []struct {
			path  string
			form  url.Values
			field string
		}{
			{"/admin/lists/sectors", url.Values{"name": {"  "}}, "name-sectors-new"},
			{"/admin/lists/sectors", url.Values{"name": {"ESCORT"}}, "name-sectors-new"},
			{"/admin/lists/incident-types", url.Values{"name": {"Spiking"}, "severity": {"dire"}}, "severity-incident-types-new"},
			{"/admin/lists/regions", url.Values{"name": {"Munster"}, "phone": {"XX"}}, "phone-regions-new"},
			{"/admin/lists/genders/woman", url.Values{"name": {"Man"}}, "name-genders-woman"},
		} {
			status, _, body := d.do("admin", "POST", tc.path, tc.form)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tc.field+`-error"`) || !strings.Contains(body, `href="#`+tc.field+`"`) {
				t.Errorf("POST %s %v: %d, no problem beside %s (%q)", tc.path, tc.form, status, tc.field, problemsOn(body))
			}
			if v := tc.form.Get("name"); strings.TrimSpace(v) != "" && !strings.Contains(body, `value="`+v+`"`) {
				t.Errorf("POST %s: %q was not kept", tc.path, v)
			}
		}
		// Added and renamed: offered on the join form, as typed.
		d.post("admin", "/admin/lists/regions", url.Values{"name": {"Munster"}, "phone": {"ie"}})
		d.post("admin", "/admin/lists/incident-types", url.Values{"name": {"Spiking"}, "severity": {"highest"}})
		d.post("admin", "/admin/lists/sectors/escort", url.Values{"name": {"Escort (outcalls)"}})
		l, err := db.Content.Lists(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := l.Region("munster"); !ok || r.Phone != "IE" {
			t.Errorf("Munster: %+v", r)
		}
		if ty, ok := l.Type("spiking"); !ok || ty.Severity != scheme.SeverityHighest || l.Types[2].Slug != "spiking" {
			t.Errorf("Spiking: %+v, third of the types %q", ty, l.Types[2].Slug)
		}
		_, _, join := d.do("", "GET", "/join/individual", nil)
		if !strings.Contains(join, `value="munster"`) || !strings.Contains(join, "Escort (outcalls)") {
			t.Error("the join form does not offer the new region and the renamed sector")
		}
	})
}
