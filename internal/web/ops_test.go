package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/account"
	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// lockedBuffer is a log destination the server's goroutines and the test
// can share.
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

// Signed-in requests pass through the user middleware, which hands the mux a
// copy of the request; the route it matched must still reach the request
// log and the metrics, or every member's page is counted as "unmatched".
func TestRequestLogAndMetrics_NameTheRouteOfSignedInRequests(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	accounts, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	reg := prometheus.NewRegistry()
	s, err := web.New(web.Config{Region: "Testland"}, services(t, db, accounts, check.Limits{}), slog.New(slog.NewTextHandler(&logs, nil)), reg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)

	id := approved(t, db, accounts, account.ApplicationInput{Type: "individual", Username: "m.route", WorkName: "Route", Email: "route@example.org"})
	cookie := sessionFor(t, db, id)
	api, _, err := db.Sessions.CreateSession(ctx, id, scheme.SessionAPI, account.DefaultAPITTL)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct{ path, auth, route string }{
		{"/reports", "cookie", "GET /reports"},
		{"/api/v1/me", "bearer", "GET /api/v1/me"},
		{"/no-such-page", "cookie", "unmatched"},
	} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+c.path, nil)
		if c.auth == "cookie" {
			req.AddCookie(&http.Cookie{Name: "um", Value: cookie})
		} else {
			req.Header.Set("Authorization", "Bearer "+api)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck // only the status and id matter here
		resp.Body.Close()
		if c.route != "unmatched" && resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d, want 200 signed in", c.path, resp.StatusCode)
		}
		// The log line and the count are written as the handler returns,
		// which may be just after the answer reached us: wait for this
		// request's count (the outermost layer, so the log is written too).
		for deadline := time.Now().Add(5 * time.Second); routeCount(t, reg, "") < float64(i+1) && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		if got := routeCount(t, reg, c.route); got < 1 {
			t.Errorf("%s: uglymugs_http_requests_total{route=%q} is %v", c.path, c.route, got)
		}
		line := ""
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "id="+resp.Header.Get("X-Request-Id")) {
				line = l
			}
		}
		if !strings.Contains(line, `route="`+c.route+`"`) && !strings.Contains(line, "route="+c.route+" ") {
			t.Errorf("%s: the request's log line does not name route %q: %q", c.path, c.route, line)
		}
	}
}

// routeCount sums the request counter over statuses for one route label,
// or over every route when route is "".
func routeCount(t *testing.T, reg *prometheus.Registry, route string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() != "uglymugs_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" && (route == "" || l.GetValue() == route) {
					n += m.GetCounter().GetValue()
				}
			}
		}
	}
	return n
}
