package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/apitest"
	"uglymugs/internal/check"
	"uglymugs/internal/content"
	"uglymugs/internal/i18n"
	"uglymugs/internal/impact"
	"uglymugs/internal/police"
	"uglymugs/internal/push"
	"uglymugs/internal/pushaddr"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/support"
	"uglymugs/internal/town"
	"uglymugs/internal/training"
	"uglymugs/internal/translation"
	"uglymugs/internal/vocab"
	"uglymugs/internal/web"
)

func newServer(t *testing.T, cfg web.Config) *httptest.Server {
	t.Helper()
	return newServerOn(t, storetest.Open(t, store.SQLite), cfg)
}

func newServerOn(t *testing.T, db *store.DB, cfg web.Config) *httptest.Server {
	t.Helper()
	return newServerLimited(t, db, cfg, check.Limits{})
}

// newServerLimited is newServerOn with the check allowances given.
func newServerLimited(t *testing.T, db *store.DB, cfg web.Config, limits check.Limits) *httptest.Server {
	t.Helper()
	return newServerChecking(t, db, cfg, testAccounts(t, db), limits)
}

// newServerSettings is newServerOn with the first-run settings changed by
// change.
func newServerSettings(t *testing.T, db *store.DB, change func(*scheme.Settings)) *httptest.Server {
	t.Helper()
	return newServerSet(t, db, web.Config{}, testAccounts(t, db), check.Limits{}, change)
}

// testAccounts is the account service a test server has by default.
func testAccounts(t *testing.T, db *store.DB) *account.Service {
	t.Helper()
	accounts, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	return accounts
}

// services are the domain's services over db, as serve builds them, with
// the check allowances given (zero: the defaults), reading the settings
// an admin sets (first Test Mugs', testSettings) as serve's do.
func services(t testing.TB, db *store.DB, accounts *account.Service, limits check.Limits) web.Services {
	t.Helper()
	contents, err := content.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	hours := scheme.DefaultWorkingHours(time.UTC)
	checks := check.New(db, hours.Location, limits)
	set := settings.New(db, testSettings(checks.Limits), time.UTC)
	reports, pol := report.New(db, hours), police.New(db, hours)
	accounts.Hours.Settings, reports.Hours.Settings, pol.Hours.Settings, checks.Settings = set, set, set, set
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	translations, err := translation.New(context.Background(), db, words)
	if err != nil {
		t.Fatal(err)
	}
	alerts := alert.New(db, hours.Location)
	alerts.Urgent.Hours.Settings = set
	return web.Services{Accounts: accounts, Reports: reports, Alerts: alerts,
		Checks: checks, Police: pol, Content: contents, Settings: set, Translations: translations, Towns: town.New(db), Vocab: vocab.New(db), Support: support.New(db), Health: db,
		Training: training.New(db, set, time.UTC, "http://test.example.org/signin"),
		Impact:   impact.New(db, "http://test.example.org/signin"),
		Push:     push.New(db, pushaddr.Policy{})}
}

// testSettings are a test server's settings until a test changes them.
func testSettings(limits check.Limits) scheme.Settings {
	s := scheme.DefaultSettings()
	s.Name, s.ContactEmail, s.QuickExitURL = "Test Mugs", "help@example.org", "https://neutral.example.org/weather"
	s.ChecksPerDay, s.ChecksPerMinute = limits.PerDay, limits.PerMinute
	return s
}

// newServerWith is newServerOn with an account service set up by the test.
func newServerWith(t *testing.T, db *store.DB, cfg web.Config, accounts *account.Service) *httptest.Server {
	t.Helper()
	return newServerChecking(t, db, cfg, accounts, check.Limits{})
}

// newServerChecking is newServerWith with the check allowances given.
func newServerChecking(t *testing.T, db *store.DB, cfg web.Config, accounts *account.Service, limits check.Limits) *httptest.Server {
	t.Helper()
	return newServerSet(t, db, cfg, accounts, limits, nil)
}

