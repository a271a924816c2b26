package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// townDesk is the alert desk with Camden and Hackney in London and
// Cardiff in Wales.
func townDesk(t *testing.T, db *store.DB) *alertDesk {
	t.Helper()
	d := newAlertDesk(t, db)
	for _, x := range []struct{ region, name string }{{"london", "Camden"}, {"london", "Hackney"}, {"wales", "Cardiff"}} {
		if _, err := db.Towns.AddTown(context.Background(), d.users["admin"].ID, x.region, x.name, strings.ToLower(x.name)); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// irisForm is the member's details as they are, with towns ticked.
func irisForm(towns ...string) url.Values {
	return url.Values{"work_name": {"Iris"}, "email": {"iris@example.org"}, "alert_channels": {"email"}, "regions": {"london"}, "towns": towns}
}

func (d *alertDesk) towns(who string) []string {
	d.t.Helper()
	p, err := d.db.Accounts.Profile(context.Background(), d.users[who].ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return p.Towns
}

func TestTowns_ProfileNarrowsHerAlertsAndRefusesATownOutsideHerRegions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := townDesk(t, db)

		// Her regions' towns are offered, no others.
		page := d.get("member", "/account/profile")
		for _, want := range []string{`name="towns" value="camden"`, `name="towns" value="hackney"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the profile form lacks %s", want)
			}
		}
		if strings.Contains(page, `value="cardiff"`) {
			t.Error("the profile form offers a town of a region she did not choose")
		}

		// A town outside her regions: refused beside the field, what she
		// typed kept, nothing stored.
		status, _, body := d.do("member", "POST", "/account/profile", irisForm("camden", "cardiff"))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose only towns in the regions you chose") ||
			!strings.Contains(body, `id="towns-camden" name="towns" value="camden" checked`) {
			t.Fatalf("a town outside her regions: %d; problems %q", status, problemsOn(body))
		}
		if got := d.towns("member"); len(got) != 0 {
			t.Fatalf("refused, yet towns %v stored", got)
		}

		d.post("member", "/account/profile", irisForm("camden"))
		if got := d.towns("member"); !slices.Equal(got, []string{"camden"}) {
			t.Fatalf("towns %v, want [camden]", got)
		}
		if !strings.Contains(d.get("member", "/account/profile"), `id="towns-camden" name="towns" value="camden" checked`) {
			t.Error("the form does not show Camden ticked")
		}
		if !strings.Contains(d.get("member", "/account/data"), "<dt>Towns</dt><dd>Camden</dd>") {
			t.Error("her data does not show her towns")
		}

		// Narrowed to Camden: a Hackney alert does not reach her, a Camden
		// one and one for all of London do; the organisation, which chose
		// no town, gets all three. Her alert page names the towns.
		hackney := d.publish(alert.Input{Towns: &[]string{"hackney"}})
		camden := d.publish(alert.Input{Towns: &[]string{"camden"}})
		london := d.publish(alert.Input{})
		feed := d.get("member", "/alerts")
		if feedItem(feed, hackney.ID) != "" || feedItem(feed, camden.ID) == "" || feedItem(feed, london.ID) == "" {
			t.Errorf("her feed: Hackney %t, Camden %t, London %t; want false, true, true",
				feedItem(feed, hackney.ID) != "", feedItem(feed, camden.ID) != "", feedItem(feed, london.ID) != "")
		}
		org := d.get("org", "/alerts")
		for _, id := range []string{hackney.ID, camden.ID, london.ID} {
			if feedItem(org, id) == "" {
				t.Errorf("the organisation, in all of London, misses alert %s", id)
			}
		}
		if status, _, _ := d.do("member", "GET", "/alerts/"+hackney.ID, nil); status != http.StatusNotFound {
			t.Errorf("the Hackney alert's page for her: %d, want 404", status)
		}
		if page := d.get("member", "/alerts/"+camden.ID); !strings.Contains(page, "<dt>Towns</dt><dd>Camden</dd>") {
			t.Error("the alert page does not name its town")
		}

		// Leaving the region leaves its towns: the whole form is checked.
		form := irisForm("camden")
		form["regions"] = []string{"wales"}
		if status, _, body := d.do("member", "POST", "/account/profile", form); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Choose only towns in the regions you chose") {
			t.Errorf("Camden without London: %d, want 422 with the towns' problem", status)
		}
	})
}

func TestTowns_AdminAddsRenamesMovesAndRetires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := townDesk(t, db)
		page := d.get("admin", "/admin/towns")
		if !strings.Contains(page, `value="Camden"`) || !strings.Contains(page, `<h2 id="region-ireland">Ireland</h2>`) {
			t.Fatal("the towns page lacks London's towns or a region")
		}
		if loc := d.post("admin", "/admin/towns", url.Values{"region": {"london"}, "name": {"  Croydon  "}}); loc != "/admin/towns?done=added#region-london" {
			t.Errorf("added: to %s", loc)
		}
		// The same name again, in another case: refused beside the field,
		// as typed.
		status, _, body := d.do("admin", "POST", "/admin/towns", url.Values{"region": {"london"}, "name": {"croydon"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "This region already has a town of that name.") ||
			!strings.Contains(body, `id="name-london" name="name" value="croydon"`) {
			t.Fatalf("a second Croydon: %d; problems %q", status, problemsOn(body))
		}
		status, _, body = d.do("admin", "POST", "/admin/towns/hackney/rename", url.Values{"name": {strings.Repeat("x", 61)}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="rename-hackney-error"`) {
			t.Errorf("a name too long: %d; problems %q", status, problemsOn(body))
		}
		d.post("admin", "/admin/towns/hackney/rename", url.Values{"name": {"Hackney Wick"}})
		d.post("admin", "/admin/towns/croydon/move", url.Values{"direction": {"up"}})
		d.post("admin", "/admin/towns/camden/retire", url.Values{"retired": {"true"}})
		if status, _, _ := d.do("admin", "POST", "/admin/towns/atlantis/retire", url.Values{"retired": {"true"}}); status != http.StatusNotFound {
			t.Errorf("retiring a town that is not there: %d, want 404", status)
		}
		all, err := db.Towns.All(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var london []string
		for _, x := range all.Offered("london") {
			london = append(london, x.Name)
		}
		if want := []string{"Croydon", "Hackney Wick"}; !slices.Equal(london, want) {
			t.Errorf("London offers %v, want %v", london, want)
		}
		// A retired town is no longer offered to members.
		if strings.Contains(d.get("member", "/account/profile"), `value="camden"`) {
			t.Error("the profile form still offers a retired town")
		}
		if !strings.Contains(d.get("admin", "/admin/towns"), "Offer again") {
			t.Error("the retired town cannot be offered again")
		}
	})
}

func TestTowns_API(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := townDesk(t, db)
		call := func(who, method, path, body string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(method, d.ts.URL+path, strings.NewReader(body))
			if who != "" {
				req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
			}
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := d.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			if strings.HasPrefix(path, "/api/v1/regions") {
				var list []any
				if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
					t.Fatal(err)
				}
				out = map[string]any{"regions": list}
			} else if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, out
		}
		fields := func(out map[string]any) map[string]any {
			e, _ := out["error"].(map[string]any)
			f, _ := e["fields"].(map[string]any)
			return f
		}

		// The regions name the towns an app can offer.
		if err := db.Towns.RetireTown(context.Background(), d.users["admin"].ID, "hackney", true); err != nil {
			t.Fatal(err)
		}
		_, out := call("", "GET", "/api/v1/regions", "")
		var londonTowns []string
		for _, r := range out["regions"].([]any) {
			if r := r.(map[string]any); r["slug"] == "london" {
				for _, x := range r["towns"].([]any) {
					londonTowns = append(londonTowns, x.(map[string]any)["slug"].(string))
				}
			}
		}
		if !slices.Equal(londonTowns, []string{"camden"}) {
			t.Errorf("London's towns in the API: %v, want [camden] (Hackney is retired)", londonTowns)
		}
		if err := db.Towns.RetireTown(context.Background(), d.users["admin"].ID, "hackney", false); err != nil {
			t.Fatal(err)
		}

		// Her towns: one outside her regions refuses the whole request.
		status, out := call("member", "PATCH", "/api/v1/me", `{"language":"ro","profile":{"towns":["cardiff"]}}`)
		if status != http.StatusUnprocessableEntity || fields(out)["profile.towns"] == nil {
			t.Fatalf("a town outside her regions: %d %v", status, out)
		}
		if _, me := call("member", "GET", "/api/v1/me", ""); me["language"] != "" {
			t.Errorf("refused, yet the language became %v", me["language"])
		}
		status, out = call("member", "PATCH", "/api/v1/me", `{"profile":{"towns":["camden"," camden"]}}`)
		if towns, _ := out["profile"].(map[string]any)["towns"].([]any); status != http.StatusOK || len(towns) != 1 || towns[0] != "camden" {
			t.Fatalf("PATCH towns: %d %v", status, out)
		}
		if status, out := call("coordA", "PATCH", "/api/v1/me", `{"profile":{"towns":[]}}`); status != http.StatusForbidden {
			t.Errorf("a coordinator's towns: %d %v, want 403", status, out)
		}

		// An alert's towns must be in its regions (the report's: London).
		rep := d.report()
		status, out = call("coordA", "POST", "/api/v1/alerts", `{"report_ids":["`+rep.ID+`"],"towns":["cardiff"]}`)
		if status != http.StatusUnprocessableEntity || fields(out)["towns"] == nil {
			t.Fatalf("an alert's town outside its regions: %d %v", status, out)
		}
		status, out = call("coordA", "POST", "/api/v1/alerts", `{"report_ids":["`+rep.ID+`"],"towns":["hackney"]}`)
		if towns, _ := out["towns"].([]any); status != http.StatusCreated || len(towns) != 1 || towns[0] != "hackney" {
			t.Fatalf("an alert for Hackney: %d %v", status, out)
		}
		id := out["id"].(string)
		if status, out := call("coordB", "POST", "/api/v1/alerts/"+id+"/approve", ""); status != http.StatusOK {
			t.Fatalf("approve: %d %v", status, out)
		}
		status, out = call("coordA", "POST", "/api/v1/alerts/"+id+"/publish", `{"override_reason":"Checked by hand in a test."}`)
		if status != http.StatusOK {
			t.Fatalf("publish: %d %v", status, out)
		}
		// Camden's member is not in its audience; the reporter and the
		// organisation (no towns chosen) are.
		if aud, _ := out["recipients"].(map[string]any); aud == nil || aud["in_app"] != float64(3) {
			t.Errorf("the published alert's audience: %v, want 3 in the app (reporter, organisation, its staff)", out)
		}
		d.fanOut(id)
		if status, _ := call("member", "GET", "/api/v1/alerts/"+id, ""); status != http.StatusNotFound {
			t.Errorf("the Hackney alert for a member narrowed to Camden: %d, want 404", status)
		}
		if status, out := call("org", "GET", "/api/v1/alerts/"+id, ""); status != http.StatusOK || out["towns"].([]any)[0] != "hackney" {
			t.Errorf("the Hackney alert for the organisation: %d %v", status, out)
		}
		// Once published, who it goes to stays.
		if status, out := call("coordA", "PATCH", "/api/v1/alerts/"+id, `{"towns":["camden"]}`); status != http.StatusConflict {
			t.Errorf("changing a published alert's towns: %d %v, want 409", status, out)
		}
	})
}

