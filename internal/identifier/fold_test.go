package identifier

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestEveryCharacter_NormalisesIdempotently checks, for every assigned
// character alone and after a few capitals (which it might combine with),
// what the fuzz targets check for random strings: that the normalisers give
// back what they made. It found cases.Fold swapping the case of
// Cherokee letters, and lower-case letters composing with marks that their
// capitals do not compose with.
func TestEveryCharacter_NormalisesIdempotently(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("every character: not in -short")
	}
	must := func(f func(string) (string, error)) func(string) string {
		return func(s string) string { v, _ := f(s); return v }
	}
	normalisers := []struct {
		name, before, after string
		fn                  func(string) string
	}{
		{"Plate", "", "", Plate},
		{"HandleValue", "", "", HandleValue},
		{"NameValue", "", "", NameValue},
		{"EmailAddress", "", "@example.org", must(EmailAddress)},
		{"EmailAddress", "jo@", ".example", must(EmailAddress)},
		{"Domain", "", ".example", must(Domain)},
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) || !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf) {
			continue
		}
		// "J\u030C" and "T\u0308" are NFC, but "ǰ" and "ẗ" compose.
		c := string(r)
		for _, in := range []string{c, "A" + c + "J" + c + "T" + c} {
			for _, n := range normalisers {
				in := n.before + in + n.after
				if out := n.fn(in); n.fn(out) != out {
					t.Errorf("%s(%q) = %q, but %s(%q) = %q", n.name, in, out, n.name, out, n.fn(out))
				}
			}
		}
	}
}

func TestFoldNFKC_FoldsCherokeeToCapitals(t *testing.T) {
	t.Parallel()
	// U+13A6 CHEROKEE LETTER KA and U+AB76 CHEROKEE SMALL LETTER KA; Unicode
	// folds both to the capital, which cases.Fold alone does not.
	for _, in := range []string{"Ꭶ", "ꭶ"} {
		if got := foldNFKC(in); got != "Ꭶ" {
			t.Errorf("foldNFKC(%q) = %q, want Ꭶ", in, got)
		}
	}
	if got := HandleValue("@ꮠꭶ"); got != "ᏐᎦ" {
		t.Errorf("HandleValue(@ꮠꭶ) = %q, want ᏐᎦ", got)
	}
}
