package check_test

import (
	"errors"
	"slices"
	"testing"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
)

// FuzzNormalise: whatever is typed into the check, it does not panic; it
// is either refused with a message for the person, or gives a kind and a
// value that normalises to itself (so every way of writing it is one
// blind index).
//
//	go test -run='^$' -fuzz='^FuzzNormalise$' -fuzztime=30s ./internal/check/
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"07700 900123", "+44 7700 900123", "447700900123", "07700-900-123", "x@example.org", "@jo_x",
		"AB12 CDE", "161-D-12345", "07700 900", "07700 900xxx", "", " ", "\xff", "Gaz", "００７７００ ９００１２３"} {
		f.Add(s, "")
		f.Add(s, "phone")
	}
	f.Fuzz(func(t *testing.T, value, kind string) {
		k, norm, err := check.Normalise(kind, value)
		if err != nil {
			var se *scheme.Error
			if !errors.As(err, &se) || se.Code != scheme.CodeInvalid || len(se.Fields) == 0 {
				t.Fatalf("%q (%q): %v is not a message for the person", value, kind, err)
			}
			return
		}
		if !slices.Contains(check.Kinds, k) || norm == "" {
			t.Fatalf("%q (%q): kind %q, value %q", value, kind, k, norm)
		}
		k2, again, err := check.Normalise(k, norm)
		if err != nil || k2 != k || again != norm {
			t.Fatalf("%q → %s %q → %s %q %v: not stable", value, k, norm, k2, again, err)
		}
	})
}
