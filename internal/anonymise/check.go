package anonymise

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fieldCheck checks one field at a time; its buffers are reused from one
// field to the next.
type fieldCheck struct {
	p    *prepared
	text string

	folded string  // text folded (see fold)
	off    []int32 // offsets in text of the bytes of folded
	buf    []byte
	toks   []token
	roles  []role
	words  []word
	refOff []int32

	cands   []candidate
	kept    []candidate
	covered []bool
}

// run finds the candidate flags of one field's text.
func (fc *fieldCheck) run(text string) {
	fc.text = text
	fc.cands = fc.cands[:0]
	if n := len(text) + len(text)/8 + 16; cap(fc.buf) < n {
		// Grown for a longer field only; folding seldom makes text longer.
		fc.buf, fc.off = make([]byte, 0, n), make([]int32, 0, n+1)
		fc.toks, fc.roles = make([]token, 0, n/4), make([]role, 0, n/4)
		fc.words, fc.refOff = make([]word, 0, n/4), make([]int32, 0, n)
	}
	fc.buf, fc.off = fold(fc.buf[:0], fc.off[:0], text)
	fc.folded = string(fc.buf)
	fc.toks = appendTokens(fc.toks[:0], text)
	fc.roles = fc.roles[:0]
	for _, t := range fc.toks {
		fc.roles = append(fc.roles, roleOf(text[t.start:t.end]))
	}

	fc.knownNamesAndVenues()
	fc.introducedNames()
	fc.phones()
	fc.ats()
	fc.webAddresses()
	fc.spelledOutEmails()
	fc.socialHandles()
	fc.addresses()
	fc.postcodes()
	fc.venues()
	fc.knownReferences()
	fc.references()
	fc.reportText()
}

func (fc *fieldCheck) add(kind string, start, end, rank int, msg string) {
	if start < end {
		fc.cands = append(fc.cands, candidate{kind, start, end, rank, msg})
	}
}

// token is a word of the text, [start, end): letters, digits and marks, with
// apostrophes, hyphens and ampersands inside ("Jade's", "12-14", "B&B").
type token struct{ start, end int }

func isJoiner(r rune) bool { return r == '\'' || r == '’' || r == '-' || r == '&' }

func appendTokens(dst []token, s string) []token {
	start := -1
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case isWordRune(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && isJoiner(r) && i+w < len(s):
			if next, _ := utf8.DecodeRuneInString(s[i+w:]); !isWordRune(next) {
				dst = append(dst, token{start, i})
				start = -1
			}
		case start >= 0:
			dst = append(dst, token{start, i})
			start = -1
		}
		i += w
	}
	if start >= 0 {
		dst = append(dst, token{start, len(s)})
	}
	return dst
}

func (fc *fieldCheck) tok(i int) string { return fc.text[fc.toks[i].start:fc.toks[i].end] }

// gap returns the text between token i-1 and token i.
func (fc *fieldCheck) gap(i int) string { return fc.text[fc.toks[i-1].end:fc.toks[i].start] }

// spaced reports whether only spaces (no line break) separate token i from
// the one before it.
func (fc *fieldCheck) spaced(i int) bool {
	if i <= 0 || i >= len(fc.toks) {
		return false
	}
	g := fc.gap(i)
	if g == "" {
		return false
	}
	for _, r := range g {
		if !isInlineSpace(r) {
			return false
		}
	}
	return true
}

// gapOf reports whether the text before token i has only spaces and the
// characters of allowed, at most limit of them in all.
func (fc *fieldCheck) gapOf(i int, allowed string, limit int) bool {
	if i <= 0 || i >= len(fc.toks) {
		return false
	}
	g := fc.gap(i)
	if g == "" || len(g) > 8 {
		return false
	}
	n := 0
	for _, r := range g {
		switch {
		case isInlineSpace(r):
		case strings.ContainsRune(allowed, r):
			n++
		default:
			return false
		}
	}
	return n <= limit
}

func isInlineSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

