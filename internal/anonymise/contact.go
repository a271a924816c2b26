package anonymise

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// contact flags text[start:end] as a contact detail, unless it is allowed
// (an offender identifier the alert may publish) and not also known (a
// reporter's own).
func (fc *fieldCheck) contact(start, end int, known, allowed bool, msg, msgKnown string) {
	switch {
	case known && allowed:
		fc.add(KindContact, start, end, rankContactKnown, msgContactBoth)
	case known:
		fc.add(KindContact, start, end, rankContactKnown, msgKnown)
	case !allowed:
		fc.add(KindContact, start, end, rankContact, msg)
	}
}

// textContact flags a contact detail compared in lower case (key): an email
// address, username or web address, with msg saying which.
func (fc *fieldCheck) textContact(start, end int, key, msg string) {
	known := msgHandleKnown
	switch msg {
	case msgEmail:
		known = msgEmailKnown
	case msgWeb:
		known = msgWebKnown
	}
	fc.contact(start, end, fc.p.contactText[key], fc.p.allowedText[key], msg, known)
}

// digitGroup is a run of digits in a possible phone number.
type digitGroup struct {
	start, end int  // the digits
	lead, tail int  // with the "+" or brackets around them: "+44", "(0161)"
	plus       bool // a "+" in front
	paren      bool // in brackets
}

// phones flags phone numbers: runs of digit groups separated by spaces,
// dots, dashes and brackets that, taken together, have the length of a UK,
// Irish or international number. A run is read group by group so that
// "07700 900123 2 times" gives "07700 900123", and dates (12/03/2026,
// 12.03.2026), times, prices and ages, with their short groups or slashes,
// give nothing.
func (fc *fieldCheck) phones() {
	t := fc.text
	var groups [24]digitGroup
	for i := 0; i < len(t); {
		if !isDigit(t[i]) {
			i++
			continue
		}
		n, j := 0, i
		for n < len(groups) {
			g := digitGroup{start: j, lead: j}
			for j < len(t) && isDigit(t[j]) {
				j++
			}
			g.end, g.tail = j, j
			if g.start > 0 {
				switch t[g.start-1] {
				case '+':
					g.lead, g.plus = g.start-1, true
				case '(':
					if j < len(t) && t[j] == ')' {
						g.lead, g.tail, g.paren = g.start-1, j+1, true
					}
				}
			}
			groups[n] = g
			n++
			next, ok := phoneGap(t, g.tail)
			if !ok {
				break
			}
			j = next
		}
		fc.phoneGroups(groups[:n])
		i = groups[n-1].end
		for i < len(t) && isDigit(t[i]) {
			i++
		}
	}
}

// phoneGap returns where the next digit group starts after a gap at i of at
// most two spaces, at most one dot or dash, and brackets or a "+"; ok is
// false when there is no such gap. A dot and a space end a sentence.
func phoneGap(t string, i int) (next int, ok bool) {
	spaces, marks := 0, 0
	for i < len(t) {
		if isDigit(t[i]) {
			return i, true
		}
		r, w := utf8.DecodeRuneInString(t[i:])
		switch {
		case isInlineSpace(r):
			spaces++
		case r == '.' || r == '-' || r == '–':
			if r == '.' && i+1 < len(t) && t[i+1] == ' ' {
				return 0, false
			}
			marks++
		case r == '(' || r == ')' || r == '+':
		default:
			return 0, false
		}
		if spaces > 2 || marks > 1 {
			return 0, false
		}
		i += w
	}
	return 0, false
}

// phoneGroups flags the longest phone numbers in a run of digit groups,
// from left to right.
func (fc *fieldCheck) phoneGroups(g []digitGroup) {
	var digits [64]byte
	for a := 0; a < len(g); {
		next := a + 1
		for b := min(len(g), a+6); b > a; b-- {
			start, end := g[a].lead, g[b-1].tail
			if !phoneBoundaries(fc.text, start, end) {
				continue
			}
			d := digits[:0]
			for _, x := range g[a:b] {
				d = append(d, fc.text[x.start:x.end]...)
			}
			if len(d) < 7 || len(d) > 16 {
				continue
			}
			key, valid, intl := phoneKey(g[a].plus, string(d))
			known := fc.p.contactPhones[key]
			if !known && (!valid || !phoneShape(g[a:b], intl)) {
				continue
			}
			fc.contact(start, end, known, fc.p.allowedPhones[key], msgPhone, msgPhoneKnown)
			next = b
			break
		}
		a = next
	}
}

