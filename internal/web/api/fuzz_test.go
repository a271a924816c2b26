package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

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
