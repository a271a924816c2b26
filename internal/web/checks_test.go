package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/apitest"
	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// checkResult is the answer part of the check page.
func checkResult(body string) string {
	_, r, _ := strings.Cut(body, `id="check-result"`)
	r, _, _ = strings.Cut(r, "</section>")
	return r
}

func TestCheckPage_AnyFormatFindsThePublishedAlertAndOpensIt(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")}) // London only; the report gives 07700 900123

	// The Wales member was not sent it: they cannot open it…
	if status, _, _ := d.do("outsider", "GET", "/alerts/"+a.ID, nil); status != http.StatusNotFound {
		t.Fatalf("the outsider opening the alert before checking: %d, want 404", status)
	}
	for _, typed := range []string{"07700 900123", "+44 7700 900123", "447700900123", "07700-900-123"} {
		status, _, body := d.do("outsider", "POST", "/check", url.Values{"value": {typed}})
		if status != http.StatusOK {
			t.Fatalf("%q: %d, problems %q", typed, status, problemsOn(body))
		}
		res := checkResult(body)
		if !strings.Contains(res, "Reported in 1 alert") || !strings.Contains(res, `href="/alerts/`+a.ID+`"`) || !strings.Contains(res, "phone number") {
			t.Errorf("%q: the answer does not link the alert: %s", typed, res)
		}
		if v, _ := inputValue(body, "value"); v != typed {
			t.Errorf("%q: the box shows %q, want what was typed", typed, v)
		}
	}
	// …and once a check found it, they can.
	if body := d.get("outsider", "/alerts/"+a.ID); !strings.Contains(body, "Robbery — Hackney") {
		t.Error("the alert found by a check does not open")
	}

	status, _, body := d.do("member", "POST", "/check", url.Values{"value": {"07700 900124"}})
	if res := checkResult(body); status != http.StatusOK || !strings.Contains(res, "Nothing reported — that does not mean safe") || !strings.Contains(res, "Trust your instincts") {
		t.Errorf("nothing found: %d %s", status, res)
	}
	if !strings.Contains(body, "You have 49 checks left today.") {
		t.Error("the page does not say how many checks are left")
	}

	// Part of a number is refused, beside the box, with what was typed kept.
	status, _, body = d.do("member", "POST", "/check", url.Values{"value": {"07700 900"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="check-value-error"`) || !strings.Contains(body, "whole phone number") {
		t.Errorf("a partial number: %d, problems %q", status, problemsOn(body))
	}
	if v, _ := inputValue(body, "value"); v != "07700 900" {
		t.Errorf("the box shows %q after an error", v)
	}
	// Coordinators search reports instead; visitors sign in.
	if status, _, _ := d.do("coordA", "POST", "/check", url.Values{"value": {"07700 900123"}}); status != http.StatusForbidden {
		t.Errorf("a coordinator checking: %d, want 403", status)
	}
	if status, h, _ := d.do("", "GET", "/check", nil); status != http.StatusSeeOther || !toSignIn(h.Get("Location")) {
		t.Errorf("a visitor: %d %s", status, h.Get("Location"))
	}
}

func TestCheckPage_AllowanceUsedUpIs429WithRetryAfter(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newAlertDesk(t, db)
	d.ts = newServerLimited(t, db, web.Config{}, check.Limits{PerDay: 2, PerMinute: 2})
	for range 2 {
		if status, _, body := d.do("member", "POST", "/check", url.Values{"value": {"07700 900124"}}); status != http.StatusOK {
			t.Fatalf("%d %q", status, problemsOn(body))
		}
	}
	status, h, body := d.do("member", "POST", "/check", url.Values{"value": {"07700 900124"}})
	if status != http.StatusTooManyRequests || !strings.Contains(body, "used today") || checkResult(body) != "" {
		t.Fatalf("3rd check of the day: %d, %q", status, problemsOn(body))
	}
	if s, err := strconv.Atoi(h.Get("Retry-After")); err != nil || s < 1 || s > 24*3600 {
		t.Errorf("Retry-After %q", h.Get("Retry-After"))
	}
	if !strings.Contains(body, "You have 0 checks left today.") {
		t.Error("the page does not say no checks are left")
	}
}

// apiCheck posts body to /api/v1/checks with the bearer token.
func apiCheck(t *testing.T, base, token, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/checks", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := apitest.Client(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%d: not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, resp.Header, out
}

func TestCheckAPI_MembersGetAlertsPartnersOnlyWhetherAndHowSeverely(t *testing.T) {
	storetest.Each(t, checkAPI)
}

func checkAPI(t *testing.T, db *store.DB) {
	d := newAlertDesk(t, db)
	d.ts = newServerLimited(t, db, web.Config{}, check.Limits{PerDay: 3, PerMinute: 3})
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	ctx := context.Background()
	tok, _, err := db.Sessions.CreateSession(ctx, d.users["member"].ID, scheme.SessionAPI, account.DefaultAPITTL)
	if err != nil {
		t.Fatal(err)
	}

	status, _, out := apiCheck(t, d.ts.URL, tok, `{"value":"+44 7700 900123"}`)
	ms, _ := out["matches"].([]any)
	if status != http.StatusOK || out["kind"] != "phone" || len(ms) != 1 {
		t.Fatalf("member check: %d %v", status, out)
	}
	m := ms[0].(map[string]any)
	if m["alert_id"] != a.ID || m["title"] != "Robbery — Hackney" || m["severity"] != string(a.Severity) || m["published_at"] == "" {
		t.Errorf("match %v", m)
	}
	status, _, out = apiCheck(t, d.ts.URL, tok, `{"value":"07700 900124","kind":"phone"}`)
	if ms, ok := out["matches"].([]any); status != http.StatusOK || !ok || len(ms) != 0 {
		t.Errorf("nothing found: %d %v, want an empty list", status, out)
	}
	status, _, out = apiCheck(t, d.ts.URL, tok, `{"value":"07700 900","kind":"phone"}`)
	if e, _ := out["error"].(map[string]any); status != http.StatusUnprocessableEntity && status != http.StatusBadRequest || e == nil || e["fields"] == nil {
		t.Errorf("partial: %d %v", status, out)
	}
	if status, _, _ := apiCheck(t, d.ts.URL, tok, `{"value":"07700 900123","what":1}`); status < 400 || status >= 500 {
		t.Errorf("unknown field: %d", status)
	}
	apiCheck(t, d.ts.URL, tok, `{"value":"07700 900125"}`)
	status, h, out := apiCheck(t, d.ts.URL, tok, `{"value":"07700 900123"}`)
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" || out["error"] == nil {
		t.Errorf("over the allowance: %d %q %v", status, h.Get("Retry-After"), out)
	}

	// A partner key: stored as its hash only.
	key := scheme.APIKeyPrefix + "TESTKEYTESTKEYTESTKEYTESTK"
	h256 := sha256.Sum256([]byte(key))
	if _, err := db.Writer().ExecContext(ctx, `INSERT INTO api_keys (id, name, prefix, key_hash, per_minute, per_day, created_by, created_at)
		VALUES ('k1', 'Example Adverts', 'umpk_TEST', $1, 10, 100, 'admin', $2)`, h256[:], time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	status, _, out = apiCheck(t, d.ts.URL, key, `{"value":"07700-900-123"}`)
	if status != http.StatusOK || out["reported"] != true || out["highest_severity"] != string(a.Severity) || len(out) != 2 {
		t.Errorf("partner, reported: %d %v, want only reported and highest_severity", status, out)
	}
	status, _, out = apiCheck(t, d.ts.URL, key, `{"value":"07700 900124"}`)
	if status != http.StatusOK || out["reported"] != false || out["highest_severity"] != nil || len(out) != 2 {
		t.Errorf("partner, not reported: %d %v", status, out)
	}
	if _, err := db.Writer().ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1, revoked_by = 'admin' WHERE id = 'k1'`, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := apiCheck(t, d.ts.URL, key, `{"value":"07700 900123"}`); status != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d, want 401", status)
	}
	if status, _, _ := apiCheck(t, d.ts.URL, "", `{"value":"07700 900123"}`); status != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", status)
	}
}

func TestCheckFlags_CoordinatorsSeeAMemberProbingAReportedNumber(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	d.report() // 07700 900123 is in a report; no alert names it
	for range scheme.UnusualReportedCheck {
		if status, _, _ := d.do("member", "POST", "/check", url.Values{"value": {"07700 900123"}}); status != http.StatusOK {
			t.Fatal(status)
		}
	}
	d.do("outsider", "POST", "/check", url.Values{"value": {"07700 900123"}})
	body := d.get("coordA", "/coordinator/checks")
	if n := d.viewsAudited("checks.flags.view", ""); n != 1 {
		t.Errorf("opening the flags wrote %d checks.flags.view entries, want 1", n)
	}
	if !strings.Contains(body, "m.iris") || strings.Contains(body, "m.wren") || !strings.Contains(body, "an identifier from a report, repeatedly") {
		t.Errorf("flags page: want m.iris flagged and m.wren not")
	}
	if strings.Contains(body, "900123") {
		t.Error("the flags page shows what was checked")
	}
	if status, _, _ := d.do("member", "GET", "/coordinator/checks", nil); status != http.StatusForbidden {
		t.Errorf("a member: %d, want 403", status)
	}
	if n := d.viewsAudited("checks.flags.view", ""); n != 1 {
		t.Errorf("%d checks.flags.view entries after a member was refused, want still 1", n)
	}
}
