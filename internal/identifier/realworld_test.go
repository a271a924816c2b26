package identifier

import (
	"errors"
	"testing"
)

// TestNormalise_WhatPeopleType lists identifiers as people type them into
// reports, by the kind words of the reports API, with what is indexed. All
// of it is fictional: Ofcom's drama numbers (07700 900xxx, 0113 496 0xxx,
// 01632 960xxx), the Irish numbers of libphonenumber's examples,
// example.org and example.com.
func TestNormalise_WhatPeopleType(t *testing.T) {
	t.Parallel()
	partial := func(s string) Result { return Result{Value: s, Partial: true} }
	value := func(s string) Result { return Result{Value: s} }
	for _, tc := range []struct {
		kind, region, in string
		want             Result
		err              error
	}{
		// UK mobiles.
		{"phone", "GB", "07700 900123", value("+447700900123"), nil},
		{"phone", "GB", "07700-900-123", value("+447700900123"), nil},
		{"phone", "GB", "(07700) 900 123", value("+447700900123"), nil},
		{"phone", "GB", "07700.900.123", value("+447700900123"), nil},
		{"phone", "GB", "+44 (0)7700 900123", value("+447700900123"), nil},
		{"phone", "GB", "+44 (0) 7700 900 123", value("+447700900123"), nil},
		{"phone", "GB", "+44 7700 900123", value("+447700900123"), nil},
		{"phone", "GB", "0044 7700 900123", value("+447700900123"), nil},
		{"phone", "GB", "447700900123", value("+447700900123"), nil},
		{"phone", "GB", "44 7700 900 999", value("+447700900999"), nil},
		{"phone", "GB", "０７７００ ９００１２３", value("+447700900123"), nil},
		{"phone", "IE", "+44 7700 900000", value("+447700900000"), nil},
		// UK landlines.
		{"phone", "GB", "0113 496 0123", value("+441134960123"), nil},
		{"phone", "GB", "(0113) 496 0999", value("+441134960999"), nil},
		{"phone", "GB", "0113-496-0500", value("+441134960500"), nil},
		{"phone", "GB", "+44 (0)113 496 0000", value("+441134960000"), nil},
		{"phone", "GB", "01632 960 123", value("+441632960123"), nil},
		// Irish numbers.
		{"phone", "GB", "+353 85 123 4567", value("+353851234567"), nil},
		{"phone", "GB", "00353 85 123 4567", value("+353851234567"), nil},
		{"phone", "GB", "353 85 123 4567", value("+353851234567"), nil},
		{"phone", "IE", "085 123 4567", value("+353851234567"), nil},
		{"phone", "IE", "+353 (0)85 123 4567", value("+353851234567"), nil},
		{"phone", "IE", "(01) 234 5678", value("+35312345678"), nil},
		// Parts of numbers, and mistakes.
		{"phone", "GB", " 07700 90… ", partial("07700 90…"), nil},
		{"phone", "GB", "07700 90...", partial("07700 90..."), nil},
		{"phone", "GB", "07700 900xxx", partial("07700 900xxx"), nil},
		{"phone", "GB", "07700 9001", partial("07700 9001"), nil},
		{"phone", "GB", "+44 7700 9001…", partial("+44 7700 9001…"), nil},
		{"phone", "IE", "085 123 4…", partial("085 123 4…"), nil},
		{"phone", "GB", "07700 9OO123", Result{}, ErrPhoneLetters},
		{"phone", "GB", "0770090012", Result{}, ErrPhone},
		{"phone", "GB", "07700 9001234", Result{}, ErrPhone},
		// Email addresses.
		{"email", "GB", "  Jo.Smith@Example.ORG ", value("jo.smith@example.org"), nil},
		{"email", "GB", "JO@EXAMPLE.COM", value("jo@example.com"), nil},
		{"email", "GB", "Jo+Work@Example.org", value("jo+work@example.org"), nil},
		{"email", "GB", "jo@", partial("jo@"), nil},
		{"email", "GB", "jo.smith@exam…", partial("jo.smith@exam…"), nil},
		{"email", "GB", "jo smith@example.org", Result{}, ErrEmail},
		{"email", "GB", "Jo Smith <jo@example.org>", Result{}, ErrEmailName},
		// Vehicle registrations.
		{"vehicle", "GB", "ab12 cde", value("AB12CDE"), nil},
		{"vehicle", "GB", "AB12-CDE", value("AB12CDE"), nil},
		{"vehicle", "GB", " Ab12cDe ", value("AB12CDE"), nil},
		{"vehicle", "GB", "ＡＢ１２ ＣＤＥ", value("AB12CDE"), nil},
		{"vehicle", "GB", "12-D-3456", value("12D3456"), nil},
		{"vehicle", "GB", "AB12", partial("AB12"), nil},
		{"vehicle", "GB", "AB12 C…", partial("AB12 C…"), nil},
		{"vehicle", "GB", "ab12 c??", partial("ab12 c??"), nil},
		{"vehicle", "GB", "AB12#CDE", Result{}, ErrPlate},
		// Website and app usernames.
		{"username", "GB", "@Jo_Smith", value("jo_smith"), nil},
		{"username", "GB", "  @JO_SMITH ", value("jo_smith"), nil},
		{"username", "GB", "Jo_Smith", value("jo_smith"), nil},
		{"username", "GB", "@@jo_smith", value("jo_smith"), nil},
		{"username", "GB", "@ jo_smith", value("jo_smith"), nil},
		{"username", "GB", "＠ｊｏ＿ｓｍｉｔｈ", value("jo_smith"), nil},
		{"username", "GB", "@jo_sm…", partial("@jo_sm…"), nil},
		{"username", "GB", "@jo_sm．．．", partial("@jo_sm．．．"), nil},
		// Names, never partial.
		{"name", "GB", "  Jo   SMITH ", value("jo smith"), nil},
		{"name", "GB", `"Big Jo"`, value("big jo"), nil},
		{"name", "GB", "“Big Jo”", value("big jo"), nil},
		{"name", "GB", "O'Brien", value("o'brien"), nil},
		{"name", "GB", "Seán Ó Briain", value("seán ó briain"), nil},
		{"name", "GB", "ＪＯ ＳＭＩＴＨ", value("jo smith"), nil},
		{"name", "GB", "Jo Sm…", value("jo sm..."), nil},
		{"name", "GB", ` "" `, Result{}, ErrEmpty},
	} {
		t.Run(tc.kind+" "+tc.region+" "+tc.in, func(t *testing.T) {
			t.Parallel()
			k, err := ParseKind(tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			got, err := NormaliseIn(k, tc.in, tc.region)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("NormaliseIn(%s, %q, %s) = %+v, %v; want %+v, %v", k, tc.in, tc.region, got, err, tc.want, tc.err)
			}
		})
	}
}
