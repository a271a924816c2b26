package identifier

import (
	"errors"
	"testing"
)

func TestPhone_NormalisesUKMobileFormats(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"07700 900123",
		"07700900123",
		"07700-900-123",
		"07700 900 123",
		"(07700) 900123",
		"07700.900.123",
		"  07700 900123\t",
		"+44 (0)7700 900123",
		"+44 (0) 7700 900 123",
		"+44 7700 900123",
		"+447700900123",
		"+44-7700-900-123",
		"+4407700900123",
		"0044 7700 900123",
		"00447700900123",
		"447700900123",
		"44 7700 900123",
		"7700 900123",
		"０７７００ ９００１２３",         // full-width digits, as some phone keyboards send
		"+44 7700\u00a0900123", // a no-break space pasted from a web page
		"07700–900–123",        // en dashes from a word processor
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			got, err := Phone(in, "GB")
			if err != nil || got != "+447700900123" {
				t.Errorf("Phone(%q) = %q, %v; want +447700900123", in, got, err)
			}
		})
	}
}

func TestPhone_NormalisesUKLandlinesAndOtherRanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"020 7946 0123", "+442079460123"},
		{"(020) 7946 0123", "+442079460123"},
		{"+44 20 7946 0123", "+442079460123"},
		{"0113 496 0123", "+441134960123"},
		{"0121-496-0999", "+441214960999"},
		{"0161 496 0000", "+441614960000"},
		{"0191 498 0123", "+441914980123"},
		{"028 9649 6123", "+442896496123"},
		{"029 2018 0123", "+442920180123"},
		{"01632 960123", "+441632960123"},
		{"+44 1632 960123", "+441632960123"},
		{"0808 157 0123", "+448081570123"},
		{"03069 990123", "+443069990123"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Phone(tc.in, "GB")
			if err != nil || got != tc.want {
				t.Errorf("Phone(%q) = %q, %v; want %s", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestPhone_ReadsIrishAndOtherInternationalNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, region, want string }{
		{"+353 85 123 4567", "GB", "+353851234567"},
		{"00353 85 123 4567", "GB", "+353851234567"},
		{"00353851234567", "GB", "+353851234567"},
		{"353 85 123 4567", "GB", "+353851234567"}, // no +, too long for a GB number
		{"085 123 4567", "IE", "+353851234567"},
		{"(085) 123-4567", "IE", "+353851234567"},
		{"+353 (0)85 123 4567", "IE", "+353851234567"},
		{"01 234 5678", "IE", "+35312345678"},
		{"+44 7700 900123", "IE", "+447700900123"},
		{"447700900123", "IE", "+447700900123"}, // no +, too long for an IE number
		{"+1 202 555 0123", "GB", "+12025550123"},
		{"202 555 0123", "us", "+12025550123"}, // region in lower case
		{"07700 900123", "", "+447700900123"},  // no region: GB
	} {
		t.Run(tc.region+" "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Phone(tc.in, tc.region)
			if err != nil || got != tc.want {
				t.Errorf("Phone(%q, %q) = %q, %v; want %s", tc.in, tc.region, got, err, tc.want)
			}
		})
	}
}

func TestPhone_RefusesLettersAndImpossibleNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"", ErrEmpty},
		{"   ", ErrEmpty},
		{"07700 9OO123", ErrPhoneLetters}, // letter O for zero
		{"07700 900123 ext 12", ErrPhoneLetters},
		{"0800 FLOWERS", ErrPhoneLetters},
		{"call me", ErrPhoneLetters},
		{"07700 900123#", ErrPhone},
		{"+", ErrPhone},
		{"--", ErrPhone},
		{"07700 +900123", ErrPhone},      // + in the middle
		{"++447700900123", ErrPhone},     // two pluses
		{"07700 9001234", ErrPhone},      // one digit too many
		{"0770090012", ErrPhone},         // one digit short: a mistake, not a partial number
		{"07700 901123", ErrPhone},       // an unallocated mobile range
		{"00000 000000", ErrPhone},       // right length, no such number
		{"+999 1234 5678", ErrPhone},     // no such country code
		{"+44 7700 900123 99", ErrPhone}, // too long even as international
		{"4477009001239", ErrPhone},      // too long either way
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Phone(tc.in, "GB")
			if !errors.Is(err, tc.want) {
				t.Errorf("Phone(%q) = %q, %v; want error %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestPhone_NeverTurnsANationalNumberInternational(t *testing.T) {
	t.Parallel()
	// "7700900123" could be read as +7 700 900123 (Kazakhstan); read
	// nationally first, it is the GB mobile.
	got, err := Phone("7700900123", "GB")
	if err != nil || got != "+447700900123" {
		t.Errorf("Phone(7700900123) = %q, %v; want +447700900123", got, err)
	}
}

func TestPhone_RefusesAnUnknownRegionAsTheCallersMistake(t *testing.T) {
	t.Parallel()
	_, err := Phone("07700 900123", "XX")
	if err == nil || errors.Is(err, ErrPhone) {
		t.Errorf("Phone with region XX: err = %v, want a programming error", err)
	}
}

func TestMobilePhone_AcceptsMobilesOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, region, want string
		err              error
	}{
		{"07700 900123", "GB", "+447700900123", nil},
		{"+44 7700 900999", "GB", "+447700900999", nil},
		{"447700900000", "GB", "+447700900000", nil},
		{"085 123 4567", "IE", "+353851234567", nil},
		{"+353 85 123 4567", "GB", "+353851234567", nil},
		{"+1 202 555 0123", "GB", "+12025550123", nil}, // the USA mixes mobiles and landlines
		{"020 7946 0123", "GB", "", ErrNotMobile},
		{"01632 960123", "GB", "", ErrNotMobile},
		{"0808 157 0123", "GB", "", ErrNotMobile},
		{"01 234 5678", "IE", "", ErrNotMobile},
		{"07700 9001", "GB", "", ErrPhone},
		{"07700 9OO123", "GB", "", ErrPhoneLetters},
		{"", "GB", "", ErrEmpty},
	} {
		t.Run(tc.region+" "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := MobilePhone(tc.in, tc.region)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("MobilePhone(%q, %q) = %q, %v; want %q, %v", tc.in, tc.region, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestNormalise_PhoneFormatsShareOneValue(t *testing.T) {
	t.Parallel()
	want := Result{Value: "+447700900123"}
	for _, in := range []string{"07700 900123", "+44 7700 900123", "447700900123"} {
		got, err := Normalise(KindPhone, in)
		if err != nil || got != want {
			t.Errorf("Normalise(phone, %q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

func TestNormalise_IncompletePhoneNumbersArePartial(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, region string }{
		{"07700 90…", "GB"},
		{"07700 90...", "GB"},
		{"07700 900…", "GB"},
		{"07700 900xxx", "GB"},
		{"07700 900XXX", "GB"},
		{"07700 9001??", "GB"},
		{"07700 900 1**", "GB"},
		{"07700 900 12_", "GB"},
		{"+44 7700 9001…", "GB"},
		{"07700 90", "GB"},
		{"07700 9001", "GB"},
		{"077009001", "GB"},
		{"+44 7700 9001", "GB"},
		{"12345", "GB"},
		{"+4", "GB"},
		{"0", "GB"},
		{"085 123 45", "IE"},
		{"+353 85 123", "GB"},
	} {
		t.Run(tc.region+" "+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := NormaliseIn(KindPhone, "  "+tc.in+" ", tc.region)
			if want := (Result{Value: tc.in, Partial: true}); err != nil || got != want {
				t.Errorf("NormaliseIn(phone, %q, %s) = %+v, %v; want %+v", tc.in, tc.region, got, err, want)
			}
		})
	}
}

func TestNormalise_PhoneMistakesAreErrorsNotPartial(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"07700 9OO123", ErrPhoneLetters},
		{"07700 9OO…", ErrPhoneLetters},
		{"call me", ErrPhoneLetters},
		{"07700 9001234", ErrPhone},
		{"0770090012", ErrPhone},
		{"00000 000000", ErrPhone},
		{"xxx", ErrPhone},
		{"…", ErrPhone},
		{"07700#900…", ErrPhone},
		{"", ErrEmpty},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := Normalise(KindPhone, tc.in)
			if !errors.Is(err, tc.want) {
				t.Errorf("Normalise(phone, %q) = %+v, %v; want error %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestPhoneForPeople_NationalAtHomeInternationalAbroad(t *testing.T) {
	for _, tc := range []struct{ in, home, want string }{
		{"+441134960123", "GB", "0113 496 0123"},
		{"+447700900123", "GB", "07700 900123"},
		{"+448081570123", "", "0808 157 0123"},
		{"+353851234567", "GB", "+353 85 123 4567"},
		{"not a number", "GB", "not a number"},
	} {
		if got := PhoneForPeople(tc.in, tc.home); got != tc.want {
			t.Errorf("PhoneForPeople(%q, %q) = %q, want %q", tc.in, tc.home, got, tc.want)
		}
	}
}
