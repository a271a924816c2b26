package police

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// LegalBasisNames say, for the form and the log, what each basis means.
var LegalBasisNames = map[string]string{
	"child_protection": "Child protection: a child is at risk of harm",
	"crime_prevention": "Preventing or detecting a serious crime",
	"risk_to_life":     "Risk to someone's life or of serious harm",
	"terrorism":        "Terrorism: a legal duty to disclose",
	"court_order":      "A court order or other legal obligation",
}

// DisclosureInput is a disclosure as a coordinator records it.
type DisclosureInput struct {
	LegalBasis     string
	Username       string // the member whose data it is, or
	ReportID       string // the report whose reporter it is
	What           string
	Recipient      string
	Justification  string
	Notify         string // "yes" (the person will be told) or "no"
	NoNotifyReason string // required when Notify is "no"
}

// RecordDisclosure checks a disclosure and records it as pending: it
// enters the log only when another admin approves it.
func (s *Service) RecordDisclosure(ctx context.Context, u scheme.User, in DisclosureInput) (scheme.Disclosure, error) {
	if err := scheme.CanCoordinate(u, "record disclosures"); err != nil {
		return scheme.Disclosure{}, err
	}
	p := map[string]string{}
	if !slices.Contains(scheme.LegalBases, in.LegalBasis) {
		p["legal_basis"] = "Choose the legal basis: a disclosure without consent needs one."
	}
	d := scheme.Disclosure{LegalBasis: in.LegalBasis, What: strings.TrimSpace(in.What), Recipient: strings.TrimSpace(in.Recipient),
		Justification: strings.TrimSpace(in.Justification), NoNotify: strings.TrimSpace(in.NoNotifyReason), RequestedBy: u.ID}
	in.Username, in.ReportID = strings.TrimSpace(in.Username), strings.TrimSpace(in.ReportID)
	switch {
	case in.Username == "" && in.ReportID == "":
		p["username"] = "Say whose information it is: a member's username, or the report whose reporter it is."
	case in.Username != "":
		m, err := s.DB.Accounts.UserByUsername(ctx, in.Username)
		if err != nil || m.Role.Staff() {
			p["username"] = "There is no member with that username."
		}
		d.SubjectUserID = m.ID
	}
	if in.ReportID != "" {
		if _, err := s.DB.Reports.Report(ctx, in.ReportID); err != nil {
			if scheme.ErrorCode(err) != scheme.CodeNotFound {
				return d, err
			}
			p["report_id"] = "There is no report with that id."
		}
		d.ReportID = in.ReportID
	}
	for field, v := range map[string]string{"what": d.What, "recipient": d.Recipient, "justification": d.Justification} {
		switch {
		case v == "":
			p[field] = map[string]string{"what": "Say what was (or will be) disclosed.", "recipient": "Say to whom: the organisation and the person.",
				"justification": "Say why this legal basis applies."}[field]
		case utf8.RuneCountInString(v) > 2000:
			p[field] = "Keep this under 2,000 characters."
		}
	}
	switch in.Notify {
	case "yes":
		d.Notify = true
	case "no":
		if d.NoNotify == "" {
			p["no_notify_reason"] = "Say why the law forbids telling the person (for example, it would prejudice an investigation)."
		}
	default:
		p["notify"] = "Say whether the person will be told."
	}
	if len(p) > 0 {
		return scheme.Disclosure{}, scheme.Invalid(p)
	}
	return s.DB.Police.RecordDisclosure(ctx, d)
}

// DecideDisclosure approves or refuses a pending disclosure: admins only,
// and never the one who recorded it. Refusing needs a note.
func (s *Service) DecideDisclosure(ctx context.Context, u scheme.User, id, decision, note, accountURL string) (scheme.Disclosure, error) {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Disclosure{}, scheme.Errorf(scheme.CodeForbidden, "Only an admin can approve or refuse a disclosure.")
	}
	note = strings.TrimSpace(note)
	switch {
	case decision != "approve" && decision != "refuse":
		return scheme.Disclosure{}, scheme.Invalid(map[string]string{"decision": "Choose approve or refuse."})
	case decision == "refuse" && note == "":
		return scheme.Disclosure{}, scheme.Invalid(map[string]string{"note": "Say why you refuse it."})
	case utf8.RuneCountInString(note) > 2000:
		return scheme.Disclosure{}, scheme.Invalid(map[string]string{"note": "Keep this under 2,000 characters."})
	}
	return s.DB.Police.DecideDisclosure(ctx, u.ID, id, decision == "approve", note, accountURL)
}

// Disclosures lists page p of the disclosure log for coordinators and
// admins: pending ones first, newest first.
func (s *Service) Disclosures(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.Disclosure], error) {
	if err := scheme.CanCoordinate(u, "read the disclosure log"); err != nil {
		return scheme.Listed[scheme.Disclosure]{}, err
	}
	return s.DB.Police.Disclosures(ctx, p)
}

// Disclosure opens one disclosure for a coordinator or admin. It says what
// was given about whom, to whom and why, so each opening is audited.
func (s *Service) Disclosure(ctx context.Context, u scheme.User, id string) (scheme.Disclosure, error) {
	if err := scheme.CanCoordinate(u, "read the disclosure log"); err != nil {
		return scheme.Disclosure{}, err
	}
	d, err := s.DB.Police.Disclosure(ctx, id)
	return store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "disclosure.view", SubjectType: "disclosure", SubjectID: d.ID}, d, err)
}

// MemberDisclosures returns the approved disclosures about u that she is
// to be told of: of her own data, or of her as a report's reporter.
func (s *Service) MemberDisclosures(ctx context.Context, u scheme.User) ([]scheme.Disclosure, error) {
	return s.DB.Police.MemberDisclosures(ctx, u.ID)
}
