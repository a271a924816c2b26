package identifier

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Plate returns a vehicle registration upper-cased, without spaces, dashes
// or dots: "ab12 cde" → "AB12CDE", "12-D-3456" → "12D3456". It does not
// check what is left; Normalise does.
func Plate(input string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-‐‑‒–—.·", r) {
			return -1
		}
		return r
	}, input))
}

// HandleValue returns a website or app username trimmed, without one leading
// "@", case-folded in Unicode NFKC, so that "@Jo_X", "jo_x" and the
// full-width "ｊｏ_ｘ" are one handle.
func HandleValue(input string) string {
	s := strings.TrimPrefix(strings.TrimSpace(input), "@")
	// A Caser keeps state, so each call makes its own.
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))
}
