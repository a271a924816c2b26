package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// TestSignOutAndLeaving_ClearSiteData: signing out and leaving the scheme
// tell the browser to drop this site's cache, cookies and storage, so a
// shared or checked phone keeps nothing of the visit; other answers do not.
func TestSignOutAndLeaving_ClearSiteData(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.clear", WorkName: "Clear", Email: "clear@example.org"})
	post := func(path, tok string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tok != "" {
			req.AddCookie(&http.Cookie{Name: "um", Value: tok})
		}
		resp, err := ts.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	const want = `"cache", "cookies", "storage"`
	if resp := post("/signout", sessionFor(t, db, id), nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Clear-Site-Data") != want {
		t.Errorf("sign-out: %d, Clear-Site-Data %q, want %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"), want)
	}
	if resp := post("/account/leave", sessionFor(t, db, id), url.Values{"confirm": {"yes"}}); resp.StatusCode != http.StatusOK || resp.Header.Get("Clear-Site-Data") != want {
		t.Errorf("leaving: %d, Clear-Site-Data %q, want %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"), want)
	}
	if resp := post("/theme", "", url.Values{"theme": {"dark"}, "return": {"/"}}); resp.Header.Get("Clear-Site-Data") != "" {
		t.Error("a theme change clears the site's data")
	}
}

// TestSecurityHeaders_NoCrossDomainPolicies: every kind of response (page,
// redirect, static file, API, error) forbids Flash and PDF plug-ins
// cross-domain access.
func TestSecurityHeaders_NoCrossDomainPolicies(t *testing.T) {
	ts := newServer(t, web.Config{})
	_, home := fetch(t, ts.Client(), ts.URL+"/")
	css := regexp.MustCompile(`/static/site\.[0-9a-f]{8}\.css`).FindString(home)
	for _, r := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/about"}, {"GET", css}, {"GET", "/api/v1/regions"}, {"GET", "/api/v1/nowhere"},
		{"GET", "/nowhere"}, {"GET", "/account"}, {"POST", "/signout"}, {"GET", "/healthz"}, {"GET", "/crossdomain.xml"},
	} {
		req, _ := http.NewRequest(r.method, ts.URL+r.path, nil)
		resp, err := ts.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Permitted-Cross-Domain-Policies"); got != "none" {
			t.Errorf("%s %s (%d): X-Permitted-Cross-Domain-Policies %q, want none", r.method, r.path, resp.StatusCode, got)
		}
	}
}
