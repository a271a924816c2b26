package web_test

import (
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// appFetch GETs (or POSTs) path with the cookies given, and returns the
// answer with its body read.
func appFetch(t *testing.T, base, method, path string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestManifest_NamesTheSchemeAndOpensTheAlertFeed: the web app manifest
// has the fields an installable app needs, in the asker's language, and
// icons (two of them maskable) that are PNGs of the sizes it says.
func TestManifest_NamesTheSchemeAndOpensTheAlertFeed(t *testing.T) {
	ts := newServer(t, web.Config{})
	resp, body := appFetch(t, ts.URL, "GET", "/manifest.webmanifest", &http.Cookie{Name: "lang", Value: "ro"})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/manifest+json" {
		t.Fatalf("manifest: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("manifest is not JSON: %v\n%s", err, body)
	}
	for _, f := range []struct{ field, want string }{
		{"id", "/"}, {"name", "Test Mugs"}, {"short_name", "Test Mugs"}, {"start_url", "/alerts"}, {"scope", "/"},
		{"display", "standalone"}, {"theme_color", "#f7f6f3"}, {"background_color", "#f7f6f3"}, {"lang", "ro"}, {"dir", "ltr"},
	} {
		if m[f.field] != f.want {
			t.Errorf("manifest %s = %v, want %q", f.field, m[f.field], f.want)
		}
	}
	icons, _ := m["icons"].([]any)
	var purposes []string
	for _, ic := range icons {
		icon, _ := ic.(map[string]any)
		src, _ := icon["src"].(string)
		sizes, _ := icon["sizes"].(string)
		purposes = append(purposes, icon["purpose"].(string)+" "+sizes)
		if !regexp.MustCompile(`^/static/icon-[a-z-]*\d+\.[0-9a-f]{8}\.png$`).MatchString(src) || icon["type"] != "image/png" {
			t.Errorf("icon %v is not a fingerprinted PNG", icon)
			continue
		}
		r, b := appFetch(t, ts.URL, "GET", src)
		img, err := png.DecodeConfig(strings.NewReader(b))
		if r.StatusCode != http.StatusOK || err != nil {
			t.Errorf("icon %s: %d %v", src, r.StatusCode, err)
			continue
		}
		if got := fmt.Sprintf("%dx%d", img.Width, img.Height); got != sizes {
			t.Errorf("icon %s is %s, the manifest says %s", src, got, sizes)
		}
		if len(b) > 16<<10 {
			t.Errorf("icon %s is %d bytes: keep icons small", src, len(b))
		}
	}
	slices.Sort(purposes)
	if want := []string{"any 192x192", "any 512x512", "maskable 192x192", "maskable 512x512"}; !slices.Equal(purposes, want) {
		t.Errorf("icons %v, want %v", purposes, want)
	}
	// Every page links it, and the CSP lets the manifest and the worker load.
	resp, page := appFetch(t, ts.URL, "GET", "/about")
	if !strings.Contains(page, `<link rel="manifest" href="/manifest.webmanifest">`) {
		t.Error("the page does not link the manifest")
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, d := range []string{"manifest-src 'self'", "worker-src 'self'", "script-src 'self'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("the CSP lacks %s: %s", d, csp)
		}
	}
}

// TestServiceWorker_KeepsOnlyTheStaticFilesAndTheOfflinePage: /sw.js is
// served at the root, never cached by the browser's HTTP cache, and lists
// the fingerprinted static files the pages use (not the home screen's
// icons), each of which is there; nothing else goes into its cache.
func TestServiceWorker_KeepsOnlyTheStaticFilesAndTheOfflinePage(t *testing.T) {
	ts := newServer(t, web.Config{})
	resp, src := appFetch(t, ts.URL, "GET", "/sw.js")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("sw.js: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if strings.Contains(src, "{{") {
		t.Error("sw.js still has a placeholder")
	}
	m := regexp.MustCompile(`var ASSETS = (\[.*\]);`).FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("sw.js lists no assets:\n%s", src)
	}
	var assets []string
	if err := json.Unmarshal([]byte(m[1]), &assets); err != nil {
		t.Fatal(err)
	}
	_, page := appFetch(t, ts.URL, "GET", "/about")
	linked := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	for _, l := range linked {
		if !slices.Contains(assets, l[1]) {
			t.Errorf("the page uses %s, which the worker does not keep", l[1])
		}
	}
	for _, a := range assets {
		if strings.HasPrefix(a, "/static/icon-") {
			t.Errorf("the worker keeps the app icon %s, which no page uses", a)
		}
		if !regexp.MustCompile(`^/static/[a-z0-9-]+\.[0-9a-f]{8}\.(css|js|svg|png)$`).MatchString(a) {
			t.Errorf("the worker keeps %s, which is not a fingerprinted static file", a)
		}
		if r, _ := appFetch(t, ts.URL, "GET", a); r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", a, r.StatusCode)
		}
	}
	if !strings.Contains(src, `var OFFLINE = "/offline";`) || !regexp.MustCompile(`var CACHE = "static-[0-9a-f]{12}";`).MatchString(src) {
		t.Error("sw.js does not name its cache and the offline page")
	}
}

// TestOfflinePage_NeutralAndInEveryLanguage: the offline page, even asked
// for with a member's session, has no header, no scheme name and nothing
// of hers; it says its sentence in the asker's language first, then in
// every other, each marked with its language and translated.
func TestOfflinePage_NeutralAndInEveryLanguage(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.offline", WorkName: "Juniper", Email: "juniper@example.org"})
	const english = "You are offline. Check your connection and try again."
	for _, lang := range []string{"en-GB", "pl"} {
		resp, page := appFetch(t, ts.URL, "GET", "/offline", &http.Cookie{Name: "um", Value: sessionFor(t, db, id)}, &http.Cookie{Name: "lang", Value: lang})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s: %d %q", lang, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		for _, never := range []string{"Test Mugs", "m.offline", "Juniper", "juniper@example.org", "Sign out", "/alerts", "/account"} {
			if strings.Contains(page, never) {
				t.Errorf("%s: the offline page says %q", lang, never)
			}
		}
		if !strings.Contains(page, `<html lang="`+lang+`"`) || !strings.Contains(page, `class="quick-exit"`) {
			t.Errorf("%s: the page is not in her language, or has no quick exit", lang)
		}
		for _, l := range i18n.Languages {
			if l.Code == lang {
				continue
			}
			m := regexp.MustCompile(`<li lang="` + regexp.QuoteMeta(l.Code) + `"><a href="">([^<]+)</a></li>`).FindStringSubmatch(page)
			switch {
			case m == nil:
				t.Errorf("%s: the page does not say it in %s", lang, l.English)
			case l.Code != "en-GB" && m[1] == english:
				t.Errorf("%s: the %s sentence is untranslated", lang, l.English)
			}
		}
	}
}

// TestQuickExitRoute_EndsTheSessionAndClearsTheSite: the quick exit's
// beacon ends her session and tells the browser to forget the site's
// caches, cookies and storage, as signing out does: whoever opens the site
// next on that phone finds the sign-in page. A page answers without it.
func TestQuickExitRoute_EndsTheSessionAndClearsTheSite(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	session := &http.Cookie{Name: "um", Value: sessionFor(t, db, approved(t, db, acc,
		account.ApplicationInput{Type: "individual", Username: "m.exit", WorkName: "Exit", Email: "exit@example.org"}))}
	if resp, _ := appFetch(t, ts.URL, "GET", "/account", session); resp.StatusCode != http.StatusOK {
		t.Fatalf("before the exit: %d", resp.StatusCode)
	}
	resp, _ := appFetch(t, ts.URL, "POST", "/exit", session)
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Clear-Site-Data") != `"cache", "cookies", "storage"` {
		t.Errorf("POST /exit: %d, Clear-Site-Data %q", resp.StatusCode, resp.Header.Get("Clear-Site-Data"))
	}
	if resp, _ := appFetch(t, ts.URL, "GET", "/account", session); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Errorf("after the exit, her session still opens her account: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := appFetch(t, ts.URL, "POST", "/exit"); resp.StatusCode != http.StatusNoContent {
		t.Errorf("POST /exit without a session: %d", resp.StatusCode)
	}
	if resp, _ := appFetch(t, ts.URL, "GET", "/about"); resp.Header.Get("Clear-Site-Data") != "" {
		t.Error("a page clears the site's data")
	}
}
