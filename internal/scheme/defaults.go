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

// Region, Sector and IncidentType are lists a scheme keeps as data; the
// defaults below suit a UK and Ireland scheme and admins can change them.
type Region struct{ Slug, Name string }
type Sector struct{ Slug, Name string }
type IncidentType struct {
	Slug, Name string
	Severity   Severity
}

var DefaultRegions = []Region{
	{"north-east", "North East"},
	{"north-west", "North West"},
	{"yorkshire-humber", "Yorkshire and the Humber"},
	{"east-midlands", "East Midlands"},
	{"west-midlands", "West Midlands"},
	{"east-of-england", "East of England"},
	{"london", "London"},
	{"south-east", "South East"},
	{"south-west", "South West"},
	{"wales", "Wales"},
	{"scotland", "Scotland"},
	{"northern-ireland", "Northern Ireland"},
	{"ireland", "Ireland"},
}

var DefaultSectors = []Sector{
	{"street", "Street"},
	{"indoor-independent", "Indoor, independent"},
	{"escort", "Escort"},
	{"parlour-sauna", "Parlour or sauna"},
	{"online-webcam", "Online or webcam"},
	{"other", "Other"},
}

var DefaultIncidentTypes = []IncidentType{
	{"rape-sexual-assault", "Rape or sexual assault", SeverityHighest},
	{"kidnap-confinement", "Kidnap or being held against your will", SeverityHighest},
	{"physical-assault", "Physical assault", SeverityHigh},
	{"robbery", "Robbery or theft", SeverityHigh},
	{"condom-refusal-removal", "Condom refused or removed", SeverityHigh},
	{"threats", "Threats or intimidation", SeverityMedium},
	{"harassment-stalking", "Harassment or stalking", SeverityMedium},
	{"blackmail-doxxing", "Blackmail or doxxing", SeverityMedium},
	{"filming-without-consent", "Filming without consent", SeverityMedium},
	{"police-impersonation", "Pretending to be police", SeverityMedium},
	{"verbal-hate-abuse", "Verbal or hate abuse", SeverityMedium},
	{"non-payment-fraud", "Refused to pay or fraud", SeverityLow},
	{"time-wasting", "Time-wasting", SeverityLow},
	{"other", "Something else", SeverityLow},
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

// SlugName is the name a list (Genders, PlaceKinds, ContactMethods,
// Regions…) gives a slug; a slug the list lacks stands for itself.
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
