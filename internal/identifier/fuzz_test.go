package identifier

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets check what every normaliser promises, whatever it is
// given: it does not panic; a success is a non-empty string of valid UTF-8;
// normalising that again gives it back unchanged (the blind index of a value
// must not depend on how often it was normalised); and a failure is a
// Problem, for the person who typed the input, when the caller made no
// mistake. Run one for a while with, for example,
//
//	go test -run='^$' -fuzz='^FuzzPhone$' -fuzztime=20s ./internal/identifier/
//
// Inputs that once failed are kept in testdata/fuzz and run with every
// go test.

// seeds are what people type into the identifier fields, of every kind, so
// that each target starts from realistic inputs of its own kind and others'.
// All of it is fictional: Ofcom's drama numbers, example.org and example.com.
var seeds = []string{
	// UK mobiles, however written.
	"07700 900123", "07700900123", "07700-900-123", "07700 900 123",
	"(07700) 900123", "07700.900.123", "07700/900123", "  07700 900123\t",
	"+44 (0)7700 900123", "+44 (0) 7700 900 123", "+44 7700 900123",
	"+447700900123", "+44-7700-900-123", "+4407700900123",
	"0044 7700 900123", "00447700900123", "447700900123", "44 7700 900123",
	"7700 900123", "7700900123", "０７７００ ９００１２３", "+44 7700\u00a0900123",
	"07700–900–123", "＋44 7700 900123", "+44 ７７００ 900123",
	// UK landlines and other ranges.
	"0113 496 0123", "(0113) 496 0999", "+44 113 496 0000", "0113-496-0500",
	"020 7946 0123", "01632 960123", "+44 1632 960123", "0808 157 0123",
	"03069 990123",
	// Irish and other international numbers.
	"+353 85 123 4567", "00353 85 123 4567", "353851234567",
	"085 123 4567", "(085) 123-4567", "+353 (0)85 123 4567", "01 234 5678",
	"+1 202 555 0123", "202-555-0123",
	// Partial and mistaken numbers.
	"07700 90…", "07700 90...", "07700 900xxx", "07700 900XXX", "07700 9001??",
	"07700 900 1**", "07700 900 12_", "+44 7700 9001…", "07700 9001",
	"077009001", "+4", "0", "+", "++447700900123", "07700 +900123",
	"07700 9OO123", "07700 900123 ext 12", "0800 FLOWERS", "07700 9001234",
	"0770090012", "00000 000000", "+999 1234 5678", "4477009001239", "xxx",
	"…", "...", "07700#900…",
	// Email addresses.
	"jo@example.org", "  Jo@Example.ORG \n", "JO.SMITH@EXAMPLE.COM",
	"jo+work@example.org", "Jo+Work@Example.org", "jo_x-1@mail.example.co.uk",
	"jo@Bücher.example", "jo@bu\u0308cher.example", "JÖ@example.org",
	"jo@xn--bcher-kva.example", "jo@", "jo.smith@exam…", "jo.smith@exam...",
	"Jo Smith <jo@example.org>", `"jo"@example.org`, "jo smith@example.org",
	"jo@example", "jo@@example.org", "@example.org", "jo@example.org.",
	"jo@[192.0.2.1]", "jo@example.org (Jo)", "jo.@example.org",
	"jo@example.org, al@example.org", "ＪＯ＠ＥＸＡＭＰＬＥ．ＯＲＧ",
	// Websites.
	"https://www.Example.org/about", "http://example.org", "www.example.org",
	"example.org:8080", "//example.org/path", "https://example.org.",
	"https://www.shop.example.co.uk", "https://www.org", "ftp://example.org",
	"https://jo:secret@example.org", "https://[2001:db8::1]/", "192.0.2.1",
	"https://www.www.example.com", "HTTPS://EXAMPLE.COM/?q=1#top",
	// Vehicle registrations.
	"AB12 CDE", "ab12 cde", "ab12-cde", "AB12CDE", " ab12 cde ", "a.b.1.2. c.d.e",
	"AB12\u00a0CDE", "12-D-3456", "12 – D – 3456", "131-D-12345", "ＡＢ１２ ＣＤＥ",
	"AB12", "AB12 C…", "AB12 CD...", "AB12 C??", "AB** CDE", "AB12#CDE", "- -",
	// Handles.
	"@Jo_X", "jo_x", "  @JO_X  ", "@@jo", "@ jo", "ｊｏ＿ｘ", "＠jo_x", "Straße",
	"ΣΟΦΙΑ", "Jo.Smith99", "@jo_sm…", "@", "@jo..", "¨jo", "u/Jo_X",
	// Names.
	"Jo Smith", "  jo   SMITH ", `"Big Jo"`, "'Jo'", "“Jo Smith”", "‘Jo’",
	"«Jo»", `""Jo""`, `" Jo "`, "Seán Ó Briain", "O'Brien", "Jo-Anne Smith",
	"ＪＯ ＳＭＩＴＨ", "Jo\u00a0Smith", "Jo\tSmith\n", "Zoë", "Zoe\u0308",
	"José Ñúñez", "Σοφία", "Jo \u200bSmith",
	// Oddities.
	"", " ", "\x00", "\xff", "jo\xffx@example.org", "07700\xff900123", "\u2028",
	"\ufeffjo", "a\u0301", "İstanbul", "ǅ", "ﬀ",
}

