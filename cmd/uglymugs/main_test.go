package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/vault"
)

// testEnv is a clean environment: the tests must not pick up the
// developer's UGLYMUGS_* variables.
func testEnv(vars ...string) env {
	m := map[string]string{}
	for i := 0; i+1 < len(vars); i += 2 {
		m[vars[i]] = vars[i+1]
	}
	return func(k string) string { return m[k] }
}

// keyFile writes the test vault to a file and returns its path.
func keyFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "keys.json")
	if err := vault.WriteNew(p, storetest.Vault(t)); err != nil {
		t.Fatal(err)
	}
	return p
}

func dbArg(src store.Source) string {
	if src.Dialect == store.Postgres {
		return src.URL
	}
	return src.Path
}

// lockedBuffer collects output written from another goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingRE = regexp.MustCompile(`serving on (http://\S+)`)

// start runs the program as its own process would (run with arguments) on a
// free port and returns its base URL once /healthz answers. The server is
// stopped, and must stop cleanly, when the test ends.
func start(t *testing.T, args ...string) (base string, stdout, stderr *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stdout, stderr = &lockedBuffer{}, &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(args, "--addr", "127.0.0.1:0"), testEnv(), strings.NewReader(""), io.MultiWriter(pw, stdout), stderr)
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case base = <-found:
	case err := <-done:
		cancel()
		t.Fatalf("server exited before serving: %v\nstderr: %s", err, stderr)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("server did not start; stderr: %s", stderr)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server did not shut down cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("server did not shut down")
		}
		go io.Copy(io.Discard, pr) //nolint:errcheck
	})
	for range 100 {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stdout, stderr
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("/healthz never answered 200")
	return
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestServe_OnEachEngine_ServesHealthMetricsAndSecureHeaders(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			base, _, stderr := start(t, "serve", "--db", dbArg(storetest.Source(t, d)), "--keys", keyFile(t))

			asset := regexp.MustCompile(`/static/site\.[0-9a-f]{8}\.css`)
			home := get(t, base+"/")
			if !asset.MatchString(home.body) {
				t.Fatalf("home page links no fingerprinted stylesheet")
			}
			cases := []struct {
				method, path string
				status       int
			}{
				{"GET", "/", 200}, {"GET", "/about", 200}, {"GET", "/join", 200}, {"GET", "/terms", 200},
				{"GET", "/privacy", 200}, {"GET", "/contact", 200}, {"GET", "/healthz", 200}, {"GET", "/metrics", 200},
				{"GET", asset.FindString(home.body), 200}, {"GET", "/static/site.00000000.css", 404},
				{"GET", "/no-such-page", 404}, {"POST", "/theme", 303},
			}
			for _, c := range cases {
				req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader("theme=dark&return=/about"))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != c.status {
					t.Errorf("%s %s = %d, want %d", c.method, c.path, resp.StatusCode, c.status)
				}
				checkSecurityHeaders(t, c.method+" "+c.path, resp.Header)
			}

			m := get(t, base+"/metrics")
			for _, want := range []string{"uglymugs_http_requests_total", "go_goroutines", "process_resident_memory_bytes"} {
				if !strings.Contains(m.body, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}
			if !strings.Contains(stderr.String(), `route="GET /about"`) {
				t.Errorf("request log lacks route patterns:\n%s", stderr)
			}
		})
	}
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s: %s = %q, want %q", what, k, h.Get(k), v)
		}
	}
	csp := h.Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("%s: CSP %q lacks %q", what, csp, d)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP allows inline code", what)
	}
	if h.Get("Permissions-Policy") == "" {
		t.Errorf("%s: no Permissions-Policy", what)
	}
	cc := h.Get("Cache-Control")
	if strings.Contains(what, "/static/site.") && !strings.Contains(what, "00000000") {
		if !strings.Contains(cc, "immutable") {
			t.Errorf("%s: fingerprinted asset Cache-Control = %q", what, cc)
		}
	} else if cc != "no-store" {
		t.Errorf("%s: Cache-Control = %q, want no-store", what, cc)
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Errorf("%s: HSTS sent over plain HTTP", what)
	}
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, u string) response {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

func TestServe_RefusesCrossOriginPost(t *testing.T) {
	base, _, _ := start(t, "serve", "--db", dbArg(storetest.Source(t, store.SQLite)), "--keys", keyFile(t))
	tests := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"foreign Origin, old browser", map[string]string{"Origin": "https://evil.example.org"}, http.StatusForbidden},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, http.StatusSeeOther},
		{"same Origin, old browser", map[string]string{"Origin": base}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", base+"/theme", strings.NewReader(url.Values{"theme": {"dark"}, "return": {"/"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == http.StatusForbidden && len(resp.Cookies()) > 0 {
				t.Errorf("refused request still set a cookie")
			}
		})
	}
}

func TestServe_RefusesStaleSchemaUnlessMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	keys := keyFile(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--db", path, "--keys", keys, "--addr", "127.0.0.1:0"}, testEnv(), nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "out of date") || !strings.Contains(err.Error(), "migrate") {
		t.Fatalf("serve on an unmigrated database: %v", err)
	}
	base, _, _ := start(t, "serve", "--db", path, "--keys", keys, "--migrate")
	if r := get(t, base+"/terms"); r.status != 200 || !strings.Contains(r.body, "Version 1") {
		t.Errorf("after --migrate, /terms = %d", r.status)
	}
}

func TestServe_SendsHSTSWhenPublicURLIsHTTPS(t *testing.T) {
	base, _, _ := start(t, "serve", "--db", dbArg(storetest.Source(t, store.SQLite)), "--keys", keyFile(t), "--public-url", "https://uglymugs.example.org")
	if h := get(t, base+"/").header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=") {
		t.Errorf("HSTS = %q", h)
	}
}