// phoneShape reports whether digit groups have the shape people write phone
// numbers in. A number written as at home has at most 4 groups, the first
// (the area code, or the start of a mobile number) of at least 3 digits
// unless in brackets, the others of at least 2: dates and times such as
// "01.03.2026 10" do not. An international number, with its country code in
// front, may have more and shorter groups ("+353 1 234 5678").
func phoneShape(g []digitGroup, intl bool) bool {
	if intl || len(g) == 1 {
		return true
	}
	if len(g) > 4 || (g[0].end-g[0].start < 3 && !g[0].paren) {
		return false
	}
	for _, x := range g[1:] {
		if x.end-x.start < 2 {
			return false
		}
	}
	return true
}

// phoneBoundaries reports whether t[start:end] stands apart as a number: not
// inside a word, a reference ("12/34567/26"), a price or a decimal.
func phoneBoundaries(t string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(t[:start])
		if isWordRune(r) || strings.ContainsRune("/£$€%.,", r) {
			return false
		}
	}
	if end < len(t) {
		r, _ := utf8.DecodeRuneInString(t[end:])
		if isWordRune(r) || r == '/' || r == '%' {
			return false
		}
		if (r == '.' || r == ',' || r == ':') && end+1 < len(t) && isDigit(t[end+1]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c)
}

// ats flags what is around each "@": an email address, or a username
// ("@jade_x") when nothing of an address comes before it.
func (fc *fieldCheck) ats() {
	t := fc.text
	for from := 0; from < len(t); {
		k := strings.IndexByte(t[from:], '@')
		if k < 0 {
			return
		}
		at := from + k
		from = at + 1
		start := at
		for start > 0 {
			r, w := utf8.DecodeLastRuneInString(t[:start])
			if !isLocalRune(r) {
				break
			}
			start -= w
		}
		if start == at {
			fc.handle(at)
			continue
		}
		for start < at && t[start] == '.' {
			start++
		}
		end := at + 1
		for end < len(t) {
			r, w := utf8.DecodeRuneInString(t[end:])
			if r != '.' && r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			end += w
		}
		for end > at+1 && (t[end-1] == '.' || t[end-1] == '-') {
			end--
		}
		if start == at || !emailDomain(t[at+1:end]) {
			continue
		}
		from = end
		fc.textContact(start, end, strings.ToLower(t[start:end]), msgEmail)
	}
}

func isLocalRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._%+-'", r)
}

// emailDomain reports whether d is a host name of at least two labels, the
// last of letters.
func emailDomain(d string) bool {
	tld, ok := hostLabels(d)
	return ok && !strings.ContainsFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) })
}

// hostLabels reports whether h is two or more labels separated by dots, none
// empty nor starting or ending with a dash, and returns the last.
func hostLabels(h string) (last string, ok bool) {
	n := 0
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return "", false
		}
		last = label
		n++
	}
	return last, n >= 2 && len(last) >= 2
}

// handle flags the username after the "@" at t[at], if there is one: ASCII
// letters, digits, "_" and ".", with a letter, and not a time ("@10pm").
func (fc *fieldCheck) handle(at int) {
	t := fc.text
	end := at + 1
	for end < len(t) && (isASCIIAlnum(t[end]) || t[end] == '_' || t[end] == '.') {
		end++
	}
	for end > at+1 && t[end-1] == '.' {
		end--
	}
	name := t[at+1 : end]
	if len(name) < 2 || !strings.ContainsFunc(name, unicode.IsLetter) || isTime(name) {
		return
	}
	if end < len(t) {
		if r, _ := utf8.DecodeRuneInString(t[end:]); isWordRune(r) {
			return
		}
	}
	fc.textContact(at, end, strings.ToLower(name), msgHandle)
}

