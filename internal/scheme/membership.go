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
	ID          string
	Type        MembershipType
	Name        string
	Website     string
	Email       string
	KeyContact  string
	Description string
}

// Profile is what a member told us about themselves.
type Profile struct {
	UserID          string
	Membership      string // a MembershipType, or "staff"
	WorkName        string
	RealName        string
	Email           string
	Mobile          string
	AlertEmail      bool
	AlertSMS        bool
	Regions         []string
	Gender          string
	Sector          string
	Area            string
	TermsVersion    int
	TermsAcceptedAt time.Time
}

// Application is one application to join, with the applicant's details
// (decrypted) when a coordinator looks at it.
type Application struct {
	ID          string
	UserID      string
	Type        MembershipType
	Status      ApplicationStatus
	Flags       []Flag
	SubmittedAt time.Time
	DecidedAt   time.Time
	Reason      string // why it was rejected, shown to the applicant
	Question    string // what the coordinator asked
	Answer      string // what the applicant replied
	Username    string
	Profile     Profile
	Org         *Organisation
}

// Genders and the monitoring choices offered; "" means not answered.
var Genders = []struct{ Slug, Name string }{
	{"woman", "Woman"}, {"man", "Man"}, {"non-binary", "Non-binary"},
	{"other", "In another way"}, {"prefer-not", "Prefer not to say"},
}
