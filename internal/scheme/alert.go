package scheme

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// AlertStatus is where an alert is: a draft being written, published to
// members, or withdrawn (gone from feeds; recipients see a notice).
type AlertStatus string

const (
	AlertDraft     AlertStatus = "draft"
	AlertPublished AlertStatus = "published"
	AlertWithdrawn AlertStatus = "withdrawn"
)

// AlertFlag is one thing the anonymisation check found in an alert that may
// identify a reporter or victim (see package anonymise).
type AlertFlag struct {
	Kind    string `json:"kind"`
	Field   string `json:"field"`
	Text    string `json:"text"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Message string `json:"message"`
}

// AlertContent is what members read; kept encrypted, one document per
// version. Identifiers are the offender identifiers published with it.
type AlertContent struct {
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	Area        string       `json:"area,omitempty"` // town or region, never closer
	Identifiers []Identifier `json:"identifiers"`
	// Translations are the title and body in other languages, by language
	// code (an i18n code other than English's). The area, the identifiers
	// and the fixed parts are not translated here: places and identifiers
	// stay as written, and the labels come from the catalogues.
	Translations map[string]AlertTranslation `json:"translations,omitempty"`
}

// AlertTranslation is an alert's title and body in one other language.
type AlertTranslation struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// OriginalLanguage is the language coordinators write alerts in, and so
// the language of an alert's own title and body.
const OriginalLanguage = "en-GB"

// In returns the title and body a reader of language code reads: the
// translation into code when there is one (translated true), else the
// original.
func (c AlertContent) In(code string) (title, body string, translated bool) {
	if t, ok := c.Translations[code]; ok && code != OriginalLanguage {
		return t.Title, t.Body, true
	}
	return c.Title, c.Body, false
}

// Alert is one anonymised warning. Targeting: every active member in
// Regions (or everyone if Nationwide), narrowed to Towns within a region
// when it names some there, and to Sectors and Genders when
// those are set (see the store's targeting rule for members who did not say).
type Alert struct {
	ID            string      `json:"id"`
	Status        AlertStatus `json:"status"`
	AlertContent              // title, body, area, identifiers
	Severity      Severity    `json:"severity"`
	IncidentTypes []string    `json:"incident_types"`
	IncidentAt    time.Time   `json:"incident_at"` // the (earliest) incident; shown as a date
	Nationwide    bool        `json:"nationwide"`
	Regions       []string    `json:"regions"`
	Towns         []string    `json:"towns,omitempty"` // within Regions: see the store's targeting rule
	Sectors       []string    `json:"sectors"`
	Genders       []string    `json:"genders"`
	Version       int         `json:"version"`
	PublishedAt   time.Time   `json:"published_at,omitzero"`
	WithdrawnAt   time.Time   `json:"withdrawn_at,omitzero"`
	Notice        string      `json:"notice,omitempty"` // to members, when withdrawn
	// Urgent: published out of hours by a coordinator on call, alone
	// (see urgent.go); its deliveries go before others'.
	Urgent bool `json:"urgent"`
	// Unreadable: its stored text does not open (damaged); a list shows
	// it as such, without content, among the others.
	Unreadable bool `json:"unreadable,omitempty"`
	// Members only.
	ReadAt time.Time `json:"read_at,omitzero"`
	// Coordinators only.
	ReportIDs      []string    `json:"report_ids,omitempty"`
	Flags          []AlertFlag `json:"anonymisation_flags,omitempty"`
	OverrideReason string      `json:"override_reason,omitempty"`
	CreatedBy      string      `json:"created_by,omitempty"`
	UpdatedBy      string      `json:"-"` // who last edited it: not sent, read by CanApprove
	CreatedAt      time.Time   `json:"created_at,omitzero"`
	UpdatedAt      time.Time   `json:"updated_at,omitzero"`
	ApprovedBy     string      `json:"approved_by,omitempty"`
	ApprovedAt     time.Time   `json:"approved_at,omitzero"`
	PublishedBy    string      `json:"published_by,omitempty"`
	// Review is an urgent alert's review by a second coordinator.
	Review *UrgentReview `json:"review,omitempty"`
}

// ForMembers returns the alert as members see it: without the reports it
// came from, the anonymisation flags or who wrote it. A withdrawn alert
// keeps only its notice.
func (a Alert) ForMembers() Alert {
	m := Alert{ID: a.ID, Status: a.Status, Severity: a.Severity, IncidentTypes: a.IncidentTypes, IncidentAt: a.IncidentAt,
		Nationwide: a.Nationwide, Regions: a.Regions, Towns: a.Towns, Sectors: a.Sectors, Genders: a.Genders, Version: a.Version,
		PublishedAt: a.PublishedAt, WithdrawnAt: a.WithdrawnAt, Notice: a.Notice, ReadAt: a.ReadAt, Unreadable: a.Unreadable, Urgent: a.Urgent}
	if a.Status == AlertPublished {
		m.AlertContent = a.AlertContent
	}
	return m
}

// AlertVersion is one published version of an alert, kept when it is edited.
type AlertVersion struct {
	Version  int          `json:"version"`
	Content  AlertContent `json:"content"`
	EditedBy string       `json:"edited_by"`
	EditedAt time.Time    `json:"edited_at"`
}

// Audience is how many members an alert reaches, and by which channel.
type Audience struct {
	InApp int `json:"in_app"`
	Email int `json:"email"`
	SMS   int `json:"sms"`
	Push  int `json:"push"` // devices (browsers, installed apps) with push on
}

// Delivery states of an alert's email and SMS messages.
const (
	DeliveryQueued    = "queued"
	DeliverySending   = "sending" // claimed by a sender; back to retrying if it stalls
	DeliverySent      = "sent"
	DeliveryRetrying  = "retrying"
	DeliveryFailed    = "failed"
	DeliveryCancelled = "cancelled" // the alert was withdrawn, or the member turned the channel off
	DeliveryOutbox    = "outbox"    // no provider configured for the channel
)

// Addition is something a member added to an alert ("the same man contacted
// me"), shown to other recipients once a coordinator approves it.
type Addition struct {
	ID          string    `json:"id"`
	AlertID     string    `json:"alert_id"`
	AuthorID    string    `json:"-"`
	Mine        bool      `json:"mine,omitempty"`
	Body        string    `json:"body"`
	Language    string    `json:"language,omitempty"` // written in: an i18n code; "" if not known
	Status      string    `json:"status"`             // pending, approved, rejected
	CreatedAt   time.Time `json:"created_at"`
	ModeratedAt time.Time `json:"moderated_at,omitzero"`
}

// Addition statuses.
const (
	AdditionPending  = "pending"
	AdditionApproved = "approved"
	AdditionRejected = "rejected"
)

// CanApprove says whether u may approve a: only a draft is approved, and
// never by whoever wrote or last edited it, so that two coordinators have
// read every alert before members do. The alert service asks it before it
// calls the store, and the store asks it again inside the transaction, on
// the row as it is then, so that an edit made meanwhile still counts.
func CanApprove(a Alert, u User) error {
	if a.Status != AlertDraft {
		return Errorf(CodeConflict, "Only a draft can be approved; this alert is %s.", a.Status)
	}
	if u.ID == a.CreatedBy || u.ID == a.UpdatedBy {
		return Errorf(CodeForbidden, "You wrote or last edited this alert, so another coordinator must approve it.")
	}
	return nil
}

// ReadyToPublish says whether a may be published: it must still be a
// draft and, when the scheme requires two-person approval (the setting
// SettingRequireApproval), a second coordinator must have approved it.
// Like CanApprove, it is asked before the store is called and again by the
// store inside the transaction that publishes.
func ReadyToPublish(a Alert, requireApproval bool) error {
	if a.Status != AlertDraft {
		return Errorf(CodeConflict, "This alert is already %s.", a.Status)
	}
	if requireApproval && a.ApprovedBy == "" {
		return Errorf(CodeConflict, "A second coordinator must approve this alert before it is published.")
	}
	return nil
}

// OverrideNeeded says whether publishing with flags needs a reason that was
// not given: what the anonymisation check found stays in only if a
// coordinator says why it is safe. Asked by the alert service before the
// store is called and by the store in the transaction that publishes.
func OverrideNeeded(flags []AlertFlag, reason string) error {
	if len(flags) > 0 && strings.TrimSpace(reason) == "" {
		return Invalid(map[string]string{"override_reason": fmt.Sprintf(
			"The anonymisation check found %d thing(s) that may identify someone. Change the text, or say why it is safe to publish as it is.", len(flags))})
	}
	return nil
}

// CanEdit says whether an edit turning old into edited may be saved: a
// draft changes freely; a published alert has gone out, so who it goes to
// cannot change; a withdrawn alert no longer changes. The store asks it on
// the alert as it is inside the transaction that saves the edit.
func CanEdit(old, edited Alert) error {
	switch old.Status {
	case AlertDraft:
		return nil
	case AlertPublished:
		if edited.Nationwide != old.Nationwide || !sameSet(edited.Regions, old.Regions) || !sameSet(edited.Towns, old.Towns) ||
			!sameSet(edited.Sectors, old.Sectors) ||
			!sameSet(edited.Genders, old.Genders) {
			return Errorf(CodeConflict, "Who an alert goes to cannot change once it is published. Withdraw it and write a new one.")
		}
		return nil
	default:
		return Errorf(CodeConflict, "This alert was withdrawn: it can no longer be changed.")
	}
}

// sameSet reports whether a and b hold the same values, in any order,
// counting each once.
func sameSet(a, b []string) bool {
	set := func(vs []string) []string {
		out := slices.Clone(vs)
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(set(a), set(b))
}

// CanWithdraw says whether a may be withdrawn: only a published alert is.
func CanWithdraw(a Alert) error {
	if a.Status != AlertPublished {
		return Errorf(CodeConflict, "Only a published alert can be withdrawn; this one is %s.", a.Status)
	}
	return nil
}

// CanResend says whether a's failed messages may be sent again: only a
// published alert's are (a withdrawn alert's must stay unsent).
func CanResend(a Alert) error {
	if a.Status != AlertPublished {
		return Errorf(CodeConflict, "Only a published alert's messages can be sent again; this alert is %s.", a.Status)
	}
	return nil
}

// CheckChannel refuses a channel an alert's messages are not sent on (they
// go by email, SMS or push).
func CheckChannel(channel string) error {
	if channel != "email" && channel != "sms" && channel != "push" {
		return Invalid(map[string]string{"channel": "Choose email, SMS or push."})
	}
	return nil
}

// SettingRequireApproval is the setting that makes publishing an alert
// need a second coordinator's approval ("true" unless set to "false").
const SettingRequireApproval = "alerts.require_approval"

// AlertFilter selects alerts for coordinators.
type AlertFilter struct {
	Statuses []AlertStatus // none: any
	ReportID string        // only alerts written from this report
	Limit    int           // default 200
}

// ReporterDetails is what identifies one reporter.
type ReporterDetails struct {
	Username, WorkName, RealName, Email, Mobile, Organisation, OrganisationEmail string
}

// DeliveryFailure is one delivery that failed or waits to be retried, as
// coordinators see it: no member, no address.
type DeliveryFailure struct {
	Ref       string    `json:"ref"` // opaque, stable per delivery (outbox.DeliveryRef)
	Channel   string    `json:"channel"`
	State     string    `json:"state"` // failed or retrying
	Error     string    `json:"error"` // a reason code or status
	Attempts  int       `json:"attempts"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DeliveryPause is a channel that stopped sending after too many failures
// in a row, until a coordinator resumes it.
type DeliveryPause struct {
	Channel  string    `json:"channel"`
	Reason   string    `json:"reason"`
	PausedAt time.Time `json:"paused_at"`
}

// MemberAlertFilter narrows a member's feed.
type MemberAlertFilter struct {
	Region string    // alerts for this region (or nationwide)
	Type   string    // alerts with this incident type
	Since  time.Time // published on or after
	Until  time.Time // published before
	Before time.Time // paging: published before this (the last one shown)
	Limit  int       // default 50
}
