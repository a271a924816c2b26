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

	"uglymugs/internal/account"
	"uglymugs/internal/apitest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// A visitor's browser languages choose the page's language; the language
// switch's choice beats them, in a cookie; a member's choice is kept in
// her profile and follows her to another device.
func TestLanguage_BrowserThenChoiceThenProfile(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, dialect store.Dialect) {
		db := storetest.Open(t, dialect)
		ts := newServerOn(t, db, web.Config{})
		get := func(path, acceptLanguage string, cookies ...*http.Cookie) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest("GET", ts.URL+path, nil)
			if acceptLanguage != "" {
				req.Header.Set("Accept-Language", acceptLanguage)
			}
			for _, c := range cookies {
				req.AddCookie(c)
			}
			resp, err := ts.Client().Transport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp, string(b)
		}
		post := func(path string, form url.Values, cookies ...*http.Cookie) *http.Response {
			t.Helper()
			req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, c := range cookies {
				req.AddCookie(c)
			}
			resp, err := ts.Client().Transport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp
		}

		resp, body := get("/", "ro-RO, ro;q=0.9, en;q=0.5")
		if !strings.Contains(body, `<html lang="ro"`) || !strings.Contains(body, "Ieși de pe pagină") || resp.Header.Get("Content-Language") != "ro" {
			t.Errorf("Accept-Language ro: not a Romanian page (Content-Language %q)", resp.Header.Get("Content-Language"))
		}
		if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Language") {
			t.Errorf("Vary %q", resp.Header.Values("Vary"))
		}
		if _, body := get("/", "fr-FR"); !strings.Contains(body, `<html lang="en-GB"`) || !strings.Contains(body, "Exit this page") {
			t.Error("a language we do not speak: not English")
		}

		// The switch: a cookie, and back to the page.
		resp = post("/language", url.Values{"lang": {"pt-BR"}, "return": {"/contact"}})
		var lang *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "lang" {
				lang = c
			}
		}
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/contact" || lang == nil || lang.Value != "pt-BR" || !lang.HttpOnly {
			t.Fatalf("choosing Portuguese: %d to %q, cookie %+v", resp.StatusCode, resp.Header.Get("Location"), lang)
		}
		if _, body := get("/contact", "ro", lang); !strings.Contains(body, `<html lang="pt-BR"`) || !strings.Contains(body, "Sair desta página") {
			t.Error("the cookie does not beat the browser's languages")
		}
		if resp := post("/language", url.Values{"lang": {"xx"}, "return": {"/"}}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("a language we do not speak: %d", resp.StatusCode)
		}
		if _, body := get("/language?return=/check", "th"); !strings.Contains(body, `lang="zh-Hans"`) || !strings.Contains(body, `value="/check"`) || !strings.Contains(body, "เลือกภาษา") {
			t.Error("the language page: no list, no way back, or not in the browser's language")
		}

		// A member's choice is in her profile: another device, with no
		// cookie and an English browser, shows her language.
		acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
		if err != nil {
			t.Fatal(err)
		}
		id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.lang", WorkName: "Lang", Email: "lang@example.org"})
		session := &http.Cookie{Name: "um", Value: sessionFor(t, db, id)}
		if resp := post("/language", url.Values{"lang": {"hu"}, "return": {"/alerts"}}, session); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a member choosing Hungarian: %d", resp.StatusCode)
		}
		other := &http.Cookie{Name: "um", Value: sessionFor(t, db, id)}
		if _, body := get("/alerts", "en-GB", other); !strings.Contains(body, `<html lang="hu"`) || !strings.Contains(body, "Oldal elhagyása") {
			t.Error("her profile's language does not follow her")
		}
		// One who applied reading Bulgarian reads it once approved, and her
		// messages come in it; one who applied in English has chosen nothing.
		bg := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.bg", WorkName: "Bg", Email: "bg@example.org", Language: "bg"})
		if _, body := get("/alerts", "en-GB", &http.Cookie{Name: "um", Value: sessionFor(t, db, bg)}); !strings.Contains(body, `<html lang="bg"`) {
			t.Error("the language she applied in is not hers")
		}
		en := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.en", WorkName: "En", Email: "en@example.org", Language: "en-GB"})
		if _, body := get("/alerts", "ro", &http.Cookie{Name: "um", Value: sessionFor(t, db, en)}); !strings.Contains(body, `<html lang="ro"`) {
			t.Error("applying in English chose English for good")
		}
	})
}

// Through the API a member sets her language (PATCH /api/v1/me), GET
// /api/v1/me says it, and the API's problems come back in it; a language
// the service does not speak is refused, saying which field.
func TestLanguage_APISetsItAndSpeaksIt(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, dialect store.Dialect) {
		db := storetest.Open(t, dialect)
		ts := newServerOn(t, db, web.Config{})
		ts.Client().Transport = apitest.Transport(t, ts.Client().Transport)
		acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
		if err != nil {
			t.Fatal(err)
		}
		id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.api.lang", WorkName: "Lang", Email: "api.lang@example.org"})
		tok, _, err := db.Sessions.CreateSession(context.Background(), id, scheme.SessionAPI, account.DefaultAPITTL)
		if err != nil {
			t.Fatal(err)
		}
		call := func(method, body string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(method, ts.URL+"/api/v1/me", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Accept-Language", "en-GB")
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := ts.Client().Do(req)
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
		if status, me := call("GET", ""); status != http.StatusOK || me["language"] != "" {
			t.Fatalf("before choosing: %d, language %v", status, me["language"])
		}
		if status, me := call("PATCH", `{"language":"pt-br"}`); status != http.StatusOK || me["language"] != "pt-BR" {
			t.Fatalf("choosing Portuguese: %d, language %v", status, me["language"])
		}
		if status, me := call("GET", ""); status != http.StatusOK || me["language"] != "pt-BR" {
			t.Errorf("after choosing: %d, language %v", status, me["language"])
		}
		// Her language, not the request's Accept-Language, is the API's.
		status, out := call("PATCH", `{"language":"xx"}`)
		e, _ := out["error"].(map[string]any)
		fields, _ := e["fields"].(map[string]any)
		if status != http.StatusUnprocessableEntity || e["message"] != "Algumas respostas precisam de revisão." || fields["language"] != "Escolha um dos idiomas oferecidos." {
			t.Errorf("an unknown language: %d %v", status, out)
		}
		if status, me := call("PATCH", `{"language":""}`); status != http.StatusOK || me["language"] != "" {
			t.Errorf("back to the browser's: %d, language %v", status, me["language"])
		}
	})
}
