package police

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// EnquiryInput is a police request as a coordinator records it.
type EnquiryInput struct {
	Force, Unit, Reference string
	ReportID, OffenderID   string // one of them
	Request                string
	RespondBy              string // a day, YYYY-MM-DD; empty: ten working days from now
}

// RespondWithin is how long the scheme gives itself to answer the police
// by default: ten working days.
const RespondWithin = 10 * 8 * time.Hour

// staff refuses anyone but an active coordinator or admin.
func staff(u scheme.User) error { return scheme.CanCoordinate(u, "handle police enquiries") }

// CreateEnquiry checks and records a police enquiry.
func (s *Service) CreateEnquiry(ctx context.Context, u scheme.User, in EnquiryInput) (scheme.Enquiry, error) {
	if err := staff(u); err != nil {
		return scheme.Enquiry{}, err
	}
	e := scheme.Enquiry{Force: strings.TrimSpace(in.Force), Unit: strings.TrimSpace(in.Unit), Reference: strings.TrimSpace(in.Reference),
		Request: strings.TrimSpace(in.Request), ReportID: strings.TrimSpace(in.ReportID), ProfileID: strings.TrimSpace(in.OffenderID), CreatedBy: u.ID}
	p := map[string]string{}
	if e.Force == "" {
		p["force"] = "Say which police force is asking."
	}
	if e.Request == "" {
		p["request"] = "Write what the police ask for."
	}
	for field, v := range map[string]string{"force": e.Force, "unit": e.Unit, "reference": e.Reference} {
		if utf8.RuneCountInString(v) > 200 {
			p[field] = "Keep this under 200 characters."
		}
	}
	if utf8.RuneCountInString(e.Request) > 5000 {
		p["request"] = "Keep this under 5,000 characters."
	}
	switch {
	case e.ReportID == "" && e.ProfileID == "":
		p["report_id"] = "Say which report the enquiry is about, or give an offender profile."
	case e.ReportID != "" && e.ProfileID != "":
		p["report_id"] = "Give a report or an offender profile, not both."
	case e.ReportID != "":
		if _, err := s.DB.Reports.Report(ctx, e.ReportID); scheme.ErrorCode(err) == scheme.CodeNotFound {
			p["report_id"] = "There is no report with that id."
		} else if err != nil {
			return e, err
		}
	default:
		if _, err := s.DB.Police.ProfileReports(ctx, e.ProfileID); scheme.ErrorCode(err) == scheme.CodeNotFound {
			p["offender_id"] = "There is no offender profile with that id."
		} else if err != nil {
			return e, err
		}
	}
	now := time.Now()
	hours, err := s.Hours.InForce(ctx)
	if err != nil {
		return e, err
	}
	if in.RespondBy = strings.TrimSpace(in.RespondBy); in.RespondBy == "" {
		e.RespondBy = hours.Add(now, RespondWithin)
	} else if d, err := time.ParseInLocation(time.DateOnly, in.RespondBy, s.Hours.Location()); err != nil {
		p["respond_by"] = "Give the date as a day, for example 2026-12-01."
	} else if e.RespondBy = d.Add(24*time.Hour - time.Second); e.RespondBy.Before(now) {
		p["respond_by"] = "The date has passed: give a day from today."
	}
	if len(p) > 0 {
		return scheme.Enquiry{}, scheme.Invalid(p)
	}
	return s.DB.Police.CreateEnquiry(ctx, e)
}

