package anonymise

import (
	"strings"
)

// prepared is a Sensitive made ready for matching: folded, normalised and
// indexed once per Check.
type prepared struct {
	names    []knownName
	venues   []string // folded, from Sensitive.Venues
	refs     []string // upper-case letters and digits only
	shingles map[uint64]struct{}

	contactPhones map[string]bool // phoneKey
	contactText   map[string]bool // emails, usernames, web addresses: lower case
	allowedPhones map[string]bool // phoneKey
	allowedText   map[string]bool // emails, usernames, web addresses: lower case
	allowedPlates map[string]bool // upper-case letters and digits only
	allowedNames  map[string]bool // folded
}

// knownName is a name from Sensitive.Names, folded; part says it is one
// word of a longer name, matched only when written with a capital.
type knownName struct {
	folded string
	part   bool
}

// nameParticles are parts of names too common as words to match alone.
var nameParticles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "del": true, "della": true,
	"dos": true, "das": true, "bin": true, "bint": true, "ibn": true, "the": true,
}

// chains are hotel chains, flagged however they are written.
var chains = []string{
	"premier inn", "holiday inn", "jurys inn", "days inn", "best western",
	"crowne plaza", "travelodge", "novotel", "doubletree", "easyhotel",
}

func prepare(s Sensitive) *prepared {
	p := &prepared{
		contactPhones: map[string]bool{},
		contactText:   map[string]bool{},
		allowedPhones: map[string]bool{},
		allowedText:   map[string]bool{},
		allowedPlates: map[string]bool{},
		allowedNames:  map[string]bool{},
	}
	seen := map[string]bool{}
	addName := func(f string, part bool) {
		if letters(f) < 3 || seen[f] {
			return
		}
		seen[f] = true
		p.names = append(p.names, knownName{f, part})
	}
	for _, n := range s.Names {
		f := foldString(n)
		addName(f, false)
		if parts := strings.Fields(f); len(parts) > 1 {
			for _, part := range parts {
				if !nameParticles[part] {
					addName(part, true)
				}
			}
		} else if f != "" {
			// A name of one word may be a username: "@jade_x" in the text
			// is then a reporter's own.
			p.contactText[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(n), "@"))] = true
		}
	}
	for _, v := range s.Venues {
		if f := foldString(v); letters(f) >= 3 {
			p.venues = append(p.venues, f)
		}
	}
	for _, c := range s.Contacts {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if key, ok := phoneKeyOf(c); ok {
			p.contactPhones[key] = true
		} else {
			addText(p.contactText, c)
		}
	}
	for _, r := range s.References {
		if u := upperAlnum(r); len(u) >= 4 {
			p.refs = append(p.refs, u)
		}
	}
	for _, a := range s.Allowed {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if key, ok := phoneKeyOf(a); ok {
			p.allowedPhones[key] = true
		}
		addText(p.allowedText, a)
		if u := upperAlnum(a); u != "" {
			p.allowedPlates[u] = true
		}
		p.allowedNames[foldString(a)] = true
	}
	var (
		buf []byte
		ws  []word
	)
	for _, a := range s.Accounts {
		if cap(buf) < len(a)+len(a)/8 {
			buf = make([]byte, 0, len(a)+len(a)/8)
		}
		buf, _ = fold(buf[:0], nil, a)
		ws = appendWords(ws[:0], string(buf))
		for i := 0; i+copiedWords <= len(ws); i++ {
			if p.shingles == nil {
				p.shingles = map[uint64]struct{}{}
			}
			p.shingles[shingleHash(ws[i:i+copiedWords])] = struct{}{}
		}
	}
	return p
}

// phoneKeyOf returns the key of a phone number given on its own, in any
// format ("+44 (0)7700 900123", "07700-900-123"); ok is false when s is an
// email address or has fewer than 7 digits.
func phoneKeyOf(s string) (key string, ok bool) {
	if strings.Contains(s, "@") {
		return "", false
	}
	var d []byte
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			d = append(d, c)
		case c == '+' && len(d) == 0:
			plus = true
		}
	}
	if len(d) < 7 {
		return "", false
	}
	key, _, _ = phoneKey(plus, string(d))
	return key, true
}

// phoneKey returns the digits d of a phone number (written with a + in front
// when plus) in the form numbers are compared in: UK and Irish numbers as
// dialled at home ("07700900123", "0851234567"), whether written with +44,
// 0044, 44, +353, 00353 or 353, and others as "+" and their digits. valid
// says whether it has the length of a real number: 10 or 11 digits at home
// in the UK, 9 or 10 in Ireland, 8 to 15 elsewhere; intl whether it was
// written with a country code.
func phoneKey(plus bool, d string) (key string, valid, intl bool) {
	switch {
	case strings.HasPrefix(d, "00"):
		plus, d = true, d[2:]
	case !plus && len(d) == 12 && strings.HasPrefix(d, "44"),
		!plus && (len(d) == 11 || len(d) == 12) && strings.HasPrefix(d, "353"):
		plus = true
	case !plus && len(d) == 10 && d[0] == '7':
		// A UK mobile written without its 0: "7700 900123".
		d = "0" + d
	}
	if plus {
		for _, c := range [...]struct {
			code     string
			min, max int
		}{{"44", 10, 11}, {"353", 9, 10}} {
			if rest, ok := strings.CutPrefix(d, c.code); ok {
				rest = strings.TrimPrefix(rest, "0") // "+44 (0)7700…"
				key = "0" + rest
				return key, c.min <= len(key) && len(key) <= c.max && rest != "" && rest[0] != '0', true
			}
		}
		return "+" + d, 8 <= len(d) && len(d) <= 15 && d[0] != '0', true
	}
	return d, 10 <= len(d) && len(d) <= 11 && d[0] == '0' && d[1] != '0', false
}

// addText notes an email, username or web address in each form a report
// may write it in: as typed, without a leading "@", and as a web address
// without its scheme or "www." (webKey). Case is ignored.
func addText(set map[string]bool, c string) {
	lc := strings.ToLower(c)
	set[lc] = true
	set[strings.TrimPrefix(lc, "@")] = true
	set[webKey(lc)] = true
}

// webKey returns a lower-case web address without its scheme, "www." or a
// slash at the end, so that "https://www.example.org/jade/" is
// "example.org/jade".
func webKey(lower string) string {
	s := lower
	for _, p := range [...]string{"https://", "http://", "www."} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.TrimSuffix(s, "/")
}

// upperAlnum returns the ASCII letters and digits of s in upper case, as
// vehicle registrations and police references are compared.
func upperAlnum(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			b.WriteByte(c - ('a' - 'A'))
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b.WriteByte(c)
		}
	}
	return b.String()
}
