package identifier

import (
	"strings"
	"unicode"
)

// NameValue returns a person's name or alias as it is indexed: case-folded
// in Unicode NFKC, with control characters read as spaces and invisible
// formatting characters (zero-width spaces, soft hyphens) removed, trimmed,
// with each run of inner white space made one space, and without the quotes
// around it, so that `"Big Jo"`, “big  jo” and "ＢＩＧ ＪＯ" are one name.
// Quotes and apostrophes inside a name ("O'Brien") stay. It never fails;
// Normalise refuses a name that comes to "".
func NameValue(input string) string {
	s := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r):
			return ' ' // tabs, new lines and the like are spaces
		case unicode.Is(unicode.Cf, r):
			return -1 // zero-width spaces, byte-order marks, soft hyphens
		}
		return r
	}, strings.ToValidUTF8(input, "\uFFFD"))
	s = foldNFKC(s)
	for {
		s = strings.Join(strings.Fields(s), " ")
		u, ok := unquote(s)
		if !ok {
			return s
		}
		s = u
	}
}

// quotes maps each opening quotation mark to the marks that may close it
// (after NFKC, which makes full-width quotes ASCII ones).
var quotes = map[rune]string{
	'"':  `"`,
	'\'': "'",
	'`':  "`'",
	'“':  "”“",
	'”':  "”",
	'„':  "“”",
	'‘':  "’‘",
	'’':  "’",
	'‚':  "‘’",
	'«':  "»",
	'»':  "«",
	'‹':  "›",
	'›':  "‹",
	'「':  "」",
	'『':  "』",
}

// unquote returns s without the pair of quotation marks around it, if it
// has one.
func unquote(s string) (string, bool) {
	rs := []rune(s)
	if len(rs) < 2 {
		return s, false
	}
	closes, ok := quotes[rs[0]]
	if !ok || !strings.ContainsRune(closes, rs[len(rs)-1]) {
		return s, false
	}
	return string(rs[1 : len(rs)-1]), true
}
