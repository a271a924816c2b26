package identifier

import (
	"errors"
	"strings"
	"testing"
)

func TestEmailAddress_TrimsAndLowerCasesTheWholeAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"jo@example.org", "jo@example.org"},
		{"  Jo@Example.ORG \n", "jo@example.org"},
		{"JO.SMITH@EXAMPLE.COM", "jo.smith@example.com"},
		{"jo+work@example.org", "jo+work@example.org"}, // plus-addressing kept
		{"Jo+Work@Example.org", "jo+work@example.org"},
		{"jo_x-1@mail.example.co.uk", "jo_x-1@mail.example.co.uk"},
		{"jo@Bücher.example", "jo@bücher.example"},
		{"jo@bu\u0308cher.example", "jo@bücher.example"}, // decomposed ü becomes one rune (NFC)
		{"JÖ@example.org", "jö@example.org"},
		{"jo@xn--bcher-kva.example", "jo@xn--bcher-kva.example"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := EmailAddress(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("EmailAddress(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestEmailAddress_RefusesAnythingButOneBareAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", ErrEmpty},
		{" ", ErrEmpty},
		{"Jo Smith <jo@example.org>", ErrEmailName},
		{"<jo@example.org>", ErrEmailName},
		{`"Jo Smith" <jo@example.org>`, ErrEmailName},
		{`"jo"@example.org`, ErrEmailName},
		{"jo@example.org (Jo)", ErrEmail},
		{"jo(Jo)@example.org", ErrEmail},
		{"jo smith@example.org", ErrEmail},
		{"jo@example .org", ErrEmail},
		{"jo@example.org, al@example.org", ErrEmail},
		{"jo.example.org", ErrEmail},
		{"jo@", ErrEmail},
		{"@example.org", ErrEmail},
		{"jo@@example.org", ErrEmail},
		{"jo@example", ErrEmail},
		{"jo@localhost", ErrEmail},
		{"jo@.example.org", ErrEmail},
		{"jo@example..org", ErrEmail},
		{"jo@example.org.", ErrEmail},
		{"jo@-example.org", ErrEmail},
		{"jo@example-.org", ErrEmail},
		{"jo@exa_mple.org", ErrEmail},
		{"jo@[192.0.2.1]", ErrEmail},
		{"jo@192.0.2.1", ErrEmail},
		{"jo.@example.org", ErrEmail},
		{"jo\xffx@example.org", ErrEmail}, // not UTF-8
		{"jo\ufffdx@example.org", ErrEmail},
		{strings.Repeat("j", 65) + "@example.org", ErrEmail},
		{"jo@" + strings.Repeat("a", 64) + ".example.org", ErrEmail},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := EmailAddress(tc.in)
			if !errors.Is(err, tc.want) {
				t.Errorf("EmailAddress(%q) = %q, %v; want error %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestNormalise_Email(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     Result
		err      error
	}{
		{"lower-cases", " Jo@Example.org", Result{Value: "jo@example.org"}, nil},
		{"no domain is partial", " jo@ ", Result{Value: "jo@", Partial: true}, nil},
		{"an ellipsis is partial", "jo.smith@exam…", Result{Value: "jo.smith@exam…", Partial: true}, nil},
		{"three dots are partial", "jo.smith@exam...", Result{Value: "jo.smith@exam...", Partial: true}, nil},
		{"no @ is an error", "jo.example.org", Result{}, ErrEmail},
		{"no @ with an ellipsis is an error", "jo.smith…", Result{}, ErrEmail},
		{"a lone @ is an error", "@", Result{}, ErrEmail},
		{"no dot in the domain is an error", "jo@example", Result{}, ErrEmail},
		{"a display name is an error", "Jo <jo@example.org>", Result{}, ErrEmailName},
		{"empty is an error", "", Result{}, ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalise(KindEmail, tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Normalise(email, %q) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestDomain_KeepsTheHostOfAWebsite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://www.Example.org/about", "example.org"},
		{"http://example.org", "example.org"},
		{"HTTPS://EXAMPLE.ORG/", "example.org"},
		{"example.org", "example.org"},
		{"www.example.org", "example.org"},
		{"  www.example.org/contact?x=1#top ", "example.org"},
		{"example.org:8080", "example.org"},
		{"https://www.example.org:443/", "example.org"},
		{"//example.org/path", "example.org"},
		{"https://example.org.", "example.org"},
		{"https://shop.example.org", "shop.example.org"},
		{"https://www.shop.example.co.uk", "shop.example.co.uk"},
		{"https://wwwexample.org", "wwwexample.org"},
		{"https://www.www.example.org", "example.org"}, // Domain of a Domain is itself
		{"https://www.org", "www.org"},                 // "www." is the name itself here
		{"https://Bücher.example", "bücher.example"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Domain(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("Domain(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestDomain_RefusesWhatIsNotAWebsite(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", ErrEmpty},
		{"example", ErrDomain},
		{"localhost", ErrDomain},
		{"https://", ErrDomain},
		{"ftp://example.org", ErrDomain},
		{"mailto:jo@example.org", ErrDomain},
		{"jo@example.org", ErrDomain},
		{"https://jo:secret@example.org", ErrDomain},
		{"https://192.0.2.1/", ErrDomain},
		{"192.0.2.1", ErrDomain},
		{"https://[2001:db8::1]/", ErrDomain},
		{"exa mple.org", ErrDomain},
		{"https://example..org", ErrDomain},
		{"https://-example.org", ErrDomain},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Domain(tc.in)
			if !errors.Is(err, tc.want) {
				t.Errorf("Domain(%q) = %q, %v; want error %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestEmailOnDomain_AcceptsTheDomainAndItsSubdomainsOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		email, domain string
		want          bool
	}{
		{"info@example.org", "example.org", true},
		{"Info@Example.ORG", "example.org", true},
		{"jo@mail.example.org", "example.org", true},
		{"jo@a.b.example.org", "example.org", true},
		{"info@example.org", "https://www.example.org/about", true},
		{"info@example.org", "EXAMPLE.ORG", true},
		{"info@example.org.evil.example", "example.org", false}, // lookalike
		{"info@notexample.org", "example.org", false},
		{"info@example.org", "shop.example.org", false}, // the parent of the website's host
		{"info@example.com", "example.org", false},
		{"info@example.org", "org", false},     // not a website
		{"info@example.org", "", false},        // no website
		{"not an email", "example.org", false}, // not an address
		{"Jo <info@example.org>", "example.org", false},
		{"example.org", "example.org", false},
	} {
		t.Run(tc.email+" on "+tc.domain, func(t *testing.T) {
			t.Parallel()
			if got := EmailOnDomain(tc.email, tc.domain); got != tc.want {
				t.Errorf("EmailOnDomain(%q, %q) = %v, want %v", tc.email, tc.domain, got, tc.want)
			}
		})
	}
}