// newServerSet is newServerChecking with the first-run settings changed
// by change (nil: as testSettings has them).
func newServerSet(t *testing.T, db *store.DB, cfg web.Config, accounts *account.Service, limits check.Limits, change func(*scheme.Settings)) *httptest.Server {
	t.Helper()
	if cfg.Region == "" {
		cfg.Region = "Testland"
	}
	svc := services(t, db, accounts, limits)
	if change != nil {
		change(&svc.Settings.Defaults)
	}
	s, err := web.New(cfg, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	// Every API exchange a test makes is held to docs/openapi.yaml.
	ts.Client().Transport = apitest.Transport(t, ts.Client().Transport)
	return ts
}

func fetch(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPublicPages_RenderWithQuickExitAndOneHeading(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServerOn(t, db, web.Config{})
		for _, path := range []string{"/", "/about", "/join", "/terms", "/privacy", "/contact"} {
			resp, body := fetch(t, ts.Client(), ts.URL+path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: status %d", path, resp.StatusCode)
				continue
			}
			if !strings.Contains(body, `href="https://neutral.example.org/weather"`) || !strings.Contains(body, "quick-exit") {
				t.Errorf("%s: no quick exit link to the configured neutral site", path)
			}
			if n := strings.Count(body, "<h1"); n != 1 {
				t.Errorf("%s: %d h1 elements, want 1", path, n)
			}
			if !strings.Contains(body, "Test Mugs") {
				t.Errorf("%s: scheme name missing", path)
			}
			if regexp.MustCompile(`(?i)<script>|\sstyle=|\son[a-z]+=`).MatchString(body) {
				t.Errorf("%s: inline script, style or event handler (the CSP would block it)", path)
			}
			if strings.Contains(body, "made-up data") {
				t.Errorf("%s: demo banner shown outside the demo", path)
			}
		}
	})
}

func TestTerms_ShowsCurrentVersionRenderedFromMarkdown(t *testing.T) {
	ts := newServer(t, web.Config{})
	_, body := fetch(t, ts.Client(), ts.URL+"/terms")
	for _, want := range []string{"Version 1", "<h2>Who can join</h2>", "<strong>Keep alerts confidential.</strong>"} {
		if !strings.Contains(body, want) {
			t.Errorf("terms page lacks %q", want)
		}
	}
}

