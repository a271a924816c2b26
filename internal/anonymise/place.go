package anonymise

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// addresses flags street addresses ("12 Station Road", "14a High St") and
// flat, room and unit numbers ("Flat 3", "Room 214").
func (fc *fieldCheck) addresses() {
	for i := range fc.toks {
		if fc.roles[i]&roleFlat != 0 {
			fc.flat(i)
		}
		if houseNumber(fc.tok(i)) {
			fc.street(i)
		}
	}
}

// flat flags "Flat 3", "room no. 214", "Unit 4B" at token i.
func (fc *fieldCheck) flat(i int) {
	j := i + 1
	if fc.is(j, "no|number|num|nr") && fc.gapOf(j, ".", 1) {
		j++
	}
	if j >= len(fc.toks) || !fc.gapOf(j, ".#:", 2) || !houseNumber(fc.tok(j)) || strings.Contains(fc.tok(j), "-") {
		return
	}
	if j+1 < len(fc.toks) && fc.roles[j+1]&roleUnit != 0 && fc.spaced(j+1) {
		return // "a flat 3 miles away"
	}
	fc.add(KindAddress, fc.toks[i].start, fc.toks[j].end, rankAddress, msgFlat)
}

// houseNumber reports whether w is a house number: 1 to 4 digits, not
// starting with 0, and perhaps a letter ("14a") or a range ("12-14").
func houseNumber(w string) bool {
	a, b, isRange := strings.Cut(w, "-")
	if isRange {
		return digitsOnly(a) && digitsOnly(b)
	}
	if n := len(w); n > 1 && isLetterByte(w[n-1]) {
		w = w[:n-1]
	}
	return digitsOnly(w)
}

func digitsOnly(w string) bool {
	if w == "" || len(w) > 4 || w[0] == '0' {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return true
}

func isLetterByte(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// street flags a house number at token i followed by capitalised words that
// end in a street word: "12 Station Road", "3 St Mary's Close", "7 Church
// lane". The longest such run wins: "12 Park Road", not "12 Park".
func (fc *fieldCheck) street(i int) {
	if s := fc.toks[i].start; s > 0 {
		if r, _ := utf8.DecodeLastRuneInString(fc.text[:s]); strings.ContainsRune("£$€:./,#", r) {
			return // a price, a time, a reference
		}
	}
	last := -1
	for k := i + 1; k < len(fc.toks) && k <= i+5 && fc.spaced(k); k++ {
		w := fc.tok(k)
		if !capitalised(w) {
			if k > i+1 && last < 0 && fc.roles[k]&roleStreet != 0 {
				last = k // "7 Church lane"
			}
			break
		}
		if fc.roles[k]&roleStop != 0 {
			break
		}
		if k > i+1 && fc.roles[k]&roleStreet != 0 {
			last = k
		}
	}
	if last > 0 {
		fc.add(KindAddress, fc.toks[i].start, fc.toks[last].end, rankAddress, msgAddress)
	}
}

// postcodeAreas are the UK postcode areas of two letters. Areas of one
// letter (B, E, G, L, M, N, S, W) count only in a full postcode: alone, "M6"
// and "B4" are more often a motorway or a road than a district.
var postcodeAreas = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range strings.Fields(`AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT
		CV CW DA DD DE DG DH DL DN DT DY EC EH EN EX FK FY GL GU GY HA HD HG HP HR HS HU HX
		IG IM IP IV JE KA KT KW KY LA LD LE LL LN LS LU ME MK ML NE NG NN NP NR NW OL OX PA
		PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR
		TS TW UB WA WC WD WF WN WR WS WV YO ZE`) {
		m[a] = true
	}
	return m
}()

// postcodes flags full UK postcodes ("M1 1AE", "sw1a1aa"), Eircodes ("D02
// X285") and UK postcode districts written alone in capitals ("LS6"), but
// not the start of a registration ("AB12 CDE") nor an allowed one.
func (fc *fieldCheck) postcodes() {
	for i := 0; i < len(fc.toks); i++ {
		w := fc.tok(i)
		if len(w) < 2 || len(w) > 8 || !isLetterByte(w[0]) || !asciiAlnum(w) || !strings.ContainsAny(w, "0123456789") {
			continue
		}
		start, end := fc.toks[i].start, fc.toks[i].end
		var next string
		if i+1 < len(fc.toks) && fc.spaced(i+1) {
			next = fc.tok(i + 1)
		}
		msg := ""
		switch n := len(w); {
		case outward(w) && inward(next):
			msg, end = msgPostcode, fc.toks[i+1].end
		case eircodeRouting(w) && eircodeUnique(next):
			msg, end = msgEircode, fc.toks[i+1].end
		case n >= 5 && n <= 7 && outward(w[:n-3]) && inward(w[n-3:]):
			msg = msgPostcode
		case n == 7 && eircodeRouting(w[:3]) && eircodeUnique(w[3:]):
			msg = msgEircode
		case n <= 4 && outward(w) && !strings.ContainsFunc(w, unicode.IsLower) && postcodeAreas[w[:2]] &&
			(len(next) != 3 || !asciiAlnum(next)):
			msg = msgDistrict
		}
		if msg == "" || fc.p.allowedPlates[upperAlnum(fc.text[start:end])] {
			continue
		}
		fc.add(KindPostcode, start, end, rankPostcode, msg)
		if end > fc.toks[i].end {
			i++
		}
	}
}

func asciiAlnum(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isASCIIAlnum(w[i]) {
			return false
		}
	}
	return true
}