func TestTowns_AlertEditorNamesTownsAndCountsTheirAudience(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := townDesk(t, db)
		if err := db.Towns.SetMemberTowns(context.Background(), d.users["member"].ID, []string{"camden"}); err != nil {
			t.Fatal(err)
		}
		rep := d.report()
		editor := strings.TrimSuffix(d.post("coordA", "/coordinator/alerts", url.Values{"report_ids": {rep.ID}}), "?done=created")
		page := d.get("coordA", editor)
		for _, want := range []string{`name="towns" value="camden"`, `name="towns" value="hackney"`, `name="towns" value="cardiff"`, "Reaches 4 members:"} {
			if !strings.Contains(page, want) {
				t.Errorf("the draft's editor lacks %q", want)
			}
		}

		// A town outside the regions ticked: refused beside the field,
		// the box kept ticked.
		form := draftForm("A man robbed a worker.")
		form["towns"] = []string{"cardiff"}
		status, _, body := d.do("coordA", "POST", editor, form)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="towns-error"`) || !strings.Contains(body, `href="#towns"`) ||
			!strings.Contains(body, `value="cardiff" id="towns-cardiff" checked`) {
			t.Fatalf("Cardiff for a London alert: %d; problems %q", status, problemsOn(body))
		}

		// Hackney: the member narrowed to Camden drops out of the count;
		// the reporter and the organisation (no towns) stay.
		form["towns"] = []string{"hackney"}
		d.post("coordA", editor, form)
		if page := d.get("coordA", editor); !strings.Contains(page, "Reaches 3 members:") || !strings.Contains(page, `value="hackney" id="towns-hackney" checked`) {
			t.Errorf("after narrowing to Hackney the editor shows %q", regexp.MustCompile(`Reaches \d+ members?:`).FindString(page))
		}
		d.post("coordB", editor+"/approve", url.Values{})
		loc := d.post("coordA", editor+"/publish", url.Values{})
		if page := d.get("coordA", loc); !strings.Contains(page, "Published to 3 members") || !strings.Contains(page, "London; towns: Hackney") {
			t.Error("the published alert does not say it went to Hackney, to 3 members")
		}
	})
}
