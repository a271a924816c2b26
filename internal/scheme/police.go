package scheme

import "time"

// Disclosure is a disclosure of someone's personal data without their
// consent. It is recorded as pending and enters the log only when an admin
// other than the one who recorded it approves it.
type Disclosure struct {
	ID            string    `json:"id"`
	LegalBasis    string    `json:"legal_basis"`
	SubjectUserID string    `json:"subject_user_id,omitempty"` // the member whose data it is, or
	ReportID      string    `json:"report_id,omitempty"`       // the report whose reporter it is
	What          string    `json:"what"`                      // what was disclosed
	Recipient     string    `json:"recipient"`                 // to whom
	Justification string    `json:"justification"`             // why the basis applies
	Notify        bool      `json:"notify"`
	NoNotify      string    `json:"no_notify_reason,omitempty"` // why the law forbids telling them
	Status        string    `json:"status"`                     // pending, approved or refused
	RequestedBy   string    `json:"requested_by"`
	RequestedAt   time.Time `json:"requested_at"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	Decision      string    `json:"decision_note,omitempty"`
	NotifiedAt    time.Time `json:"notified_at,omitzero"`
}

// LegalBases are the grounds for disclosing without consent.
var LegalBases = []string{"child_protection", "crime_prevention", "risk_to_life", "terrorism", "court_order"}

// Enquiry is a police request to contact a reporter, about a report or an
// offender profile. What the police wrote is encrypted; the force's name
// is kept plain for the list.
type Enquiry struct {
	ID        string    `json:"id"`
	Force     string    `json:"force"`
	Unit      string    `json:"unit"`
	Reference string    `json:"reference"` // the police's own reference
	Request   string    `json:"request"`
	ReportID  string    `json:"report_id,omitempty"`
	ProfileID string    `json:"offender_id,omitempty"`
	Status    string    `json:"status"` // open, forwarded, answered, closed
	RespondBy time.Time `json:"respond_by"`
	Outcome   string    `json:"outcome,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	ClosedBy  string    `json:"closed_by,omitempty"`
	Forwards  []EnquiryForward
}

// Overdue reports whether the police are still waiting past the date.
func (e Enquiry) Overdue(now time.Time) bool {
	return (e.Status == "open" || e.Status == "forwarded") && now.After(e.RespondBy)
}

// EnquiryForward is an enquiry passed to one report's reporter, or to the
// organisation that filed it, and what they decided.
type EnquiryForward struct {
	ID          string    `json:"id"`
	EnquiryID   string    `json:"enquiry_id"`
	ReportID    string    `json:"report_id"`
	To          string    `json:"to"` // reporter or organisation
	ForwardedBy string    `json:"forwarded_by"`
	ForwardedAt time.Time `json:"forwarded_at"`
	Decision    string    `json:"decision"` // "", yes, no, caseworker
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
}