// capitalised reports whether s starts with a capital letter.
func capitalised(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// role says what a word can be, as bits: part of a venue name, a street
// suffix, a word that ends a name…
type role uint32

const (
	roleVenue      role = 1 << iota // Hotel, Inn, Sauna…: a venue with a name beside it
	roleChain                       // Travelodge: a venue on its own
	roleStreet                      // Road, St, Lane…
	roleStop                        // a capitalised word that is not part of a name ("In", "He")
	roleConnector                   // "of", "the", "and" inside a name
	roleFlat                        // Flat, Room, Unit…
	roleUnit                        // miles, hours…: "a flat 3 miles away" is no flat number
	roleRefHead                     // crime, incident, police…: before "number" or "ref"
	roleRefWord                     // number, no, ref, reference
	roleRefAlone                    // ref, reference, URN, CAD: before a reference on their own
	roleIntro                       // my, her, called, working…: may introduce a name
	roleSocial                      // snapchat, insta, username…: before a username
	roleNotName                     // not, unknown…: what follows "my name is" that is no name
	roleEndearment                  // babe, love…: what he called her that is no name
)

var wordRoles = func() map[string]role {
	m := map[string]role{}
	for r, words := range map[role]string{
		roleVenue: "hotel hotels inn lodge sauna spa parlour parlor massage club bar pub " +
			"apartments studio studios motel hostel b&b guesthouse suites tavern arms lounge " +
			"nightclub casino salon escorts house travelodge ibis novotel hilton marriott " +
			"radisson mercure ramada doubletree malmaison easyhotel",
		roleChain: "travelodge ibis novotel hilton marriott radisson mercure ramada doubletree malmaison easyhotel",
		roleStreet: "road rd street st lane ln avenue ave close drive dr way crescent cres terrace " +
			"terr place pl gardens gdns court ct square sq grove row mews walk parade hill green " +
			"rise view vale park wharf quay yard boulevard embankment gate bank brow croft fold " +
			"wynd circus chase approach heights passage alley broadway",
		roleStop: "a an and at after as before but by for from he her his i in inside into it its " +
			"near nor of on onto or our outside opposite she so that then they this to via was " +
			"we when where while with you my me met went is are had has behind beside",
		roleConnector: "of the and de la",
		roleFlat:      "flat apartment apt room unit suite",
		roleUnit: "miles mile mins minutes min hours hour hrs hr times days day weeks months " +
			"years yrs people men women pounds quid percent feet ft metres meters yards seconds secs am pm",
		roleRefHead:  "crime incident police log occurrence case report",
		roleRefWord:  "number no num nr ref reference",
		roleRefAlone: "ref reference urn cad",
		roleIntro: "my her working work called calls calling call i'm im i she she's shes " +
			"introduced introduces",
		roleSocial: "snapchat snap insta instagram ig tiktok telegram kik twitter onlyfans fansly " +
			"facebook fb username user handle skype",
		roleNotName: "the a an not no unknown nothing something anything names monday tuesday " +
			"wednesday thursday friday saturday sunday january february march april may june july " +
			"august september october november december",
		roleEndearment: "babe baby darling love sweetheart honey hun princess mate sexy gorgeous",
	} {
		for _, w := range strings.Fields(words) {
			m[w] |= r
		}
	}
	return m
}()

// roleOf returns the roles of a word, looked up in lower case.
func roleOf(w string) role {
	var buf [16]byte
	n := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case n == len(buf):
			return 0
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == 0xe2 && strings.HasPrefix(w[i:], "’"):
			c = '\''
			i += len("’") - 1
		case c >= utf8.RuneSelf:
			return 0
		}
		buf[n] = c
		n++
	}
	return wordRoles[string(buf[:n])]
}

// is reports whether token i is, in any case, one of the words of alts
// (separated by "|").
func (fc *fieldCheck) is(i int, alts string) bool {
	if i < 0 || i >= len(fc.toks) {
		return false
	}
	w := strings.ReplaceAll(fc.tok(i), "’", "'")
	for alt := range strings.SplitSeq(alts, "|") {
		if strings.EqualFold(w, alt) {
			return true
		}
	}
	return false
}
