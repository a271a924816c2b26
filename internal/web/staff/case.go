package staff

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"uglymugs/internal/i18n"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// CaseView is one report opened as a case.
type CaseView struct {
	ID                  string
	Status              scheme.ReportStatus
	StatusName, Reason  string
	Final               bool
	Next                []caseStatusChoice
	Severity            scheme.Severity
	SeverityName        string
	SeverityRank        int
	Types               []string
	Region, Place       string
	Contact             string
	Incident, Submitted string
	Language            string // what the reporter wrote in, when not English
	TimeKnown           bool
	Delay               string
	Late, ThirdParty    bool
	Ack                 caseAck
	PoliceReported      bool
	VictimGender        string
	VictimSector        string
	Consents            []caseConsent
	Original            caseContent
	Working             workingCopyForm
	Profiles            []caseProfileLink
	Timeline            []caseEvent
	Tasks               []caseTask
	Messages            []caseMessage
	ReporterGone        bool
	Today               string // for the due date's minimum
	Form, NoticeIn      string // the form the errors belong to; where the notice shows
	Problems            []caseProblem
	TypesText           string
	Town, PoliceRef     string         // as the working copy has them
	Kinds               []caseLabelled // identifier kinds: Value is the code
	OpenTasks           int
	AlertConsent        bool
	PoliceConsent       bool
	Alerts              []caseAlert // alerts written from this report
	HasDraft            bool        // one of them is a draft: "Write an alert" opens it
	// PoliceHelp are her requests for help with a police report, newest
	// first (policehelp.go); HelpOpen says one waits for its outcome.
	PoliceHelp     []casePoliceHelp
	HelpOpen       bool
	HelpOutcomes   []caseLabelled
	Referrals      []caseReferral
	ServiceChoices []core.Option // services to suggest, when she consented (SupportConsent)
	SupportConsent bool
}

type caseAlert struct {
	ID, Title, Status string
}

type caseConsent struct {
	Name  string
	Given bool
}

// caseContent is the original submission, read-only.
type caseContent struct {
	Account, Town, PoliceRef string
	Offenders                []caseOffender
}

type caseOffender struct {
	Number        int
	ID, ProfileID string
	Description   []caseLabelled
	Identifiers   []caseIdent
}

type caseLabelled struct{ Label, Value string }

type caseIdent struct {
	Kind, Value, Normalised, Make, Colour string
	Partial                               bool
}

type caseProfileLink struct {
	ID       string
	Offender int // 1-based, in the working copy
	Reports  int
}

type caseEvent struct {
	When, Who, What, Body, Kind, Link string
}

type caseTask struct {
	ID, Title, Due, DoneAt string
	Overdue, Done          bool
}

type caseMessage struct {
	FromScheme bool
	Body, When string
	Read       string
}

// caseProblem is one error, in form order, for the error summary.
type caseProblem struct{ Field, Message string }

// workingCopyForm is the working copy as an edit form.
type workingCopyForm struct {
	Account, Town, PoliceRef core.FieldView
	Offenders                []workingCopyOffender
	CanAddOffender           bool
}

type workingCopyOffender struct {
	N, Number      int
	ID, ProfileID  string
	Remove         bool
	Description    []core.FieldView
	Identifiers    []workingCopyIdent
	Error          string
	CanAddIdent    bool
	ProfileReports int
}

type workingCopyIdent struct {
	Prefix                    string // form name prefix: offenders.N.identifiers.M
	Number                    int
	Kind, Value, Make, Colour string
	KindError, ValueError     string
	Matched                   string // the normalised value, when it differs from what was typed
	Partial, ShowVehicle      bool
}

const (
	caseMaxOffenders   = 10
	caseMaxIdentifiers = 20
)

// caseForm carries a failed or unfinished form back onto the case page.
type caseForm struct {
	status  int
	form    string // "status", "working-copy", "notes", "tasks", "messages"
	values  map[string]string
	errors  map[string]string
	wc      *workingCopyForm // the working copy as typed
	notice  string
	section string
}

