package identifier

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind names a kind of identifier. The strings are those of vault.Kind, so a
// Kind converts to the blind-index kind of the same name.
type Kind string

// The kinds Normalise knows. (Members' sign-in usernames are case-sensitive
// and not typed by third parties, so they are not normalised here: the
// reports API's "username", a website or app username, is KindHandle.)
const (
	KindPhone  Kind = "phone"
	KindEmail  Kind = "email"
	KindPlate  Kind = "plate"
	KindHandle Kind = "handle"
	KindName   Kind = "name" // names and aliases offenders use
)

// ParseKind returns the Kind a word names: one of the Kinds, or a word of
// the reports API, which calls a vehicle registration "vehicle" (KindPlate)
// and a website or app username "username" (KindHandle). Any other word,
// in any other case, is an error.
//
// Index a value under the Kind ParseKind returns, never under the word:
// the blind-index kind "username" is members' sign-in usernames, not
// KindHandle.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindPhone, KindEmail, KindPlate, KindHandle, KindName:
		return k, nil
	case "vehicle":
		return KindPlate, nil
	case "username":
		return KindHandle, nil
	}
	return "", fmt.Errorf("identifier: unknown kind %q", s)
}

// DefaultRegion is the region whose numbering plan reads phone numbers
// written without a country code, when the caller names none.
const DefaultRegion = "GB"

// Result is what Normalise makes of an input. Value is what to index, unless
// Partial is true: then the input was evidently incomplete and Value is the
// input trimmed, kept as given, to show to people but never to index.
type Result struct {
	Value   string
	Partial bool
}

// Problem is an error in what someone typed; its text is written for that
// person, to show beside the field.
type Problem string

func (p Problem) Error() string { return string(p) }

// The problems this package finds.
const (
	ErrEmpty        Problem = "Fill this in."
	ErrPhone        Problem = "That does not look like a phone number: check the digits."
	ErrPhoneLetters Problem = "A phone number has only digits, and perhaps a + at the start: check for a letter O typed instead of a zero."
	ErrNotMobile    Problem = "That is not a mobile number: give a mobile number that can receive texts."
	ErrEmail        Problem = "That does not look like an email address: write it like name@example.org, with no spaces."
	ErrEmailName    Problem = "Give just the email address, like name@example.org, without a name, quotes or brackets."
	ErrPlate        Problem = "A vehicle registration has only letters and numbers: check it."
	ErrDomain       Problem = "That does not look like a website address: write it like example.org."
)

// Normalise returns the form of input to index for kind k, reading phone
// numbers without a country code as in DefaultRegion. k may also be a word
// ParseKind knows ("vehicle", "username"). See the package documentation
// for when a result is Partial; a name never is.
func Normalise(k Kind, input string) (Result, error) {
	return NormaliseIn(k, input, DefaultRegion)
}

// NormaliseIn is Normalise for a scheme whose phone numbers without a
// country code belong to region (an ISO 3166 code such as "GB" or "IE").
func NormaliseIn(k Kind, input, region string) (Result, error) {
	k, err := ParseKind(string(k))
	if err != nil {
		return Result{}, err
	}
	// A partial value is shown and stored as typed, so it must be text.
	s := strings.TrimSpace(strings.ToValidUTF8(input, "\uFFFD"))
	if s == "" {
		return Result{}, ErrEmpty
	}
	partial := Result{Value: s, Partial: true}
	switch k {
	case KindPhone:
		return normalisePhone(s, region)
	case KindEmail:
		at := strings.LastIndexByte(s, '@')
		if at < 0 {
			return Result{}, ErrEmail
		}
		if at > 0 && (at == len(s)-1 || endsWithEllipsis(s)) {
			return partial, nil
		}
		v, err := EmailAddress(s)
		return Result{Value: v}, err
	case KindPlate:
		if endsWithEllipsis(s) || strings.ContainsAny(s, placeholders) {
			return partial, nil
		}
		v := Plate(s)
		if v == "" || strings.ContainsFunc(v, notLetterOrDigit) {
			return Result{}, ErrPlate
		}
		if utf8.RuneCountInString(v) < 5 {
			return partial, nil
		}
		return Result{Value: v}, nil
	case KindName:
		v := NameValue(s)
		if v == "" {
			return Result{}, ErrEmpty
		}
		return Result{Value: v}, nil
	default: // KindHandle, the kind left
		v := HandleValue(s)
		// NFKC makes "…" and "．．．" "...".
		if endsWithEllipsis(s) || endsWithEllipsis(v) {
			return partial, nil
		}
		if v == "" {
			return Result{}, ErrEmpty
		}
		return Result{Value: v}, nil
	}
}

// placeholders stand for characters a reporter does not know ("07700 900xxx"
// also uses x, which only phone numbers can take as a placeholder).
const placeholders = "?*_"

func endsWithEllipsis(s string) bool {
	return strings.HasSuffix(s, "…") || strings.HasSuffix(s, "...")
}

func notLetterOrDigit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
