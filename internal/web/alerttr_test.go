package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

const (
	roTitle  = "Jaf — Hackney"
	roBody   = "Un bărbat a luat geanta unei lucrătoare."
	roLine   = "Această alertă nu este încă tradusă în limba română."
	plLine   = "To ostrzeżenie nie zostało jeszcze przetłumaczone na język polski."
	original = "Robbery — Hackney"
)

// speaks sets who's language, as her profile would.
func (d *alertDesk) speaks(who, code string) {
	d.t.Helper()
	if err := d.db.Accounts.SetLanguage(context.Background(), d.users[who].ID, code); err != nil {
		d.t.Fatal(err)
	}
	d.keep(who, d.users[who].ID)
}

// A member whose language the alert was translated into reads the
// translation everywhere she meets the alert; one whose language it was
// not reads the English, marked as English, with a line in her language
// saying it is not yet translated.
func TestAlertTranslations_MemberReadsHerLanguageElseTheOriginalWithALine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		d.speaks("member", "ro")
		d.speaks("reporter", "pl")
		d.speaks("org", "ro")
		d.speaks("orgstaff", "pl")
		tr := map[string]scheme.AlertTranslation{"ro": {Title: roTitle, Body: roBody}}
		a := d.publish(alert.Input{Title: ptr(original), Body: ptr("A man took a worker's bag."), Translations: &tr})

		for _, c := range []struct {
			who, path   string
			want, never []string
		}{
			{"member", "/alerts", []string{roTitle}, []string{original}},
			{"member", "/", []string{roTitle}, []string{original}},
			{"member", "/alerts/" + a.ID, []string{`<html lang="ro"`, roTitle, roBody, "Jaf"}, []string{original, roLine, "took a worker"}},
			{"reporter", "/alerts", []string{`lang="en-GB">` + original}, []string{roTitle}},
			{"reporter", "/alerts/" + a.ID, []string{`<html lang="pl"`, `<span lang="en-GB">` + original, plLine, `<div class="al-body" lang="en-GB">A man took a worker&#39;s bag.`},
				[]string{roTitle, roBody, roLine}},
			{"org", "/alerts/" + a.ID + "/print", []string{roTitle, roBody}, []string{original, roLine}},
			{"org", "/alerts/bulletin", []string{roTitle, roBody}, []string{original}},
			{"orgstaff", "/alerts/" + a.ID + "/print", []string{original, plLine}, []string{roTitle}},
			{"orgstaff", "/alerts/bulletin", []string{original, plLine}, []string{roTitle}},
		} {
			body := d.get(c.who, c.path)
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s as %s lacks %q", c.path, c.who, w)
				}
			}
			for _, n := range c.never {
				if strings.Contains(body, n) {
					t.Errorf("GET %s as %s shows %q", c.path, c.who, n)
				}
			}
		}
	})
}

// The API: coordinators send and read translations; a member reads the
// alert in her language, told which language that is and whether it is a
// translation. Every exchange is held to docs/openapi.yaml.
func TestAlertTranslations_API(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		d.speaks("member", "ro")
		d.speaks("reporter", "pl")
		a := d.publish(alert.Input{Title: ptr(original)})
		call := func(who, method, path, body string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(method, d.ts.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := d.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, out
		}

		// Problems, each under its field; nothing saved.
		status, out := call("coordA", "PATCH", "/api/v1/alerts/"+a.ID, `{"translations":{"ro":{"title":"","body":"Un bărbat."}}}`)
		if fields, _ := out["error"].(map[string]any)["fields"].(map[string]any); status != http.StatusUnprocessableEntity || fields["translations.ro.title"] == nil {
			t.Fatalf("a translation without a title: %d %v", status, out)
		}
		// A flagged translation of a published alert needs a reason.
		status, out = call("coordA", "PATCH", "/api/v1/alerts/"+a.ID, `{"translations":{"ro":{"title":"Jaf","body":"Scrieți la coral@example.org."}}}`)
		if fields, _ := out["error"].(map[string]any)["fields"].(map[string]any); status != http.StatusUnprocessableEntity || fields["override_reason"] == nil {
			t.Fatalf("a flagged translation without a reason: %d %v", status, out)
		}

		status, out = call("coordA", "PATCH", "/api/v1/alerts/"+a.ID, `{"translations":{"ro":{"title":"`+roTitle+`","body":"`+roBody+`"}}}`)
		if status != http.StatusOK || out["version"] != 2.0 {
			t.Fatalf("PATCH translations: %d %v", status, out)
		}
		if ro, _ := out["translations"].(map[string]any)["ro"].(map[string]any); ro["title"] != roTitle {
			t.Errorf("the coordinator's answer: translations %v", out["translations"])
		}
		if _, out = call("coordB", "GET", "/api/v1/alerts/"+a.ID, ""); out["translations"] == nil {
			t.Errorf("GET as a coordinator: no translations in %v", out)
		}

		for _, c := range []struct {
			who, title, language string
			translated           bool
		}{{"member", roTitle, "ro", true}, {"reporter", original, "en-GB", false}} {
			_, one := call(c.who, "GET", "/api/v1/alerts/"+a.ID, "")
			_, list := call(c.who, "GET", "/api/v1/alerts", "")
			items, _ := list["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("%s's feed: %v", c.who, list)
			}
			for _, got := range []map[string]any{one, items[0].(map[string]any)} {
				if got["title"] != c.title || got["language"] != c.language || got["translated"] != c.translated || got["translations"] != nil {
					t.Errorf("%s reads title %v, language %v, translated %v, translations %v; want %q %q %t and no translations",
						c.who, got["title"], got["language"], got["translated"], got["translations"], c.title, c.language, c.translated)
				}
			}
		}

		// An unknown language is refused by name.
		status, out = call("coordA", "PATCH", "/api/v1/alerts/"+a.ID, `{"translations":{"xx":{"title":"a","body":"b"}}}`)
		if status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown language: %d %v", status, out)
		}
	})
}
