package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/account"
	"uglymugs/internal/apitest"
	"uglymugs/internal/check"
	"uglymugs/internal/push"
	"uglymugs/internal/pushaddr"
	"uglymugs/internal/pushtest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// newPushServer is a test server whose push may reach the test push
// service ps (as --push-allow-host does).
func newPushServer(t *testing.T, db *store.DB, ps *pushtest.Service) (*httptest.Server, *account.Service) {
	t.Helper()
	acc := testAccounts(t, db)
	svc := services(t, db, acc, check.Limits{})
	svc.Push = push.New(db, pushaddr.Policy{Allow: []string{ps.HostPort()}})
	s, err := web.New(web.Config{Region: "Testland"}, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	ts.Client().Transport = apitest.Transport(t, ts.Client().Transport)
	return ts, acc
}

// TestPush_API_SubscribeListRemoveAndRefusals: a member turns push on for
// a device with the browser's PushSubscription JSON, sees it, removes it;
// an endpoint that is not public https (and not allowed) is refused with
// 422 naming endpoint, as are keys that are not a browser's; another
// member's device is not found; staff get no push.
func TestPush_API_SubscribeListRemoveAndRefusals(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, dialect store.Dialect) {
		db := storetest.Open(t, dialect)
		ps := pushtest.Start()
		t.Cleanup(ps.Close)
		ts, acc := newPushServer(t, db, ps)
		ctx := context.Background()
		token := func(username string) string {
			id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: username, WorkName: "W " + username, Email: username + "@example.org"})
			tok, _, err := db.Sessions.CreateSession(ctx, id, scheme.SessionAPI, account.DefaultAPITTL)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		ana, bea := token("m.push.ana"), token("m.push.bea")
		call := func(tok, method, path, body string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out := map[string]any{}
			_ = json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		fields := func(out map[string]any) map[string]any {
			e, _ := out["error"].(map[string]any)
			f, _ := e["fields"].(map[string]any)
			return f
		}

		public, _, _ := db.VAPID()
		if status, out := call(ana, "GET", "/api/v1/push/key", ""); status != http.StatusOK || out["public_key"] != public || len(public) != 87 {
			t.Errorf("the key: %d %v", status, out)
		}
		sub := ps.Subscribe()
		body := func(endpoint, p256dh, auth string) string {
			b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "expirationTime": nil, "keys": map[string]string{"p256dh": p256dh, "auth": auth}})
			return string(b)
		}
		for _, c := range []struct{ name, body, field string }{
			{"loopback, not allowed", body("http://127.0.0.1:9/push/x", sub.Keys.P256dh, sub.Keys.Auth), "endpoint"},
			{"a private address", body("https://10.0.0.7/push/x", sub.Keys.P256dh, sub.Keys.Auth), "endpoint"},
			{"cloud metadata", body("https://169.254.169.254/latest", sub.Keys.P256dh, sub.Keys.Auth), "endpoint"},
			{"no endpoint", body("", sub.Keys.P256dh, sub.Keys.Auth), "endpoint"},
			{"a key that is not a point", body(sub.Endpoint, strings.Repeat("A", 87), sub.Keys.Auth), "keys.p256dh"},
			{"a short auth secret", body(sub.Endpoint, sub.Keys.P256dh, "AAAA"), "keys.auth"},
		} {
			status, out := call(ana, "POST", "/api/v1/push/subscriptions", c.body)
			if status != http.StatusUnprocessableEntity || fields(out)[c.field] == nil {
				t.Errorf("%s: %d %v, want 422 naming %s", c.name, status, out, c.field)
			}
		}
		var stored int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM push_subscriptions`).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("%d refused subscriptions were stored (%v)", stored, err)
		}

		status, out := call(ana, "POST", "/api/v1/push/subscriptions", body(sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth))
		id, _ := out["id"].(string)
		if status != http.StatusCreated || id == "" {
			t.Fatalf("subscribing: %d %v", status, out)
		}
		status, out = call(ana, "GET", "/api/v1/push/subscriptions", "")
		devices, _ := out["devices"].([]any)
		if status != http.StatusOK || len(devices) != 1 || devices[0].(map[string]any)["label"] != "Chrome on Android" || devices[0].(map[string]any)["id"] != id {
			t.Errorf("her devices: %d %v", status, out)
		}
		// Her data holds her devices (their names, never the endpoint).
		status, out = call(ana, "GET", "/api/v1/me/export", "")
		if exported, _ := out["push_devices"].([]any); status != http.StatusOK || len(exported) != 1 || strings.Contains(fmt.Sprint(out), ps.Device(sub.Endpoint)) {
			t.Errorf("her data: %d %v", status, out)
		}
		if status, out := call(bea, "DELETE", "/api/v1/push/subscriptions/"+id, ""); status != http.StatusNotFound {
			t.Errorf("another member removing her device: %d %v", status, out)
		}
		if status, _ := call(ana, "DELETE", "/api/v1/push/subscriptions/"+id, ""); status != http.StatusNoContent {
			t.Errorf("removing her device: %d", status)
		}
		if _, out := call(ana, "GET", "/api/v1/push/subscriptions", ""); len(out["devices"].([]any)) != 0 {
			t.Errorf("after removing: %v", out)
		}

		// Discreet mode, through PATCH /api/v1/me, as the page sets it.
		if status, me := call(ana, "PATCH", "/api/v1/me", `{"discreet":true}`); status != http.StatusOK || me["discreet"] != true {
			t.Errorf("discreet mode on: %d %v", status, me)
		}
		status, me := call(ana, "GET", "/api/v1/me", "")
		if status != http.StatusOK || me["discreet"] != true {
			t.Errorf("GET /me after: %d %v", status, me)
		}
		if id, _ := me["id"].(string); id == "" {
			t.Error("no id")
		} else if on, err := db.Push.Discreet(ctx, id); err != nil || !on {
			t.Errorf("discreet mode not stored: %v %v", on, err)
		}
		if status, me := call(bea, "PATCH", "/api/v1/me", `{"discreet":true,"language":"xx"}`); status != http.StatusUnprocessableEntity {
			t.Errorf("discreet with a bad language: %d %v", status, me)
		} else if _, me := call(bea, "GET", "/api/v1/me", ""); me["discreet"] != false {
			t.Errorf("a refused change turned discreet mode on: %v", me)
		}
	})
}

// TestPush_Page_DiscreetModeRenamesTheAppAndDevicesCanBeRemoved: the
// member's page offers push with the key, lists her devices and removes
// one; discreet mode makes every page point at the notes app's manifest,
// whose name is "Notes" in her language with the notepad icon.
func TestPush_Page_DiscreetModeRenamesTheAppAndDevicesCanBeRemoved(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ps := pushtest.Start()
	t.Cleanup(ps.Close)
	ts, acc := newPushServer(t, db, ps)
	ctx := context.Background()
	id := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.push.page", WorkName: "Page", Email: "push.page@example.org"})
	tok, _, err := db.Sessions.CreateSession(ctx, id, scheme.SessionWeb, account.DefaultWebTTL)
	if err != nil {
		t.Fatal(err)
	}
	me := sessionCookie(tok)
	public, _, _ := db.VAPID()

	resp, page := send(t, ts, "GET", "/account/push", nil, me...)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-key="`+public+`"`) || !strings.Contains(page, "None yet.") {
		t.Fatalf("the page: %d", resp.StatusCode)
	}
	// The page's script posts the browser's subscription as JSON.
	sub := ps.Subscribe()
	raw, _ := json.Marshal(sub)
	req, _ := http.NewRequest("POST", ts.URL+"/account/push", strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0")
	req.AddCookie(me[0])
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]string
	_ = json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || out["id"] == "" {
		t.Fatalf("posting the subscription: %d %v", res.StatusCode, out)
	}
	if _, page := send(t, ts, "GET", "/account/push?done=on", nil, me...); !strings.Contains(page, "Firefox on Android") || !strings.Contains(page, "no notification yet") ||
		!strings.Contains(page, "/account/push/"+out["id"]+"/remove") {
		t.Error("the device is not listed with its remove button")
	}

	if _, page := send(t, ts, "GET", "/alerts", nil, me...); !strings.Contains(page, `<link rel="manifest" href="/manifest.webmanifest">`) {
		t.Error("before discreet mode: not the scheme's manifest")
	}
	if resp, _ := send(t, ts, "POST", "/account/push/discreet", url.Values{"discreet": {"on"}}, me...); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discreet mode: %d", resp.StatusCode)
	}
	if _, page := send(t, ts, "GET", "/alerts", nil, me...); !strings.Contains(page, `<link rel="manifest" href="/manifest.webmanifest?discreet=1">`) {
		t.Error("in discreet mode: the page does not ask for the notes app's manifest")
	}
	for lang, name := range map[string]string{"en-GB": "Notes", "ro": "Notițe", "zh-Hans": "笔记"} {
		resp, body := sendWith(t, ts, "GET", "/manifest.webmanifest?discreet=1", nil, http.Header{"Accept-Language": {lang}})
		var m struct {
			Name  string `json:"name"`
			Icons []struct{ Src string }
		}
		_ = json.Unmarshal([]byte(body), &m)
		if resp.StatusCode != http.StatusOK || m.Name != name || len(m.Icons) != 4 || !strings.Contains(m.Icons[0].Src, "icon-notes-") || strings.Contains(body, "Test Mugs") {
			t.Errorf("%s: the discreet manifest: %s", lang, body)
		}
	}
	if _, body := send(t, ts, "GET", "/manifest.webmanifest", nil); !strings.Contains(body, `"name":"Test Mugs"`) {
		t.Errorf("the scheme's manifest: %s", body)
	}
	if resp, _ := send(t, ts, "POST", "/account/push/discreet", url.Values{}, me...); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("discreet mode off")
	}
	if on, _ := db.Push.Discreet(ctx, id); on {
		t.Error("discreet mode stayed on")
	}

	if resp, _ := send(t, ts, "POST", "/account/push/"+out["id"]+"/remove", url.Values{}, me...); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("removing: %d", resp.StatusCode)
	}
	if ds, _ := db.Push.Devices(ctx, id); len(ds) != 0 {
		t.Errorf("still %d devices", len(ds))
	}
}
