package report

import (
	"context"
	"strings"
	"time"

	"uglymugs/internal/scheme"
)

// Case work: the lists of reports, the messages between a reporter and the
// scheme, and what coordinators do with a report (its status, working
// copy, notes, referrals and tasks).

// coordinator refuses anyone but an active coordinator or admin.
func coordinator(u scheme.User) error { return scheme.CanCoordinate(u, "can do that") }

// Mine lists page p of u's own reports without their content, newest
// first.
func (s *Service) Mine(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.Report], error) {
	return s.DB.Reports.ReportPage(ctx, scheme.ReportFilter{ReporterID: u.ID}, p)
}

// Queue lists page p of the reports in any of statuses without their
// content, for coordinators: highest severity first, then oldest.
func (s *Service) Queue(ctx context.Context, u scheme.User, p scheme.Page, statuses ...scheme.ReportStatus) (scheme.Listed[scheme.Report], error) {
	if err := coordinator(u); err != nil {
		return scheme.Listed[scheme.Report]{}, err
	}
	return s.DB.Reports.ReportPage(ctx, scheme.ReportFilter{Statuses: statuses}, p)
}

// Linked lists the reports an offender profile links, without their
// content, for coordinators.
func (s *Service) Linked(ctx context.Context, u scheme.User, profileID string) ([]scheme.Report, error) {
	if err := coordinator(u); err != nil {
		return nil, err
	}
	return s.DB.Reports.Reports(ctx, scheme.ReportFilter{ProfileID: profileID})
}

// Own returns one of u's own reports, read without the view a coordinator
// records: only its reporter may read it this way. Anyone else gets "not
// found", so that report ids reveal nothing.
func (s *Service) Own(ctx context.Context, u scheme.User, id string) (scheme.Report, error) {
	r, err := s.DB.Reports.Report(ctx, id)
	if err != nil {
		return r, err
	}
	if u.ID == "" || r.ReporterID != u.ID {
		return scheme.Report{}, scheme.ErrNotFound
	}
	return r, nil
}

// Peek returns a report for a coordinator without recording a view: for
// the pages that use its codes and offender links rather than show its
// account (an offender profile, a police enquiry), and for reading it on
// the way to saving an edit. Anyone else gets "not found".
func (s *Service) Peek(ctx context.Context, u scheme.User, id string) (scheme.Report, error) {
	if coordinator(u) != nil {
		return scheme.Report{}, scheme.ErrNotFound
	}
	return s.DB.Reports.Report(ctx, id)
}

// Thread returns the messages on u's own report rep, oldest first, and
// marks the scheme's messages read: u has now seen them. Anyone else's
// report is not found.
func (s *Service) Thread(ctx context.Context, u scheme.User, rep scheme.Report) ([]scheme.Message, error) {
	if u.ID == "" || rep.ReporterID != u.ID {
		return nil, scheme.ErrNotFound
	}
	return s.DB.Reports.Messages(ctx, rep.ID, true)
}

