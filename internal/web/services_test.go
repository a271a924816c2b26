package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// serviceForm is the staff form for a Romanian-speaking clinic in London
// (the desk's members live there), edited by change.
func serviceForm(change func(url.Values)) url.Values {
	f := url.Values{"name": {"Camden Romanian Clinic"}, "kinds": {"sexual-health", "general-health"}, "regions": {"london"},
		"phone": {"0113 496 0123"}, "website": {"https://clinic.example.org"}, "hours": {"Tuesdays 6pm to 9pm"},
		"languages": {"ro, en"}, "description": {"Checks and treatment for women who sell sex."}, "confirmed_on": {time.Now().AddDate(0, -1, 0).Format(time.DateOnly)}}
	if change != nil {
		change(f)
	}
	return f
}

func (d *alertDesk) apiGet(who, path string) (int, string) {
	d.t.Helper()
	req, err := http.NewRequest("GET", d.ts.URL+path, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
	resp, err := d.ts.Client().Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (d *alertDesk) apiPost(who, path, body string) (int, string) {
	d.t.Helper()
	req, err := http.NewRequest("POST", d.ts.URL+path, strings.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
	req.Header.Set("Content-Type", "application/json")
	resp, err := d.ts.Client().Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServices_StaffKeepTheDirectoryAndMembersFindServicesNearThemWithTapToCall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		// A refused form keeps what was typed and names each problem.
		status, _, body := d.do("coordA", "POST", "/coordinator/services", serviceForm(func(f url.Values) {
			f.Set("website", "http://clinic.example.org")
			f.Del("kinds")
		}))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#website"`) || !strings.Contains(body, `href="#kinds"`) ||
			!strings.Contains(body, `value="Camden Romanian Clinic"`) {
			t.Fatalf("a bad service: %d %q, want 422 naming website and kinds, the name kept", status, problemsOn(body))
		}
		if loc := d.post("coordA", "/coordinator/services", serviceForm(nil)); loc != "/coordinator/services?done=added" {
			t.Fatalf("added, then %s", loc)
		}
		d.post("coordA", "/coordinator/services", serviceForm(func(f url.Values) {
			f.Set("name", "Old Hackney Drop-in")
			f.Set("phone", "07700 900100")
			f.Set("confirmed_on", "2024-01-01")
		}))
		list := d.get("coordA", "/coordinator/services")
		if !strings.Contains(list, "Camden Romanian Clinic") || !strings.Contains(list, "Sexual health, General health") {
			t.Error("the staff list does not show the service and its kinds")
		}
		if n := strings.Count(list, "Confirm again"); n != 1 {
			t.Errorf("%d services flagged to confirm again, want 1 (the one confirmed in 2024)", n)
		}
		all, err := d.db.Support.Services(context.Background(), scheme.ServiceFilter{Retired: true}, scheme.Page{})
		if err != nil || all.Total != 2 {
			t.Fatalf("%d services, %v", all.Total, err)
		}
		var old string
		for _, s := range all.Items {
			if s.Name == "Old Hackney Drop-in" {
				old = s.ID
			}
		}
		d.post("coordA", "/coordinator/services/"+old+"/retire", url.Values{"retired": {"yes"}})

		// The member finds the clinic by kind and language, with a tel: link; not the retired one.
		page := d.get("member", "/services?kind=sexual-health&language=ro")
		if !strings.Contains(page, "Camden Romanian Clinic") || !strings.Contains(page, telLink("+441134960123")) || !strings.Contains(page, "0113 496 0123") {
			t.Errorf("the member does not find the clinic with tap-to-call")
		}
		if strings.Contains(page, "Old Hackney Drop-in") {
			t.Error("a retired service is shown to members")
		}
		if page := d.get("member", "/services?kind=housing"); strings.Contains(page, "Camden Romanian Clinic") {
			t.Error("the kind filter lets another kind through")
		}
		if status, _, body := d.do("member", "GET", "/services?kind=astrology", nil); status != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#svc-kind"`) {
			t.Errorf("an unknown kind: %d, want 422 beside the kind", status)
		}
		if status, _, _ := d.do("applicantless", "GET", "/services", nil); status == http.StatusOK {
			t.Error("a visitor sees the services page")
		}

		// The API: only active services; bad filters are 422 naming the field.
		status, body = d.apiGet("member", "/api/v1/services?region=london&kind=sexual-health&language=ro")
		var got struct{ Items []scheme.SupportService }
		if err := json.Unmarshal([]byte(body), &got); status != http.StatusOK || err != nil || len(got.Items) != 1 || got.Items[0].Name != "Camden Romanian Clinic" {
			t.Errorf("API search: %d %s", status, body)
		}
		for _, tc := range []struct{ query, field string }{
			{"region=atlantis", "region"}, {"kind=astrology", "kind"}, {"language=!!", "language"},
		} {
			status, body := d.apiGet("member", "/api/v1/services?"+tc.query)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"`+tc.field+`":`) {
				t.Errorf("%s: %d %s, want 422 naming %s", tc.query, status, body, tc.field)
			}
		}
	})
}

func TestReferrals_SuggestedFromACaseTheMemberAnswersInHerThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		ctx := context.Background()
		d.post("coordA", "/coordinator/services", serviceForm(nil))
		all, err := d.db.Support.Services(ctx, scheme.ServiceFilter{}, scheme.Page{})
		if err != nil || len(all.Items) != 1 {
			t.Fatal(err)
		}
		svc := all.Items[0].ID
		rep := d.report()
		casePath := "/coordinator/reports/" + rep.ID

		// Without her consent to support, nothing can be suggested.
		if _, err := d.db.Reports.SetConsents(ctx, d.users["reporter"].ID, rep.ID, scheme.Consents{Alert: true}); err != nil {
			t.Fatal(err)
		}
		if c := d.get("coordA", casePath); !strings.Contains(c, "has not agreed to be contacted about support") || strings.Contains(c, casePath+"/referrals#") {
			t.Error("the case offers a referral without the support consent")
		}
		if status, _, _ := d.do("coordA", "POST", casePath+"/referrals", url.Values{"service": {svc}}); status != http.StatusConflict {
			t.Errorf("suggesting anyway: %d, want 409", status)
		}
		if _, err := d.db.Reports.SetConsents(ctx, d.users["reporter"].ID, rep.ID, scheme.Consents{Alert: true, Support: true}); err != nil {
			t.Fatal(err)
		}
		if status, _, body := d.do("coordA", "POST", casePath+"/referrals", url.Values{"note": {"Kept note"}}); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Kept note") {
			t.Errorf("no service chosen: %d, want 422 with the note kept", status)
		}
		d.post("coordA", casePath+"/referrals", url.Values{"service": {svc}, "note": {"They speak Romanian."}})

		// She sees it in her thread with three answers, and answers.
		page := d.get("reporter", "/reports/"+rep.ID)
		if !strings.Contains(page, "Camden Romanian Clinic") || !strings.Contains(page, "They speak Romanian.") || !strings.Contains(page, `value="call-first"`) ||
			!strings.Contains(page, telLink("+441134960123")) {
			t.Fatal("the suggestion is not in her thread with its answers")
		}
		refs, err := d.db.Support.Referrals(ctx, rep.ID)
		if err != nil || len(refs) != 1 {
			t.Fatal(err)
		}
		answer := "/reports/" + rep.ID + "/referrals/" + refs[0].ID + "/answer"
		if status, _, _ := d.do("member", "POST", answer, url.Values{"answer": {"yes"}}); status != http.StatusNotFound {
			t.Errorf("another member answering: %d, want 404", status)
		}
		if status, _, _ := d.do("reporter", "POST", answer, url.Values{"answer": {"perhaps"}}); status != http.StatusUnprocessableEntity {
			t.Errorf("an answer that is none of the three: %d, want 422", status)
		}
		d.post("reporter", answer, url.Values{"answer": {"call-first"}})
		if page := d.get("reporter", "/reports/"+rep.ID+"?done=answer"); !strings.Contains(page, "You said: call me first.") {
			t.Error("her answer is not shown to her")
		}

		// The caseworker sees it and moves the referral on; illegal moves are refused.
		if c := d.get("coordA", casePath); !strings.Contains(c, "Call me first") || !strings.Contains(c, "Suggested to the reporter") {
			t.Error("the case does not show her answer")
		}
		status := casePath + "/referrals/" + refs[0].ID + "/status"
		if code, _, _ := d.do("coordA", "POST", status, url.Values{"status": {"accepted"}}); code != http.StatusConflict {
			t.Errorf("suggested → accepted: %d, want 409", code)
		}
		d.post("coordA", status, url.Values{"status": {"made"}})
		if code, body := d.apiPost("coordA", "/api/v1/reports/"+rep.ID+"/referrals/"+refs[0].ID+"/status", `{"status":"accepted"}`); code != http.StatusOK {
			t.Errorf("API made → accepted: %d %s", code, body)
		}
		if code, body := d.apiPost("reporter", "/api/v1/reports/"+rep.ID+"/referrals/"+refs[0].ID+"/answer", `{"answer":"no"}`); code != http.StatusConflict {
			t.Errorf("answering after it was made: %d %s, want 409", code, body)
		}
		if page := d.get("reporter", "/reports/"+rep.ID); !strings.Contains(page, "The service has taken the referral.") || strings.Contains(page, `value="call-first"`) {
			t.Error("her thread does not show the progress, or still offers answers")
		}
		if page := d.get("reporter", "/account/data"); !strings.Contains(page, "Support services suggested to you") || !strings.Contains(page, "Camden Romanian Clinic") {
			t.Error("her data page does not list the service suggested to her")
		}
		if code, body := d.apiGet("reporter", "/api/v1/reports/"+rep.ID+"/referrals"); code != http.StatusOK || !strings.Contains(body, `"status":"accepted"`) || !strings.Contains(body, `"answer":"call-first"`) {
			t.Errorf("API list: %d %s", code, body)
		}
	})
}

func TestContact_ShowsNationalHelplinesAndTheWayToServicesNearYou(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	d.post("coordA", "/coordinator/services", serviceForm(func(f url.Values) {
		f.Set("name", "National Support Line")
		f.Del("regions")
		f.Set("national", "yes")
		f.Set("helpline", "yes")
		f.Set("phone", "0808 157 0123")
	}))
	d.post("coordA", "/coordinator/services", serviceForm(nil))
	page := d.get("", "/contact")
	if !strings.Contains(page, "National Support Line") || !strings.Contains(page, telLink("+448081570123")) || strings.Contains(page, "Camden Romanian Clinic") {
		t.Error("the contact page does not list the national helpline alone")
	}
	if !strings.Contains(page, `href="/signin?next=/services"`) {
		t.Error("visitors are not shown the way to services near them")
	}
	if page := d.get("member", "/contact"); !strings.Contains(page, `href="/services"`) {
		t.Error("members are not linked to services near them")
	}
}

// telLink is a tap-to-call link to e164 as the page writes it (html/template
// writes the plus as &#43;, which the browser reads back as +).
func telLink(e164 string) string {
	return `href="tel:&#43;` + strings.TrimPrefix(e164, "+") + `"`
}
