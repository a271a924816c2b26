// Package impact tells a reporter what her report did (issue 20.3):
// people keep reporting when they see that it matters. On her report's
// page and in the API she sees, as counts only, the alerts written from it
// and how many members they reached, how many members' checks found its
// warning, how many other reports of the same person it is linked to, and
// the days it went to the police as anonymous intelligence — never who,
// which or what. If she chose, a daily job tells her, content-free, when
// there is news (Notify). And she can ask a caseworker's help to make a
// full police report: a task on the case whose outcome a coordinator
// records; "reported to the police" is then counted.
//
// Every door (her page and the API, the coordinators' case page, the
// job) calls this one Service.
package impact

import (
	"context"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Service is the one entry point for every door.
type Service struct {
	DB *store.DB
	// SignInURL is where the content-free messages point.
	SignInURL string
}

// New returns the service over db.
func New(db *store.DB, signInURL string) *Service {
	return &Service{DB: db, SignInURL: signInURL}
}

// own refuses, as not found, anyone but the report's reporter, so that
// report ids reveal nothing.
func own(u scheme.User, rep scheme.Report) error {
	if u.ID == "" || rep.ReporterID != u.ID {
		return scheme.ErrNotFound
	}
	return nil
}

// Of is what u's own report rep led to. A rejected report led to nothing
// she is shown but her requests for help and her choice.
func (s *Service) Of(ctx context.Context, u scheme.User, rep scheme.Report) (scheme.ReportImpact, error) {
	if err := own(u, rep); err != nil {
		return scheme.ReportImpact{}, err
	}
	im, err := s.DB.Reports.Impact(ctx, rep.ID)
	if err != nil {
		return im, err
	}
	if rep.Status == scheme.ReportRejected {
		im = scheme.ReportImpact{Alerts: []scheme.AlertReach{}, SharedWithPolice: []time.Time{}, Notify: im.Notify, Help: im.Help}
	}
	return im, nil
}

// SetNotify records u's choice to be told, content-free, when her own
// report reportID makes a difference; anyone else's is not found.
func (s *Service) SetNotify(ctx context.Context, u scheme.User, reportID string, on bool) error {
	if u.ID == "" {
		return scheme.ErrNotFound
	}
	return s.DB.Reports.SetImpactNotify(ctx, u.ID, reportID, on)
}

// AskPoliceHelp records u's request for a caseworker's help making a full
// police report about her own report reportID, with an optional note; it
// becomes a task on the case. Anyone else's report is not found; a second
// request while one is open is a conflict.
func (s *Service) AskPoliceHelp(ctx context.Context, u scheme.User, reportID, note string) (scheme.PoliceHelp, error) {
	if u.ID == "" {
		return scheme.PoliceHelp{}, scheme.ErrNotFound
	}
	if p := scheme.PoliceHelpNoteProblem(note); p != "" {
		return scheme.PoliceHelp{}, scheme.Invalid(map[string]string{"note": p})
	}
	return s.DB.Reports.RequestPoliceHelp(ctx, u.ID, reportID, note)
}

// Requests lists a report's requests for help, newest first, for
// coordinators.
func (s *Service) Requests(ctx context.Context, u scheme.User, reportID string) ([]scheme.PoliceHelp, error) {
	if err := scheme.CanCoordinate(u, "see requests for help"); err != nil {
		return nil, err
	}
	return s.DB.Reports.PoliceHelpRequests(ctx, reportID)
}

// RecordOutcome records, for coordinators, how an open request ended:
// reported to the police (with the crime reference, optional), she
// decided not to, or she could not be reached. Nothing is stored on a
// problem.
func (s *Service) RecordOutcome(ctx context.Context, u scheme.User, reportID, helpID string, o scheme.PoliceHelpOutcome, crimeRef string) error {
	if err := scheme.CanCoordinate(u, "record what came of a request"); err != nil {
		return err
	}
	if p := scheme.PoliceHelpOutcomeProblems(o, crimeRef); len(p) > 0 {
		return scheme.Invalid(p)
	}
	return s.DB.Reports.RecordPoliceHelpOutcome(ctx, u.ID, reportID, helpID, o, crimeRef)
}

// Notify tells reporters who chose it that there is news about a report
// they made: at most one message a day each, naming nothing. It returns
// how many were told.
func (s *Service) Notify(ctx context.Context) (int, error) {
	return s.DB.Reports.NotifyImpact(ctx, s.SignInURL)
}
