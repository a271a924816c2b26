package pushaddr

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCheck_OnlyPublicHTTPSUnlessAllowed(t *testing.T) {
	p := Policy{Allow: []string{"push.test:8443", "127.0.0.1:9000"}}
	for _, c := range []struct {
		endpoint string
		ok       bool
		why      string
	}{
		{"https://93.184.215.14/push/abc", true, ""},
		{"https://[2606:4700::1111]/push/abc", true, ""},
		{"http://93.184.215.14/push/abc", false, "https"},
		{"ftp://93.184.215.14/x", false, "https"},
		{"https://127.0.0.1/x", false, "public"},
		{"https://[::1]/x", false, "public"},
		{"https://10.1.2.3/x", false, "public"},
		{"https://172.16.0.9/x", false, "public"},
		{"https://192.168.1.1/x", false, "public"},
		{"https://169.254.169.254/latest/meta-data", false, "public"},
		{"https://[fd00:ec2::254]/x", false, "public"},
		{"https://100.64.0.1/x", false, "public"},
		{"https://0.0.0.0/x", false, "public"},
		{"https://[::ffff:127.0.0.1]/x", false, "public"},
		{"https://[fe80::1]/x", false, "public"},
		{"https://224.0.0.1/x", false, "public"},
		{"https://[64:ff9b::a00:1]/x", false, "public"},
		{"https://user:pw@93.184.215.14/x", false, "user name"},
		{"https://93.184.215.14/x#frag", false, "fragment"},
		{"not a url", false, "web address"},
		{"https://" + strings.Repeat("a", MaxEndpoint) + ".example/x", false, "longer"},
		// Allowed hosts: their own port only, http too.
		{"http://127.0.0.1:9000/push/abc", true, ""},
		{"https://127.0.0.1:9000/push/abc", true, ""},
		{"http://127.0.0.1:9001/push/abc", false, "https"},
		{"https://127.0.0.1:9001/push/abc", false, "public"},
		{"http://push.test:8443/x", true, ""},
	} {
		err := p.Check(context.Background(), c.endpoint)
		switch {
		case c.ok && err != nil:
			t.Errorf("%s: refused: %v", c.endpoint, err)
		case !c.ok && (err == nil || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), c.why)):
			t.Errorf("%s: %v, want a refusal saying %q", c.endpoint, err, c.why)
		}
	}
}

// TestCheck_NamesResolvedFirst: a name is judged by the addresses it
// resolves to (here "localhost", which is loopback).
func TestCheck_NamesResolvedFirst(t *testing.T) {
	err := Policy{}.Check(context.Background(), "https://localhost/push/x")
	if !errors.Is(err, ErrRefused) {
		t.Errorf("a name resolving to loopback: %v", err)
	}
}

// TestClient_RefusesAtConnectAndFollowsNoRedirect: the client checks the
// address it connects to (a subscription checked earlier cannot be
// pointed inside later), and does not follow a redirect.
func TestClient_RefusesAtConnectAndFollowsNoRedirect(t *testing.T) {
	hit := 0
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit++
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}
	}))
	defer inside.Close()
	_, err := Policy{}.Client(0).Post(inside.URL+"/push", "application/octet-stream", nil)
	if !errors.Is(err, ErrRefused) || hit != 0 {
		t.Errorf("posting to a loopback server: %v (it was reached %d times)", err, hit)
	}
	host := strings.TrimPrefix(inside.URL, "http://")
	res, err := Policy{Allow: []string{host}}.Client(0).Post(inside.URL+"/redirect", "application/octet-stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || hit != 1 {
		t.Errorf("a redirect: status %d, %d requests; want 302 answered and not followed", res.StatusCode, hit)
	}
	if _, err := ParseAllow("a.test:1, 127.0.0.1:2"); err != nil {
		t.Error(err)
	}
	if _, err := ParseAllow("no-port"); err == nil {
		t.Error("an allowed host without its port was taken")
	}
	if !(Policy{Allow: []string{host}}).SchemeOK(inside.URL+"/x") || (Policy{}).SchemeOK(inside.URL+"/x") || !(Policy{}).SchemeOK("https://a.test/x") {
		t.Error("SchemeOK")
	}
}