// outward reports whether w, in any case, is the outward code of a UK
// postcode: an area (B, or one of postcodeAreas), a district of 1 or 2
// digits, and perhaps a letter after a single digit ("SW1A").
func outward(w string) bool {
	n := 0
	for n < len(w) && n < 2 && isLetterByte(w[n]) {
		n++
	}
	switch {
	case n == 1 && strings.IndexByte("BEGLMNSW", upper(w[0])) < 0,
		n == 2 && !postcodeAreas[string([]byte{upper(w[0]), upper(w[1])})],
		n == 0:
		return false
	}
	rest := w[n:]
	switch len(rest) {
	case 1:
		return isDigit(rest[0])
	case 2:
		return isDigit(rest[0]) && (isDigit(rest[1]) || isLetterByte(rest[1]))
	}
	return false
}

// upper returns an ASCII letter in upper case, and any other byte as it is.
func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// inward reports whether w is the inward code of a UK postcode: a digit and
// two letters other than C, I, K, M, O and V (so "2pm" is not one). Written
// in lower case, an ordinal ("5th", "2nd") is not one either.
func inward(w string) bool {
	if len(w) != 3 || !isDigit(w[0]) {
		return false
	}
	switch w[1:] {
	case "st", "nd", "rd", "th":
		return false
	}
	for _, c := range []byte(w[1:]) {
		if !isLetterByte(c) || strings.IndexByte("CIKMOV", upper(c)) >= 0 {
			return false
		}
	}
	return true
}

// eircodeLetters are the letters Eircodes are made of.
const eircodeLetters = "ACDEFHKNPRTVWXY"

// eircodeRouting reports whether w is the routing key of an Eircode: a
// letter and two digits ("D02"), or D6W.
func eircodeRouting(w string) bool {
	if len(w) != 3 {
		return false
	}
	if strings.EqualFold(w, "D6W") {
		return true
	}
	return strings.IndexByte(eircodeLetters, upper(w[0])) >= 0 && isDigit(w[1]) && isDigit(w[2])
}

// eircodeUnique reports whether w is the unique identifier of an Eircode:
// four of its letters and digits, with a digit, or written in capitals
// ("X285", "AFTK"), so that "N11 near" is not one.
func eircodeUnique(w string) bool {
	if len(w) != 4 {
		return false
	}
	digit := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case isDigit(c):
			digit = true
		case isLetterByte(c) && strings.IndexByte(eircodeLetters, upper(c)) >= 0:
		default:
			return false
		}
	}
	return digit || !strings.ContainsFunc(w, unicode.IsLower)
}

// venues flags the names of venues: capitalised words before or after a
// venue word ("The Grand Hotel", "Hotel Splendide", "Angels Massage
// Parlour"), and hotel chains alone ("Travelodge"). A venue word in lower
// case ("a hotel in Leeds") or alone ("Hotel staff said") is no name.
func (fc *fieldCheck) venues() {
	for i := range fc.toks {
		r := fc.roles[i]
		if r&roleVenue == 0 || !capitalised(fc.tok(i)) {
			continue
		}
		start, end := fc.toks[i].start, fc.toks[i].end
		k := i - 1
		if fc.is(i, "house") {
			// Only in "… Guest House".
			if !fc.is(k, "guest") || !fc.spaced(i) || !capitalised(fc.tok(k)) {
				continue
			}
			start = fc.toks[k].start
			k--
		}
		names := 0
		for k >= 0 && k >= i-5 && fc.gapOf(k+1, "&", 1) {
			switch {
			case fc.venueWord(k):
				start = fc.toks[k].start
				if fc.roles[k]&roleVenue == 0 && !fc.is(k, "the") {
					names++
				}
				k--
				continue
			case fc.roles[k]&roleConnector != 0 && !capitalised(fc.tok(k)) && k > 0 && fc.venueWord(k-1) && fc.spaced(k):
				k-- // "House of Bliss Sauna"
				continue
			}
			break
		}
		for k = i + 1; k < len(fc.toks) && k <= i+3 && fc.spaced(k) && fc.venueWord(k) && fc.roles[k]&roleStreet == 0; k++ {
			end = fc.toks[k].end
			if fc.roles[k]&roleVenue == 0 {
				names++
			}
		}
		if names > 0 || r&roleChain != 0 {
			fc.add(KindVenue, start, end, rankVenue, msgVenue)
		}
	}
}

// venueWord reports whether token k can be part of a venue's name: a
// capitalised word that is not a word such as "In" or "He".
func (fc *fieldCheck) venueWord(k int) bool {
	return capitalised(fc.tok(k)) && fc.roles[k]&roleStop == 0
}