// regions are the default regions the phone targets read numbers in.
var regions = []string{"GB", "IE", "US", ""}

func addSeeds(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
}

func addSeedsByte(f *testing.F) {
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
}

// checkValue checks a successful output: non-empty, valid UTF-8.
func checkValue(t *testing.T, what, in, out string) {
	t.Helper()
	if out == "" {
		t.Errorf("%s(%q) succeeded with an empty value", what, in)
	}
	if !utf8.ValidString(out) {
		t.Errorf("%s(%q) = %q, not valid UTF-8", what, in, out)
	}
}

// checkProblem checks a failure: no value, and the error is a Problem.
func checkProblem(t *testing.T, what, in, out string, err error) {
	t.Helper()
	if out != "" {
		t.Errorf("%s(%q) = %q with error %v; want no value", what, in, out, err)
	}
	var p Problem
	if !errors.As(err, &p) {
		t.Errorf("%s(%q): error %v is not a Problem", what, in, err)
	}
}

// checkE164 checks that out is a + and digits only.
func checkE164(t *testing.T, what, in, out string) {
	t.Helper()
	digits, ok := strings.CutPrefix(out, "+")
	if !ok || digits == "" || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) {
		t.Errorf("%s(%q) = %q, not + and digits", what, in, out)
	}
}

func FuzzPhone(f *testing.F) {
	addSeedsByte(f)
	f.Fuzz(func(t *testing.T, r uint8, in string) {
		region := regions[int(r)%len(regions)]
		out, err := Phone(in, region)
		if err != nil {
			checkProblem(t, "Phone", in, out, err)
			return
		}
		checkValue(t, "Phone", in, out)
		checkE164(t, "Phone", in, out)
		if again, err := Phone(out, region); again != out || err != nil {
			t.Errorf("Phone(%q, %q) = %q, but Phone(%q) = %q, %v", in, region, out, out, again, err)
		}
	})
}

func FuzzMobilePhone(f *testing.F) {
	addSeedsByte(f)
	f.Fuzz(func(t *testing.T, r uint8, in string) {
		region := regions[int(r)%len(regions)]
		out, err := MobilePhone(in, region)
		if err != nil {
			checkProblem(t, "MobilePhone", in, out, err)
			return
		}
		checkValue(t, "MobilePhone", in, out)
		checkE164(t, "MobilePhone", in, out)
		if again, err := MobilePhone(out, region); again != out || err != nil {
			t.Errorf("MobilePhone(%q, %q) = %q, but MobilePhone(%q) = %q, %v", in, region, out, out, again, err)
		}
		if all, err := Phone(in, region); all != out || err != nil {
			t.Errorf("MobilePhone(%q, %q) = %q, but Phone = %q, %v", in, region, out, all, err)
		}
	})
}

