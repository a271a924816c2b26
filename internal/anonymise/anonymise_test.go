package anonymise

import (
	"strings"
	"testing"

	"uglymugs/internal/scheme"
)

// All data here is fictional: Ofcom's drama numbers (07700 900xxx, 020 7946
// 0xxx, 0161 496 0xxx), the Irish examples the identifier package uses,
// example.org and example.com, and made-up names and places.

type wantFlag struct{ kind, field, text string }

func in(kind, text string) wantFlag { return wantFlag{kind, "body", text} }

var checkTests = []struct {
	name   string
	body   string            // the "body" field, when fields is nil
	fields map[string]string // several fields
	s      Sensitive
	want   []wantFlag
}{
	// Names of reporters and victims.
	{name: "known name", body: "Jade was followed home.",
		s: Sensitive{Names: []string{"Jade"}}, want: []wantFlag{in(KindName, "Jade")}},
	{name: "known name in any case", body: "JADE, and later jade",
		s: Sensitive{Names: []string{"Jade"}}, want: []wantFlag{in(KindName, "JADE"), in(KindName, "jade")}},
	{name: "known name with diacritics folded in the text", body: "Zoe met him.",
		s: Sensitive{Names: []string{"Zoë"}}, want: []wantFlag{in(KindName, "Zoe")}},
	{name: "known name with diacritics folded in the name", body: "Zoë met him.",
		s: Sensitive{Names: []string{"Zoe"}}, want: []wantFlag{in(KindName, "Zoë")}},
	{name: "known name typed with a combining mark", body: "Zoe\u0308 met him.",
		s: Sensitive{Names: []string{"Zoë"}}, want: []wantFlag{in(KindName, "Zoe\u0308")}},
	{name: "known name not inside other words", body: "He seemed jaded; a jadeite ring.",
		s: Sensitive{Names: []string{"Jade"}}},
	{name: "names shorter than 3 letters and empty names ignored", body: "Jo said the job was done.",
		s: Sensitive{Names: []string{"Jo", "", "  "}}},
	{name: "full name and its capitalised parts", body: "Ruby Smith reported it; later Ruby said more.",
		s:    Sensitive{Names: []string{"Ruby Smith"}},
		want: []wantFlag{in(KindName, "Ruby Smith"), in(KindName, "Ruby")}},
	{name: "lower-case part of a name is a word", body: "a ruby ring from a locksmith",
		s: Sensitive{Names: []string{"Ruby Smith"}}},
	{name: "full name over a line break", body: "It was Ruby\nSmith who rang.",
		s: Sensitive{Names: []string{"ruby smith"}}, want: []wantFlag{in(KindName, "Ruby\nSmith")}},
	{name: "known username", body: "her profile jade_x99 was copied",
		s: Sensitive{Names: []string{"jade_x99"}}, want: []wantFlag{in(KindName, "jade_x99")}},
	{name: "name introduced with my name is", body: "I told him my name is Crystal.",
		want: []wantFlag{in(KindName, "Crystal")}},
	{name: "name introduced with called herself", body: "She called herself Amber Rose at first.",
		want: []wantFlag{in(KindName, "Amber Rose")}},
	{name: "name introduced with her name was", body: "Her name was Kim.",
		want: []wantFlag{in(KindName, "Kim")}},
	{name: "working name", body: "working name: Honey",
		want: []wantFlag{in(KindName, "Honey")}},
	{name: "offender's alias is not a victim's name", body: "He called himself Dave and said his name was Big Dave."},
	{name: "introduced name that is an allowed identifier", body: "The woman who booked said her name was Kelly.",
		s: Sensitive{Allowed: []string{"kelly"}}},
	{name: "what he called her is no name", body: "He kept calling me Babe."},

	// Contact details.
	{name: "UK mobile", body: "He rang from 07700 900123 twice.",
		want: []wantFlag{in(KindContact, "07700 900123")}},
	{name: "UK mobile with +44", body: "+44 7700 900456", want: []wantFlag{in(KindContact, "+44 7700 900456")}},
	{name: "UK mobile with 0044", body: "0044 7700 900789", want: []wantFlag{in(KindContact, "0044 7700 900789")}},
	{name: "UK mobile with +44 (0)", body: "call +44 (0)7700 900321.",
		want: []wantFlag{in(KindContact, "+44 (0)7700 900321")}},
	{name: "landline with the area code in brackets", body: "landline (0161) 496 0000",
		want: []wantFlag{in(KindContact, "(0161) 496 0000")}},
	{name: "London number", body: "from 020 7946 0123 at night",
		want: []wantFlag{in(KindContact, "020 7946 0123")}},
	{name: "numbers with dots and dashes", body: "07700.900.321 or 07700-900-654",
		want: []wantFlag{in(KindContact, "07700.900.321"), in(KindContact, "07700-900-654")}},
	{name: "number without spaces", body: "text 07700900111!", want: []wantFlag{in(KindContact, "07700900111")}},
	{name: "Irish mobile", body: "rang from 085 123 4567", want: []wantFlag{in(KindContact, "085 123 4567")}},
	{name: "Irish number with +353", body: "rang from +353 85 123 4567",
		want: []wantFlag{in(KindContact, "+353 85 123 4567")}},
	{name: "number followed by a count", body: "he rang 07700 900222 3 times",
		want: []wantFlag{in(KindContact, "07700 900222")}},
	{name: "allowed number in another format is not flagged, another number is",
		body: "texts from 07700 900123 and from 07700 900999",
		s:    Sensitive{Allowed: []string{"+447700900123"}}, want: []wantFlag{in(KindContact, "07700 900999")}},
	{name: "allowed number written with +44 (0)", body: "+44 (0)7700 900123",
		s: Sensitive{Allowed: []string{"07700900123"}}},
	{name: "partial numbers are not full numbers", body: "from 07700 900... or 07700 900xxx"},
	{name: "reporter's own number is flagged even when allowed", body: "from 07700 900555",
		s:    Sensitive{Contacts: []string{"07700 900555"}, Allowed: []string{"07700900555"}},
		want: []wantFlag{in(KindContact, "07700 900555")}},
	{name: "email address", body: "email ruby@example.org.", want: []wantFlag{in(KindContact, "ruby@example.org")}},
	{name: "allowed email in any case is not flagged, another is",
		body: "dave@example.com and DAVE@EXAMPLE.COM, not ruby@example.org",
		s:    Sensitive{Allowed: []string{"Dave@Example.com"}}, want: []wantFlag{in(KindContact, "ruby@example.org")}},
	{name: "web addresses", body: "see https://example.org/jade, www.example.com and example.org/profile.",
		want: []wantFlag{in(KindContact, "https://example.org/jade"), in(KindContact, "www.example.com"),
			in(KindContact, "example.org/profile")}},
	{name: "abbreviations are not web addresses", body: "e.g. at 9 a.m., i.e. near St.Helens etc. Then home.It was late."},
	{name: "username", body: "messaged from @ruby_x at 10pm", want: []wantFlag{in(KindContact, "@ruby_x")}},
	{name: "allowed username in any case", body: "messaged from @BigDave77 @10pm",
		s: Sensitive{Allowed: []string{"bigdave77"}}},
	{name: "profile page of an allowed username", body: "his profile: example.com/bigdave77",
		s: Sensitive{Allowed: []string{"@bigdave77"}}},
	{name: "username after the name of an app", body: "snapchat: jadex99, and her insta is jade_x",
		want: []wantFlag{in(KindContact, "jadex99"), in(KindContact, "jade_x")}},
	{name: "email address spelled out", body: "write to ruby at example dot org",
		want: []wantFlag{in(KindContact, "ruby at example dot org")}},

	// Addresses.
	{name: "house number and street", body: "near 12 Station Road in Leeds",
		want: []wantFlag{in(KindAddress, "12 Station Road")}},
	{name: "abbreviated street", body: "at 14a High St. on Friday", want: []wantFlag{in(KindAddress, "14a High St")}},
	{name: "lower-case street word", body: "7 Church lane", want: []wantFlag{in(KindAddress, "7 Church lane")}},
	{name: "flat and room numbers", body: "Flat 3, then room no. 214",
		want: []wantFlag{in(KindAddress, "Flat 3"), in(KindAddress, "room no. 214")}},
	{name: "a flat 3 miles away has no flat number", body: "a flat 3 miles away"},
	{name: "a number before capitalised words is no address", body: "He was with 2 Friends from Leeds."},

	// Postcodes.
	{name: "full UK postcodes", body: "SW1A 1AA and M1 1AE",
		want: []wantFlag{in(KindPostcode, "SW1A 1AA"), in(KindPostcode, "M1 1AE")}},
	{name: "UK postcode in lower case without a space", body: "at sw1a1aa", want: []wantFlag{in(KindPostcode, "sw1a1aa")}},
	{name: "Eircode", body: "Dublin D02 X285", want: []wantFlag{in(KindPostcode, "D02 X285")}},
	{name: "postcode district in capitals", body: "in Headingley (LS6)", want: []wantFlag{in(KindPostcode, "LS6")}},
	{name: "road numbers are not postcodes", body: "on the M6, the M62 and the A1(M) near junction 10, then the N11"},
	{name: "times, ordinals and lower-case districts are not postcodes", body: "b4 2pm on the 5th, in ls6"},
	{name: "a registration is not a postcode district", body: "a silver Ford Focus, AB12 CDE, or LS61 ABC"},
	{name: "an allowed registration is not a postcode", body: "plate M1 1AE",
		s: Sensitive{Allowed: []string{"m11ae"}}},

	// Venues.
	{name: "hotel chain", body: "at the Premier Inn", want: []wantFlag{in(KindVenue, "Premier Inn")}},
	{name: "hotel chain in lower case", body: "a premier inn room", want: []wantFlag{in(KindVenue, "premier inn")}},
	{name: "named hotel", body: "in The Grand Hotel bar", want: []wantFlag{in(KindVenue, "The Grand Hotel")}},
	{name: "name after the venue word", body: "Hotel Splendide", want: []wantFlag{in(KindVenue, "Hotel Splendide")}},
	{name: "massage parlour", body: "works at Angels Massage Parlour.",
		want: []wantFlag{in(KindVenue, "Angels Massage Parlour")}},
	{name: "chain alone", body: "a Travelodge near the M1", want: []wantFlag{in(KindVenue, "Travelodge")}},
	{name: "generic places are not venues", body: "a hotel in Leeds, Manchester city centre, a sauna"},
	{name: "venue word alone is not a venue", body: "Hotel staff said nothing. Bar none."},
	{name: "street named after a venue word", body: "walking down Spa Road"},
	{name: "organisation given", body: "referred by northern lights project",
		s:    Sensitive{Venues: []string{"Northern Lights Project", "", "Ab"}},
		want: []wantFlag{in(KindVenue, "northern lights project")}},

	// Copied report text.
	{name: "8 or more words copied from an account", body: "He said he would find out where I live if I told anyone.",
		s:    Sensitive{Accounts: []string{"He grabbed my wrist and said he would find out where I live if I told anyone."}},
		want: []wantFlag{in(KindReportText, "said he would find out where I live if I told anyone")}},
	{name: "copied words in another case and punctuation", body: "he took my phone – then he drove off towards the Ring Road!",
		s:    Sensitive{Accounts: []string{"He took my phone, then he drove off towards the ring road."}},
		want: []wantFlag{in(KindReportText, "he took my phone – then he drove off towards the Ring Road")}},
	{name: "7 copied words are not flagged", body: "It was a silver estate car with roof bars.",
		s: Sensitive{Accounts: []string{"He drove a silver estate car with roof bars"}}},
	{name: "copied words are flagged around a name", body: "Jade was walking home on her own when the car stopped beside her.",
		s: Sensitive{Names: []string{"Jade"},
			Accounts: []string{"Jade was walking home on her own when the car stopped beside her"}},
		want: []wantFlag{in(KindName, "Jade"),
			in(KindReportText, "was walking home on her own when the car stopped beside her")}},

	// Police references.
	{name: "reference given, spaced otherwise", body: "logged as 12 34567 26",
		s: Sensitive{References: []string{"12/34567/26"}}, want: []wantFlag{in(KindReference, "12 34567 26")}},
	{name: "crime number", body: "crime number 12/34567/26", want: []wantFlag{in(KindReference, "12/34567/26")}},
	{name: "reference after ref:", body: "police said ref: ABC123456.", want: []wantFlag{in(KindReference, "ABC123456")}},

	// What is not identifying.
	{name: "dates, times and prices", body: "On 12/03/2026 at 10:30pm he paid £150 for 2 hours, " +
		"then £1,500 between 12.03.2026 - 14.03.2026, at 10.30-11.45, in 2024 and 2025."},
	{name: "ages and heights", body: "White man, about 40, 5ft 10, 5'10\", aged 45-50, 180cm, 6 foot 2."},
	{name: "area at town level", body: "Manchester city centre, near the station, Leeds."},

	// Overlaps and order.
	{name: "reporter's email with her name in it", body: "write to jade@example.org",
		s:    Sensitive{Names: []string{"Jade"}, Contacts: []string{"jade@example.org"}},
		want: []wantFlag{in(KindContact, "jade@example.org")}},
	{name: "name inside a venue", body: "works at Ruby's Sauna",
		s: Sensitive{Names: []string{"Ruby"}}, want: []wantFlag{in(KindName, "Ruby")}},
	{name: "fields in order of name, flags in order of place",
		fields: map[string]string{"title": "Jade at the Premier Inn", "body": "07700 900111 near 12 Station Road", "area": ""},
		s:      Sensitive{Names: []string{"Jade"}},
		want: []wantFlag{in(KindContact, "07700 900111"), in(KindAddress, "12 Station Road"),
			{KindName, "title", "Jade"}, {KindVenue, "title", "Premier Inn"}}},
	{name: "no text", body: ""},
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range checkTests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fields := tc.fields
			if fields == nil {
				fields = map[string]string{"body": tc.body}
			}
			got := Check(fields, tc.s)
			var gotFlags []wantFlag
			for _, f := range got {
				gotFlags = append(gotFlags, wantFlag{f.Kind, f.Field, f.Text})
				if text := fields[f.Field]; f.Start < 0 || f.End > len(text) || f.Start >= f.End || text[f.Start:f.End] != f.Text {
					t.Errorf("flag %+v: Text is not field[Start:End]", f)
				}
				if f.Message == "" || strings.Contains(f.Message, f.Text) {
					t.Errorf("flag %+v: the message must say what to do without repeating the text", f)
				}
			}
			if len(gotFlags) != len(tc.want) {
				t.Fatalf("Check(%q)\n got %q\nwant %q", fields, gotFlags, tc.want)
			}
			for i := range tc.want {
				if gotFlags[i] != tc.want[i] {
					t.Fatalf("Check(%q)\n got %q\nwant %q", fields, gotFlags, tc.want)
				}
			}
		})
	}
}