// isTime reports whether s is a time such as "10pm" or "9.30am".
func isTime(s string) bool {
	s = strings.ToLower(s)
	rest, ok := strings.CutSuffix(s, "am")
	if !ok {
		rest, ok = strings.CutSuffix(s, "pm")
	}
	return ok && rest != "" && !strings.ContainsFunc(rest, func(r rune) bool { return !('0' <= r && r <= '9') && r != '.' })
}

// webTLDs are the top-level domains a bare host name ("example.org/jade") is
// recognised by. Domains that are also common English words (it, in, is,
// at, be, to, so, no, do, us) are left out: "home.It" is a typo, not a site.
var webTLDs = func() map[string]bool {
	m := map[string]bool{}
	for _, d := range strings.Fields("com org net uk ie io me info biz xxx sex porn adult tv " +
		"app dev eu co ca au nz de fr nl es ch se dk pl ro cz ru link site online club " +
		"vip live store shop website xyz top blog page fun social chat dating escort " +
		"love life email") {
		m[d] = true
	}
	return m
}()

// webAddresses flags web addresses: with a scheme ("https://…"), or a host
// name ending in a known top-level domain in one case ("example.org",
// "www.example.com/jade").
func (fc *fieldCheck) webAddresses() {
	t := fc.text
	var found []int // start, end pairs of addresses with a scheme
	for from := 0; from < len(t); {
		k := strings.Index(t[from:], "://")
		if k < 0 {
			break
		}
		k += from
		start := k
		for start > 0 && isASCIIAlnum(t[start-1]) {
			start--
		}
		end := urlEnd(t, k+3)
		from = max(end, k+3)
		if scheme := t[start:k]; (strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")) && end > k+3 {
			fc.web(start, end)
			found = append(found, start, end)
		}
	}
	for i := 0; i < len(t); {
		if !isHostByte(t[i]) {
			i++
			continue
		}
		start := i
		for i < len(t) && isHostByte(t[i]) {
			i++
		}
		end := i
		for end > start && (t[end-1] == '.' || t[end-1] == '-') {
			end--
		}
		if !strings.Contains(t[start:end], ".") || (i < len(t) && t[i] == '@') || !bareHost(t[start:end]) {
			continue
		}
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(t[:start]); isWordRune(r) || r == '@' || r == '/' || r == ':' {
				continue // inside a word, an email address or an address with a scheme
			}
		}
		if end == i && i < len(t) && t[i] == '/' {
			end = urlEnd(t, i)
		}
		inside := false
		for k := 0; k < len(found); k += 2 {
			inside = inside || (start >= found[k] && start < found[k+1])
		}
		if !inside {
			fc.web(start, end)
		}
		i = max(i, end)
	}
}

func isHostByte(c byte) bool { return isASCIIAlnum(c) || c == '.' || c == '-' }

// bareHost reports whether h, a run of ASCII letters, digits, dots and
// dashes, is a host name: labels of letters, digits and inner dashes, the
// last a known top-level domain all in lower case or all in capitals; any
// top-level domain will do after "www.".
func bareHost(h string) bool {
	tld, ok := hostLabels(h)
	notLetter := func(r rune) bool {
		return r >= utf8.RuneSelf || !isLetterByte(byte(r)) // #nosec G115 -- r < utf8.RuneSelf here: one byte
	}
	if !ok || strings.ContainsFunc(tld, notLetter) {
		return false
	}
	if len(h) > 4 && strings.EqualFold(h[:4], "www.") && strings.Count(h, ".") > 1 {
		return true
	}
	var buf [16]byte
	if len(tld) > len(buf) {
		return false
	}
	lower, caps := true, true
	for i := 0; i < len(tld); i++ {
		c := tld[i]
		lower = lower && 'a' <= c && c <= 'z'
		caps = caps && 'A' <= c && c <= 'Z'
		buf[i] = c | 0x20
	}
	return (lower || caps) && webTLDs[string(buf[:len(tld)])]
}