func (s *server) reportCase(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notices := map[string]struct{ text, section string }{
		"status":             {"Status changed.", "case-status"},
		"edit":               {"Working copy saved. The original submission is unchanged.", "working-copy"},
		"note":               {"Note added to the case.", "case-notes"},
		"referral":           {"Referral recorded.", "case-notes"},
		"task":               {"Task added.", "case-tasks"},
		"task-done":          {"Task marked done.", "case-tasks"},
		"message":            {"Message sent. The reporter sees it when they sign in.", "case-messages"},
		"referral-suggested": {"Service suggested. The reporter sees it in her report's messages and can answer there.", "case-referrals"},
		"referral-status":    {"Referral updated.", "case-referrals"},
		"police-help":        {"Outcome recorded.", "case-police-help"},
	}
	n := notices[r.URL.Query().Get("done")]
	s.renderCase(w, r, u, caseForm{status: http.StatusOK, notice: n.text, section: n.section})
	return nil
}

// renderCase shows the case page: it reads the report (an audited view)
// and everything around it.
func (s *server) renderCase(w http.ResponseWriter, r *http.Request, u scheme.User, f caseForm) {
	ctx := r.Context()
	rep, err := s.Reports.Get(ctx, u, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	n, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	now := time.Now()
	types := n.TypeNameList(rep.IncidentTypes)
	v := CaseView{
		ID: rep.ID, Status: rep.Status, StatusName: core.CaseStatusNames[rep.Status], Reason: rep.Reason,
		Final: rep.Status == scheme.ReportPublished, Next: caseNextStatuses[rep.Status],
		Severity: rep.Severity, SeverityName: cmp.Or(core.CaseSeverityNames[rep.Severity], string(rep.Severity)), SeverityRank: scheme.SeverityRank[rep.Severity],
		Types: types, TypesText: strings.Join(types, ", "), Region: cmp.Or(n.RegionName(rep.Region), rep.Region),
		Incident: s.caseIncidentText(rep), TimeKnown: rep.TimeKnown, Submitted: s.caseDayTime(rep.SubmittedAt), Language: writtenIn(rep.Original.Language), Delay: caseDelayText(rep.Delay),
		Late: rep.Late, ThirdParty: rep.ThirdParty, Ack: s.caseAckOf(rep, now, s.caseLong), PoliceReported: rep.PoliceReported,
		ReporterGone: rep.ReporterID == "", Kinds: caseKinds(), Town: rep.Working.Town, PoliceRef: rep.Working.PoliceRef, Today: s.Time(now, time.DateOnly), Form: f.form, NoticeIn: f.section,
	}
	// SlugName gives "" for "": nothing was chosen.
	v.Place = scheme.SlugName(scheme.PlaceKinds, rep.PlaceKind)
	v.Contact = scheme.SlugName(scheme.ContactMethods, rep.ContactMethod)
	v.VictimGender = cmp.Or(n.GenderName(rep.VictimGender), rep.VictimGender)
	if rep.VictimSector != "" {
		v.VictimSector = cmp.Or(n.SectorName(rep.VictimSector), rep.VictimSector)
	}
	c := rep.Consents
	v.Consents = []caseConsent{{core.CaseConsentNames["alert"], c.Alert}, {core.CaseConsentNames["police"], c.Police},
		{core.CaseConsentNames["support"], c.Support}, {core.CaseConsentNames["police_contact"], c.PoliceContact}}
	v.Original = caseContentOf(rep.Original)
	v.AlertConsent, v.PoliceConsent = c.Alert, c.Police
	alerts, err := s.Alerts.List(ctx, u, scheme.AlertFilter{ReportID: rep.ID})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, a := range alerts {
		status := map[scheme.AlertStatus]string{scheme.AlertDraft: "draft", scheme.AlertPublished: "published", scheme.AlertWithdrawn: "withdrawn"}[a.Status]
		if a.Status == scheme.AlertDraft && a.ApprovedBy != "" {
			status = "draft, approved"
		}
		v.Alerts = append(v.Alerts, caseAlert{ID: a.ID, Title: a.Title, Status: status})
		v.HasDraft = v.HasDraft || a.Status == scheme.AlertDraft
	}

	// Profiles the working copy's offenders are linked to, with how many
	// reports each holds.
	counts := map[string]int{}
	for i, o := range rep.Working.Offenders {
		if o.ProfileID == "" {
			continue
		}
		if _, ok := counts[o.ProfileID]; !ok {
			linked, err := s.Reports.Linked(ctx, u, o.ProfileID)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			counts[o.ProfileID] = len(linked)
		}
		v.Profiles = append(v.Profiles, caseProfileLink{ID: o.ProfileID, Offender: i + 1, Reports: counts[o.ProfileID]})
	}
	if f.wc != nil {
		v.Working = *f.wc
	} else {
		v.Working = caseWorkingForm(rep.Working)
	}
	for i := range v.Working.Offenders {
		o := &v.Working.Offenders[i]
		if o.ProfileID == "" && o.ID != "" {
			for _, x := range rep.Working.Offenders {
				if x.ID == o.ID {
					o.ProfileID = x.ProfileID
				}
			}
		}
		o.ProfileReports = counts[o.ProfileID]
	}

	tasks, err := s.Reports.Tasks(ctx, rep.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	taskTitles := map[string]string{}
	for _, t := range tasks {
		taskTitles[t.ID] = t.Title
		tv := caseTask{ID: t.ID, Title: t.Title, Overdue: t.Overdue(now), Done: !t.DoneAt.IsZero()}
		if !t.DueAt.IsZero() {
			tv.Due = s.caseDay(t.DueAt)
		}
		if tv.Done {
			tv.DoneAt = s.caseDayTime(t.DoneAt)
		}
		v.Tasks = append(v.Tasks, tv)
		if !tv.Done {
			v.OpenTasks++
		}
	}
	events, err := s.Reports.Timeline(ctx, rep.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	who := s.caseActorNames(ctx, rep, u, events)
	for _, e := range events {
		v.Timeline = append(v.Timeline, describeCaseEvent(e, who[e.Actor], taskTitles, s.caseDayTime(e.At)))
	}
	msgs, err := s.Reports.CaseThread(ctx, u, rep.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, m := range msgs {
		mv := caseMessage{FromScheme: m.FromScheme, Body: m.Body, When: s.caseDayTime(m.At)}
		if m.FromScheme {
			mv.Read = "Not read yet"
			if !m.ReadAt.IsZero() {
				mv.Read = "Read " + s.caseDayTime(m.ReadAt)
			}
		}
		v.Messages = append(v.Messages, mv)
	}
	if v.PoliceHelp, err = s.casePoliceHelps(r, u, rep.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, h := range v.PoliceHelp {
		v.HelpOpen = v.HelpOpen || h.Open
	}
	for _, o := range scheme.PoliceHelpOutcomes {
		v.HelpOutcomes = append(v.HelpOutcomes, caseLabelled{Value: string(o), Label: policeHelpOutcomeNames[o]})
	}
	if err := s.caseReferrals(ctx, u, rep, &v); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Problems = caseOrderedProblems(f.errors, v.Working)
	s.Render(w, r, f.status, viewCaseReport, core.FormView{Values: f.values, Errors: f.errors, Notice: f.notice, Extra: v})
}

// actorNames puts a name to each actor of a timeline: the reporter as
// "The reporter", staff by username, anyone else as a member.
func (s *server) caseActorNames(ctx context.Context, rep scheme.Report, me scheme.User, events []scheme.Event) map[string]string {
	out := map[string]string{"system": "System", "": "System"}
	if rep.ReporterID != "" {
		out[rep.ReporterID] = "The reporter"
	}
	out[me.ID] = me.Username + " (you)"
	for _, e := range events {
		if _, ok := out[e.Actor]; ok {
			continue
		}
		username, staff, err := s.Accounts.Username(ctx, e.Actor)
		switch {
		case err != nil:
			out[e.Actor] = "A former user"
		case staff:
			out[e.Actor] = username
		default:
			out[e.Actor] = "A member"
		}
	}
	return out
}

func describeCaseEvent(e scheme.Event, who string, tasks map[string]string, when string) caseEvent {
	v := caseEvent{When: when, Who: who, Kind: e.Kind, Body: e.Body}
	var d map[string]any
	if e.Detail != "" && strings.HasPrefix(e.Detail, "{") {
		_ = json.Unmarshal([]byte(e.Detail), &d) // an unreadable detail shows as no detail
	}
	str := func(k string) string { s, _ := d[k].(string); return s }
	switch e.Kind {
	case "submitted":
		v.What = "Report submitted"
	case "status":
		// The new status, plain (or as {"to": …} in a JSON detail).
		st := scheme.ReportStatus(cmp.Or(str("to"), cmp.Or(str("status"), e.Detail)))
		v.What = "Status changed to " + cmp.Or(core.CaseStatusNames[st], string(st))
	case "edit":
		v.What = "Working copy edited"
	case "note":
		v.What = "Case note"
	case "referral":
		v.What = "Referral to a support service"
		if str("referral") != "" {
			v.What = "Support service suggested: " + e.Body
			v.Body = ""
		}
	case "referral_status":
		v.What = "Referral: " + cmp.Or(referralStatusNames[scheme.ReferralStatus(str("status"))], str("status"))
	case "referral_answer":
		v.What = "Reporter answered a suggested service: " + cmp.Or(referralAnswerNames[scheme.ReferralAnswer(str("answer"))], str("answer"))
	case "task":
		v.What, v.Body = "Task added: "+e.Body, ""
	case "task_done":
		v.What = "Task done"
		if t := tasks[str("task")]; t != "" {
			v.What += ": " + t
		}
	case "message":
		if b, _ := d["from_scheme"].(bool); b {
			v.What = "Message sent to the reporter"
		} else {
			v.What = "Message from the reporter"
		}
	case "consent":
		name := cmp.Or(core.CaseConsentNames[str("consent")], str("consent"))
		if given, _ := d["given"].(bool); given {
			v.What = "Consent given: " + name
		} else {
			v.What = "Consent withdrawn: " + name
		}
	case "link":
		v.What = "Offender linked by hand"
		if to := str("to"); to != "" {
			v.Link = to
		}
	case "acknowledged":
		v.What = "Acknowledged"
	case "police_help":
		v.What = "The reporter asked for help making a full police report"
	case "police_help_outcome":
		v.What = "Help with a police report: " + cmp.Or(policeHelpOutcomeNames[scheme.PoliceHelpOutcome(str("outcome"))], str("outcome"))
	default:
		v.What = e.Kind
	}
	return v
}

func caseContentOf(c scheme.ReportContent) caseContent {
	v := caseContent{Account: c.Account, Town: c.Town, PoliceRef: c.PoliceRef}
	for i, o := range c.Offenders {
		ov := caseOffenderOf(o)
		ov.Number = i + 1
		v.Offenders = append(v.Offenders, ov)
	}
	return v
}

func caseOffenderOf(o scheme.Offender) caseOffender {
	ov := caseOffender{ID: o.ID, ProfileID: o.ProfileID}
	for _, f := range core.CaseDescriptionFields {
		if val := *o.Description.Field(f.Key); val != "" {
			ov.Description = append(ov.Description, caseLabelled{f.Label, val})
		}
	}
	for _, id := range o.Identifiers {
		ov.Identifiers = append(ov.Identifiers, caseIdent{Kind: cmp.Or(core.CaseKindNames[id.Kind], id.Kind), Value: id.Value,
			Normalised: id.Normalised, Make: id.Make, Colour: id.Colour, Partial: id.Partial})
	}
	return ov
}

// writtenIn names the language a report was written in, for coordinators:
// "" when it is English (or from before languages were recorded).
func writtenIn(code string) string {
	l, ok := i18n.Find(code)
	if !ok || l.Code == i18n.English.Code {
		return ""
	}
	return l.English + " (" + l.Name + ")"
}
