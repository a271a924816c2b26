package scheme

import (
	_ "embed"
	"time"
)

// Severity orders the review queue and marks alerts.
type Severity string

const (
	SeverityLow     Severity = "low"
	SeverityMedium  Severity = "medium"
	SeverityHigh    Severity = "high"
	SeverityHighest Severity = "highest"
)

// The defaults below suit a UK and Ireland scheme; admins change them
// (internal/vocab). Each region reads phone numbers written without a
// country code by its own numbering plan: Ireland's as IE.
var DefaultRegions = []Region{
	{Slug: "north-east", Name: "North East", Phone: "GB"},
	{Slug: "north-west", Name: "North West", Phone: "GB"},
	{Slug: "yorkshire-humber", Name: "Yorkshire and the Humber", Phone: "GB"},
	{Slug: "east-midlands", Name: "East Midlands", Phone: "GB"},
	{Slug: "west-midlands", Name: "West Midlands", Phone: "GB"},
	{Slug: "east-of-england", Name: "East of England", Phone: "GB"},
	{Slug: "london", Name: "London", Phone: "GB"},
	{Slug: "south-east", Name: "South East", Phone: "GB"},
	{Slug: "south-west", Name: "South West", Phone: "GB"},
	{Slug: "wales", Name: "Wales", Phone: "GB"},
	{Slug: "scotland", Name: "Scotland", Phone: "GB"},
	{Slug: "northern-ireland", Name: "Northern Ireland", Phone: "GB"},
	{Slug: "ireland", Name: "Ireland", Phone: "IE"},
}

// DefaultGenders are the answers to the monitoring question on gender
// (members' and victims'); "" means not answered.
var DefaultGenders = []Gender{
	{Slug: "woman", Name: "Woman"}, {Slug: "man", Name: "Man"}, {Slug: "non-binary", Name: "Non-binary"},
	{Slug: "other", Name: "In another way"}, {Slug: "prefer-not", Name: "Prefer not to say"},
}

var DefaultSectors = []Sector{
	{Slug: "street", Name: "Street"},
	{Slug: "indoor-independent", Name: "Indoor, independent"},
	{Slug: "escort", Name: "Escort"},
	{Slug: "parlour-sauna", Name: "Parlour or sauna"},
	{Slug: "online-webcam", Name: "Online or webcam"},
	{Slug: "other", Name: "Other"},
}

var DefaultIncidentTypes = []IncidentType{
	{Slug: "rape-sexual-assault", Name: "Rape or sexual assault", Severity: SeverityHighest},
	{Slug: "kidnap-confinement", Name: "Kidnap or being held against your will", Severity: SeverityHighest},
	{Slug: "physical-assault", Name: "Physical assault", Severity: SeverityHigh},
	{Slug: "robbery", Name: "Robbery or theft", Severity: SeverityHigh},
	{Slug: "condom-refusal-removal", Name: "Condom refused or removed", Severity: SeverityHigh},
	{Slug: "threats", Name: "Threats or intimidation", Severity: SeverityMedium},
	{Slug: "harassment-stalking", Name: "Harassment or stalking", Severity: SeverityMedium},
	{Slug: "blackmail-doxxing", Name: "Blackmail or doxxing", Severity: SeverityMedium},
	{Slug: "filming-without-consent", Name: "Filming without consent", Severity: SeverityMedium},
	{Slug: "police-impersonation", Name: "Pretending to be police", Severity: SeverityMedium},
	{Slug: "verbal-hate-abuse", Name: "Verbal or hate abuse", Severity: SeverityMedium},
	{Slug: "non-payment-fraud", Name: "Refused to pay or fraud", Severity: SeverityLow},
	{Slug: "time-wasting", Name: "Time-wasting", Severity: SeverityLow},
	{Slug: "other", Name: "Something else", Severity: SeverityLow},
}

// DefaultTerms is the first version of the terms and conditions, in
// Markdown; later versions are written by admins.
//
//go:embed terms.md
var DefaultTerms string

// Terms is one published version of the terms and conditions.
type Terms struct {
	Version     int
	Body        string // Markdown
	PublishedAt time.Time
}

// SlugName is the name a fixed list (PlaceKinds, ContactMethods…) gives
// a slug; a slug the list lacks stands for itself.
func SlugName[T ~struct{ Slug, Name string }](list []T, slug string) string {
	if name, ok := nameOf(list, slug); ok {
		return name
	}
	return slug
}

// nameOf finds slug's name in a list of slugs and names.
func nameOf[T ~struct{ Slug, Name string }](list []T, slug string) (string, bool) {
	for _, x := range list {
		if v := struct{ Slug, Name string }(x); v.Slug == slug {
			return v.Name, true
		}
	}
	return "", false
}
