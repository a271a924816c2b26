package scheme

import (
	"slices"
	"strings"
	"time"
)

// MembershipType is one of the three ways to join (PRODUCT.md "Membership").
type MembershipType string

const (
	Individual    MembershipType = "individual"
	Project       MembershipType = "project"
	Establishment MembershipType = "establishment"
)

// Organisational reports whether members of this type are organisations.
func (t MembershipType) Organisational() bool { return t == Project || t == Establishment }

// Valid reports whether t is a known membership type.
func (t MembershipType) Valid() bool { return t == Individual || t.Organisational() }

// ApplicationStatus is where an application is in vetting.
type ApplicationStatus string

const (
	ApplicationPending       ApplicationStatus = "pending"
	ApplicationInfoRequested ApplicationStatus = "info_requested"
	ApplicationApproved      ApplicationStatus = "approved"
	ApplicationRejected      ApplicationStatus = "rejected"
)

// Flag is a warning raised on an application for the coordinator.
type Flag string

const (
	FlagPossibleDuplicate   Flag = "possible_duplicate"
	FlagPossibleOffender    Flag = "possible_offender"
	FlagEmailDomainMismatch Flag = "email_domain_mismatch"
)

// FlagText says what a flag means, for coordinators.
var FlagText = map[Flag]string{
	FlagPossibleDuplicate:   "Possible multiple membership: the email or mobile matches an existing member's.",
	FlagPossibleOffender:    "Possible offender: the email or phone matches an offender's in a report.",
	FlagEmailDomainMismatch: "The organisation's email is not on its website's domain.",
}

// JoinFlags and SplitFlags store flags as one column.
func JoinFlags(fs []Flag) string {
	ss := make([]string, len(fs))
	for i, f := range fs {
		ss[i] = string(f)
	}
	slices.Sort(ss)
	return strings.Join(slices.Compact(ss), ",")
}

func SplitFlags(s string) []Flag {
	if s == "" {
		return nil
	}
	var fs []Flag
	for _, f := range strings.Split(s, ",") {
		fs = append(fs, Flag(f))
	}
	return fs
}

// User statuses.
const (
	StatusApplicant = "applicant" // applied, not yet approved (or rejected)
	StatusActive    = "active"
	StatusDisabled  = "disabled" // an organisation's staff login, switched off by the key contact
	StatusRevoked   = "revoked"
	StatusRejected  = "rejected"
)

// Organisation is a member project or escort site / establishment.
type Organisation struct {
	ID          string         `json:"id,omitempty"`
	Type        MembershipType `json:"type,omitempty"`
	Name        string         `json:"name,omitempty"`
	Website     string         `json:"website,omitempty"`
	Email       string         `json:"email,omitempty"`
	KeyContact  string         `json:"key_contact,omitempty"`
	Description string         `json:"description,omitempty"`
}

// Profile is what a member told us about themselves.
type Profile struct {
	UserID          string    `json:"user_id,omitempty"`
	Membership      string    `json:"membership,omitempty"` // a MembershipType, or "staff"
	WorkName        string    `json:"work_name,omitempty"`
	RealName        string    `json:"real_name,omitempty"`
	Email           string    `json:"email,omitempty"`
	Mobile          string    `json:"mobile,omitempty"`
	AlertEmail      bool      `json:"alert_email"`
	AlertSMS        bool      `json:"alert_sms"`
	Regions         []string  `json:"regions,omitempty"`
	Gender          string    `json:"gender,omitempty"`
	Sector          string    `json:"sector,omitempty"`
	Area            string    `json:"area,omitempty"`
	TermsVersion    int       `json:"terms_version"`
	TermsAcceptedAt time.Time `json:"terms_accepted_at,omitzero"`
}

// Application is one application to join, with the applicant's details
// (decrypted) when a coordinator looks at it.
type Application struct {
	ID          string            `json:"id,omitempty"`
	UserID      string            `json:"user_id,omitempty"`
	Type        MembershipType    `json:"type,omitempty"`
	Status      ApplicationStatus `json:"status,omitempty"`
	Flags       []Flag            `json:"flags,omitempty"`
	SubmittedAt time.Time         `json:"submitted_at,omitzero"`
	DecidedAt   time.Time         `json:"decided_at,omitzero"`
	Reason      string            `json:"reason,omitempty"`   // why it was rejected, shown to the applicant
	Question    string            `json:"question,omitempty"` // what the coordinator asked
	Answer      string            `json:"answer,omitempty"`   // what the applicant replied
	Username    string            `json:"username,omitempty"`
	Profile     Profile           `json:"profile,omitempty"`
	Org         *Organisation     `json:"org,omitempty"`
}

// Genders and the monitoring choices offered; "" means not answered.
var Genders = []struct{ Slug, Name string }{
	{"woman", "Woman"}, {"man", "Man"}, {"non-binary", "Non-binary"},
	{"other", "In another way"}, {"prefer-not", "Prefer not to say"},
}
