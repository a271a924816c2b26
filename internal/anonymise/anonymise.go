package anonymise

import (
	"cmp"
	"slices"
	"unicode"
	"unicode/utf8"

	"uglymugs/internal/scheme"
)

// Kinds of flag.
const (
	KindName       = "name"        // a reporter's or victim's name (work name, real name, username) or a name introduced as one ("my name is Jade", "called herself Jade")
	KindContact    = "contact"     // an email address, phone number, web address or @username that is not one of the offender identifiers being published
	KindAddress    = "address"     // a street address (house number + street word: "12 Station Road"), or "Flat 3", "Apartment 12", "Room 214"
	KindPostcode   = "postcode"    // a full UK postcode (any case, with or without space), an Irish Eircode, or a UK postcode district alone written in capitals with a two-letter area ("LS6", never "M6" or "A1")
	KindVenue      = "venue"       // a venue or establishment: capitalised words before or after Hotel, Inn, Sauna, Parlour, Club…, a hotel chain, or a name given in Sensitive.Venues
	KindReportText = "report_text" // 8 or more consecutive words copied verbatim (case- and punctuation-insensitive) from a reporter's own account
	KindReference  = "reference"   // a police reference given in Sensitive.References, or one written as such ("crime number 12/34567/26", "ref: ABC123456")
)

// Sensitive is what must not appear in an alert: details of the reporters and
// victims of the reports it is written from.
type Sensitive struct {
	Names      []string // reporters' work names, real names, usernames; victims' names
	Contacts   []string // reporters' emails and phone numbers, as stored (any format)
	Venues     []string // organisation / establishment names tied to the reporters
	Accounts   []string // the reporters' own accounts (free text) of what happened
	References []string // police reference numbers in the reports
	// Allowed are the offender identifiers the alert may publish (phones,
	// emails, usernames, plates, names): a phone number, email address, web
	// address or username equal to one of these (digits only for phones,
	// with +44 and +353 read as 0; lower case for the rest) is not flagged,
	// nor is a name introduced as one that equals an allowed name. Details
	// that are also in Names or Contacts are flagged all the same.
	Allowed []string
}

// AddReporters adds what names the reporters: their usernames, work and
// real names, contact details, and their organisations' names and emails.
func (s *Sensitive) AddReporters(ds []scheme.ReporterDetails) {
	for _, d := range ds {
		s.Names = append(s.Names, d.Username, d.WorkName, d.RealName)
		s.Contacts = append(s.Contacts, d.Email, d.Mobile, d.OrganisationEmail)
		s.Venues = append(s.Venues, d.Organisation)
	}
}

// Flag is one thing in the text that may identify a reporter or victim.
type Flag struct {
	Kind    string `json:"kind"`
	Field   string `json:"field"` // which text it is in: the field name passed to Check
	Text    string `json:"text"`  // the matched text, exactly as it appears
	Start   int    `json:"start"` // byte offsets in that field's text
	End     int    `json:"end"`
	Message string `json:"message"` // plain words for the coordinator; never repeats Text
}

// Messages, in plain words for the coordinator. None repeats what was found:
// that is in Flag.Text, and a message may end up in a log.
const (
	msgNameKnown      = "This is the name of a reporter, or of the person it happened to, from the reports this alert is written from. Alerts never name them: remove it."
	msgNameIntroduced = "This looks like the name of the person who reported, or of the person it happened to. Remove it, unless it is a name the offender used."
	msgPhone          = "This phone number is not one of the offender's identifiers: is it the reporter's? Remove it, or add it to the offender's identifiers if it is the offender's."
	msgPhoneKnown     = "This is a reporter's own phone number. Remove it."
	msgEmail          = "This email address is not one of the offender's identifiers: is it the reporter's? Remove it, or add it to the offender's identifiers if it is the offender's."
	msgEmailKnown     = "This is a reporter's own email address. Remove it."
	msgWeb            = "This web address is not one of the offender's identifiers, and it may lead to the reporter's own site or profile. Remove it: naming the website is enough."
	msgWebKnown       = "This is a reporter's own website or profile. Remove it."
	msgHandle         = "This username is not one of the offender's identifiers: is it the reporter's? Remove it, or add it to the offender's identifiers if it is the offender's."
	msgHandleKnown    = "This is the username of a reporter, or of the person it happened to. Remove it."
	msgContactBoth    = "This is a reporter's own contact detail, yet it is also listed as one of the offender's identifiers. Check the reports before publishing: it may have been entered in the wrong place."
	msgAddress        = "This looks like a street address. Alerts give the area at town or region level only: remove it or describe the area instead."
	msgFlat           = "This looks like a flat, room or unit number, which can point to where someone lives or works. Remove it."
	msgPostcode       = "This looks like a postcode. Alerts give the area at town or region level only: remove it or name the town instead."
	msgDistrict       = "This looks like a postcode district, which is more precise than alerts allow. Name the town or region instead."
	msgEircode        = "This looks like an Eircode, which points to a single address. Remove it or name the town instead."
	msgVenue          = "This looks like the name of a venue or establishment, which can point to where the reporter works. Remove it, or describe it in general terms (\"a hotel in the city centre\")."
	msgVenueKnown     = "This is the name of an organisation or establishment linked to a reporter. Remove it."
	msgReportText     = "These words are copied from a reporter's own account, and a reporter's own words can identify them. Put it in your own words."
	msgReference      = "This looks like a police reference or crime number, which leads back to the report and so to the reporter. Remove it."
	msgReferenceKnown = "This is a police reference number from the reports. Remove it."
)