// urlEnd returns where the web address going on at t[i] ends: at white
// space or a quote, less any punctuation that ends the sentence.
func urlEnd(t string, i int) int {
	end := i
	for end < len(t) {
		r, w := utf8.DecodeRuneInString(t[end:])
		if unicode.IsSpace(r) || strings.ContainsRune("<>\"“”‘’«»", r) {
			break
		}
		end += w
	}
	for end > i {
		c := t[end-1]
		if c == ')' && strings.Count(t[i:end], "(") >= strings.Count(t[i:end], ")") {
			break
		}
		if !strings.ContainsRune(".,;:!?')]}*", rune(c)) {
			break
		}
		end--
	}
	return end
}

// web flags the web address t[start:end], unless it is an allowed offender
// identifier or leads to one (a profile page named after an allowed
// username: "example.org/bigdave77").
func (fc *fieldCheck) web(start, end int) {
	key := webKey(strings.ToLower(fc.text[start:end]))
	if fc.p.contactText[key] {
		fc.textContact(start, end, key, msgWeb)
		return
	}
	if _, path, ok := strings.Cut(key, "/"); ok {
		for seg := range strings.FieldsFuncSeq(path, func(r rune) bool { return strings.ContainsRune("/?=&#", r) }) {
			if fc.p.allowedText[strings.TrimPrefix(seg, "@")] {
				return
			}
		}
	}
	fc.textContact(start, end, key, msgWeb)
}

// spelledOutEmails flags email addresses written to dodge filters: "jade at
// example dot org", "jade (at) example (dot) co (dot) uk".
func (fc *fieldCheck) spelledOutEmails() {
	const brackets = "()[]{}"
	for i := 0; i+4 < len(fc.toks); i++ {
		if !strings.EqualFold(fc.tok(i+1), "at") || !strings.EqualFold(fc.tok(i+3), "dot") || !fc.isTLD(i+4) {
			continue
		}
		ok := true
		for k := i + 1; k <= i+4; k++ {
			ok = ok && fc.gapOf(k, brackets, 2)
		}
		if !ok {
			continue
		}
		last := i + 4
		if fc.is(i+5, "dot") && fc.isTLD(i+6) && fc.gapOf(i+5, brackets, 2) && fc.gapOf(i+6, brackets, 2) {
			last = i + 6
		}
		var key strings.Builder
		key.WriteString(strings.ToLower(fc.tok(i)) + "@" + strings.ToLower(fc.tok(i+2)))
		for k := i + 4; k <= last; k += 2 {
			key.WriteString("." + strings.ToLower(fc.tok(k)))
		}
		fc.textContact(fc.toks[i].start, fc.toks[last].end, key.String(), msgEmail)
		i = last
	}
}

func (fc *fieldCheck) isTLD(i int) bool {
	return i < len(fc.toks) && webTLDs[strings.ToLower(fc.tok(i))]
}

// socialHandles flags usernames given after the name of an app or site
// without an "@": "snapchat: jadex", "her insta is jade_x99".
func (fc *fieldCheck) socialHandles() {
	t := fc.text
	for i := range fc.toks {
		if fc.roles[i]&roleSocial == 0 {
			continue
		}
		j := i + 1
		if fc.is(j, "name") && fc.spaced(j) {
			j++
		}
		var colon bool
		switch {
		case fc.is(j, "is|was") && fc.spaced(j):
			j++
			if !fc.spaced(j) {
				continue
			}
		case fc.gapOf(j, ":", 1) && strings.Contains(fc.gap(j), ":"):
			colon = true
		default:
			continue
		}
		if j >= len(fc.toks) {
			continue
		}
		start := fc.toks[j].start
		end := start
		for end < len(t) && (isASCIIAlnum(t[end]) || t[end] == '_' || t[end] == '.') {
			end++
		}
		for end > start && t[end-1] == '.' {
			end--
		}
		name := t[start:end]
		if len(name) < 3 || !strings.ContainsFunc(name, unicode.IsLetter) ||
			(!colon && !strings.ContainsAny(name, "0123456789_.")) {
			continue
		}
		fc.textContact(start, end, strings.ToLower(name), msgHandle)
	}
}
