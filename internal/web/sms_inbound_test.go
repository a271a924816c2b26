package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

const smsHook = "https://uglymugs.example.org/sms/inbound"

// sign is Twilio's documented webhook signature, written again here from
// the documentation (not the server's code), so that a mistake in one is
// not repeated in the other.
func sign(token, u string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := u
	for _, k := range keys {
		s += k + form.Get(k)
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func smsPost(t *testing.T, base string, form url.Values, signature string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/sms/inbound", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if signature != "" {
		req.Header.Set("X-Twilio-Signature", signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var twimlMessage = regexp.MustCompile(`^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>([^<]*)</Message></Response>$`)

func TestSMSCheck_MembersGetOneLineOthersLearnNothing(t *testing.T) {
	storetest.Each(t, smsCheck)
}

func smsCheck(t *testing.T, db *store.DB) {
	d := newAlertDesk(t, db)
	d.publish(alert.Input{Title: ptr("Robbery — Hackney")}) // names 07700 900123
	d.ts = newServerOn(t, db, web.Config{SMSInbound: web.SMSInbound{AuthToken: "test-auth-token", URL: smsHook}})
	sent := 0
	text := func(from, body string) string {
		t.Helper()
		sent++
		form := url.Values{"From": {from}, "To": {"+447700900001"}, "Body": {body}, "MessageSid": {fmt.Sprintf("SM%032x", sent)}}
		status, out := smsPost(t, d.ts.URL, form, sign("test-auth-token", smsHook, form))
		m := twimlMessage.FindStringSubmatch(out)
		if status != http.StatusOK || m == nil {
			t.Fatalf("%s %q: %d %s", from, body, status, out)
		}
		if len(m[1]) > 160 {
			t.Errorf("the reply is %d characters", len(m[1]))
		}
		return m[1]
	}
	// The outsider's registered mobile is 07700 900555.
	if got := text("+447700900555", "check 07700 900123"); got != "Reported in 1 alert. Sign in to read it. Stay safe." {
		t.Errorf("a member's check: %q", got)
	}
	if got := text("+447700900555", "CHECK  +44 7700 900124"); !strings.HasPrefix(got, "Nothing reported. That does not mean safe") {
		t.Errorf("a member's check of an unreported number: %q", got)
	}
	neutral := text("+447700900555", "hello, is this the right number?")
	for _, c := range []struct{ from, body string }{
		{"+447700900999", "CHECK 07700 900123"}, // not a member
		{"+447700900999", "hello, is this the right number?"},
		{"+447700900555", "CHECK 07700 900"}, // a member, a partial number
		{"+447700900555", "CHECK"},
		{"", "CHECK 07700 900123"},
	} {
		if got := text(c.from, c.body); got != neutral {
			t.Errorf("%s %q: %q, want the neutral %q", c.from, c.body, got, neutral)
		}
	}
	if strings.Contains(neutral, "member") || strings.Contains(neutral, "registered") {
		t.Errorf("the neutral reply mentions membership: %q", neutral)
	}
	// Only the member's two whole checks were logged, by SMS.
	entries, err := db.Checks.MemberChecks(context.Background(), d.users["outsider"].ID, d.users["outsider"].CreatedAt.AddDate(-1, 0, 0), 10)
	if err != nil || len(entries) != 2 || entries[0].Channel != "sms" {
		t.Errorf("checks logged: %+v %v", entries, err)
	}

	// Unsigned, wrongly signed, or signed for another address: refused.
	form := url.Values{"From": {"+447700900555"}, "Body": {"CHECK 07700 900123"}, "MessageSid": {"SM" + strings.Repeat("f", 32)}}
	for name, sig := range map[string]string{"none": "", "wrong token": sign("another-token", smsHook, form),
		"other url": sign("test-auth-token", "https://evil.example.org/sms/inbound", form)} {
		if status, _ := smsPost(t, d.ts.URL, form, sig); status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, status)
		}
	}
	// Without an auth token configured, the webhook refuses everything.
	bare := newServerOn(t, db, web.Config{})
	if status, _ := smsPost(t, bare.URL, form, sign("", smsHook, form)); status != http.StatusForbidden {
		t.Errorf("unconfigured: %d, want 403", status)
	}
}

// A signed request sent again (captured and replayed, or retried by the
// provider) is answered with an empty reply: no second check is counted
// and no second text is sent, on any instance, for as long as the message
// id is kept; a new message from the same member is answered as usual.
func TestSMSCheck_AReplayedRequestIsAnsweredWithoutActingAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		d.publish(alert.Input{Title: ptr("Robbery — Hackney")}) // names 07700 900123
		cfg := web.Config{SMSInbound: web.SMSInbound{AuthToken: "test-auth-token", URL: smsHook}}
		d.ts = newServerOn(t, db, cfg)
		other := newServerOn(t, db, cfg) // a second instance on the same database
		post := func(base, sid string) string {
			t.Helper()
			form := url.Values{"From": {"+447700900555"}, "To": {"+447700900001"}, "Body": {"CHECK 07700 900123"}, "MessageSid": {sid}}
			status, out := smsPost(t, base, form, sign("test-auth-token", smsHook, form))
			if status != http.StatusOK {
				t.Fatalf("%s: %d %s", sid, status, out)
			}
			return out
		}
		checks := func() int {
			t.Helper()
			entries, err := db.Checks.MemberChecks(context.Background(), d.users["outsider"].ID, d.users["outsider"].CreatedAt.AddDate(-1, 0, 0), 10)
			if err != nil {
				t.Fatal(err)
			}
			return len(entries)
		}
		const empty = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`
		first := "SM" + strings.Repeat("a1", 16)
		if m := twimlMessage.FindStringSubmatch(post(d.ts.URL, first)); m == nil || m[1] != "Reported in 1 alert. Sign in to read it. Stay safe." {
			t.Fatalf("the first request was not answered with its check")
		}
		for _, base := range []string{d.ts.URL, other.URL} {
			if got := post(base, first); got != empty {
				t.Errorf("a replay was answered %q; want no message", got)
			}
		}
		if n := checks(); n != 1 {
			t.Errorf("%d checks counted after one request and two replays; want 1", n)
		}
		if m := twimlMessage.FindStringSubmatch(post(other.URL, "SM"+strings.Repeat("b2", 16))); m == nil {
			t.Error("a new message was not answered")
		}
		if n := checks(); n != 2 {
			t.Errorf("%d checks counted after a new message; want 2", n)
		}
		// Signed but without a message id: refused, as a replay of it
		// could not be recognised.
		form := url.Values{"From": {"+447700900555"}, "Body": {"CHECK 07700 900123"}}
		if status, _ := smsPost(t, d.ts.URL, form, sign("test-auth-token", smsHook, form)); status != http.StatusBadRequest {
			t.Errorf("no message id: %d, want 400", status)
		}
	})
}

func TestAPIKeyPages_AdminsIssueShownOnceAndRevoke(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	if status, _, _ := d.do("coordA", "GET", "/admin/api-keys", nil); status != http.StatusForbidden {
		t.Errorf("a coordinator: %d, want 403", status)
	}
	status, _, body := d.do("admin", "POST", "/admin/api-keys", url.Values{"name": {""}, "per_minute": {"ten"}, "per_day": {"100"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="name-error"`) || !strings.Contains(body, `id="per_minute-error"`) {
		t.Errorf("bad key form: %d %q", status, problemsOn(body))
	}
	status, _, body = d.do("admin", "POST", "/admin/api-keys", url.Values{"name": {"Example Adverts Ltd"}, "per_minute": {"5"}, "per_day": {"100"}})
	token := regexp.MustCompile(`umpk_[A-Z2-7]{26}`).FindString(body)
	if status != http.StatusCreated || token == "" {
		t.Fatalf("new key: %d, no key shown", status)
	}
	if list := d.get("admin", "/admin/api-keys"); strings.Contains(list, token) || !strings.Contains(list, token[:9]+"…") {
		t.Error("the list shows the whole key, or not its start")
	}
	if status, _, out := apiCheck(t, d.ts.URL, token, `{"value":"07700 900123"}`); status != http.StatusOK || out["reported"] != true {
		t.Errorf("the new key: %d %v", status, out)
	}
	keys, _ := db.Sessions.APIKeys(context.Background())
	d.post("admin", "/admin/api-keys/"+keys[0].ID+"/revoke", url.Values{})
	if status, _, _ := apiCheck(t, d.ts.URL, token, `{"value":"07700 900123"}`); status != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d, want 401", status)
	}
}
