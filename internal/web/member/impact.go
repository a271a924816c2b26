package member

import (
	"net/http"
	"strings"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// What her report led to, on her report's page (impact.Service): counts
// only, her choice to be told, and her request for help with a police
// report.

// impactView is the page's "What your report led to" section.
type impactView struct {
	// Counts is false for a rejected report: it led to nothing to count.
	Counts     bool
	Alerts     int
	Reached    int
	Checks     int
	Linked     int
	Shared     []string // days it went to the police
	Notify     bool
	NotifyDone bool
	Help       *helpView
	CanAsk     bool   // no request is open
	HelpNote   string // what she typed, on a problem
	HelpError  string
	HelpDone   bool
}

// helpView is her latest request for help, as she reads it.
type helpView struct {
	State    string // open, reported, declined, unreachable
	Text     string
	CrimeRef string
}

func (s *server) impactView(r *http.Request, u scheme.User, rep scheme.Report, v *impactView) error {
	im, err := s.Impact.Of(r.Context(), u, rep)
	if err != nil {
		return err
	}
	loc := core.Loc(r)
	v.Counts = rep.Status != scheme.ReportRejected
	v.Alerts, v.Reached, v.Checks, v.Linked, v.Notify = len(im.Alerts), im.Reached(), im.ChecksFound, im.LinkedReports, im.Notify
	seen := map[string]bool{}
	for _, t := range im.SharedWithPolice {
		if d := s.Date(loc, t, core.DateLong); !seen[d] {
			seen[d] = true
			v.Shared = append(v.Shared, d)
		}
	}
	v.CanAsk = im.Help == nil || !im.Help.Open()
	if im.Help != nil {
		v.Help = helpWords(loc, s.Date(loc, im.Help.RequestedAt, core.DateLong), s.Date(loc, im.Help.OutcomeAt, core.DateLong), *im.Help)
	}
	return nil
}

// helpWords says where her request stands.
func helpWords(loc *i18n.Localizer, asked, ended string, h scheme.PoliceHelp) *helpView {
	v := &helpView{State: string(h.Outcome)}
	switch h.Outcome {
	case scheme.PoliceHelpReported:
		v.Text, v.CrimeRef = loc.T("You reported it to the police with our help on {{.Date}}.", map[string]any{"Date": ended}), h.CrimeRef
	case scheme.PoliceHelpDeclined:
		v.Text = loc.T("On {{.Date}} you decided not to report it to the police. You can ask again at any time.", map[string]any{"Date": ended})
	case scheme.PoliceHelpUnreachable:
		v.Text = loc.T("We could not reach you about your request of {{.Date}}. You can ask again at any time.", map[string]any{"Date": asked})
	default:
		v.State = "open"
		v.Text = loc.T("You asked for help on {{.Date}}. A caseworker will contact you.", map[string]any{"Date": asked})
	}
	return v
}

// setImpactNotify saves her choice to be told when the report makes a
// difference. An unreadable form changes nothing.
func (s *server) setImpactNotify(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, errUnreadable)
		return nil
	}
	if err := s.Impact.SetNotify(r.Context(), u, id, r.PostForm.Get("notify") == "yes"); err != nil {
		return err
	}
	core.SeeOther(w, r, "/reports/"+id+"?done=notify#impact")
	return nil
}

// askPoliceHelp sends her request for help making a full police report.
// A note too long comes back with what she typed.
func (s *server) askPoliceHelp(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	note := r.PostFormValue("note")
	_, err := s.Impact.AskPoliceHelp(r.Context(), u, id, note)
	if err == nil {
		core.SeeOther(w, r, "/reports/"+id+"?done=help#police-help")
		return nil
	}
	if scheme.ErrorCode(err) != scheme.CodeInvalid {
		return err
	}
	rep, gerr := s.Reports.Own(r.Context(), u, id)
	if gerr != nil {
		return gerr
	}
	s.renderReport(w, r, u, http.StatusUnprocessableEntity, rep, ReporterReportView{
		Impact: impactView{HelpNote: strings.TrimRight(note, "\n"), HelpError: core.FormErrors(err)["note"]}})
	return nil
}