func FuzzEmailAddress(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		out, err := EmailAddress(in)
		if err != nil {
			checkProblem(t, "EmailAddress", in, out, err)
			return
		}
		checkValue(t, "EmailAddress", in, out)
		if again, err := EmailAddress(out); again != out || err != nil {
			t.Errorf("EmailAddress(%q) = %q, but EmailAddress(%q) = %q, %v", in, out, out, again, err)
		}
		if strings.Count(out, "@") != 1 || strings.ToLower(out) != out {
			t.Errorf("EmailAddress(%q) = %q, not one lower-case address", in, out)
		}
	})
}

func FuzzDomain(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Domain(in)
		if err != nil {
			checkProblem(t, "Domain", in, out, err)
			return
		}
		checkValue(t, "Domain", in, out)
		if again, err := Domain(out); again != out || err != nil {
			t.Errorf("Domain(%q) = %q, but Domain(%q) = %q, %v", in, out, out, again, err)
		}
		// An address at the website's own host is on its domain.
		if e, err := EmailAddress("info@" + out); err == nil && !EmailOnDomain(e, in) {
			t.Errorf("EmailOnDomain(%q, %q) = false; Domain is %q", e, in, out)
		}
	})
}

func FuzzPlate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		out := Plate(in)
		if !utf8.ValidString(out) {
			t.Errorf("Plate(%q) = %q, not valid UTF-8", in, out)
		}
		if again := Plate(out); again != out {
			t.Errorf("Plate(%q) = %q, but Plate(%q) = %q", in, out, out, again)
		}
	})
}

func FuzzHandleValue(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		out := HandleValue(in)
		if !utf8.ValidString(out) {
			t.Errorf("HandleValue(%q) = %q, not valid UTF-8", in, out)
		}
		if again := HandleValue(out); again != out {
			t.Errorf("HandleValue(%q) = %q, but HandleValue(%q) = %q", in, out, out, again)
		}
	})
}

func FuzzNameValue(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in string) {
		out := NameValue(in)
		if !utf8.ValidString(out) {
			t.Errorf("NameValue(%q) = %q, not valid UTF-8", in, out)
		}
		if again := NameValue(out); again != out {
			t.Errorf("NameValue(%q) = %q, but NameValue(%q) = %q", in, out, out, again)
		}
		if out != strings.Join(strings.Fields(out), " ") {
			t.Errorf("NameValue(%q) = %q: untrimmed or uncollapsed spaces", in, out)
		}
	})
}

// kinds are every Kind Normalise knows, the API's aliases included.
var kinds = []Kind{KindPhone, KindEmail, KindPlate, KindHandle, KindName, "vehicle", "username"}

func FuzzNormalise(f *testing.F) {
	for i, s := range seeds {
		for k := range kinds {
			f.Add(uint8(k), uint8(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, k, r uint8, in string) {
		kind := kinds[int(k)%len(kinds)]
		region := regions[int(r)%len(regions)]
		what := "NormaliseIn(" + string(kind) + ", " + region + ")"
		got, err := NormaliseIn(kind, in, region)
		if err != nil {
			checkProblem(t, what, in, got.Value, err)
			if got != (Result{}) {
				t.Errorf("%s(%q) = %+v with error %v; want no result", what, in, got, err)
			}
			return
		}
		checkValue(t, what, in, got.Value)
		canon, perr := ParseKind(string(kind))
		if perr != nil {
			t.Fatalf("ParseKind(%q): %v", kind, perr)
		}
		if got.Partial {
			if canon == KindName {
				t.Errorf("%s(%q) = %+v: a name is never partial", what, in, got)
			}
			return
		}
		again, err := NormaliseIn(kind, got.Value, region)
		if again != got || err != nil {
			t.Errorf("%s(%q) = %+v, but again = %+v, %v", what, in, got, again, err)
		}
		// Normalise agrees with the normaliser of the kind.
		var want string
		switch canon {
		case KindPhone:
			want, err = Phone(in, region)
			checkE164(t, what, in, got.Value)
		case KindEmail:
			want, err = EmailAddress(in)
		case KindPlate:
			want = Plate(in)
		case KindHandle:
			want = HandleValue(in)
		case KindName:
			want = NameValue(in)
		}
		if want != got.Value || err != nil {
			t.Errorf("%s(%q) = %+v, but the %s normaliser gives %q, %v", what, in, got, canon, want, err)
		}
	})
}
