package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"uglymugs/internal/alert"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Signing in returns to the page she was on her way to (through the
// second factor too); without one, a member lands on her alerts and staff
// on the reports. A "next" that would leave the page or the site is not
// followed.
func TestSignIn_ReturnsWhereSheWasGoing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		a := d.publish(alert.Input{Title: ptr("Threats — London"), IncidentTypes: ptr([]string{"threats"})})
		want := "/alerts/" + a.ID

		status, h, _ := d.do("", "GET", want, nil)
		if status != http.StatusSeeOther || h.Get("Location") != "/signin?next="+url.QueryEscape(want) {
			t.Fatalf("a visitor on an alert: %d %s", status, h.Get("Location"))
		}
		// A form's action is not somewhere to come back to.
		if _, h, _ := d.do("", "POST", "/alerts/"+a.ID+"/additions", url.Values{"body": {"x"}}); h.Get("Location") != "/signin" {
			t.Errorf("a visitor posting: sent to %s, want /signin", h.Get("Location"))
		}
		if page := d.get("", "/signin?next="+url.QueryEscape(want)); !strings.Contains(page, `name="next" value="`+want+`"`) {
			t.Error("the sign-in form does not carry where she was going")
		}
		signIn := func(user, next string) string {
			t.Helper()
			form := url.Values{"username": {user}, "password": {"a long test passphrase"}}
			if next != "" {
				form.Set("next", next)
			}
			status, h, _ := d.do("", "POST", "/signin", form)
			if status != http.StatusSeeOther {
				t.Fatalf("signing in %s: %d", user, status)
			}
			return h.Get("Location")
		}
		for _, c := range []struct{ user, next, want string }{
			{"m.iris", want, want},
			{"m.iris", "https://evil.example/x", "/alerts"},
			{"p.sam", "", "/alerts"},
		} {
			if got := signIn(c.user, c.next); got != c.want {
				t.Errorf("%s with next %q: landed on %s, want %s", c.user, c.next, got, c.want)
			}
		}

		// Staff: the second factor carries it on.
		// (Two coordinators: a code is taken once.)
		for _, c := range []struct{ user, next, want string }{{"staff.coorda", "/coordinator/intelligence", "/coordinator/intelligence"}, {"staff.coordb", "", "/coordinator/reports"}} {
			jar := &cookieClient{d: d}
			form := url.Values{"username": {c.user}, "password": {"a long test passphrase"}}
			if c.next != "" {
				form.Set("next", c.next)
			}
			step := "/signin/code"
			if c.next != "" {
				step += "?next=" + url.QueryEscape(c.next)
			}
			if got := jar.post("/signin", form); got != step {
				t.Fatalf("%s signing in: sent to %q", c.user, got)
			}
			code, err := totp.GenerateCode("JBSWY3DPEHPK3PXP", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if got := jar.post("/signin/code", url.Values{"code": {code}, "next": {c.next}}); got != c.want {
				t.Errorf("coordinator with next %q: landed on %s, want %s", c.next, got, c.want)
			}
		}
	})
}

// cookieClient posts forms and keeps the cookies it is given, following
// no redirects.
type cookieClient struct {
	d       *alertDesk
	cookies []*http.Cookie
}

func (c *cookieClient) post(path string, form url.Values) string {
	c.d.t.Helper()
	req, _ := http.NewRequest("POST", c.d.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, k := range c.cookies {
		req.AddCookie(k)
	}
	cl := c.d.ts.Client()
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := cl.Do(req)
	if err != nil {
		c.d.t.Fatal(err)
	}
	resp.Body.Close()
	c.cookies = append(c.cookies, resp.Cookies()...)
	return resp.Header.Get("Location")
}

// Home, signed in as a member, is the check and her newest alerts; a
// visitor gets the invitation to join; staff a way to their work.
func TestHome_AMemberGetsTheCheckAndHerNewestAlerts(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Threats — London"), IncidentTypes: ptr([]string{"threats"})})
	home := d.get("member", "/")
	for _, want := range []string{`action="/check#check-result"`, `id="check-value"`, `href="/alerts/` + a.ID + `"`, "Threats — London", `href="/alerts">All your alerts`} {
		if !strings.Contains(home, want) {
			t.Errorf("a member's home lacks %q", want)
		}
	}
	if strings.Contains(home, `href="/join"`) || strings.Contains(home, "Apply to join") {
		t.Error("a member is asked to join")
	}
	// Outside London: no alert of hers yet, and says so.
	if page := d.get("outsider", "/"); strings.Contains(page, a.ID) || !strings.Contains(page, "No alerts yet") {
		t.Error("a member outside the alert's regions sees it at home, or no word that there is none")
	}
	if page := d.get("", "/"); !strings.Contains(page, "Apply to join") || strings.Contains(page, `id="check-value"`) {
		t.Error("a visitor's home is not the invitation to join")
	}
	if page := d.get("coordA", "/"); !strings.Contains(page, `href="/coordinator/reports" class="button"`) || strings.Contains(page, "Apply to join") {
		t.Error("staff at home are not shown the way to their work")
	}
}
