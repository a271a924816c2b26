package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"uglymugs/internal/apitest"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// api calls the JSON API and decodes the answer into a map (or a list).
func api(t *testing.T, method, u, token string, body any) (int, map[string]any) {
	t.Helper()
	return apiFrom(t, "", method, u, token, body)
}

// apiFrom is api from the client address addr, sent as X-Forwarded-For
// (which a server started with --behind-proxy throttles by), so that a
// test that signs many people in stays within the per-address budget.
func apiFrom(t *testing.T, addr, method, u, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := apitest.Client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: bad JSON %q", method, u, raw)
		}
	} else if len(raw) > 0 {
		var list []any
		json.Unmarshal(raw, &list) //nolint:errcheck
		out["list"] = list
	}
	checkSecurityHeaders(t, method+" "+u, resp.Header)
	return resp.StatusCode, out
}

func errField(m map[string]any, field string) string {
	e, _ := m["error"].(map[string]any)
	f, _ := e["fields"].(map[string]any)
	s, _ := f[field].(string)
	return s
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func application(username, email, mobile string) map[string]any {
	a := map[string]any{"type": "individual", "username": username, "password": "a long test passphrase", "work_name": "Opal",
		"regions": []string{"london"}, "alert_channels": []string{}, "terms_version": 1}
	if email != "" {
		a["email"] = email
		a["alert_channels"] = []string{"email"}
	}
	if mobile != "" {
		a["mobile"] = mobile
		a["alert_channels"] = []string{"sms"}
	}
	return a
}

// coordinatorToken creates a coordinator on the command line and signs in
// through the API with a TOTP code.
func coordinatorToken(t *testing.T, base, dbs, keys string) string {
	t.Helper()
	return staffToken(t, base, dbs, keys, "coord.api", "coordinator")
}

// staffToken creates a member of staff (role coordinator or admin) with
// the given username on the command line and signs in through the API
// with a TOTP code.
func staffToken(t *testing.T, base, dbs, keys, username, role string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"user", "add", "--db", dbs, "--keys", keys, "--username", username, "--role", role},
		testEnv(), strings.NewReader("coordinator passphrase\n"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(strings.TrimSpace(out.String()))
	code, err := totp.GenerateCode(u.Query().Get("secret"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st, body := api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": username, "password": "coordinator passphrase"})
	if st != http.StatusUnauthorized || errCode(body) != "otp_required" {
		t.Fatalf("%s without code: %d %v", role, st, body)
	}
	st, body = api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": username, "password": "coordinator passphrase", "otp": code})
	if st != http.StatusCreated || body["token"] == "" || body["expires_at"] == "" {
		t.Fatalf("%s sign-in: %d %v", role, st, body)
	}
	return body["token"].(string)
}

func TestAPI_MembershipLifecycleWithEmailAndSMS(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	sms := notifytest.StartSMSStub(t)
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			cfg := sms.Config()
			base, _, _ := start(t, "serve", "--db", dbs, "--keys", keys,
				"--smtp-url", mail.SMTPURL(), "--smtp-from", "alerts@uglymugs.example.org",
				"--sms-url", cfg.URL, "--sms-account", cfg.Account, "--sms-token", cfg.Token, "--sms-from", cfg.From)

			if st, body := api(t, "GET", base+"/api/v1/terms", "", nil); st != 200 || body["version"] != float64(1) || body["text"] == "" {
				t.Errorf("terms: %d %v", st, body)
			}
			if st, body := api(t, "GET", base+"/api/v1/regions", "", nil); st != 200 || len(body["list"].([]any)) != 13 {
				t.Errorf("regions: %d %v", st, body)
			}

			// Refused: each problem is named; unknown fields are refused.
			bad := application("x", "", "")
			bad["work_name"] = ""
			st, body := api(t, "POST", base+"/api/v1/applications", "", bad)
			if st != http.StatusUnprocessableEntity || errCode(body) != "invalid" || errField(body, "work_name") == "" || errField(body, "username") == "" || errField(body, "email") == "" {
				t.Errorf("invalid application: %d %v", st, body)
			}
			odd := application("odd.one", "odd@example.org", "")
			odd["favourite_colour"] = "green"
			if st, body := api(t, "POST", base+"/api/v1/applications", "", odd); st != 422 || errField(body, "favourite_colour") == "" {
				t.Errorf("unknown field: %d %v", st, body)
			}

			// By email: the "received" message reaches the SMTP server.
			email := "opal." + string(d) + "@example.org"
			st, body = api(t, "POST", base+"/api/v1/applications", "", application("opal."+string(d), email, ""))
			if st != http.StatusCreated || body["status"] != "pending" || body["id"] == "" {
				t.Fatalf("application: %d %v", st, body)
			}
			appID := body["id"].(string)
			m := mail.WaitFor(t, email)
			if m.Subject == "" || !strings.Contains(m.Text, "/signin") || strings.Contains(m.Text, "Opal") {
				t.Errorf("received email: subject %q, text %q", m.Subject, m.Text)
			}
			// By SMS: a mobile-only applicant is texted.
			mobile := map[store.Dialect]string{store.SQLite: "07700 900201", store.Postgres: "07700 900202"}[d]
			st, body = api(t, "POST", base+"/api/v1/applications", "", application("sms."+string(d), "", mobile))
			if st != http.StatusCreated {
				t.Fatalf("sms application: %d %v", st, body)
			}
			e164 := "+44" + strings.ReplaceAll(mobile, " ", "")[1:]
			if got := sms.WaitFor(t, e164); len(got.Text) > 160 || !strings.Contains(got.Text, "/signin") {
				t.Errorf("SMS %q", got.Text)
			}

			coord := coordinatorToken(t, base, dbs, keys)
			st, body = api(t, "GET", base+"/api/v1/applications?status=pending", coord, nil)
			items, _ := body["items"].([]any)
			if st != 200 || len(items) != 2 {
				t.Fatalf("queue: %d %v", st, body)
			}
			first := items[0].(map[string]any)
			if first["id"] != appID || first["type"] != "individual" || first["flags"] == nil || first["waiting_working_hours"] == nil {
				t.Errorf("queue item %v", first)
			}
			if _, ok := first["email"]; ok {
				t.Error("the queue lists personal details")
			}

			// A member's token cannot vet; no token is 401.
			member, _ := api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": "opal." + string(d), "password": "a long test passphrase"})
			if member != http.StatusCreated {
				t.Fatalf("applicant sign-in: %d", member)
			}
			_, sb := api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": "opal." + string(d), "password": "a long test passphrase"})
			memberToken := sb["token"].(string)
			if st, _ := api(t, "GET", base+"/api/v1/applications", memberToken, nil); st != http.StatusForbidden {
				t.Errorf("applicant listing applications: %d", st)
			}
			if st, _ := api(t, "GET", base+"/api/v1/applications", "", nil); st != http.StatusUnauthorized {
				t.Errorf("no token: %d", st)
			}
			if st, body := api(t, "POST", base+"/api/v1/applications/"+appID+"/reject", coord, map[string]string{}); st != 422 || errField(body, "reason") == "" {
				t.Errorf("reject without reason: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/applications/"+appID+"/approve", coord, nil); st != 200 || body["status"] != "approved" {
				t.Fatalf("approve: %d %v", st, body)
			}

			st, body = api(t, "GET", base+"/api/v1/me", memberToken, nil)
			if st != 200 || body["status"] != "active" || body["role"] != "member" {
				t.Errorf("me: %d %v", st, body)
			}
			st, body = api(t, "GET", base+"/api/v1/me/export", memberToken, nil)
			if prof, _ := body["profile"].(map[string]any); st != 200 || prof["email"] != email {
				t.Errorf("export: %d %v", st, body)
			}

			// Revoking the SMS applicant (approved first) ends their token.
			_, q := api(t, "GET", base+"/api/v1/applications?status=pending", coord, nil)
			other := q["items"].([]any)[0].(map[string]any)["id"].(string)
			api(t, "POST", base+"/api/v1/applications/"+other+"/approve", coord, nil)
			_, ob := api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": "sms." + string(d), "password": "a long test passphrase"})
			otherToken := ob["token"].(string)
			_, ome := api(t, "GET", base+"/api/v1/me", otherToken, nil)
			if st, body := api(t, "POST", base+"/api/v1/members/"+ome["id"].(string)+"/revoke", coord, map[string]string{"reason": "False report about a named person."}); st != 200 {
				t.Fatalf("revoke: %d %v", st, body)
			}
			if st, _ := api(t, "GET", base+"/api/v1/me", otherToken, nil); st != http.StatusUnauthorized {
				t.Errorf("revoked member's token: %d", st)
			}

			// Leaving ends the session and the account.
			if st, _ := api(t, "DELETE", base+"/api/v1/me", memberToken, nil); st != http.StatusNoContent {
				t.Errorf("leave: %d", st)
			}
			if st, _ := api(t, "GET", base+"/api/v1/me", memberToken, nil); st != http.StatusUnauthorized {
				t.Errorf("after leaving: %d", st)
			}
			if st, _ := api(t, "DELETE", base+"/api/v1/session", coord, nil); st != http.StatusNoContent {
				t.Errorf("sign out: %d", st)
			}
			if st, _ := api(t, "GET", base+"/api/v1/applications", coord, nil); st != http.StatusUnauthorized {
				t.Errorf("after sign-out: %d", st)
			}
		})
	}
}

func TestAPI_SignInAndJoiningAreThrottledPerAddress(t *testing.T) {
	base, _, _ := start(t, "serve", "--db", dbArg(storetest.Source(t, store.SQLite)), "--keys", keyFile(t))
	var last int
	var body map[string]any
	for range 12 {
		// Refused at once, without password hashing, so the test does not
		// depend on the machine's speed; sign-in shares the same budget.
		last, body = api(t, "POST", base+"/api/v1/applications", "", map[string]string{})
		if last == http.StatusTooManyRequests {
			break
		}
		if last != http.StatusUnprocessableEntity {
			t.Fatalf("unexpected %d %v", last, body)
		}
	}
	if last != http.StatusTooManyRequests || errCode(body) != "too_many" {
		t.Errorf("after many tries from one address: %d %v", last, body)
	}
}
