package anonymise

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldTable maps lower-case Latin letters with diacritics to plain ones, so
// that "Zoë" matches "Zoe" and "Seán" matches "Sean". The standard library has
// no Unicode decomposition, so the letters of Latin-1 and Latin Extended-A
// are listed here; a letter typed with a combining mark ("e" + U+0308) loses
// the mark in fold. Curly apostrophes become straight ones.
var foldTable = func() map[rune]string {
	m := make(map[rune]string)
	for _, p := range [...]struct{ from, to string }{
		{"àáâãäåāăą", "a"}, {"çćĉċč", "c"}, {"ďđð", "d"}, {"èéêëēĕėęě", "e"},
		{"ĝğġģ", "g"}, {"ĥħ", "h"}, {"ìíîïĩīĭįı", "i"}, {"ĵ", "j"}, {"ķ", "k"},
		{"ĺļľŀł", "l"}, {"ñńņňŉ", "n"}, {"òóôõöøōŏő", "o"}, {"ŕŗř", "r"},
		{"śŝşšș", "s"}, {"ţťŧț", "t"}, {"ùúûüũūŭůűų", "u"}, {"ŵ", "w"},
		{"ýÿŷ", "y"}, {"źżž", "z"}, {"ß", "ss"}, {"æ", "ae"}, {"œ", "oe"},
		{"þ", "th"}, {"‘’ʼ′", "'"},
	} {
		for _, r := range p.from {
			m[r] = p.to
		}
	}
	return m
}()

// fold appends s to dst in lower case, with diacritics removed and each run
// of white space as one space, and appends to off, for each byte it appends,
// the offset in s of the character it came from, then len(s): a match at
// [i, j) of the folded text is s[off[i]:off[j]].
func fold(dst []byte, off []int32, s string) ([]byte, []int32) {
	space := false
	for i := 0; i < len(s); {
		at := int32(i) // #nosec G115 -- texts here come from request bodies capped far below 2 GB
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || '\t' <= c && c <= '\r':
				if !space {
					dst, off = append(dst, ' '), append(off, at)
					space = true
				}
				continue
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			space = false
			dst, off = append(dst, c), append(off, at)
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		switch {
		case unicode.IsSpace(r):
			if !space {
				dst, off = append(dst, ' '), append(off, at)
				space = true
			}
			continue
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r):
			continue // combining marks, soft hyphens, zero-width joiners
		}
		space = false
		r = unicode.ToLower(r)
		if t, ok := foldTable[r]; ok {
			for k := 0; k < len(t); k++ {
				dst, off = append(dst, t[k]), append(off, at)
			}
			continue
		}
		n := len(dst)
		dst = utf8.AppendRune(dst, r)
		for ; n < len(dst); n++ {
			off = append(off, at)
		}
	}
	return dst, append(off, int32(len(s))) // #nosec G115 -- as above
}

// foldString returns s folded as fold does, without white space at either
// end and without an "@" in front (a username given as "@jade_x" is matched
// as "jade_x").
func foldString(s string) string {
	b, _ := fold(nil, nil, s)
	return strings.TrimPrefix(strings.TrimSpace(string(b)), "@")
}

// letters counts the letters in s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// isWordRune reports whether r is part of a word: a letter, digit, mark or
// underscore (so that a name does not match inside "jade_x99").
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// atWordBoundaries reports whether s[start:end] is neither preceded nor
// followed by a character of a word.
func atWordBoundaries(s string, start, end int) bool {
	if start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:start]); isWordRune(r) {
			return false
		}
	}
	if end < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[end:]); isWordRune(r) {
			return false
		}
	}
	return true
}

// word is a word of folded text, [start, end), with a hash of its letters.
type word struct {
	start, end int
	hash       uint64
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// appendWords appends the words of folded text f: runs of letters and
// digits, apostrophes inside them left out ("don't" is "dont"), so that case
// and punctuation make no difference.
func appendWords(dst []word, f string) []word {
	start, end := -1, -1
	var h uint64
	for i := 0; i < len(f); {
		c, w := f[i], 1
		var isWord bool
		if c < utf8.RuneSelf {
			isWord = 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		} else {
			var r rune
			r, w = utf8.DecodeRuneInString(f[i:])
			isWord = unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		switch {
		case isWord:
			if start < 0 {
				start, h = i, fnvOffset
			}
			for k := i; k < i+w; k++ {
				h = (h ^ uint64(f[k])) * fnvPrime
			}
			end = i + w
		case c == '\'' && start >= 0:
		default:
			if start >= 0 {
				dst = append(dst, word{start, end, h})
				start = -1
			}
		}
		i += w
	}
	if start >= 0 {
		dst = append(dst, word{start, end, h})
	}
	return dst
}

// copiedWords is how many words in a row copied from a reporter's account
// are flagged.
const copiedWords = 8

// shingleHash hashes a run of words, in order.
func shingleHash(ws []word) uint64 {
	h := uint64(fnvOffset)
	for _, w := range ws {
		h = bits.RotateLeft64((h^w.hash)*fnvPrime, 29)
	}
	return h
}