func TestCheck_ReturnsNilWhenNothingIsFound(t *testing.T) {
	t.Parallel()
	for _, fields := range []map[string]string{nil, {}, {"body": ""}, {"body": "A man in his 40s, Leeds."}} {
		if got := Check(fields, Sensitive{Names: []string{"Jade"}}); got != nil {
			t.Errorf("Check(%q) = %v, want nil", fields, got)
		}
	}
}

func TestCheck_FlagsNeverOverlap(t *testing.T) {
	t.Parallel()
	body := "Jade (jade@example.org, @jade) said her name is Jade at 12 Jade Road, Jade's Sauna, " +
		"crime ref 12/34567/26, 07700 900123, LS6 1AA."
	s := Sensitive{Names: []string{"Jade"}, Contacts: []string{"jade@example.org"},
		References: []string{"12/34567/26"}, Accounts: []string{body}}
	got := Check(map[string]string{"body": body}, s)
	if len(got) < 8 {
		t.Fatalf("Check found %d flags, want at least 8: %+v", len(got), got)
	}
	for i := 1; i < len(got); i++ {
		if got[i].Start < got[i-1].End {
			t.Errorf("%+v overlaps %+v", got[i], got[i-1])
		}
	}
}

func TestCheck_KnownDetailsSayTheyAreTheReportersOwn(t *testing.T) {
	t.Parallel()
	s := Sensitive{Contacts: []string{"07700 900555"}, Allowed: []string{"07700 900555", "07700 900666"}}
	got := Check(map[string]string{"body": "07700 900555"}, s)
	if len(got) != 1 || got[0].Message != msgContactBoth {
		t.Errorf("a reporter's number also listed as the offender's: got %+v, want the message %q", got, msgContactBoth)
	}
	got = Check(map[string]string{"body": "07700 900555"}, Sensitive{Contacts: []string{"+44 7700 900555"}})
	if len(got) != 1 || got[0].Message != msgPhoneKnown {
		t.Errorf("a reporter's number: got %+v, want the message %q", got, msgPhoneKnown)
	}
}

