package identifier

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Phone returns input as an E.164 number ("+447700900123"), reading a number
// without a country code as in defaultRegion ("GB" if empty). The error is
// ErrEmpty, ErrPhoneLetters or ErrPhone, except for a region that does not
// exist, which is the caller's mistake.
func Phone(input, defaultRegion string) (string, error) {
	n, err := parsePhone(input, defaultRegion)
	if err != nil {
		return "", err
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// MobilePhone is Phone for a number that must receive texts: a mobile, or a
// number the numbering plan cannot tell from one (as in the USA). Otherwise
// the error is ErrNotMobile.
func MobilePhone(input, defaultRegion string) (string, error) {
	n, err := parsePhone(input, defaultRegion)
	if err != nil {
		return "", err
	}
	switch numberType(n) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return phonenumbers.Format(n, phonenumbers.E164), nil
	}
	return "", ErrNotMobile
}

func normalisePhone(s, region string) (Result, error) {
	partial := Result{Value: s, Partial: true}
	if endsWithEllipsis(s) || strings.ContainsAny(s, "xX"+placeholders) {
		rest := strings.TrimRight(s, ".…")
		rest = strings.Map(func(r rune) rune {
			if strings.ContainsRune("xX"+placeholders, r) {
				return -1
			}
			return r
		}, rest)
		c, err := cleanPhone(rest)
		if err != nil {
			return Result{}, err
		}
		if strings.TrimPrefix(c, "+") == "" {
			return Result{}, ErrPhone
		}
		return partial, nil
	}
	v, err := Phone(s, region)
	if err == ErrPhone {
		if c, cerr := cleanPhone(s); cerr == nil && tooShort(c, phoneRegion(region)) {
			return partial, nil
		}
	}
	return Result{Value: v}, err
}

func phoneRegion(r string) string {
	if r = strings.ToUpper(strings.TrimSpace(r)); r == "" {
		return DefaultRegion
	}
	return r
}

// parsePhone reads input as a valid phone number.
func parsePhone(input, region string) (*phonenumbers.PhoneNumber, error) {
	region = phoneRegion(region)
	if !phonenumbers.GetSupportedRegions()[region] {
		return nil, fmt.Errorf("identifier: unknown phone region %q", region)
	}
	s := strings.TrimSpace(input)
	if s == "" {
		return nil, ErrEmpty
	}
	c, err := cleanPhone(s)
	if err != nil {
		return nil, err
	}
	if strings.TrimPrefix(c, "+") == "" {
		return nil, ErrPhone
	}
	n, err := phonenumbers.Parse(c, region)
	if err == nil && valid(n) {
		return n, nil
	}
	// "447700900123": someone left out the + of an international number.
	// Read it so only when it is too long to be a national one, so that a
	// national number never turns into a foreign one. (libphonenumber itself
	// spots the default region's own country code, but not another's.)
	if err == nil && c[0] != '+' && c[0] != '0' &&
		phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.TOO_LONG {
		if n, err := phonenumbers.Parse("+"+c, region); err == nil && valid(n) {
			return n, nil
		}
	}
	return nil, ErrPhone
}

// cleanPhone keeps the digits of s, and a leading +, refusing anything but
// the separators people write numbers with.
func cleanPhone(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '+' || r == '＋':
			if b.Len() > 0 {
				return "", ErrPhone
			}
			b.WriteByte('+')
		case unicode.IsSpace(r) || strings.ContainsRune("-‐‑‒–—()[].·/", r):
		case unicode.IsLetter(r):
			return "", ErrPhoneLetters
		default:
			return "", ErrPhone
		}
	}
	c := b.String()
	if strings.HasPrefix(c, "+") {
		return "+" + phonenumbers.NormalizeDigitsOnly(c[1:]), nil
	}
	return phonenumbers.NormalizeDigitsOnly(c), nil
}

// fiction holds Ofcom's ranges reserved for drama, by E.164 prefix: 10
// national digits follow +44.
var fiction = map[string]phonenumbers.PhoneNumberType{
	"+447700900": phonenumbers.MOBILE,
	"+441632960": phonenumbers.FIXED_LINE,
}

func fictionType(n *phonenumbers.PhoneNumber) (phonenumbers.PhoneNumberType, bool) {
	e := phonenumbers.Format(n, phonenumbers.E164)
	if len(e) != len("+447700900123") {
		return 0, false
	}
	t, ok := fiction[e[:len("+447700900")]]
	return t, ok
}

func valid(n *phonenumbers.PhoneNumber) bool {
	_, ok := fictionType(n)
	return ok || phonenumbers.IsValidNumber(n)
}

func numberType(n *phonenumbers.PhoneNumber) phonenumbers.PhoneNumberType {
	if t, ok := fictionType(n); ok {
		return t
	}
	return phonenumbers.GetNumberType(n)
}

// tooShort reports whether the digits c (cleaned, perhaps with a leading +)
// fall evidently short of a full number: counted as dialled at home, trunk
// prefix included, they are fewer than the national significant digits of
// the region's example mobile number. That is fewer than 10 for GB (a full
// mobile, 07700 900123, has 11) and fewer than 9 for IE (085 123 4567 has
// 10), so one missing digit is a mistake to check and two are a partial
// number.
func tooShort(c, region string) bool {
	digits := strings.TrimPrefix(c, "+")
	if digits == "" {
		return false
	}
	n, err := phonenumbers.Parse(c, region)
	if err != nil {
		// Too little to parse at all ("+4", "0").
		return len(digits) < minDigits(region)
	}
	if phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.TOO_SHORT {
		return true
	}
	r := phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode()))
	trunk := phonenumbers.GetNddPrefixForRegion(r, true)
	// libphonenumber keeps the trunk prefix of numbers too short to parse.
	national := strings.TrimPrefix(phonenumbers.GetNationalSignificantNumber(n), trunk)
	return len(trunk)+len(national) < minDigits(r)
}

// minDigits is the number of national significant digits of the region's
// example mobile number.
func minDigits(region string) int {
	ex := phonenumbers.GetExampleNumberForType(region, phonenumbers.MOBILE)
	if ex == nil {
		return 7
	}
	return len(phonenumbers.GetNationalSignificantNumber(ex))
}

// PhoneForPeople writes an E.164 number the way people dial it at home
// ("0113 496 0123" for +441134960123), or in international form
// ("+353 85 123 4567") for another country's number; anything that does not
// parse comes back as given.
func PhoneForPeople(e164, homeRegion string) string {
	n, err := phonenumbers.Parse(e164, phoneRegion(homeRegion))
	if err != nil {
		return e164
	}
	if int(n.GetCountryCode()) == phonenumbers.GetCountryCodeForRegion(phoneRegion(homeRegion)) {
		return phonenumbers.Format(n, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// KnownPhoneRegion says whether code is a region (an upper-case ISO 3166
// code such as "GB" or "IE") whose numbering plan Phone can read numbers
// by.
func KnownPhoneRegion(code string) bool {
	return phonenumbers.GetSupportedRegions()[code]
}
