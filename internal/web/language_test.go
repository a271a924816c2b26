package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
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
	})
}