// Unread counts the scheme's messages on u's own report rep that u has not
// read yet, leaving them unread. Anyone else's report is not found.
func (s *Service) Unread(ctx context.Context, u scheme.User, rep scheme.Report) (int, error) {
	if u.ID == "" || rep.ReporterID != u.ID {
		return 0, scheme.ErrNotFound
	}
	msgs, err := s.DB.Reports.Messages(ctx, rep.ID, false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range msgs {
		if m.FromScheme && m.ReadAt.IsZero() {
			n++
		}
	}
	return n, nil
}

// CaseThread returns a report's messages, oldest first, for coordinators:
// reading them does not mark them read for the reporter.
func (s *Service) CaseThread(ctx context.Context, u scheme.User, reportID string) ([]scheme.Message, error) {
	if err := coordinator(u); err != nil {
		return nil, err
	}
	return s.DB.Reports.Messages(ctx, reportID, false)
}

// ReporterMessage adds u's message to the thread of u's own report.
// Anyone else's report is not found.
func (s *Service) ReporterMessage(ctx context.Context, u scheme.User, reportID, body string) (scheme.Message, error) {
	if err := messageProblem(body); err != nil {
		return scheme.Message{}, err
	}
	return s.DB.Reports.AddMessage(ctx, u.ID, reportID, false, body, "")
}

// SchemeMessage adds a coordinator's message to a report's thread. The
// reporter is told, by their chosen channel, only that a message is
// waiting at link.
func (s *Service) SchemeMessage(ctx context.Context, u scheme.User, reportID, body, link string) (scheme.Message, error) {
	if err := coordinator(u); err != nil {
		return scheme.Message{}, err
	}
	if err := messageProblem(body); err != nil {
		return scheme.Message{}, err
	}
	return s.DB.Reports.AddMessage(ctx, u.ID, reportID, true, body, link)
}

// messageProblem refuses an empty message.
func messageProblem(body string) error {
	if strings.TrimSpace(body) == "" {
		return scheme.Invalid(map[string]string{"message": "Write your message first."})
	}
	return nil
}

// SetStatus moves a report through review, for coordinators. A rejection
// needs a reason; the first move out of "submitted" acknowledges the
// report.
func (s *Service) SetStatus(ctx context.Context, u scheme.User, reportID string, to scheme.ReportStatus, reason string) error {
	if err := coordinator(u); err != nil {
		return err
	}
	if to == "" {
		return scheme.Invalid(map[string]string{"status": "Choose what happens to the report."})
	}
	if to == scheme.ReportRejected && strings.TrimSpace(reason) == "" {
		return scheme.Invalid(map[string]string{"reason": "Give the reason for rejecting this report: it is kept with it."})
	}
	return s.DB.Reports.SetReportStatus(ctx, u.ID, reportID, to, reason)
}

// UpdateWorkingCopy replaces the coordinators' working copy of a report
// (already checked by Validate); the original submission never changes.
func (s *Service) UpdateWorkingCopy(ctx context.Context, u scheme.User, reportID string, c scheme.ReportContent) error {
	if err := coordinator(u); err != nil {
		return err
	}
	return s.DB.Reports.UpdateWorkingCopy(ctx, u.ID, reportID, c)
}

// Timeline returns everything that happened to a report, oldest first.
func (s *Service) Timeline(ctx context.Context, reportID string) ([]scheme.Event, error) {
	return s.DB.Reports.Timeline(ctx, reportID)
}

// AddCaseNote adds a coordinator's note (kind "note") or a referral to a
// support service (kind "referral") to a report's timeline.
func (s *Service) AddCaseNote(ctx context.Context, u scheme.User, reportID, kind, text string) error {
	if err := coordinator(u); err != nil {
		return err
	}
	if kind != "note" && kind != "referral" {
		return scheme.Invalid(map[string]string{"kind": "Choose a note or a referral."})
	}
	if strings.TrimSpace(text) == "" {
		return scheme.Invalid(map[string]string{kind: "Write something first."})
	}
	return s.DB.Reports.AddCaseNote(ctx, u.ID, reportID, kind, text)
}

// Tasks lists a report's tasks, open ones first by due date.
func (s *Service) Tasks(ctx context.Context, reportID string) ([]scheme.Task, error) {
	return s.DB.Reports.Tasks(ctx, reportID)
}

// AddTask adds a task to a report, for coordinators. due is a day
// ("2026-11-20") on the scheme's clock, today or later, or "" for none;
// the task is due by the end of that day. Every problem is named at once.
func (s *Service) AddTask(ctx context.Context, u scheme.User, reportID, title, due string) (scheme.Task, error) {
	if err := coordinator(u); err != nil {
		return scheme.Task{}, err
	}
	loc := s.Hours.Location()
	if loc == nil {
		loc = time.UTC
	}
	problems := map[string]string{}
	if strings.TrimSpace(title) == "" {
		problems["title"] = "Say what needs doing."
	}
	var by time.Time
	if due = strings.TrimSpace(due); due != "" {
		d, err := time.ParseInLocation("2006-01-02", due, loc)
		today := s.Now().In(loc).Format("2006-01-02")
		switch {
		case err != nil:
			problems["due"] = "Give the date as year, month and day, for example " + today + "."
		case due < today:
			problems["due"] = "That date has passed. Choose today or a later day."
		default:
			by = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, loc) // by the end of that day
		}
	}
	if len(problems) > 0 {
		return scheme.Task{}, scheme.Invalid(problems)
	}
	return s.DB.Reports.AddTask(ctx, u.ID, reportID, title, by)
}

// CompleteTask marks a task of the report done, for coordinators.
func (s *Service) CompleteTask(ctx context.Context, u scheme.User, reportID, taskID string) error {
	if err := coordinator(u); err != nil {
		return err
	}
	return s.DB.Reports.CompleteTask(ctx, u.ID, reportID, taskID)
}
