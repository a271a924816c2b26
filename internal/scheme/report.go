package scheme

import "time"

// ReportStatus is where a report is in review.
type ReportStatus string

// CanSetStatus says whether a coordinator may move r to status to: only
// along review's paths (a published report stays published), and to
// published only with the reporter's consent to an alert. The store asks
// it on the report as it is inside the transaction that moves it.
func CanSetStatus(r Report, to ReportStatus) error {
	if to == ReportPublished && !r.Consents.Alert {
		return Errorf(CodeConflict, "The reporter has not consented to an alert: keep it as intelligence, or ask them.")
	}
	allowed := map[ReportStatus][]ReportStatus{
		ReportSubmitted:    {ReportInReview, ReportRejected, ReportIntelligence},
		ReportInReview:     {ReportPublished, ReportIntelligence, ReportRejected},
		ReportIntelligence: {ReportInReview},
		ReportRejected:     {ReportInReview},
		ReportPublished:    {},
	}[r.Status]
	for _, a := range allowed {
		if a == to {
			return nil
		}
	}
	return Errorf(CodeConflict, "A report cannot go from %q to %q.", r.Status, to)
}

const (
	ReportSubmitted    ReportStatus = "submitted"
	ReportInReview     ReportStatus = "in_review"
	ReportPublished    ReportStatus = "published"    // an alert was published from it
	ReportIntelligence ReportStatus = "intelligence" // kept as intelligence only
	ReportRejected     ReportStatus = "rejected"
)

// SeverityRank orders severities, highest first in the queue.
var SeverityRank = map[Severity]int{SeverityLow: 1, SeverityMedium: 2, SeverityHigh: 3, SeverityHighest: 4}

// LateAfter is how long after an incident a report counts as late.
const LateAfter = 72 * time.Hour

// Consents are the reporter's four separate choices, each revocable.
type Consents struct {
	Alert         bool `json:"alert"`          // publish an anonymised alert
	Police        bool `json:"police"`         // share anonymised intelligence with the police
	Support       bool `json:"support"`        // be contacted by a caseworker or support services
	PoliceContact bool `json:"police_contact"` // be contacted if the police want to talk (through the scheme)
}

// IdentifierKinds are the kinds of offender identifier a report can hold.
var IdentifierKinds = []string{"phone", "email", "vehicle", "name", "username"}

// Identifier is one way of recognising an offender, as the reporter gave it.
type Identifier struct {
	Kind       string `json:"kind"`
	Value      string `json:"value"`
	Normalised string `json:"normalised,omitempty"`
	Partial    bool   `json:"partial,omitempty"`
	Make       string `json:"make,omitempty"`   // vehicles
	Colour     string `json:"colour,omitempty"` // vehicles
}

// OffenderDescription is how the reporter described an offender.
type OffenderDescription struct {
	Gender    string `json:"gender,omitempty"`
	Age       string `json:"age,omitempty"`
	Height    string `json:"height,omitempty"`
	Build     string `json:"build,omitempty"`
	Ethnicity string `json:"ethnicity,omitempty"`
	Hair      string `json:"hair,omitempty"`
	Features  string `json:"features,omitempty"`
	Accent    string `json:"accent,omitempty"`
	Vehicle   string `json:"vehicle,omitempty"`
}

// Field is the description's field named key, as in its JSON ("gender",
// "age", …, "vehicle"); nil for any other key.
func (d *OffenderDescription) Field(key string) *string {
	return map[string]*string{"gender": &d.Gender, "age": &d.Age, "height": &d.Height, "build": &d.Build, "ethnicity": &d.Ethnicity,
		"hair": &d.Hair, "features": &d.Features, "accent": &d.Accent, "vehicle": &d.Vehicle}[key]
}

// Offender is one offender in a report.
type Offender struct {
	ID          string              `json:"id,omitempty"`
	ProfileID   string              `json:"profile_id,omitempty"`
	Description OffenderDescription `json:"description"`
	Identifiers []Identifier        `json:"identifiers"`
}

// ReportContent is what the reporter wrote: kept encrypted, as submitted
// and as the coordinators' working copy.
type ReportContent struct {
	// Language is the one it was written in (an i18n code; "" for a report
	// from before languages, in English), shown to coordinators.
	Language  string     `json:"language,omitempty"`
	Account   string     `json:"account,omitempty"`
	Town      string     `json:"town,omitempty"`
	PoliceRef string     `json:"police_reference,omitempty"`
	Offenders []Offender `json:"offenders"`
}

// Report is one incident report.
type Report struct {
	ID             string        `json:"id"`
	ReporterID     string        `json:"-"`
	OrganisationID string        `json:"-"`
	DraftID        string        `json:"-"` // the draft it was sent from, if any
	ThirdParty     bool          `json:"third_party"`
	Status         ReportStatus  `json:"status"`
	Severity       Severity      `json:"severity"`
	IncidentTypes  []string      `json:"incident_types"`
	Region         string        `json:"region"`
	IncidentAt     time.Time     `json:"incident_at"`
	TimeKnown      bool          `json:"time_known"`
	SubmittedAt    time.Time     `json:"submitted_at"`
	Delay          time.Duration `json:"-"`
	Late           bool          `json:"late"`
	PlaceKind      string        `json:"place_kind,omitempty"`
	ContactMethod  string        `json:"contact_method,omitempty"`
	VictimGender   string        `json:"victim_gender,omitempty"`
	VictimSector   string        `json:"victim_sector,omitempty"`
	PoliceReported bool          `json:"police_reported"`
	Consents       Consents      `json:"consents"`
	Original       ReportContent `json:"-"`
	Working        ReportContent `json:"-"`
	Reason         string        `json:"reason,omitempty"`
	AcknowledgeBy  time.Time     `json:"acknowledge_by"`
	AcknowledgedAt time.Time     `json:"acknowledged_at,omitzero"`
}

// Overdue reports whether the report still waits for acknowledgement past
// its deadline.
func (r Report) Overdue(now time.Time) bool {
	return r.AcknowledgedAt.IsZero() && r.Status == ReportSubmitted && now.After(r.AcknowledgeBy)
}

// PlaceKinds and ContactMethods are the codes offered for where it happened
// and how contact was made.
var PlaceKinds = []struct{ Slug, Name string }{
	{"street", "Street or outdoors"}, {"client-home", "Client's home"}, {"hotel", "Hotel"}, {"incall", "My place (incall)"},
	{"car", "In a car"}, {"parlour-sauna", "Parlour or sauna"}, {"online", "Online"}, {"other", "Somewhere else"},
}

var ContactMethods = []struct{ Slug, Name string }{
	{"phone", "Phone call"}, {"text-app", "Text or messaging app"}, {"website-advert", "Website or advert"},
	{"street", "On the street"}, {"agency", "Through an agency"}, {"other", "Another way"},
}