// PoliceExport is the record of one intelligence export for the police:
// who made it, when, for what purpose and for whom, which reports went in
// and which were left out. The exported content is not kept; it is made
// again, with consent read again, whenever it is downloaded.
type PoliceExport struct {
	ID        string    `json:"id"`
	Reference string    `json:"reference"` // for follow-up, e.g. "UMX-7K3QF2XP"
	Format    string    `json:"format"`    // csv, json or print: as first asked for
	ProfileID string    `json:"offender_id,omitempty"`
	Purpose   string    `json:"purpose"`
	Recipient string    `json:"recipient"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	Included  []string  `json:"-"` // report ids, in the order of the export
	Excluded  []string  `json:"-"`
}

// ExportSummary is one line of the list of exports.
type ExportSummary struct {
	PoliceExport
	IncludedCount, ExcludedCount int
}

// IntelFilter narrows the reports counted in the offender ranking.
type IntelFilter struct {
	Region, Type string
	From, To     time.Time // incidents from (inclusive) to (exclusive); zero: open
	MinReports   int       // profiles in at least this many counted reports (1 by default)
}

// ReportSearch is a coordinator's search across reports: an identifier of
// Kind, given either as Whole values to look up by blind index (normalised,
// and as typed, so that a partial value stored as typed is found too) or as
// a Partial fragment to compare with every identifier of the kind, and
// filters. With neither, the filters alone choose the reports.
type ReportSearch struct {
	Kind         string
	Whole        []string
	Partial      string
	Region, Type string
	From, To     time.Time // incidents from (inclusive) to (exclusive); zero: open
	Limit        int       // 200 by default
}

// ReportHit is one report a search found, with the offender profiles that
// made it match (the profiles of the offenders holding the identifier, or
// every offender's profile when no identifier was given).
type ReportHit struct {
	Report   Report
	Profiles []string
}

// MemberExport is a request to give a revoked member's details to the
// police. It is made by one coordinator and approved (or refused) by
// another coordinator or admin; only then can its requester download the
// details, and each download is audited.
type MemberExport struct {
	ID          string
	SubjectID   string // the revoked member
	Purpose     string // why, and who receives it
	Status      string // pending, approved, refused (or exported_unapproved, from before approval)
	RequestedBy string
	RequestedAt time.Time
	DecidedBy   string
	DecidedAt   time.Time
}

// Member export statuses.
const (
	MemberExportPending  = "pending"
	MemberExportApproved = "approved"
	MemberExportRefused  = "refused"
)

// RevokedExport is a revoked member's details for the police.
type RevokedExport struct {
	UserID       string        `json:"member_id"`
	Reason       string        `json:"revocation_reason"`
	Profile      Profile       `json:"details"`
	Organisation *Organisation `json:"organisation,omitempty"`
}

// CanDecideDisclosure says whether u may decide d: only a pending
// disclosure is decided, and never by the admin who recorded it. The store
// asks it inside the transaction that decides, so that no race gets round
// it.
func CanDecideDisclosure(d Disclosure, u User) error {
	if d.Status != "pending" {
		return Errorf(CodeConflict, "This disclosure was already decided.")
	}
	if d.RequestedBy == u.ID {
		return Errorf(CodeForbidden, "Another admin must decide: nobody approves a disclosure they recorded.")
	}
	return nil
}

// CanDecideMemberExport says whether u may decide e: only a pending
// request is decided, and never by whoever asked for it. The store asks it
// inside the transaction that decides, so that no race gets round it.
func CanDecideMemberExport(e MemberExport, u User) error {
	if e.Status != MemberExportPending {
		return Errorf(CodeConflict, "This export request was already decided.")
	}
	if e.RequestedBy == u.ID {
		return Errorf(CodeForbidden, "Another coordinator or admin must decide: nobody approves an export they asked for.")
	}
	return nil
}

// CanDownloadMemberExport says whether u may download e: only whoever
// asked for it (to anyone else it does not exist), and only once another
// coordinator or admin approved it.
func CanDownloadMemberExport(e MemberExport, u User) error {
	switch {
	case e.RequestedBy != u.ID:
		return ErrNotFound
	case e.Status == MemberExportPending:
		return Errorf(CodeConflict, "This export is waiting for another coordinator or admin to approve it.")
	case e.Status != MemberExportApproved:
		return Errorf(CodeConflict, "This export was not approved: there is nothing to download.")
	}
	return nil
}

// CanForwardEnquiry says whether enquiry e may be forwarded about report r
// to "reporter" or "organisation": not once it is closed, and only to
// someone who is there to receive it. The store asks it inside the
// transaction that forwards.
func CanForwardEnquiry(e Enquiry, r Report, to string) error {
	if e.Status == "closed" {
		return Errorf(CodeConflict, "This enquiry is closed.")
	}
	switch {
	case to == "reporter" && r.ReporterID == "":
		return Errorf(CodeConflict, "The reporter has left the scheme: there is nobody to forward it to.")
	case to == "organisation" && r.OrganisationID == "":
		return Errorf(CodeConflict, "This report was not made through an organisation.")
	case to != "reporter" && to != "organisation":
		return Invalid(map[string]string{"to": "Forward to the reporter or to their organisation."})
	}
	return nil
}

// CanAnswerEnquiry says whether a reporter's answer to enquiry e may still
// change: not once it is closed.
func CanAnswerEnquiry(e Enquiry) error {
	if e.Status == "closed" {
		return Errorf(CodeConflict, "This enquiry is closed: your answer can no longer change. Contact us if you need to.")
	}
	return nil
}