func TestNotFound_IsAFriendlyPage(t *testing.T) {
	ts := newServer(t, web.Config{})
	resp, body := fetch(t, ts.Client(), ts.URL+"/nowhere")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("404: status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestDemo_ShowsBanner(t *testing.T) {
	ts := newServer(t, web.Config{Demo: true})
	if _, body := fetch(t, ts.Client(), ts.URL+"/about"); !strings.Contains(body, "made-up data") {
		t.Error("demo banner missing")
	}
}

func TestStatic_FingerprintedAndCachedForEver(t *testing.T) {
	ts := newServer(t, web.Config{})
	_, body := fetch(t, ts.Client(), ts.URL+"/")
	for _, re := range []string{`/static/site\.[0-9a-f]{8}\.css`, `/static/quickexit\.[0-9a-f]{8}\.js`} {
		u := regexp.MustCompile(re).FindString(body)
		if u == "" {
			t.Errorf("home page does not reference %s", re)
			continue
		}
		resp, b := fetch(t, ts.Client(), ts.URL+u)
		if resp.StatusCode != 200 || len(b) == 0 {
			t.Errorf("%s: status %d", u, resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") && !strings.HasPrefix(ct, "text/javascript") {
			t.Errorf("%s: Content-Type %q", u, ct)
		}
	}
}

// TestRedirect_ReturnGoesOnlyToAPathOnThisSite sends the form's "return"
// as an attacker would type it into a link or a forged form, raw and
// percent-encoded. Browsers drop tabs and newlines from a Location and
// read a backslash as a slash, so each of these would reach another site
// if it were sent back as it came; each must go to the home page instead.
func TestRedirect_ReturnGoesOnlyToAPathOnThisSite(t *testing.T) {
	ts := newServer(t, web.Config{})
	offSite := []string{ // as they appear in the form body
		"/%09/evil.example/", "/%0D/evil.example/", "/%0A/evil.example/", "/%0D%0A/evil.example/",
		"%2F%09%2Fevil.example", "/%09%09/evil.example", "%09//evil.example", "/%00/evil.example",
		"/%5Cevil.example", "%2F%5Cevil.example", "/%5C/evil.example", "%5C%5Cevil.example",
		"//evil.example", "%2F%2Fevil.example", "/%2F/evil.example", "///evil.example",
		"https://evil.example/", "https:evil.example", "HTTPS://evil.example", "javascript:alert(1)",
		"/+/evil.example", "/%20/evil.example", "%20//evil.example", "/%7F/evil.example",
		"/%E3%80%80/evil.example", "evil.example", "",
	}
	kept := []string{"/about", "/alerts?page=2", "/alerts/ABC234#additions", "/reports/draft/X/when?done=saved",
		"/%252F/x", "/%2509/x"} // the last two decode once, to an encoded slash or tab, which stays in the path
	post := func(raw string) string {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+"/theme", strings.NewReader("theme=dark&return="+raw))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// The transport, not the client: the client refuses a Location it
		// cannot parse, and a browser would follow it.
		resp, err := ts.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("return=%s: status %d", raw, resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	for _, raw := range offSite {
		if loc := post(raw); loc != "/" {
			t.Errorf("return=%s redirected to %q, want \"/\"", raw, loc)
		}
	}
	for _, raw := range kept {
		want, _ := url.QueryUnescape(raw)
		if loc := post(raw); loc != want {
			t.Errorf("return=%s redirected to %q, want %q", raw, loc, want)
		}
	}
}

func TestTheme_CookieSetAndRedirectStaysOnSite(t *testing.T) {
	ts := newServer(t, web.Config{})
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	tests := []struct {
		theme, ret   string
		status       int
		wantLocation string
		wantCookie   string
	}{
		{"dark", "/about", 303, "/about", "dark"},
		{"light", "/privacy", 303, "/privacy", "light"},
		{"system", "/", 303, "/", ""},
		{"dark", "https://evil.example.org/", 303, "/", "dark"},
		{"dark", "//evil.example.org/", 303, "/", "dark"},
		{"dark", "/\\evil.example.org", 303, "/", "dark"},
		{"purple", "/", 400, "", ""},
	}
	for _, tt := range tests {
		resp, err := c.PostForm(ts.URL+"/theme", url.Values{"theme": {tt.theme}, "return": {tt.ret}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("theme=%s return=%s: status %d, want %d", tt.theme, tt.ret, resp.StatusCode, tt.status)
			continue
		}
		if tt.status != 303 {
			continue
		}
		if loc := resp.Header.Get("Location"); loc != tt.wantLocation {
			t.Errorf("return=%q redirected to %q, want %q", tt.ret, loc, tt.wantLocation)
		}
		var got *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "theme" {
				got = ck
			}
		}
		if got == nil || got.Value != tt.wantCookie || !got.HttpOnly {
			t.Errorf("theme=%s: cookie %+v, want value %q, HttpOnly", tt.theme, got, tt.wantCookie)
		}
	}

	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.AddCookie(&http.Cookie{Name: "theme", Value: "dark"})
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `data-theme="dark"`) {
		t.Error("dark theme cookie not applied to the page")
	}
	req.Header.Set("Cookie", `theme="><script>`)
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `data-theme=""`) {
		t.Error("an unknown theme value must fall back to the device's setting")
	}
}

func TestHealthz_FailsWhenDatabaseIsGone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{})
	if resp, _ := fetch(t, ts.Client(), ts.URL+"/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz %d with a database", resp.StatusCode)
	}
	db.Close()
	if resp, _ := fetch(t, ts.Client(), ts.URL+"/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz %d without a database, want 503", resp.StatusCode)
	}
}

func TestMetrics_NeedTokenWhenConfigured(t *testing.T) {
	ts := newServer(t, web.Config{MetricsToken: "s3cret-token"})
	if resp, _ := fetch(t, ts.Client(), ts.URL+"/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics without token: %d, want 404", resp.StatusCode)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer s3cret-token")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/metrics with token: %d", resp.StatusCode)
	}
	// Without a token, forwarded requests (through a proxy) are refused.
	open := newServer(t, web.Config{})
	req, _ = http.NewRequest("GET", open.URL+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err = open.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("proxied /metrics without token: %d, want 404", resp.StatusCode)
	}
}

