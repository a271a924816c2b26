package identifier

import (
	"net"
	"net/mail"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// EmailAddress returns input as one bare email address, trimmed, in Unicode
// NFC and lower case throughout. The error is ErrEmpty, ErrEmailName (a
// display name, quotes or brackets) or ErrEmail.
func EmailAddress(input string) (string, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", ErrEmpty
	}
	if strings.ContainsAny(s, `<>"`) {
		return "", ErrEmailName
	}
	// Invalid UTF-8 would become U+FFFD: a character of no real address.
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) ||
		strings.ContainsFunc(s, unicode.IsSpace) || len(s) > 254 {
		return "", ErrEmail
	}
	s = lowerNFC(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", ErrEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at > 64 || !hostname(s[at+1:]) {
		return "", ErrEmail
	}
	return s, nil
}

// Domain returns the host of a website given as a URL or a bare host name,
// lower case, without its port or the "www." in front:
// "https://www.Example.org/about" → "example.org". It knows no public
// suffix list, so "shop.example.org" stays as it is. The error is ErrEmpty
// or ErrDomain (which includes IP addresses and schemes other than http and
// https).
func Domain(rawURLOrHost string) (string, error) {
	s := strings.TrimSpace(rawURLOrHost)
	if s == "" {
		return "", ErrEmpty
	}
	if !strings.Contains(s, "://") {
		s = "http://" + strings.TrimPrefix(s, "//")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return "", ErrDomain
	}
	host := strings.TrimSuffix(lowerNFC(u.Hostname()), ".")
	if net.ParseIP(host) != nil || !hostname(host) {
		return "", ErrDomain
	}
	// All of them, so that Domain of a Domain is itself.
	for {
		rest, ok := strings.CutPrefix(host, "www.")
		if !ok || !strings.Contains(rest, ".") {
			return host, nil
		}
		host = rest
	}
}

// EmailOnDomain reports whether email is an address at domain or at one of
// its subdomains: "info@example.org" and "jo@mail.example.org" are on
// "example.org"; "jo@example.org.evil.example" and "jo@notexample.org" are
// not. domain is read as Domain reads it; anything unreadable is not a match.
func EmailOnDomain(email, domain string) bool {
	e, err := EmailAddress(email)
	if err != nil {
		return false
	}
	d, err := Domain(domain)
	if err != nil {
		return false
	}
	host := e[strings.LastIndexByte(e, '@')+1:]
	return host == d || strings.HasSuffix(host, "."+d)
}

// hostname reports whether h is a host name with at least two labels, each
// of letters (with their marks), digits and inner hyphens, the last with a
// letter in it (so no IP address passes).
func hostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return false
			}
		}
	}
	return strings.ContainsFunc(labels[len(labels)-1], unicode.IsLetter)
}

// lowerNFC returns s in lower case and Unicode NFC. NFC comes last as well
// as first: a lower-case letter and a mark can compose where the capital
// and the mark do not ("T\u0308" is NFC, but "t\u0308" is "ẗ").
func lowerNFC(s string) string {
	return norm.NFC.String(strings.ToLower(norm.NFC.String(s)))
}