// A reporter's details, as the store reads them, are what the check looks
// for: her names, her contact details and her organisation.
func TestSensitive_AddReportersFlagsEachDetail(t *testing.T) {
	t.Parallel()
	var s Sensitive
	s.AddReporters([]scheme.ReporterDetails{{Username: "jade_x99", WorkName: "Jade", RealName: "Ruby Smith", Email: "ruby@example.org",
		Mobile: "07700 900555", Organisation: "Northern Lights Project", OrganisationEmail: "office@example.org"}})
	for _, text := range []string{"jade_x99", "Jade", "Ruby Smith", "ruby@example.org", "07700 900555", "Northern Lights Project", "office@example.org"} {
		if got := Check(map[string]string{"body": "He said " + text + " was there."}, s); len(got) == 0 {
			t.Errorf("%q: not flagged", text)
		}
	}
}

// benchBody is an alert of about 5,000 characters with a few things to flag.
var benchBody = func() string {
	para := "On Friday at about 11.30pm a woman working from a hotel in Leeds city centre was booked by a man " +
		"who said his name was Dave. He texted from 07700 900123 and arrived in a silver Ford Focus, AB12 CDE. " +
		"He is white, about 40, 5ft 10, stocky, with a shaved head and a tattoo on his left hand. He refused " +
		"to pay the £150 agreed, took her phone and pushed her against the wall. Members in West Yorkshire " +
		"please take care, and report him through the app. "
	var b strings.Builder
	for b.Len() < 4800 {
		b.WriteString(para)
	}
	b.WriteString("She was at 12 Station Road, LS6 1AA, near the Premier Inn; call 07700 900999 or ruby@example.org.")
	return b.String()
}()

