package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// enumProbe is one way of asking a door that takes a username or a
// contact: a request to send (the i-th of a run) and what was typed in it,
// which the answer may echo.
type enumProbe struct {
	name  string
	req   func(i int) (method, path, contentType, body string)
	typed func(i int) []string
}

func formProbe(name, path string, v func(i int) url.Values) enumProbe {
	return enumProbe{name: name,
		req: func(i int) (string, string, string, string) {
			return "POST", path, "application/x-www-form-urlencoded", v(i).Encode()
		},
		typed: func(i int) []string {
			var out []string
			for k, vs := range v(i) {
				if k != "t" {
					out = append(out, vs...)
				}
			}
			return out
		}}
}

func jsonProbe(name, path string, v func(i int) map[string]any) enumProbe {
	return enumProbe{name: name,
		req: func(i int) (string, string, string, string) {
			b, _ := json.Marshal(v(i))
			return "POST", path, "application/json", string(b)
		},
		typed: func(i int) []string {
			var out []string
			for _, x := range v(i) {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}}
}

func same[T any](v T) func(int) T { return func(int) T { return v } }

// TestEnumeration_SameAnswerForKnownAndUnknown: every door that takes a
// username or a contact detail, on the web and in the API, at every step of
// signing in, resetting a password and joining, answers the same status,
// headers that matter and page (once what was typed is blanked out), in
// about the same time, whether the username or contact belongs to someone
// or not, and whatever state the account is in. The probes of a door are
// sent in turn, each round starting with the next, so that order costs
// none of them.
func TestEnumeration_SameAnswerForKnownAndUnknown(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	d := newAlertDesk(t, db)
	// Each request from its own address, and allowances per username too
	// large to matter: the allowances' own answers are the next test's.
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	acc.SignInLimit = account.Allowance{Burst: 1000, Every: time.Millisecond}
	d.ts = newServerWith(t, db, web.Config{BehindProxy: true}, acc)
	// An applicant still waiting, and a newsletter reader.
	in := account.ApplicationInput{Type: "individual", Username: "app.waiting", WorkName: "Wait", Email: "waiting@example.org",
		Password: "a long test passphrase", TermsVersion: 1, Regions: []string{"london"}}
	if _, err := d.acc.Apply(ctx, in); err != nil {
		t.Fatal(err)
	}
	if err := db.Content.Subscribe(ctx, "reader@example.org", scheme.NewsletterLinks{Confirm: func(string) string { return "" }, Unsubscribe: func(string) string { return "" }}); err != nil {
		t.Fatal(err)
	}
	n := 0
	send := func(p enumProbe, i int) (int, http.Header, string, time.Duration) {
		t.Helper()
		n++
		method, path, ct, body := p.req(i)
		req, _ := http.NewRequest(method, d.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", n%250+1))
		start := time.Now()
		resp, err := d.ts.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b), time.Since(start)
	}
	// A newsletter form's stamp must be a second old.
	_, page := fetch(t, d.ts.Client(), d.ts.URL+"/newsletter")
	stamp := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(page)
	if stamp == nil {
		t.Fatal("no stamp on the newsletter form")
	}
	time.Sleep(1100 * time.Millisecond)

	// What differs by design: what was typed (echoed back), the
	// per-request id, ids of new rows and the form's signed timestamp.
	blank := func(s string, typed []string) string {
		slices.SortFunc(typed, func(a, b string) int { return len(b) - len(a) }) // longest first
		for _, x := range typed {
			if x == "" {
				continue
			}
			s = strings.ReplaceAll(s, x, "TYPED")
			s = strings.ReplaceAll(s, url.QueryEscape(x), "TYPED")
			if b, err := json.Marshal(x); err == nil {
				s = strings.ReplaceAll(s, strings.Trim(string(b), `"`), "TYPED")
			}
		}
		s = regexp.MustCompile(`number ending \d{3}`).ReplaceAllString(s, "number ending TYPED") // how we will answer a new applicant
		return regexp.MustCompile(`[0-9a-f]{16}|\d{10}\.[A-Za-z0-9_-]{43}|[A-Z2-7]{26}`).ReplaceAllString(s, "X")
	}
	answer := func(status int, h http.Header, body string, typed []string) string {
		return fmt.Sprintf("%d\nLocation: %s\nRetry-After: %s\nSet-Cookie: %v\n%s", status, blank(h.Get("Location"), typed),
			h.Get("Retry-After"), len(h.Values("Set-Cookie")), blank(body, typed))
	}
	median := func(ds []time.Duration) time.Duration {
		ds = slices.Clone(ds)
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	signIn := func(user string) func(int) url.Values {
		return same(url.Values{"username": {user}, "password": {"not the password at all"}})
	}
	apiSignIn := func(user, otp string) func(int) map[string]any {
		return same(map[string]any{"username": user, "password": "not the password at all", "otp": otp})
	}
	join := func(tag, email, mobile string) func(int) url.Values {
		return func(i int) url.Values {
			v := url.Values{"username": {fmt.Sprintf("new.%s%d", tag, i)}, "password": {"a long test passphrase"},
				"work_name": {"Ivy"}, "regions": {"london"}, "terms": {"1"}, "terms_version": {"1"}}
			if email != "" {
				v.Set("email", email)
			}
			if mobile != "" {
				v.Set("mobile", mobile)
			}
			return v
		}
	}
	joinAs := func(username string) func(int) url.Values {
		// No region: refused for that alone, whoever has the username.
		return same(url.Values{"username": {username}, "password": {"a long test passphrase"}, "work_name": {"Ivy"},
			"email": {"ivy@example.org"}, "terms": {"1"}, "terms_version": {"1"}})
	}
	apiJoin := func(tag, email string) func(int) map[string]any {
		return func(i int) map[string]any {
			return map[string]any{"type": "individual", "username": fmt.Sprintf("api.%s%d", tag, i), "password": "a long test passphrase",
				"work_name": "Ivy", "email": email, "regions": []string{"london"}, "terms_version": 1}
		}
	}
	resetCode := func(user string) func(int) url.Values {
		return same(url.Values{"username": {user}, "code": {"AAAA-BBBB"}, "password": {"a long new passphrase"}})
	}
	newsletter := func(email string) func(int) url.Values {
		return func(i int) url.Values {
			return url.Values{"email": {strings.ReplaceAll(email, "%d", fmt.Sprint(i))}, "t": {stamp[1]}}
		}
	}
	doors := []struct {
		name   string
		probes []enumProbe
	}{
		{"sign-in", []enumProbe{
			formProbe("member, wrong password", "/signin", signIn("rep.coral")),
			formProbe("coordinator with a second factor, wrong password", "/signin", signIn("staff.coorda")),
			formProbe("organisation's staff login, wrong password", "/signin", signIn("p.sam")),
			formProbe("applicant still waiting, wrong password", "/signin", signIn("app.waiting")),
			formProbe("unknown username", "/signin", signIn("nobody.here")),
		}},
		{"API sign-in, with and without a second-factor or recovery code", []enumProbe{
			jsonProbe("member, wrong password", "/api/v1/session", apiSignIn("m.iris", "")),
			jsonProbe("coordinator, wrong password and a code", "/api/v1/session", apiSignIn("staff.coordb", "123456")),
			jsonProbe("admin, wrong password and a recovery code", "/api/v1/session", apiSignIn("staff.admin", "ABCD-EFGH-JKLM")),
			jsonProbe("unknown username and a code", "/api/v1/session", apiSignIn("nobody.there", "123456")),
			jsonProbe("unknown username", "/api/v1/session", apiSignIn("nobody.else", "")),
		}},
		{"password reset: asking for a code", []enumProbe{
			formProbe("member with an email", "/reset", same(url.Values{"username": {"rep.coral"}})),
			formProbe("member with a mobile", "/reset", same(url.Values{"username": {"m.wren"}})),
			formProbe("staff login with no contact", "/reset", same(url.Values{"username": {"p.sam"}})),
			formProbe("applicant still waiting", "/reset", same(url.Values{"username": {"app.waiting"}})),
			formProbe("unknown username", "/reset", same(url.Values{"username": {"nobody.here"}})),
		}},
		{"password reset: a wrong code", []enumProbe{
			formProbe("member who asked for a code", "/reset/code", resetCode("rep.coral")),
			formProbe("member with no code", "/reset/code", resetCode("m.iris")),
			formProbe("unknown username", "/reset/code", resetCode("nobody.here")),
		}},
		{"joining with a member's email", []enumProbe{
			formProbe("member's email", "/join/individual", join("a", "coral@example.org", "")),
			formProbe("new email", "/join/individual", join("b", "fresh@example.org", "")),
		}},
		{"joining with a member's mobile", []enumProbe{
			formProbe("member's mobile", "/join/individual", join("c", "", "07700 900555")),
			formProbe("new mobile", "/join/individual", join("d", "", "07700 900556")),
		}},
		{"joining with a taken username and something else to correct", []enumProbe{
			formProbe("a member's username", "/join/individual", joinAs("rep.coral")),
			formProbe("a free username", "/join/individual", joinAs("free.name")),
		}},
		{"API joining with a member's email", []enumProbe{
			jsonProbe("member's email", "/api/v1/applications", apiJoin("a", "iris@example.org")),
			jsonProbe("new email", "/api/v1/applications", apiJoin("b", "fern@example.org")),
		}},
		{"newsletter", []enumProbe{
			formProbe("a reader's email", "/newsletter", newsletter("reader@example.org")),
			formProbe("a new email", "/newsletter", newsletter("new.reader%d@example.org")),
		}},
	}
	// Timing: an argon2id hash or verification costs tens of milliseconds,
	// a branch that skips it one or two. Load on the machine only ever
	// adds time, so a probe's fastest answer is the best estimate of its
	// own cost. A branch that skipped the costly work would answer most of
	// its requests (its median) well below another branch's fastest; a
	// busy machine cannot make that happen by chance unless every one of
	// the slower branch's requests was delayed and most of the faster's
	// were not, so a door that looks wrong is measured again, up to three
	// times, before the test fails.
	const rounds = 9
	measure := func(t *testing.T, probes []enumProbe) [][]time.Duration {
		times := make([][]time.Duration, len(probes))
		for i := range rounds {
			answers := make([]string, len(probes))
			for k := range probes {
				j := (i + k) % len(probes)
				status, h, body, took := send(probes[j], i)
				answers[j] = answer(status, h, body, probes[j].typed(i))
				times[j] = append(times[j], took)
			}
			for j := 1; j < len(answers); j++ {
				if answers[j] != answers[0] {
					t.Fatalf("round %d: %q and %q answer differently:\n%s\n----\n%s", i, probes[0].name, probes[j].name, answers[0], answers[j])
				}
			}
		}
		return times
	}
	// tell returns the pair of probes that can be told apart by time, if any.
	tell := func(probes []enumProbe, times [][]time.Duration) string {
		for j := range probes {
			for k := range probes {
				if fastest := slices.Min(times[j]); fastest-median(times[k]) > fastest/3+5*time.Millisecond {
					return fmt.Sprintf("%q answers most requests in %v, %q never faster than %v", probes[k].name, median(times[k]), probes[j].name, fastest)
				}
			}
		}
		return ""
	}
	for _, door := range doors {
		t.Run(door.name, func(t *testing.T) {
			for attempt := 1; ; attempt++ {
				times := measure(t, door.probes)
				var line []string
				for j, p := range door.probes {
					line = append(line, fmt.Sprintf("%s: median %v, fastest %v", p.name, median(times[j]).Round(100*time.Microsecond), slices.Min(times[j]).Round(100*time.Microsecond)))
				}
				t.Logf("attempt %d: %s", attempt, strings.Join(line, "; "))
				diff := tell(door.probes, times)
				if diff == "" {
					break
				}
				if attempt == 3 {
					t.Fatalf("told apart by time, three times over: %s", diff)
				}
			}
		})
	}
}
