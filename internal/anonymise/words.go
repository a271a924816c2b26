package anonymise

import (
	"strings"
)

// eachFolded calls fn with the span in the text of each match of needle, a
// folded string, in the folded text, on word boundaries.
func (fc *fieldCheck) eachFolded(needle string, fn func(start, end int)) {
	f := fc.folded
	for from := 0; from < len(f); {
		k := strings.Index(f[from:], needle)
		if k < 0 {
			return
		}
		k += from
		e := k + len(needle)
		if !atWordBoundaries(f, k, e) {
			from = k + 1
			continue
		}
		fn(int(fc.off[k]), int(fc.off[e]))
		from = e
	}
}

// knownNamesAndVenues flags the names and venues given in Sensitive, and
// hotel chains, however they are written.
func (fc *fieldCheck) knownNamesAndVenues() {
	for _, n := range fc.p.names {
		fc.eachFolded(n.folded, func(start, end int) {
			if !n.part || capitalised(fc.text[start:end]) {
				fc.add(KindName, start, end, rankNameKnown, msgNameKnown)
			}
		})
	}
	for _, v := range fc.p.venues {
		fc.eachFolded(v, func(start, end int) {
			fc.add(KindVenue, start, end, rankVenueKnown, msgVenueKnown)
		})
	}
	for _, v := range chains {
		fc.eachFolded(v, func(start, end int) {
			fc.add(KindVenue, start, end, rankVenue, msgVenue)
		})
	}
}

// introPhrases introduce a name as the writer's or hers: "my name is",
// "called herself", "working name". Alternatives are separated by "|"; a
// word ending in "?" may be left out. An offender's alias ("called himself
// Dave") is what alerts publish, so "his" and "himself" are not here.
var introPhrases = [][]string{
	{"my|her", "real|working|work|full|first|stage|actual?", "name|names|name's", "is|was?"},
	{"working|work", "name|names|name's", "is|was?"},
	{"called|calls|calling|call", "herself|myself|me|her"},
	{"i'm|im", "called"},
	{"i", "am", "called"},
	{"she's|shes", "called"},
	{"she", "is|was", "called"},
	{"introduced|introduces", "herself|myself|me", "as"},
}

// introducedNames flags capitalised names that the words before introduce
// as the writer's or hers: "my name is Jade", "called herself Amber Rose",
// unless the name is one of the offender identifiers allowed.
func (fc *fieldCheck) introducedNames() {
	for i := range fc.toks {
		if fc.roles[i]&roleIntro == 0 {
			continue
		}
		for _, phrase := range introPhrases {
			j, ok := fc.matchPhrase(i, phrase)
			if !ok || !fc.gapOf(j, ":-\"“”'‘’", 3) {
				continue
			}
			k := j
			for k < len(fc.toks) && k < j+3 && (k == j || fc.spaced(k)) && fc.nameWord(k) {
				k++
			}
			if k == j || fc.is(i, "called|calls|calling|call") && fc.roles[j]&roleEndearment != 0 {
				continue
			}
			start, end := fc.toks[j].start, fc.toks[k-1].end
			if !fc.p.allowedNames[foldString(fc.text[start:end])] {
				fc.add(KindName, start, end, rankName, msgNameIntroduced)
			}
			break
		}
	}
}

// matchPhrase reports whether phrase is written from token i on, and returns
// the token after it.
func (fc *fieldCheck) matchPhrase(i int, phrase []string) (next int, ok bool) {
	k := i
	for n, alts := range phrase {
		alts, optional := strings.CutSuffix(alts, "?")
		if (n == 0 || fc.spaced(k)) && fc.is(k, alts) {
			k++
			continue
		}
		if !optional {
			return 0, false
		}
	}
	return k, true
}

// nameWord reports whether token k can be (part of) a person's name: a
// capitalised word of at least 2 letters, not one such as "He" or "Unknown".
func (fc *fieldCheck) nameWord(k int) bool {
	w := fc.tok(k)
	return capitalised(w) && letters(w) >= 2 && fc.roles[k]&(roleStop|roleNotName) == 0 &&
		!strings.ContainsAny(w, "0123456789_&")
}