var benchSensitive = Sensitive{
	Names:      []string{"Jade", "Ruby Smith", "jade_x99", "Zoë"},
	Contacts:   []string{"07700 900555", "ruby@example.org"},
	Venues:     []string{"Northern Lights Project"},
	Accounts:   []string{strings.Repeat("He grabbed my wrist and said he would find out where I live if I told anyone. ", 20)},
	References: []string{"12/34567/26"},
	Allowed:    []string{"07700900123", "AB12CDE", "bigdave77", "Dave"},
}

func BenchmarkCheck(b *testing.B) {
	fields := map[string]string{"title": "Man who refused to pay, Leeds", "body": benchBody}
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		Check(fields, benchSensitive)
	}
}

// FuzzCheck checks that Check never panics, whatever it is given, and that
// its flags point at the text they quote, in order, without overlapping.
// Run it for a while with
//
//	go test -run='^$' -fuzz='^FuzzCheck$' -fuzztime=30s ./internal/anonymise/
func FuzzCheck(f *testing.F) {
	for _, tc := range checkTests {
		f.Add(tc.body, "Jade")
	}
	f.Add(benchBody, "Ruby Smith")
	f.Add("Zoe\u0308 \xff 07700\u00a0900123 (0161) 496 0000 @x ß", "ß")
	f.Fuzz(func(t *testing.T, body, name string) {
		s := Sensitive{Names: []string{name, "Jade"}, Contacts: []string{name, "07700 900123"},
			Venues: []string{name}, Accounts: []string{body[:len(body)/2]}, References: []string{name},
			Allowed: []string{name}}
		got := Check(map[string]string{"body": body, "title": name}, s)
		for i, fl := range got {
			text := map[string]string{"body": body, "title": name}[fl.Field]
			if fl.Start < 0 || fl.End > len(text) || fl.Start >= fl.End || text[fl.Start:fl.End] != fl.Text {
				t.Fatalf("flag %+v does not point at its text in %q", fl, text)
			}
			if fl.Kind == "" || fl.Message == "" {
				t.Fatalf("flag %+v has no kind or message", fl)
			}
			if i > 0 && got[i-1].Field == fl.Field && got[i-1].End > fl.Start {
				t.Fatalf("flag %+v overlaps or comes before %+v", fl, got[i-1])
			}
			if i > 0 && got[i-1].Field > fl.Field {
				t.Fatalf("flag %+v is out of field order", fl)
			}
		}
	})
}
