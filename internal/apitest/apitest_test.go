package apitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The checker must tell an exchange the document allows from one it does
// not, or every API test that relies on it proves nothing.
func TestCheck_TellsConformingExchangesFromOthers(t *testing.T) {
	envelope := `{"error":{"code":"unauthenticated","message":"Sign in first."}}`
	for _, c := range []struct {
		name, method, path, sent string
		status                   int
		header                   http.Header
		got                      string
		ok                       bool
	}{
		{"a documented refusal", "GET", "/api/v1/me", "", 401, http.Header{"WWW-Authenticate": {`Bearer realm="uglymugs"`}}, envelope, true},
		{"an error code the document does not know", "GET", "/api/v1/me", "", 401, http.Header{"WWW-Authenticate": {`Bearer realm="uglymugs"`}},
			`{"error":{"code":"nope","message":"Sign in first."}}`, false},
		{"a field the schema forbids", "GET", "/api/v1/regions", "", 200, nil, `[{"slug":"london","name":"London","towns":[],"extra":1}]`, false},
		{"a conforming list", "GET", "/api/v1/regions", "", 200, nil, `[{"slug":"london","name":"London","phone_region":"GB","towns":[{"slug":"camden","name":"Camden"}]}]`, true},
		{"an undocumented status", "GET", "/api/v1/regions", "", 418, nil, `{}`, false},
		{"a path the document lacks, refused", "GET", "/api/v1/nothing-here", "", 404, nil,
			`{"error":{"code":"not_found","message":"There is nothing here."}}`, true},
		{"a path the document lacks, answered", "GET", "/api/v1/nothing-here", "", 200, nil, `{}`, false},
		{"a request the document forbids, accepted", "POST", "/api/v1/session", `{"username":1}`, 201, nil,
			`{"token":"x","expires_at":"2026-12-06T10:00:00Z"}`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, "http://127.0.0.1"+c.path, strings.NewReader(c.sent))
			if c.sent != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"9f3c2a71d04be815"}}
			for k, v := range c.header {
				h[k] = v
			}
			resp := &http.Response{StatusCode: c.status, Header: h, Request: req}
			problem := Check(req, []byte(c.sent), resp, []byte(c.got))
			if (problem == "") != c.ok {
				t.Errorf("want conforming %v, got problem %q", c.ok, problem)
			}
		})
	}
}