// knownReferences flags the police references given in Sensitive, however
// they are spaced or punctuated ("12/34567/26" as "12 34567 26").
func (fc *fieldCheck) knownReferences() {
	if len(fc.p.refs) == 0 {
		return
	}
	t := fc.text
	b := fc.buf[:0] // fold is done with buf: reuse it
	off := fc.refOff[:0]
	for i := 0; i < len(t); i++ {
		if c := t[i]; isASCIIAlnum(c) {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b, off = append(b, c), append(off, int32(i))
		}
	}
	fc.buf, fc.refOff = b, off
	s := string(b)
	for _, r := range fc.p.refs {
		for from := 0; from < len(s); {
			k := strings.Index(s[from:], r)
			if k < 0 {
				break
			}
			k += from
			from = k + 1
			start, end := int(off[k]), int(off[k+len(r)-1])+1
			if atWordBoundaries(t, start, end) && refSeparators(t[start:end], len(r)) {
				fc.add(KindReference, start, end, rankReferenceKnown, msgReferenceKnown)
			}
		}
	}
}

// refSeparators reports whether a reference of n letters and digits is
// written in s with only a few spaces, slashes, dashes and dots between
// them ("12/34567/26", "12 34567 26"), not spread over a sentence.
func refSeparators(s string, n int) bool {
	if len(s) > 2*n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isASCIIAlnum(c) && !strings.ContainsRune(" /-.", rune(c)) {
			return false
		}
	}
	return !strings.Contains(s, "  ")
}

// references flags what is written as a police reference: after "crime
// number", "incident no.", "ref:", "URN" and the like, a run of letters,
// digits, slashes and dashes with a digit in it; and, alone, the
// "12/34567/26" shape of crime numbers (which no date has).
func (fc *fieldCheck) references() {
	t := fc.text
	n := len(fc.toks)
	for i := range fc.toks {
		r := fc.roles[i]
		j := -1
		switch {
		case r&roleRefHead != 0 && i+1 < n && fc.roles[i+1]&roleRefWord != 0 && fc.gapOf(i+1, ".", 1):
			j = i + 2
		case r&roleRefAlone != 0:
			j = i + 1
		default:
			continue
		}
		if j < n && fc.roles[j]&roleRefWord != 0 && fc.gapOf(j, ".:", 2) {
			j++ // "reference number", "ref no."
		}
		if j >= n || !fc.gapOf(j, ".:#-", 3) {
			continue
		}
		start := fc.toks[j].start
		end := start
		for end < len(t) && (isASCIIAlnum(t[end]) || t[end] == '/' || t[end] == '-') {
			end++
		}
		for end > start && (t[end-1] == '/' || t[end-1] == '-') {
			end--
		}
		v := t[start:end]
		u := upperAlnum(v)
		if !strings.ContainsAny(v, "0123456789") || len(u) < 4 || fc.p.allowedPlates[u] {
			continue
		}
		fc.add(KindReference, start, end, rankReference, msgReference)
	}
	if strings.IndexByte(t, '/') < 0 {
		return
	}
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) || (i > 0 && (isASCIIAlnum(t[i-1]) || t[i-1] == '/')) {
			continue
		}
		if end, ok := slashReference(t, i); ok {
			fc.add(KindReference, i, end, rankReference, msgReference)
			i = end
		}
	}
}

// slashReference reports whether a crime number such as "12/34567/26" (1 to
// 4 digits, 4 to 7, 2 to 4) starts at t[i], and where it ends.
func slashReference(t string, i int) (end int, ok bool) {
	j := i
	var lens [3]int
	for part := range lens {
		s := j
		for j < len(t) && isDigit(t[j]) {
			j++
		}
		lens[part] = j - s
		if part < 2 {
			if j >= len(t) || t[j] != '/' {
				return 0, false
			}
			j++
		}
	}
	if lens[0] < 1 || lens[0] > 4 || lens[1] < 4 || lens[1] > 7 || lens[2] < 2 || lens[2] > 4 {
		return 0, false
	}
	if j < len(t) && (isASCIIAlnum(t[j]) || t[j] == '/') {
		return 0, false
	}
	return j, true
}

// reportText flags runs of copiedWords or more words copied from the
// reporters' accounts, whatever the case and punctuation.
func (fc *fieldCheck) reportText() {
	if len(fc.p.shingles) == 0 {
		return
	}
	ws := appendWords(fc.words[:0], fc.folded)
	fc.words = ws
	first, last := -1, -1 // the words of the current run
	flush := func() {
		if first >= 0 {
			fc.add(KindReportText, int(fc.off[ws[first].start]), int(fc.off[ws[last].end]), rankReportText, msgReportText)
		}
	}
	for i := 0; i+copiedWords <= len(ws); i++ {
		if _, ok := fc.p.shingles[shingleHash(ws[i:i+copiedWords])]; !ok {
			continue
		}
		if first < 0 || i > last+1 {
			flush()
			first = i
		}
		last = i + copiedWords - 1
	}
	flush()
}
