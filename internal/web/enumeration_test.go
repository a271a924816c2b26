package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// TestEnumeration_SameAnswerForKnownAndUnknown: signing in, asking for a
// password reset and joining answer the same status and the same page
// (once what was typed is blanked out), in about the same time, whether
// the username or contact belongs to someone or not.
func TestEnumeration_SameAnswerForKnownAndUnknown(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	d.ts = newServerOn(t, db, web.Config{BehindProxy: true}) // each request from its own address: no throttling here
	n := 0
	post := func(path string, form url.Values) (int, string, string, time.Duration) {
		n++
		req, _ := http.NewRequest("POST", d.ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", n%250+1))
		c := d.ts.Client()
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(b), time.Since(start)
	}
	// What differs by design: what was typed (echoed back), the
	// per-request id and the form's signed timestamp.
	blank := func(body string, typed ...string) string {
		for _, s := range typed {
			body = strings.ReplaceAll(body, s, "TYPED")
			body = strings.ReplaceAll(body, url.QueryEscape(s), "TYPED")
		}
		return regexp.MustCompile(`[0-9a-f]{16}|\d{10}\.[A-Za-z0-9_-]{43}`).ReplaceAllString(body, "X")
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	cases := []struct {
		name, path     string
		known, unknown url.Values
		typed          []string
	}{
		{"sign-in", "/signin", url.Values{"username": {"rep.coral"}, "password": {"not the password at all"}},
			url.Values{"username": {"nobody.here"}, "password": {"not the password at all"}}, []string{"rep.coral", "nobody.here"}},
		{"password reset", "/reset", url.Values{"username": {"rep.coral"}}, url.Values{"username": {"nobody.here"}}, []string{"rep.coral", "nobody.here"}},
		{"joining with a member's email", "/join/individual",
			url.Values{"username": {"new.one.a"}, "password": {"a long test passphrase"}, "work_name": {"Ivy"}, "email": {"coral@example.org"},
				"regions": {"london"}, "terms": {"1"}, "terms_version": {"1"}},
			url.Values{"username": {"new.one.b"}, "password": {"a long test passphrase"}, "work_name": {"Ivy"}, "email": {"fresh@example.org"},
				"regions": {"london"}, "terms": {"1"}, "terms_version": {"1"}}, []string{"new.one.a", "new.one.b", "coral@example.org", "fresh@example.org"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tk, tu []time.Duration
			for i := range 9 {
				known, unknown := c.known, c.unknown
				if c.path == "/join/individual" {
					// Usernames must be new each time; the emails stay.
					known, unknown = clone(c.known), clone(c.unknown)
					known.Set("username", fmt.Sprintf("new.one.a%d", i))
					unknown.Set("username", fmt.Sprintf("new.one.b%d", i))
				}
				// Alternate which goes first, so that order costs neither.
				var s1, s2 int
				var l1, l2, b1, b2 string
				var d1, d2 time.Duration
				if i%2 == 0 {
					s1, l1, b1, d1 = post(c.path, known)
					s2, l2, b2, d2 = post(c.path, unknown)
				} else {
					s2, l2, b2, d2 = post(c.path, unknown)
					s1, l1, b1, d1 = post(c.path, known)
				}
				tk, tu = append(tk, d1), append(tu, d2)
				typed := append(slices.Clone(c.typed), known.Get("username"), unknown.Get("username"))
				if s1 != s2 || blank(l1, typed...) != blank(l2, typed...) || blank(b1, typed...) != blank(b2, typed...) {
					t.Fatalf("known: %d %s, unknown: %d %s; the pages differ: %v", s1, l1, s2, l2, blank(b1, typed...) != blank(b2, typed...))
				}
			}
			// Timing: the medians within a third of each other (plus 10 ms
			// of scheduling noise): the argon2 work is done either way.
			mk, mu := median(tk), median(tu)
			if diff := (mk - mu).Abs(); diff > max(mk, mu)/3+10*time.Millisecond {
				t.Errorf("median %v for a known one, %v for an unknown one", mk, mu)
			}
			t.Logf("median %v known, %v unknown", mk, mu)
		})
	}
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
