package scheme

import (
	"encoding/json"
	"time"
)

// MyReport is one report she sent, as her data download holds it: the
// report as she sent it, the working copy staff keep of it, what happened
// to it and the conversation about it.
type MyReport struct {
	Report
	AsSent      ReportContent `json:"as_sent"`
	WorkingCopy ReportContent `json:"working_copy"` // staff's copy: what they corrected or took out
	History     []ReportStep  `json:"history"`
	Messages    []Message     `json:"messages"`
	// Enquiries are police requests passed to her about this report, and
	// her answers.
	Enquiries []MyEnquiry `json:"police_enquiries,omitempty"`
	// Alerts are the alerts written from it; SharedWithPolice the days it
	// went to the police as anonymous intelligence (when, never what).
	Alerts           []string    `json:"alerts,omitempty"`
	SharedWithPolice []time.Time `json:"shared_with_police,omitempty"`
}

// ReportStep is one thing that happened to her report: its kind (submitted,
// status, consent, message, note…) and when. Detail is kept only where it
// is hers to know: the new status and what her consents became.
type ReportStep struct {
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	Detail string    `json:"detail,omitempty"`
}

// MyEnquiry is a police enquiry forwarded to her and her answer.
type MyEnquiry struct {
	Force       string    `json:"force"`
	Request     string    `json:"request"`
	ForwardedAt time.Time `json:"forwarded_at"`
	Decision    string    `json:"decision,omitempty"` // yes, no, caseworker; "" not answered yet
	DecidedAt   time.Time `json:"decided_at,omitzero"`
}

// MyDraft is a report she started and has not sent.
type MyDraft struct {
	ID        string          `json:"id"`
	Step      int             `json:"step"`
	UpdatedAt time.Time       `json:"updated_at"`
	Answers   json.RawMessage `json:"answers"`
}

// MyCheck is one check she made: what kind of value, through which door,
// when and whether a warning was found. The value is never kept.
type MyCheck struct {
	Kind      string    `json:"kind"`
	Channel   string    `json:"channel"`
	CheckedAt time.Time `json:"checked_at"`
	Found     bool      `json:"found"`
}

// MyAlert is an alert that reached her feed: how (published to her area,
// reaching her on joining, or found by a check), when, and when she read it.
type MyAlert struct {
	AlertID string    `json:"alert_id"`
	Via     string    `json:"via"`
	At      time.Time `json:"at"`
	ReadAt  time.Time `json:"read_at,omitzero"`
}

// MyNotification is a message sent (or to be sent) to her: the channel,
// what it was about and when; never the address it went to.
type MyNotification struct {
	Channel string    `json:"channel"`
	About   string    `json:"about"`              // the message's kind, e.g. "alert", "report_message"
	AlertID string    `json:"alert_id,omitempty"` // for an alert
	Status  string    `json:"status"`
	At      time.Time `json:"at"`
	SentAt  time.Time `json:"sent_at,omitzero"`
}

// MySession is one signed-in session: where (browser, app, or the short
// second-factor step) and its times. The token is never kept.
type MySession struct {
	Kind     string    `json:"kind"`
	Started  time.Time `json:"started"`
	LastSeen time.Time `json:"last_seen"`
	Ends     time.Time `json:"ends"`
}

// MyReset is one password reset asked for.
type MyReset struct {
	Asked time.Time `json:"asked"`
	Used  time.Time `json:"used,omitzero"`
}

// MyDisclosure is a disclosure of her data that she is to be told of: on
// what legal basis, what, to whom and when.
type MyDisclosure struct {
	LegalBasis string    `json:"legal_basis"`
	What       string    `json:"what"`
	Recipient  string    `json:"recipient"`
	DecidedAt  time.Time `json:"decided_at"`
}

// MyActivity is one thing she did, from the scheme's audit log: what and
// when.
type MyActivity struct {
	Action string    `json:"action"`
	At     time.Time `json:"at"`
}

// ForReporter is c as its reporter sees it: without the offenders' link ids
// or the identifiers' normalised forms, which are the scheme's work.
func (c ReportContent) ForReporter() ReportContent {
	c.Offenders = append([]Offender{}, c.Offenders...)
	for i := range c.Offenders {
		c.Offenders[i].ID, c.Offenders[i].ProfileID = "", ""
		ids := append([]Identifier{}, c.Offenders[i].Identifiers...)
		for j := range ids {
			ids[j].Normalised = ""
		}
		c.Offenders[i].Identifiers = ids
	}
	return c
}

// MyTraining is a place she was booked on at the scheme's training, and
// whether she attended (nil: not recorded yet).
type MyTraining struct {
	Event    string    `json:"event"`
	StartsAt time.Time `json:"starts_at"`
	Attended *bool     `json:"attended"`
}