func TestKeysInit_WritesPrivateFileAndNeverOverwrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "k.keys")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"keys", "init", "--keys", path}, testEnv(), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	before, _ := os.ReadFile(path)
	err = run(context.Background(), []string{"keys", "init", "--keys", path}, testEnv(), nil, &out, &errOut)
	if err == nil {
		t.Fatal("keys init overwrote an existing key file")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the existing key file changed")
	}
	// The env variable works as well as the flag.
	other := filepath.Join(t.TempDir(), "env.keys")
	if err := run(context.Background(), []string{"keys", "init"}, testEnv("UGLYMUGS_KEYS", other), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Load(other); err != nil {
		t.Errorf("key file named by UGLYMUGS_KEYS: %v", err)
	}
}

func TestUserAdd_PrintsOTPAuthURIAndAuditVerifyChecksTheChain(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			ctx := context.Background()
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			add := func(user, role, pw string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, []string{"user", "add", "--db", dbs, "--keys", keys, "--username", user, "--role", role},
					testEnv(), strings.NewReader(pw+"\n"), &out, &errOut)
				return out.String(), err
			}
			out, err := add("Coord.Ada", "coordinator", "a long enough passphrase")
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(strings.TrimSpace(out))
			if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || len(u.Query().Get("secret")) < 16 {
				t.Fatalf("user add printed %q, want an otpauth://totp URI with a secret", out)
			}
			for _, bad := range []struct{ user, role, pw, want string }{
				{"Coord.Ada", "admin", "another long passphrase", "taken"},
				{"Second", "member", "another long passphrase", "coordinator or admin"},
				{"Third", "admin", "short", "at least 8"},
				{"has space", "admin", "another long passphrase", "no spaces"},
			} {
				if _, err := add(bad.user, bad.role, bad.pw); err == nil || !strings.Contains(err.Error(), bad.want) {
					t.Errorf("user add %s/%s: %v, want an error saying %q", bad.user, bad.role, err, bad.want)
				}
			}

			var vout, verr bytes.Buffer
			if err := run(ctx, []string{"audit", "verify", "--db", dbs}, testEnv(), nil, &vout, &verr); err != nil {
				t.Fatalf("audit verify on an intact log: %v", err)
			}
			if !strings.Contains(vout.String(), "intact: 1 entries") {
				t.Errorf("audit verify said %q", vout.String())
			}

			src, _ := store.ParseSource(dbs)
			raw, err := store.Open(ctx, src, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			disable := `DROP TRIGGER audit_log_no_update`
			if d == store.Postgres {
				disable = `ALTER TABLE audit_log DISABLE TRIGGER USER`
			}
			for _, s := range []string{disable, `UPDATE audit_log SET detail = '{"role":"admin"}' WHERE seq = 1`} {
				if _, err := raw.Writer().ExecContext(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			err = run(ctx, []string{"audit", "verify", "--db", dbs}, testEnv(), nil, &vout, &verr)
			if err == nil || !strings.Contains(err.Error(), "entry 1") {
				t.Errorf("audit verify after an edit: %v, want a failure naming entry 1", err)
			}
		})
	}
}

func TestRun_ValidatesConfigurationWithClearMessages(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  env
		want string
	}{
		{"no command", nil, testEnv(), "no command"},
		{"unknown command", []string{"frobnicate"}, testEnv(), `unknown command "frobnicate"`},
		{"bad addr", []string{"serve", "--addr", "8080"}, testEnv(), "host:port"},
		{"profiler on the network", []string{"serve", "--profile-addr", "0.0.0.0:6060"}, testEnv(), "loopback address only"},
		{"profiler by name", []string{"serve", "--profile-addr", "localhost:6060"}, testEnv(), "loopback address only"},
		{"profiler without a port", []string{"serve", "--profile-addr", "127.0.0.1"}, testEnv(), "--profile-addr \"127.0.0.1\": give host:port"},
		{"bad db scheme", []string{"migrate", "--db", "mysql://x/y"}, testEnv(), "unsupported database"},
		{"bad env bool", []string{"serve"}, testEnv("UGLYMUGS_MIGRATE", "perhaps"), "UGLYMUGS_MIGRATE"},
		{"bad env int", []string{"serve"}, testEnv("UGLYMUGS_WORKERS", "many"), "UGLYMUGS_WORKERS"},
		{"tls half", []string{"serve", "--tls-cert", "c.pem"}, testEnv(), "go together"},
		{"quick exit over http", []string{"serve", "--quick-exit-url", "http://example.org"}, testEnv(), "https://"},
		{"missing key file", []string{"serve", "--db", "sqlite:" + filepath.Join(os.TempDir(), "never.db"), "--keys", "/nonexistent/k"}, testEnv(), "keys init"},
		{"log level", []string{"serve", "--log-level", "loud"}, testEnv(), "--log-level"},
		{"check log kept too short", []string{"serve", "--check-retention-days", "7"}, testEnv(), "at least 30 days"},
		{"negative retention", []string{"serve", "--report-retention-days", "-1"}, testEnv(), "--report-retention-days -1"},
		{"seed without a count", []string{"seed"}, testEnv(), "--members"},
		{"backup without a key", []string{"backup", "--out", "x.age"}, testEnv(), "--recipient"},
		{"restore without a key file", []string{"restore", "--in", "x.age"}, testEnv(), "--identity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, tt.env, nil, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%v) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
	var ue usageError
	if err := run(context.Background(), []string{"serve", "--addr", "x"}, testEnv(), nil, io.Discard, io.Discard); !errors.As(err, &ue) {
		t.Errorf("a bad flag should be a usage error (exit 2), got %T", err)
	}
}
