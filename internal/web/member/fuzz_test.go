package member

import (
	"strings"
	"testing"
)

// Fuzz targets for what the web layer reads from strangers: the SMS
// command and JSON bodies. Run one for a while with, for example,
//
//	go test -run='^$' -fuzz='^FuzzParseCheckCommand$' -fuzztime=30s ./internal/web/member/

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
