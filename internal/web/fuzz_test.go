package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for what the web layer reads from strangers: the SMS
// command and JSON bodies. Run one for a while with, for example,
//
//	go test -run='^$' -fuzz='^FuzzParseCheckCommand$' -fuzztime=30s ./internal/web/

func FuzzParseCheckCommand(f *testing.F) {
	for _, s := range []string{"CHECK 07700 900123", "check +447700900123", " Check\t07700-900-123\n", "CHECK", "CHECK   ",
		"CHECKS 07700 900123", "hello", "", "check x@example.org", "CHECK\u00a0077", "ČHECK 1", "check\r\n07700 900123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		value, ok := parseCheckCommand(body)
		if !ok {
			if value != "" {
				t.Errorf("refused %q but returned %q", body, value)
			}
			return
		}
		if value == "" || value != strings.TrimSpace(value) {
			t.Errorf("%q gave the value %q", body, value)
		}
		if !strings.Contains(body, value) {
			t.Errorf("%q gave %q, which it does not hold", body, value)
		}
		if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(body)), "check") {
			t.Errorf("%q accepted without CHECK in front", body)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"value":"07700 900123"}`, `{"value":"x","kind":"phone"}`, `{}`, `[]`, `null`, ``, `{"value":1}`,
		`{"value":"a"}{"value":"b"}`, `{"what":true}`, `{"value":"\u0000"}`, `{"value":"` + strings.Repeat("9", 300) + `"}`, "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in struct {
			Value *string `json:"value"`
			Kind  string  `json:"kind"`
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/checks", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		err := decode(req, &in)
		if err == nil {
			return
		}
		// Every refusal is a message for the person, in words.
		msg := err.Error()
		if msg == "" || !utf8.ValidString(msg) || strings.Contains(msg, "json:") {
			t.Errorf("%q: the error %q is not a plain message", body, msg)
		}
	})
}
