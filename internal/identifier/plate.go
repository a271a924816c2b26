package identifier

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Plate returns a vehicle registration in Unicode NFKC, upper-cased, without
// spaces, dashes or dots: "ab12 cde" and the full-width "ＡＢ１２ ＣＤＥ" →
// "AB12CDE", "12-D-3456" → "12D3456". It does not check what is left;
// Normalise does.
func Plate(input string) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-‐‑‒–—.·", r) {
			return -1
		}
		return r
	}, norm.NFKC.String(strings.ToValidUTF8(input, "\uFFFD")))
	// NFKC again: removing a space can bring a letter and a mark together
	// ("A˙" is "A", a space and a combining dot in NFKC).
	return norm.NFKC.String(strings.ToUpper(s))
}

// HandleValue returns a website or app username case-folded in Unicode
// NFKC, trimmed, without the "@" in front, so that "@Jo_X", "jo_x" and the
// full-width "＠ｊｏ_ｘ" are one handle.
func HandleValue(input string) string {
	s := strings.ToValidUTF8(input, "\uFFFD")
	// Trimming comes after NFKC, which makes "＠" an "@" and "¨" a space and
	// a diaeresis.
	s = foldNFKC(s)
	for s = strings.TrimSpace(s); strings.HasPrefix(s, "@"); {
		s = strings.TrimSpace(s[1:])
	}
	return s
}

// foldNFKC returns s case-folded in Unicode NFKC: NFKC, then full case
// folding, then NFKC again, as for the NFKC_Casefold of Unicode, without its
// removal of invisible characters.
func foldNFKC(s string) string {
	// A Caser keeps state, so each call makes its own.
	s = cases.Fold().String(norm.NFKC.String(s))
	// cases.Fold swaps the case of Cherokee letters both ways
	// (https://go.dev/issue/46101), so that folding twice undoes it. Unicode
	// folds them to the capitals, the letters encoded first.
	s = strings.Map(func(r rune) rune {
		if cherokeeSmall(r) {
			return unicode.ToUpper(r)
		}
		return r
	}, s)
	return norm.NFKC.String(s)
}

// cherokeeSmall reports whether r is a small Cherokee letter, which folds to
// its capital.
func cherokeeSmall(r rune) bool {
	return ('\uAB70' <= r && r <= '\uABBF') || ('\u13F8' <= r && r <= '\u13FD')
}