// Ranks settle overlaps: of two flags that overlap, the one of lower rank
// stays. A detail known from the reports beats a pattern of the same kind
// (its message is more certain); a contact beats the name inside it (remove
// the whole address, not just the name in it); report text, the widest,
// gives way to everything and keeps the words around what it overlaps.
const (
	rankReferenceKnown = iota
	rankReference
	rankContactKnown
	rankContact
	rankNameKnown
	rankName
	rankPostcode
	rankAddress
	rankVenueKnown
	rankVenue
	rankReportText
)

// candidate is a flag before overlaps are settled.
type candidate struct {
	kind       string
	start, end int
	rank       int
	msg        string
}

// Check returns every flag in the given fields (field name → text), ordered
// by field name then Start, none overlapping another in the same field: when
// two match the same text the more specific stays (a reference, contact or
// name over a postcode, address or venue), and copied report text is
// flagged around the others rather than over them. It returns nil when
// there is nothing to flag.
//
// Empty strings in Sensitive are ignored, and so are names and venues of
// fewer than 3 letters, too short to match safely ("Jo"). Names and
// venues match on word boundaries, case-insensitively, with diacritics
// folded ("Zoë" ~ "Zoe").
func Check(fields map[string]string, s Sensitive) []Flag {
	keys := make([]string, 0, len(fields))
	for k, v := range fields {
		if v != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	fc := fieldCheck{p: prepare(s)}
	var out []Flag
	for _, k := range keys {
		fc.run(fields[k])
		out = fc.appendFlags(out, k)
	}
	return out
}

// appendFlags settles the overlaps between the candidates found in the
// current field and appends what stays to out, in order of Start.
func (fc *fieldCheck) appendFlags(out []Flag, field string) []Flag {
	cands := fc.cands
	if len(cands) == 0 {
		return out
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank),
			cmp.Compare(b.end-b.start, a.end-a.start), cmp.Compare(a.start, b.start))
	})
	// covered marks the bytes of the text that a kept flag covers.
	if cap(fc.covered) < len(fc.text) {
		fc.covered = make([]bool, len(fc.text))
	}
	covered := fc.covered[:len(fc.text)]
	clear(covered)
	kept := fc.kept[:0]
	for _, c := range cands {
		if c.rank == rankReportText {
			// Copied text is flagged around the more specific flags.
			for start := c.start; start < c.end; {
				for start < c.end && covered[start] {
					start++
				}
				end := start
				for end < c.end && !covered[end] {
					end++
				}
				if s, e := trimToWords(fc.text, start, end); s < e {
					p := c
					p.start, p.end = s, e
					kept = append(kept, p)
				}
				start = end
			}
		} else if !slices.Contains(covered[c.start:c.end], true) {
			kept = append(kept, c)
		} else {
			continue
		}
		for i := c.start; i < c.end; i++ {
			covered[i] = true
		}
	}
	slices.SortFunc(kept, func(a, b candidate) int { return cmp.Compare(a.start, b.start) })
	for _, c := range kept {
		out = append(out, Flag{Kind: c.kind, Field: field, Text: fc.text[c.start:c.end],
			Start: c.start, End: c.end, Message: c.msg})
	}
	fc.kept = kept
	return out
}

// trimToWords narrows [start, end) of text to begin and end with a letter or
// digit; it returns start == end when there is none.
func trimToWords(text string, start, end int) (int, int) {
	for start < end {
		r, w := utf8.DecodeRuneInString(text[start:end])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		start += w
	}
	for end > start {
		r, w := utf8.DecodeLastRuneInString(text[start:end])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		end -= w
	}
	return start, end
}
