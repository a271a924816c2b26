package member

import (
	"cmp"
	"encoding/json"
	"net/http"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// ReporterListView lists the reporter's drafts and reports.
type ReporterListView struct {
	Notice string
	// Enquiries counts police enquiries waiting for the member's answer.
	Enquiries int
	Drafts    []draftRow
	Reports   []reportRow
	Pager     core.Pager // of the sent reports
}

type draftRow struct {
	ID, What, Saved string
	Step, Steps     int
}

type reportRow struct {
	ID, What, Incident, Sent string
	Status                   scheme.ReportStatus
	StatusName               string
	Unread                   int
}

func listNotice(r *http.Request) string {
	return words(core.Loc(r), map[string]string{
		"discarded": "The unsent report is deleted.",
		"draft":     "Your report is saved. It is not sent yet: continue it below when you are ready.",
	}[r.URL.Query().Get("done")])
}

// myReportsPage is how many of her reports a page shows: each is a card
// of about 140 px on a phone, so ten make two screens.
const myReportsPage = 10

func (s *server) myReports(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	loc := core.Loc(r)
	v := ReporterListView{Notice: listNotice(r)}
	if v.Enquiries, err = s.waitingEnquiries(r, u); err != nil {
		return err
	}
	drafts, err := s.Reports.Drafts(ctx, u)
	if err != nil {
		return err
	}
	for _, d := range drafts {
		var in report.Input
		_ = json.Unmarshal([]byte(d.Data), &in) // an unreadable draft still lists, so it can be discarded
		row := draftRow{ID: d.ID, Saved: s.dayTime(loc, d.UpdatedAt), Step: max(1, min(d.Step, stepCount)), Steps: stepCount, What: typeNames(loc, l, in.IncidentTypes)}
		if row.What == "" {
			row.What = loc.T("Report started {{.Day}}", map[string]any{"Day": s.Date(core.Loc(r), d.UpdatedAt, core.DayMonth)})
		}
		v.Drafts = append(v.Drafts, row)
	}
	page := core.PageFrom(r)
	page.Size = myReportsPage
	reports, err := s.Reports.Mine(ctx, u, page)
	if err != nil {
		return err
	}
	v.Pager = core.NewPager(r.URL.Query(), "/reports", page, reports.Total)
	for _, rep := range reports.Items {
		unread, err := s.Reports.Unread(ctx, u, rep)
		if err != nil {
			return err
		}
		row := reportRow{ID: rep.ID, What: cmp.Or(typeNames(loc, l, rep.IncidentTypes), loc.T("report-untitled")), Incident: s.Date(loc, rep.IncidentAt, core.WeekdayShort),
			Sent: s.dayTime(loc, rep.SubmittedAt), Status: rep.Status, StatusName: cmp.Or(words(loc, statusWords[rep.Status].Name), string(rep.Status)), Unread: unread}
		v.Reports = append(v.Reports, row)
	}
	s.Render(w, r, http.StatusOK, viewReportList, v)
	return nil
}

// ReporterReportView is one of the reporter's reports.
type ReporterReportView struct {
	ID, Title                   string
	Status                      scheme.ReportStatus
	StatusName, StatusText      string
	Reason                      string
	Submitted                   string
	Late, ThirdParty            bool
	Summary                     summary
	Messages                    []threadMessage
	Consents                    []consentView
	MessageNotice, ConsentsDone bool
	Message, MessageError       string
	// Impact is what the report led to (impact.go).
	Impact       impactView
	AnswerNotice bool
	AnswerError  string
}

// threadMessage is one item of her report's thread: a message, or a
// service a caseworker suggested (Referral).
type threadMessage struct {
	FromScheme bool
	At, Body   string
	Referral   *threadReferral
	at         time.Time
}

// ReporterSentView is the confirmation after sending.
type ReporterSentView struct {
	ID, AcknowledgeBy string
	Alert             bool
}

func (s *server) myReport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	rep, err := s.Reports.Own(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("sent") != "" {
		s.Render(w, r, http.StatusOK, viewReportSent, ReporterSentView{ID: rep.ID, AcknowledgeBy: s.dayTime(core.Loc(r), rep.AcknowledgeBy), Alert: rep.Consents.Alert})
		return nil
	}
	done := r.URL.Query().Get("done")
	s.renderReport(w, r, u, http.StatusOK, rep, ReporterReportView{MessageNotice: done == "message", ConsentsDone: done == "consents", AnswerNotice: done == "answer",
		Impact: impactView{NotifyDone: done == "notify", HelpDone: done == "help"}})
	return nil
}

func (s *server) renderReport(w http.ResponseWriter, r *http.Request, u scheme.User, status int, rep scheme.Report, v ReporterReportView) {
	ctx := r.Context()
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	loc := core.Loc(r)
	sw := statusWords[rep.Status]
	v.ID, v.Title, v.Status = rep.ID, cmp.Or(typeNames(loc, l, rep.IncidentTypes), loc.T("Your report")), rep.Status
	v.StatusName, v.StatusText = cmp.Or(words(loc, sw.Name), string(rep.Status)), words(loc, sw.Text)
	if rep.Status == scheme.ReportRejected || rep.Status == scheme.ReportIntelligence {
		v.Reason = rep.Reason
	}
	if rep.Status == scheme.ReportSubmitted && rep.AcknowledgedAt.IsZero() && !rep.AcknowledgeBy.IsZero() {
		v.StatusText = loc.T("A coordinator will read it by {{.When}}.", map[string]any{"When": s.dayTime(loc, rep.AcknowledgeBy)})
	}
	v.Submitted, v.Late, v.ThirdParty = s.dayTime(loc, rep.SubmittedAt), rep.Late, rep.ThirdParty
	o := rep.Original
	v.Summary = summary{Types: typeNames(loc, l, rep.IncidentTypes), Account: o.Account, ThirdParty: rep.ThirdParty,
		When: s.happenedWhen(loc, rep.IncidentAt, rep.TimeKnown), Region: cmp.Or(words(loc, l.RegionName(rep.Region)), rep.Region), Town: o.Town,
		Offenders: offenderSummaries(loc, o.Offenders), PoliceReported: rep.PoliceReported, PoliceRef: o.PoliceRef,
		VictimSector: words(loc, l.SectorName(rep.VictimSector))}
	if rep.PlaceKind != "" {
		v.Summary.Place = words(loc, scheme.SlugName(scheme.PlaceKinds, rep.PlaceKind))
	}
	if rep.ContactMethod != "" {
		v.Summary.Contact = words(loc, scheme.SlugName(scheme.ContactMethods, rep.ContactMethod))
	}
	if rep.VictimGender != "" {
		v.Summary.VictimGender = words(loc, cmp.Or(l.GenderName(rep.VictimGender), rep.VictimGender))
	}
	msgs, err := s.Reports.Thread(ctx, u, rep)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, m := range msgs {
		v.Messages = append(v.Messages, threadMessage{FromScheme: m.FromScheme, At: s.dayTime(loc, m.At), Body: m.Body, at: m.At})
	}
	if err := s.addReferrals(r, u, rep, &v); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Consents = consentViews(rep.Consents)
	if err := s.impactView(r, u, rep, &v.Impact); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.Render(w, r, status, viewReportView, v)
}

func (s *server) reporterMessage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	body := r.PostFormValue("message")
	_, err := s.Reports.ReporterMessage(r.Context(), u, id, body)
	if err == nil {
		core.SeeOther(w, r, "/reports/"+id+"?done=message#messages")
		return nil
	}
	if scheme.ErrorCode(err) != scheme.CodeInvalid {
		return err
	}
	rep, gerr := s.Reports.Own(r.Context(), u, id)
	if gerr != nil {
		return gerr
	}
	s.renderReport(w, r, u, http.StatusUnprocessableEntity, rep, ReporterReportView{Message: body, MessageError: core.FormErrors(err)["message"]})
	return nil
}

func (s *server) myConsents(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, errUnreadable) // never read a cut-short form as "withdraw everything"
		return nil
	}
	var c report.Input
	readStep(&c, consentStep, r.PostForm, u)
	if _, err := s.Reports.SetConsents(r.Context(), u, id, c.Consents); err != nil {
		return err
	}
	core.SeeOther(w, r, "/reports/"+id+"?done=consents#consents")
	return nil
}
