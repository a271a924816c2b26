package notify

import "testing"

func TestGSM7Len_CountsExtensionCharactersTwiceAndRefusesOthers(t *testing.T) {
	for _, tc := range []struct {
		s  string
		n  int
		ok bool
	}{
		{"", 0, true},
		{"Sign in: https://example.org/a_b?c=1&d=2#e", 42, true},
		{"£5, café, Ñ, ü, à, @, $, ¿?", 27, true},
		{"€5 [x] {y} ~ | ^ \\", 27, true},
		{"emoji 🙂", 6, false},
		{"curly ’quote’", 6, false},
		{"back`tick", 4, false},
	} {
		n, ok := gsm7Len(tc.s)
		if ok != tc.ok || (ok && n != tc.n) {
			t.Errorf("gsm7Len(%q) = %d, %v; want %d, %v", tc.s, n, ok, tc.n, tc.ok)
		}
	}
}
