package scheme

import (
	"slices"
	"time"
)

// SupportKinds are the kinds of help a support service gives, as slugs
// with their English names (the catalogue translates them). A service has
// one or more; its first is its main kind, which a referral to it counts
// under in the statistics.
var SupportKinds = []struct{ Slug, Name string }{
	{"sexual-health", "Sexual health"},
	{"general-health", "General health"},
	{"mental-health", "Mental health"},
	{"drugs-alcohol", "Drugs and alcohol"},
	{"housing", "Housing"},
	{"legal-immigration", "Legal and immigration advice"},
	{"isva-idva", "Independent sexual or domestic violence advisers"},
	{"migrant-support", "Migrant support"},
	{"lgbtq-support", "LGBTQ+ support"},
	{"exiting-support", "Support to leave sex work"},
	{"other", "Other support"},
}

// SupportService is one organisation in the scheme's directory of support
// services. It is the scheme's data, not a person's: an organisation's
// public contact details, shown as typed.
type SupportService struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Kinds       []string `json:"kinds"`
	National    bool     `json:"national"`
	Helpline    bool     `json:"helpline"` // a national helpline visitors see on the contact page
	Regions     []string `json:"regions"`
	Towns       []string `json:"towns"`
	Phone       string   `json:"phone,omitempty"` // E.164
	Website     string   `json:"website,omitempty"`
	Email       string   `json:"email,omitempty"`
	Hours       string   `json:"opening_hours,omitempty"`
	Languages   []string `json:"languages"` // BCP 47 tags
	Description string   `json:"who_it_is_for,omitempty"`
	// ConfirmedOn is the day the scheme last confirmed the service is
	// friendly to sex workers ("2026-05-01"), or "" when never.
	ConfirmedOn string    `json:"confirmed_on,omitempty"`
	UpdatedAt   time.Time `json:"-"`
	RetiredAt   time.Time `json:"-"`
}

// Retired reports whether the service is no longer offered.
func (s SupportService) Retired() bool { return !s.RetiredAt.IsZero() }

// MainKind is the kind a referral to the service counts under.
func (s SupportService) MainKind() string {
	if len(s.Kinds) == 0 {
		return "other"
	}
	return s.Kinds[0]
}

// ConfirmStale is how long a confirmation that a service is sex-work
// friendly holds before staff see it flagged.
const ConfirmStale = 365 * 24 * time.Hour

// Unconfirmed reports whether staff should confirm the service again:
// never confirmed, or confirmed more than ConfirmStale before now.
func (s SupportService) Unconfirmed(now time.Time) bool {
	d, err := time.Parse(time.DateOnly, s.ConfirmedOn)
	return err != nil || now.Sub(d) > ConfirmStale
}

// ServiceFilter selects services from the directory: every one given must
// match (empty: any). A region matches services in it and national ones.
type ServiceFilter struct {
	Regions  []string // any of these, or national
	Kind     string
	Language string // a BCP 47 tag: services that speak it (its base language matches)
	Retired  bool   // retired ones too (staff)
	Helpline bool   // national helplines only
}

// ReferralStatus is where a referral stands.
type ReferralStatus string

const (
	ReferralSuggested ReferralStatus = "suggested" // the caseworker suggested it to the reporter
	ReferralMade      ReferralStatus = "made"      // the caseworker made the referral
	ReferralAccepted  ReferralStatus = "accepted"  // the service took her on
	ReferralDeclined  ReferralStatus = "declined"  // the service or she turned it down
	ReferralClosed    ReferralStatus = "closed"
)

// ReferralStatuses in their order.
var ReferralStatuses = []ReferralStatus{ReferralSuggested, ReferralMade, ReferralAccepted, ReferralDeclined, ReferralClosed}

// referralNext says where a referral may go from each status: suggested →
// made → accepted or declined → closed; a suggestion she turned down, or
// one no longer needed, may close at once.
var referralNext = map[ReferralStatus][]ReferralStatus{
	ReferralSuggested: {ReferralMade, ReferralClosed},
	ReferralMade:      {ReferralAccepted, ReferralDeclined},
	ReferralAccepted:  {ReferralClosed},
	ReferralDeclined:  {ReferralClosed},
}

// ReferralNext lists the statuses a referral may move to from from.
func ReferralNext(from ReferralStatus) []ReferralStatus { return referralNext[from] }

// CanMoveReferral is the rule the store asks, on the row it has locked.
func CanMoveReferral(from, to ReferralStatus) error {
	if !slices.Contains(referralNext[from], to) {
		return Errorf(CodeConflict, "A referral that is %s cannot become %s.", from, to)
	}
	return nil
}

// ReferralAnswer is the reporter's answer to a suggested service.
type ReferralAnswer string

const (
	AnswerYes       ReferralAnswer = "yes"        // please refer me
	AnswerNo        ReferralAnswer = "no"         // no, thank you
	AnswerCallFirst ReferralAnswer = "call-first" // call me first
)

// ReferralAnswers are the answers a reporter can give.
var ReferralAnswers = []ReferralAnswer{AnswerYes, AnswerNo, AnswerCallFirst}

// Referral is a caseworker's suggestion of a support service to a
// reporter, from her report, and its progress. Kind is the service's main
// kind when it was suggested.
type Referral struct {
	ID         string         `json:"id"`
	ReportID   string         `json:"report_id"`
	ServiceID  string         `json:"service_id"`
	Service    SupportService `json:"service"`
	Kind       string         `json:"kind"`
	Status     ReferralStatus `json:"status"`
	Note       string         `json:"note,omitempty"` // the caseworker's words to her
	Answer     ReferralAnswer `json:"answer,omitempty"`
	AnsweredAt time.Time      `json:"answered_at,omitzero"`
	CreatedAt  time.Time      `json:"suggested_at"`
	UpdatedAt  time.Time      `json:"updated_at"`
}
