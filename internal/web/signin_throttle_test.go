package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// testClock is a settable time for the store (and so every throttle).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// rotating sends requests to ts as if from many addresses (behind a
// proxy), a new one for each, as an attacker with many would.
type rotating struct {
	t  *testing.T
	ts *httptest.Server
	n  int
}

func (r *rotating) post(path, contentType, body string, cookies ...*http.Cookie) (int, http.Header, string) {
	r.t.Helper()
	r.n++
	req, _ := http.NewRequest("POST", r.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", r.n%250+1))
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := r.ts.Client().Transport.RoundTrip(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func (r *rotating) form(path string, v url.Values) (int, http.Header, string) {
	r.t.Helper()
	return r.post(path, "application/x-www-form-urlencoded", v.Encode())
}

// TestSignIn_WrongPasswordsNeverLockOutTheRightOne: an attacker typing a
// member's username with wrong passwords, from ever new addresses, slows
// guessing (ten tries, then one every two minutes) but cannot lock her
// out: however many wrong passwords come in, once the wait the page gives
// is over her right password works. Known and unknown usernames get the
// same refusal, on the web and in the API.
func TestSignIn_WrongPasswordsNeverLockOutTheRightOne(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	clock := &testClock{t: time.Now()}
	db.SetClock(clock.now)
	ts := newServerOn(t, db, web.Config{BehindProxy: true})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.hazel", WorkName: "Hazel", Email: "hazel@example.org"})
	r := &rotating{t: t, ts: ts}
	signIn := func(username, password string) (int, http.Header, string) {
		t.Helper()
		return r.form("/signin", url.Values{"username": {username}, "password": {password}})
	}
	blank := func(body, typed string) string {
		return regexp.MustCompile(`[0-9a-f]{16}`).ReplaceAllString(strings.ReplaceAll(body, typed, "TYPED"), "X")
	}
	for round := range 3 {
		// The attacker: 40 wrong passwords at once, then the member.
		var last int
		var wait string
		var refused string
		for i := range 40 {
			status, h, body := signIn("m.hazel", fmt.Sprintf("guess number %d", i))
			if round == 0 && i < 10 && status != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d, want 401", i+1, status)
			}
			last, wait, refused = status, h.Get("Retry-After"), body
		}
		secs, err := strconv.Atoi(wait)
		if last != http.StatusTooManyRequests || err != nil || secs < 1 || secs > 120 {
			t.Errorf("round %d: the 40th wrong password: %d, Retry-After %q; want 429 and a wait of at most two minutes", round, last, wait)
			secs = 120
		}
		status, h, body := signIn("m.hazel", "a long test passphrase")
		if status != http.StatusTooManyRequests || h.Get("Retry-After") != wait || body != refused || h.Get("Set-Cookie") != "" {
			t.Errorf("round %d: the right password during the wait: %d, Retry-After %q; want the same refusal as a wrong one", round, status, h.Get("Retry-After"))
		}
		if round == 0 {
			// An unknown username past its allowance is refused alike.
			var ustatus int
			var uh http.Header
			var ubody string
			for range 11 {
				ustatus, uh, ubody = signIn("nobody.at.all", "not the password")
			}
			if ustatus != status || uh.Get("Retry-After") != wait || blank(ubody, "nobody.at.all") != blank(body, "m.hazel") {
				t.Errorf("an unknown username past its allowance: %d, Retry-After %q; want what the member's got (%d, %q)", ustatus, uh.Get("Retry-After"), status, wait)
			}
			// And the API answers the same for both.
			st1, h1, b1 := r.post("/api/v1/session", "application/json", `{"username":"m.hazel","password":"x"}`)
			st2, h2, b2 := r.post("/api/v1/session", "application/json", `{"username":"nobody.at.all","password":"x"}`)
			var e struct{ Error struct{ Code string } }
			_ = json.Unmarshal([]byte(b1), &e)
			if st1 != http.StatusTooManyRequests || e.Error.Code != string(scheme.CodeTooMany) || st2 != st1 || h1.Get("Retry-After") != h2.Get("Retry-After") || b1 != b2 {
				t.Errorf("API: member %d %q %s, unknown %d %q %s; want the same 429", st1, h1.Get("Retry-After"), b1, st2, h2.Get("Retry-After"), b2)
			}
		}
		clock.add(time.Duration(secs) * time.Second)
		status, h, _ = signIn("m.hazel", "a long test passphrase")
		if status != http.StatusSeeOther || h.Get("Location") != "/alerts" {
			t.Fatalf("round %d: the right password once the wait was over: %d %s, want signed in", round, status, h.Get("Location"))
		}
	}
}

// TestPasswordReset_ManyRequestsSendAtMostThreeMessages: 21 requests for
// one member's reset, from 21 addresses within seconds, are all answered
// alike, and queue three messages, not 21.
func TestPasswordReset_ManyRequestsSendAtMostThreeMessages(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{BehindProxy: true})
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.rowan", WorkName: "Rowan", Mobile: "07700 900321"})
	r := &rotating{t: t, ts: ts}
	var first string
	for i := range 21 {
		status, _, body := r.form("/reset", url.Values{"username": {"m.rowan"}})
		body = regexp.MustCompile(`[0-9a-f]{16}`).ReplaceAllString(body, "X")
		if i == 0 {
			first = body
		}
		if status != http.StatusOK || body != first {
			t.Fatalf("request %d: %d, or a page unlike the first's", i+1, status)
		}
	}
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND template = 'password_reset_code'`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("21 requests queued %d messages, want 3", n)
	}
}

// TestThrottle_IPv6AddressesInOne64ShareAnAllowance: a subscriber holds a
// whole /64, so its addresses are counted as one; another /64 is not.
func TestThrottle_IPv6AddressesInOne64ShareAnAllowance(t *testing.T) {
	ts := newServer(t, web.Config{BehindProxy: true})
	post := func(addr string) int {
		// An empty application: refused at once, without password hashing.
		req, _ := http.NewRequest("POST", ts.URL+"/join/individual", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", addr)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 10 {
		if st := post(fmt.Sprintf("2001:db8:5:6:%x::%x", i*17, i+1)); st == http.StatusTooManyRequests {
			t.Fatalf("try %d from the /64 refused", i+1)
		}
	}
	if st := post("2001:db8:5:6:ffff:ffff:ffff:fffe"); st != http.StatusTooManyRequests {
		t.Errorf("an 11th address in the same /64: %d, want 429", st)
	}
	if st := post("2001:db8:5:7::1"); st == http.StatusTooManyRequests {
		t.Error("an address in the next /64 was refused too")
	}
	if st := post("::ffff:198.51.100.9"); st == http.StatusTooManyRequests {
		t.Error("an IPv4 address written as IPv6 was counted with the /64 ::ffff:0:0/64")
	}
}
