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

// FlagName is a flag's short name, for lists.
var FlagName = map[Flag]string{
	FlagPossibleDuplicate:   "Possible multiple membership",
	FlagPossibleOffender:    "Possible offender",
	FlagEmailDomainMismatch: "Email not on its website's domain",
}

// FlagSource is one thing that raised a flag, stored with the
// application: which of the applicant's details matched (Field: "email",
// "mobile" or "organisation_email") and whose. Ids only, never the value.
type FlagSource struct {
	Flag  Flag   `json:"flag"`
	Field string `json:"field"`
	// One of: the other person (possible_duplicate), the organisation
	// whose official email matched (possible_duplicate), the offender in
	// a report whose identifier matched (possible_offender).
	Member       string `json:"member,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Offender     string `json:"offender,omitempty"`
}

// FlagsOf are the flags sources raise, each once: multiple membership,
// then offender.
func FlagsOf(sources []FlagSource) []Flag {
	var fs []Flag
	for _, f := range []Flag{FlagPossibleDuplicate, FlagPossibleOffender, FlagEmailDomainMismatch} {
		if slices.ContainsFunc(sources, func(s FlagSource) bool { return s.Flag == f }) {
			fs = append(fs, f)
		}
	}
	return fs
}

// FlagMatch is a flag's source as the coordinator opens it, pointing to
// what it is now: the member (their username, status and application) or
// the offender profile the offender now belongs to. Gone says it no
// longer exists (the member left, the report was deleted).
type FlagMatch struct {
	FlagSource
	Username      string
	Role          Role
	Status        string
	ApplicationID string // the member's application, "" when they have none (staff, organisations' staff logins)
	ProfileID     string // the offender profile
	Gone          bool
}

// RaisedFlag is one flag on an application with what raised it, for the
// coordinator to act on.
type RaisedFlag struct {
	Flag    Flag
	Matches []FlagMatch
	// MatchedNow says the matches were looked up when the application was
	// opened: it is older than the record of what raised its flags.
	MatchedNow bool
	// The domains compared, for email_domain_mismatch.
	EmailDomain, WebsiteDomain string
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
	UserID     string   `json:"user_id,omitempty"`
	Membership string   `json:"membership,omitempty"` // a MembershipType, or "staff"
	WorkName   string   `json:"work_name,omitempty"`
	RealName   string   `json:"real_name,omitempty"`
	Email      string   `json:"email,omitempty"`
	Mobile     string   `json:"mobile,omitempty"`
	AlertEmail bool     `json:"alert_email"`
	AlertSMS   bool     `json:"alert_sms"`
	Regions    []string `json:"regions,omitempty"`
	// Towns narrow her alerts within her regions (none in a region: the
	// whole region); slugs of scheme.Towns.
	Towns           []string  `json:"towns,omitempty"`
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
	FlagSources []FlagSource      `json:"-"` // what raised them; none on applications older than this record
	SubmittedAt time.Time         `json:"submitted_at,omitzero"`
	DecidedAt   time.Time         `json:"decided_at,omitzero"`
	Reason      string            `json:"reason,omitempty"`   // why it was rejected, shown to the applicant
	Question    string            `json:"question,omitempty"` // what the coordinator asked
	Answer      string            `json:"answer,omitempty"`   // what the applicant replied
	Username    string            `json:"username,omitempty"`
	Profile     Profile           `json:"profile,omitempty"`
	Org         *Organisation     `json:"org,omitempty"`
}

// APIKeyPrefix starts every partner key, so that the API can tell a key
// from a member's session token without a look-up.
const APIKeyPrefix = "umpk_"

// APIKey is a partner site's key, as stored: never the key itself.
type APIKey struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`   // the partner, e.g. "Example Adverts Ltd"
	Prefix     string    `json:"prefix"` // the key's first characters, to tell keys apart
	PerMinute  int       `json:"per_minute"`
	PerDay     int       `json:"per_day"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
	RevokedBy  string    `json:"revoked_by,omitempty"`
}

// MemberData is everything held about a member, for "download my data".
type MemberData struct {
	User         User          `json:"account"`
	Profile      Profile       `json:"profile"`
	Organisation *Organisation `json:"organisation,omitempty"`
	Application  *Application  `json:"application,omitempty"`
	Sessions     int           `json:"signed_in_sessions"`
	SecondFactor bool          `json:"second_factor_enabled"`
	Additions    []Addition    `json:"alert_additions,omitempty"` // what they added to alerts
	PushDevices  []PushDevice  `json:"push_devices,omitempty"`    // devices with push notifications on
	Referrals    []Referral    `json:"referrals,omitempty"`       // support services suggested to them from their reports
	Discreet     bool          `json:"discreet_mode"`
	// ImpactToldAt is when she was last told there is news about a report
	// she made (never which).
	ImpactToldAt time.Time `json:"impact_told_at,omitzero"`

	SessionList   []MySession      `json:"sessions"`
	Reports       []MyReport       `json:"reports"`
	Drafts        []MyDraft        `json:"report_drafts"`
	Checks        []MyCheck        `json:"checks"`
	Alerts        []MyAlert        `json:"alerts_received"`
	Notifications []MyNotification `json:"notifications"`
	Resets        []MyReset        `json:"password_resets"`
	RecoveryCodes int              `json:"recovery_codes_left"`
	Disclosures   []MyDisclosure   `json:"disclosures"`
	Activity      []MyActivity     `json:"activity"`
	Training      []MyTraining     `json:"training"`
}

// MemberRow is one line of the coordinators' list of who is who.
type MemberRow struct {
	User         User
	Membership   string
	WorkName     string
	Organisation string
	HasContact   bool
	// Unreadable marks the fields whose stored value does not open
	// ("username", "work_name", "organisation"); they are empty.
	Unreadable map[string]bool
}

// ApplicationFilter selects applications for the vetting queue.
type ApplicationFilter struct {
	Statuses []ApplicationStatus // none: pending and info_requested
}

// Decision is what a coordinator does with an application.
type Decision string

const (
	Approve     Decision = "approve"
	Reject      Decision = "reject"
	RequestInfo Decision = "request-info"
)

// CanDecide says whether a coordinator may decide a with d, and text (the
// reason for a rejection, the question when asking for more): only an
// application still waiting is decided, and the applicant is never left
// without a reason or a question. The store asks it on the application
// as it is inside the transaction that decides it.
func CanDecide(a Application, d Decision, text string) error {
	if a.Status != ApplicationPending && a.Status != ApplicationInfoRequested {
		return Errorf(CodeConflict, "This application has already been decided.")
	}
	switch d {
	case Approve:
	case Reject:
		if text == "" {
			return Invalid(map[string]string{"reason": "Give a reason: the applicant sees it when they sign in."})
		}
	case RequestInfo:
		if text == "" {
			return Invalid(map[string]string{"question": "Write what you need to know."})
		}
	default:
		return Errorf(CodeInvalid, "Unknown decision.")
	}
	return nil
}

// CanAnswer says whether the applicant may answer a: only when a question
// waits for an answer.
func CanAnswer(a Application) error {
	if a.Status != ApplicationInfoRequested {
		return Errorf(CodeConflict, "There is no question waiting for an answer.")
	}
	return nil
}

// CanRevoke says whether u's membership may be revoked: a member's (active
// or disabled), once; never a staff account's, nor an applicant's. The
// store asks it on the account as it is inside the transaction that
// revokes it.
func CanRevoke(u User) error {
	if u.Role.Staff() {
		return Errorf(CodeForbidden, "Staff accounts are not revoked: an admin removes their role.")
	}
	if u.Status == StatusRevoked {
		return Errorf(CodeConflict, "This member is already revoked.")
	}
	if u.Status != StatusActive && u.Status != StatusDisabled {
		return Errorf(CodeConflict, "Only members can be revoked: reject an application instead.")
	}
	return nil
}

// StaffMember is an organisation's staff login as its key contact sees it.
type StaffMember struct {
	User     User
	WorkName string
}

// SessionKind separates browser sessions, API tokens and the short-lived
// step between password and second factor.
type SessionKind string

const (
	SessionWeb SessionKind = "web"
	SessionAPI SessionKind = "api"
	SessionMFA SessionKind = "mfa"
)

// AcceptsTerms says whether u is asked to accept each new version of the
// terms before anything else, by every door: active members and
// organisations' key contacts. Scheme staff and applicants are not asked,
// nor organisations' staff logins (their key contact accepts for the
// organisation).
func AcceptsTerms(u User) bool {
	return u.Status == StatusActive && !u.Role.Staff() && u.Role != RoleOrgStaff
}