func TestStatic_GzippedForClientsThatAcceptIt(t *testing.T) {
	ts := newServer(t, web.Config{})
	_, body := fetch(t, ts.Client(), ts.URL+"/")
	u := ts.URL + regexp.MustCompile(`/static/site\.[0-9a-f]{8}\.css`).FindString(body)
	plain := rawGet(t, u, "")
	gz := rawGet(t, u, "gzip, deflate")
	if plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("plain request got Content-Encoding %q", plain.Header.Get("Content-Encoding"))
	}
	if gz.Header.Get("Content-Encoding") != "gzip" || gz.ContentLength >= plain.ContentLength {
		t.Errorf("gzip request: encoding %q, %d bytes vs %d plain", gz.Header.Get("Content-Encoding"), gz.ContentLength, plain.ContentLength)
	}
	if rawGet(t, u, "gzip;q=0").Header.Get("Content-Encoding") != "" {
		t.Error("gzip sent to a client that refused it")
	}
}

func rawGet(t *testing.T, u, acceptEncoding string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept-Encoding", acceptEncoding)
	// A bare transport, so Go's client neither asks for nor undoes gzip.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck
	resp.Body.Close()
	return resp
}

func TestJoinForm_ProblemsShownBesideFieldsAndInputKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newServerOn(t, db, web.Config{})
		form := url.Values{
			"username": {"new.member"}, "password": {"a long test passphrase"}, "work_name": {""},
			"email": {"keep.me@example.org"}, "mobile": {"07700 900444"}, "alert_channels": {"sms"},
			"regions": {"london", "wales"}, "sector": {"street"}, "area": {"Cardiff Bay"}, "terms_version": {"1"},
		}
		resp, err := ts.Client().PostForm(ts.URL+"/join/individual", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{`class="error-summary"`, `href="#work_name"`, `id="work_name-error"`,
			`value="new.member"`, `value="keep.me@example.org"`, `value="07700 900444"`, `value="Cardiff Bay"`,
			`value="london" checked`, `value="wales" checked`, `value="sms" checked`, `value="street" selected`} {
			if !strings.Contains(body, want) {
				t.Errorf("re-shown form lacks %s", want)
			}
		}
		if strings.Contains(body, "a long test passphrase") {
			t.Error("the password was sent back in the page")
		}
		var n int
		db.Writer().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n)
		if n != 0 {
			t.Errorf("a refused application stored %d users", n)
		}
		form.Set("work_name", "Saffron")
		resp, err = ts.Client().PostForm(ts.URL+"/join/individual", form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated || !strings.Contains(string(b), "we have your application") {
			t.Errorf("corrected application: %d", resp.StatusCode)
		}
	})
}

func TestThrottle_ByForwardedAddressOnlyBehindProxy(t *testing.T) {
	post := func(ts *httptest.Server, xff string) int {
		// An empty application: refused at once, without password hashing,
		// so the test does not depend on the machine's speed.
		req, _ := http.NewRequest("POST", ts.URL+"/join/individual", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, behind := range []bool{true, false} {
		ts := newServer(t, web.Config{BehindProxy: behind})
		var last int
		for range 11 {
			last = post(ts, "198.51.100.7")
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("behind proxy %v: 11th try from one address got %d", behind, last)
		}
		other := post(ts, "198.51.100.8")
		if behind && other == http.StatusTooManyRequests {
			t.Error("behind a proxy, another client address was throttled too")
		}
		if !behind && other != http.StatusTooManyRequests {
			t.Error("not behind a proxy, a forged X-Forwarded-For escaped the throttle")
		}
	}
}

// toSignIn reports whether a redirect goes to sign in (with or without
// the page to come back to).
func toSignIn(location string) bool {
	return location == "/signin" || strings.HasPrefix(location, "/signin?next=")
}

// send makes one request to ts as a browser would post a form (form nil:
// no body), with cookies, and does not follow a redirect: the answer and
// its body.
func send(t *testing.T, ts *httptest.Server, method, path string, form url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	return sendWith(t, ts, method, path, form, nil, cookies...)
}

// sendWith is send with headers of the browser's own (Accept-Language).
func sendWith(t *testing.T, ts *httptest.Server, method, path string, form url.Values, header http.Header, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, ts.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
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

// sessionCookie is the web session cookie for tok ("" for none).
func sessionCookie(tok string) []*http.Cookie {
	if tok == "" {
		return nil
	}
	return []*http.Cookie{{Name: "um", Value: tok}}
}