// ForwardEnquiry passes an enquiry about one of its reports to the
// reporter (a message in their report's thread) or to their organisation.
// The message names the force, never the officer or their reference.
func (s *Service) ForwardEnquiry(ctx context.Context, u scheme.User, id, reportID, to, signInURL string) (scheme.EnquiryForward, error) {
	if err := staff(u); err != nil {
		return scheme.EnquiryForward{}, err
	}
	e, err := s.DB.Police.Enquiry(ctx, id)
	if err != nil {
		return scheme.EnquiryForward{}, err
	}
	ok := reportID == e.ReportID
	if !ok && e.ProfileID != "" {
		ids, err := s.DB.Police.ProfileReports(ctx, e.ProfileID)
		if err != nil {
			return scheme.EnquiryForward{}, err
		}
		for _, r := range ids {
			ok = ok || r == reportID
		}
	}
	if !ok {
		return scheme.EnquiryForward{}, scheme.Invalid(map[string]string{"report_id": "That report is not part of this enquiry."})
	}
	msg := "The police (" + e.Force + ") have asked to talk to you about this report. It is entirely your choice: you do not have to talk to them, " +
		"and saying no changes nothing about the help we give you. Nothing about you has been passed to them. " +
		"Answer on the enquiry's page (Reports, then Police enquiries), or talk to one of our caseworkers first."
	return s.DB.Police.ForwardEnquiry(ctx, u.ID, id, reportID, to, msg, signInURL)
}

// Outcome records what came of an enquiry.
func (s *Service) Outcome(ctx context.Context, u scheme.User, id, status, outcome string) error {
	if err := staff(u); err != nil {
		return err
	}
	outcome = strings.TrimSpace(outcome)
	p := map[string]string{}
	if status != "answered" && status != "closed" {
		p["status"] = "Choose answered (the police have their answer) or closed."
	}
	if outcome == "" {
		p["outcome"] = "Say what came of it: what the police were told, or why it was closed."
	} else if utf8.RuneCountInString(outcome) > 5000 {
		p["outcome"] = "Keep this under 5,000 characters."
	}
	if len(p) > 0 {
		return scheme.Invalid(p)
	}
	return s.DB.Police.EnquiryOutcome(ctx, u.ID, id, status, outcome)
}

// Enquiries lists page p of the police enquiries for coordinators: open
// ones first, soonest due first.
func (s *Service) Enquiries(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.Enquiry], error) {
	if err := staff(u); err != nil {
		return scheme.Listed[scheme.Enquiry]{}, err
	}
	return s.DB.Police.Enquiries(ctx, p)
}

// Enquiry opens an enquiry for a coordinator. It names officers, their
// references and what they ask about whom, so each opening is audited.
func (s *Service) Enquiry(ctx context.Context, u scheme.User, id string) (scheme.Enquiry, error) {
	if err := staff(u); err != nil {
		return scheme.Enquiry{}, err
	}
	e, err := s.DB.Police.Enquiry(ctx, id)
	return store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "enquiry.view", SubjectType: "police_enquiry", SubjectID: e.ID}, e, err)
}

// MemberEnquiries returns the forwards u may answer: about her own
// reports, or (for a key contact) her organisation's. With forwardID,
// just that one (else not found).
func (s *Service) MemberEnquiries(ctx context.Context, u scheme.User, forwardID string) ([]scheme.EnquiryForward, error) {
	return s.DB.Police.MemberEnquiries(ctx, u, forwardID)
}

// MemberEnquiryPage is page p of the forwards u may answer, newest first.
func (s *Service) MemberEnquiryPage(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.EnquiryForward], error) {
	return s.DB.Police.MemberEnquiryPage(ctx, u, p)
}

// ForwardedEnquiry returns the enquiry behind a forward that
// MemberEnquiries gave a member. She is shown the force, the unit, the
// request and whether it is closed: no coordinator's view, so no audit.
func (s *Service) ForwardedEnquiry(ctx context.Context, f scheme.EnquiryForward) (scheme.Enquiry, error) {
	return s.DB.Police.Enquiry(ctx, f.EnquiryID)
}

// DecideEnquiry records a member's answer to an enquiry forwarded to her:
// yes, no, or talk to a caseworker first. It can change until the enquiry
// is closed.
func (s *Service) DecideEnquiry(ctx context.Context, u scheme.User, forwardID, decision string) error {
	decision = strings.TrimSpace(decision)
	if decision != "yes" && decision != "no" && decision != "caseworker" {
		return scheme.Invalid(map[string]string{"decision": "Choose one of the three answers."})
	}
	return s.DB.Police.DecideEnquiry(ctx, u, forwardID, decision)
}
