package staff

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The coordinators' side of reports: the review queue, the case (original
// and working copy, status, notes, tasks, referrals, messages, timeline) and
// offender profiles.

// caseNextStatuses are the moves SetReportStatus allows from each status, with
// the words for the choice. (The store enforces them; this only offers them.)
var caseNextStatuses = map[scheme.ReportStatus][]caseStatusChoice{
	scheme.ReportSubmitted: {
		{scheme.ReportInReview, "Start the review", "Acknowledges the report: the timer stops."},
		{scheme.ReportIntelligence, "Keep as intelligence only", "No alert; the report counts for linking and, with consent, for the police."},
		{scheme.ReportRejected, "Reject", "Give the reason below. The reporter can see it."},
	},
	scheme.ReportInReview: {
		{scheme.ReportPublished, "Alert published", "An alert has gone out from this report. This is final."},
		{scheme.ReportIntelligence, "Keep as intelligence only", "No alert; the report counts for linking and, with consent, for the police."},
		{scheme.ReportRejected, "Reject", "Give the reason below. The reporter can see it."},
	},
	scheme.ReportIntelligence: {{scheme.ReportInReview, "Reopen for review", ""}},
	scheme.ReportRejected:     {{scheme.ReportInReview, "Reopen for review", ""}},
}

type caseStatusChoice struct {
	Status      scheme.ReportStatus
	Label, Hint string
}

// caseQueueTabs are the queue's views, the first the default.
var caseQueueTabs = []struct {
	Slug, Name string
	Statuses   []scheme.ReportStatus
}{
	{"open", "To review", []scheme.ReportStatus{scheme.ReportSubmitted, scheme.ReportInReview}},
	{"intelligence", "Intelligence only", []scheme.ReportStatus{scheme.ReportIntelligence}},
	{"published", "Alert published", []scheme.ReportStatus{scheme.ReportPublished}},
	{"rejected", "Rejected", []scheme.ReportStatus{scheme.ReportRejected}},
}

func (s *server) caseLoc() *time.Location {
	if s.Accounts.Hours.Location == nil {
		return time.UTC
	}
	return s.Accounts.Hours.Location
}

func (s *server) caseDay(t time.Time) string { return t.In(s.caseLoc()).Format("Mon 2 Jan 2006") }

func (s *server) caseDayTime(t time.Time) string {
	return t.In(s.caseLoc()).Format("Mon 2 Jan 2006, 15:04")
}

// caseShort is a date (and time, if withTime) without the year when it is this
// year's, for the dense queue.
func (s *server) caseShort(t time.Time, withTime bool) string {
	t = t.In(s.caseLoc())
	layout := "2 Jan 2006"
	if t.Year() == time.Now().In(s.caseLoc()).Year() {
		layout = "Mon 2 Jan"
	}
	if withTime {
		layout += ", 15:04"
	}
	return t.Format(layout)
}

// caseDelayText says how long after the incident a report came, in words.
func caseDelayText(d time.Duration) string {
	switch h := int(d.Hours()); {
	case h < 1:
		return "within the hour"
	case h == 1:
		return "1 hour later"
	case h < 72:
		return fmt.Sprintf("%d hours later", h)
	default:
		return fmt.Sprintf("%d days later", h/24)
	}
}

// caseUntilText says how far off a deadline is, roughly.
func caseUntilText(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch h := int(d.Hours()); {
	case h < 1:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case h < 48:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d days", h/24)
	}
}

// caseNames is what the report pages look codes up in.
type caseNames struct {
	types, regions, sectors map[string]string
}

func (s *server) caseNamesFor(ctx context.Context) (caseNames, error) {
	n := caseNames{types: map[string]string{}, regions: map[string]string{}, sectors: map[string]string{}}
	l, err := s.Content.Lists(ctx)
	if err != nil {
		return n, err
	}
	for _, t := range l.Types {
		n.types[t.Slug] = t.Name
	}
	for _, r := range l.Regions {
		n.regions[r.Slug] = r.Name
	}
	for _, x := range l.Sectors {
		n.sectors[x.Slug] = x.Name
	}
	return n, nil
}

func (n caseNames) typeNames(slugs []string) []string {
	out := make([]string, len(slugs))
	for i, t := range slugs {
		out[i] = cmp.Or(n.types[t], t)
	}
	return out
}

func caseSlugName(list []struct{ Slug, Name string }, slug string) string {
	for _, x := range list {
		if x.Slug == slug {
			return x.Name
		}
	}
	return slug
}

// caseAck is a report's acknowledgement timer in words.
type caseAck struct {
	Done    bool   // acknowledged (or moved on from "submitted")
	When    string // acknowledged at, or due by
	Overdue bool
	Left    string // "3 h" left, or overdue by
}

func (s *server) caseAckOf(r scheme.Report, now time.Time, format func(time.Time, bool) string) caseAck {
	if r.Status != scheme.ReportSubmitted || !r.AcknowledgedAt.IsZero() {
		v := caseAck{Done: true}
		if !r.AcknowledgedAt.IsZero() {
			v.When = format(r.AcknowledgedAt, true)
		}
		return v
	}
	return caseAck{When: format(r.AcknowledgeBy, true), Overdue: r.Overdue(now), Left: caseUntilText(r.AcknowledgeBy.Sub(now))}
}

func (s *server) caseLong(t time.Time, withTime bool) string {
	if withTime {
		return s.caseDayTime(t)
	}
	return s.caseDay(t)
}

// ReportQueueView is the coordinators' list of reports.
type ReportQueueView struct {
	Tab  string
	Tabs []caseQueueTab
	Rows []caseQueueRow
}

type caseQueueTab struct {
	Slug, Name string
	Current    bool
}

type caseQueueRow struct {
	ID                   string
	Severity             scheme.Severity
	SeverityName         string
	SeverityRank         int
	Types                []string
	Region               string
	Incident, Submitted  string // full, for the link's words
	IncidentDay, Time    string // short, for the table
	SubmittedDay         string
	Delay                string
	Late, ThirdParty     bool
	Ack                  caseAck
	Status               scheme.ReportStatus
	StatusName, TypeText string
}

func (s *server) reportQueue() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		ctx := r.Context()
		tab := caseQueueTabs[0]
		for _, t := range caseQueueTabs {
			if t.Slug == r.URL.Query().Get("status") {
				tab = t
			}
		}
		reports, err := s.Reports.Queue(ctx, u, tab.Statuses...)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		n, err := s.caseNamesFor(ctx)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := ReportQueueView{Tab: tab.Slug}
		for _, t := range caseQueueTabs {
			v.Tabs = append(v.Tabs, caseQueueTab{Slug: t.Slug, Name: t.Name, Current: t.Slug == tab.Slug})
		}
		now := time.Now()
		for _, rep := range reports {
			types := n.typeNames(rep.IncidentTypes)
			var at string
			if rep.TimeKnown {
				at = rep.IncidentAt.In(s.caseLoc()).Format("15:04")
			}
			v.Rows = append(v.Rows, caseQueueRow{Time: at,
				ID: rep.ID, Severity: rep.Severity, SeverityName: cmp.Or(core.CaseSeverityNames[rep.Severity], string(rep.Severity)),
				SeverityRank: scheme.SeverityRank[rep.Severity], Types: types, TypeText: strings.Join(types, ", "),
				Region: cmp.Or(n.regions[rep.Region], rep.Region), Incident: s.caseIncidentText(rep), Submitted: s.caseDayTime(rep.SubmittedAt),
				IncidentDay: s.caseShort(rep.IncidentAt, false), SubmittedDay: s.caseShort(rep.SubmittedAt, false),
				Delay: caseDelayText(rep.Delay), Late: rep.Late, ThirdParty: rep.ThirdParty, Ack: s.caseAckOf(rep, now, s.caseShort),
				Status: rep.Status, StatusName: core.CaseStatusNames[rep.Status],
			})
		}
		s.Render(w, r, http.StatusOK, "case-queue", core.FormView{Extra: v})
	}, scheme.RoleCoordinator)
}

func (s *server) caseIncidentText(r scheme.Report) string {
	if r.TimeKnown {
		return s.caseDayTime(r.IncidentAt)
	}
	return s.caseDay(r.IncidentAt)
}

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
	TimeKnown           bool
	Delay               string
	Late, ThirdParty    bool
	Ack                 caseAck
	PoliceReported      bool
	VictimGender        string
	VictimSector        string
	Consents            []caseConsent
	Original            caseContent
	Working             wcForm
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

// wcForm is the working copy as an edit form.
type wcForm struct {
	Account, Town, PoliceRef core.FieldView
	Offenders                []wcOffender
	CanAddOffender           bool
}

type wcOffender struct {
	N, Number      int
	ID, ProfileID  string
	Remove         bool
	Description    []core.FieldView
	Identifiers    []wcIdentifier
	Error          string
	CanAddIdent    bool
	ProfileReports int
}

type wcIdentifier struct {
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
	wc      *wcForm // the working copy as typed
	notice  string
	section string
}

func (s *server) reportCase() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		notices := map[string]struct{ text, section string }{
			"status":    {"Status changed.", "case-status"},
			"edit":      {"Working copy saved. The original submission is unchanged.", "working-copy"},
			"note":      {"Note added to the case.", "case-notes"},
			"referral":  {"Referral recorded.", "case-notes"},
			"task":      {"Task added.", "case-tasks"},
			"task-done": {"Task marked done.", "case-tasks"},
			"message":   {"Message sent. The reporter sees it when they sign in.", "case-messages"},
		}
		n := notices[r.URL.Query().Get("done")]
		s.renderCase(w, r, u, caseForm{status: http.StatusOK, notice: n.text, section: n.section})
	}, scheme.RoleCoordinator)
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
	n, err := s.caseNamesFor(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	now := time.Now()
	types := n.typeNames(rep.IncidentTypes)
	v := CaseView{
		ID: rep.ID, Status: rep.Status, StatusName: core.CaseStatusNames[rep.Status], Reason: rep.Reason,
		Final: rep.Status == scheme.ReportPublished, Next: caseNextStatuses[rep.Status],
		Severity: rep.Severity, SeverityName: cmp.Or(core.CaseSeverityNames[rep.Severity], string(rep.Severity)), SeverityRank: scheme.SeverityRank[rep.Severity],
		Types: types, TypesText: strings.Join(types, ", "), Region: cmp.Or(n.regions[rep.Region], rep.Region),
		Incident: s.caseIncidentText(rep), TimeKnown: rep.TimeKnown, Submitted: s.caseDayTime(rep.SubmittedAt), Delay: caseDelayText(rep.Delay),
		Late: rep.Late, ThirdParty: rep.ThirdParty, Ack: s.caseAckOf(rep, now, s.caseLong), PoliceReported: rep.PoliceReported,
		ReporterGone: rep.ReporterID == "", Kinds: caseKinds(), Town: rep.Working.Town, PoliceRef: rep.Working.PoliceRef, Today: now.In(s.caseLoc()).Format("2006-01-02"), Form: f.form, NoticeIn: f.section,
	}
	if rep.PlaceKind != "" {
		v.Place = caseSlugName(scheme.PlaceKinds, rep.PlaceKind)
	}
	if rep.ContactMethod != "" {
		v.Contact = caseSlugName(scheme.ContactMethods, rep.ContactMethod)
	}
	if rep.VictimGender != "" {
		v.VictimGender = caseSlugName(scheme.Genders, rep.VictimGender)
	}
	if rep.VictimSector != "" {
		v.VictimSector = cmp.Or(n.sectors[rep.VictimSector], rep.VictimSector)
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
	v.Problems = caseOrderedProblems(f.errors, v.Working)
	s.Render(w, r, f.status, "case-report", core.FormView{Values: f.values, Errors: f.errors, Notice: f.notice, Extra: v})
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
		if val := caseDescriptionValue(o.Description, f.Key); val != "" {
			ov.Description = append(ov.Description, caseLabelled{f.Label, val})
		}
	}
	for _, id := range o.Identifiers {
		ov.Identifiers = append(ov.Identifiers, caseIdent{Kind: cmp.Or(core.CaseKindNames[id.Kind], id.Kind), Value: id.Value,
			Normalised: id.Normalised, Make: id.Make, Colour: id.Colour, Partial: id.Partial})
	}
	return ov
}

func caseDescriptionValue(d scheme.OffenderDescription, key string) string {
	return map[string]string{"gender": d.Gender, "age": d.Age, "height": d.Height, "build": d.Build, "ethnicity": d.Ethnicity,
		"hair": d.Hair, "features": d.Features, "accent": d.Accent, "vehicle": d.Vehicle}[key]
}

func caseSetDescription(d *scheme.OffenderDescription, key, value string) {
	switch key {
	case "gender":
		d.Gender = value
	case "age":
		d.Age = value
	case "height":
		d.Height = value
	case "build":
		d.Build = value
	case "ethnicity":
		d.Ethnicity = value
	case "hair":
		d.Hair = value
	case "features":
		d.Features = value
	case "accent":
		d.Accent = value
	case "vehicle":
		d.Vehicle = value
	}
}

// caseWorkingForm turns the stored working copy into the edit form.
func caseWorkingForm(c scheme.ReportContent) wcForm {
	f := wcForm{
		Account:   core.FieldView{Name: "account", Label: "What happened", Value: c.Account},
		Town:      core.FieldView{Name: "town", Label: "Town or area", Value: c.Town, Type: "text"},
		PoliceRef: core.FieldView{Name: "police_reference", Label: "Police reference", Value: c.PoliceRef, Type: "text"},
	}
	for i, o := range c.Offenders {
		wo := newWCOffender(i, o.ID, o.ProfileID)
		for k := range wo.Description {
			wo.Description[k].Value = caseDescriptionValue(o.Description, core.CaseDescriptionFields[k].Key)
		}
		for j, id := range o.Identifiers {
			wo.Identifiers = append(wo.Identifiers, wcIdentifier{Prefix: caseIdentPrefix(i, j), Number: j + 1, Kind: id.Kind, Value: id.Value,
				Make: id.Make, Colour: id.Colour, Partial: id.Partial, ShowVehicle: id.Kind == "vehicle"})
			if id.Normalised != id.Value && !id.Partial {
				wo.Identifiers[j].Matched = id.Normalised
			}
		}
		f.Offenders = append(f.Offenders, wo)
	}
	f.settle()
	return f
}

func caseKinds() []caseLabelled {
	var out []caseLabelled
	for _, k := range scheme.IdentifierKinds {
		out = append(out, caseLabelled{Label: cmp.Or(core.CaseKindNames[k], k), Value: k})
	}
	return out
}

func caseIdentPrefix(i, j int) string { return fmt.Sprintf("offenders.%d.identifiers.%d", i, j) }

func newWCOffender(i int, id, profile string) wcOffender {
	o := wcOffender{N: i, Number: i + 1, ID: id, ProfileID: profile}
	for _, d := range core.CaseDescriptionFields {
		o.Description = append(o.Description, core.FieldView{Name: fmt.Sprintf("offenders.%d.%s", i, d.Key), Label: d.Label, Type: "text"})
	}
	return o
}

// settle works out which "add" buttons to offer.
func (f *wcForm) settle() {
	f.CanAddOffender = len(f.Offenders) < caseMaxOffenders
	for i := range f.Offenders {
		f.Offenders[i].CanAddIdent = len(f.Offenders[i].Identifiers) < caseMaxIdentifiers
	}
}

// addBlankIdentifier adds an empty identifier row to offender i.
func (f *wcForm) addBlankIdentifier(i int) {
	o := &f.Offenders[i]
	j := len(o.Identifiers)
	o.Identifiers = append(o.Identifiers, wcIdentifier{Prefix: caseIdentPrefix(i, j), Number: j + 1, Kind: "phone", ShowVehicle: true})
}

// caseWorkingFromForm reads the working copy form as typed.
func caseWorkingFromForm(form url.Values) wcForm {
	get := func(k string) string { return form.Get(k) }
	f := wcForm{
		Account:   core.FieldView{Name: "account", Label: "What happened", Value: get("account")},
		Town:      core.FieldView{Name: "town", Label: "Town or area", Value: get("town"), Type: "text"},
		PoliceRef: core.FieldView{Name: "police_reference", Label: "Police reference", Value: get("police_reference"), Type: "text"},
	}
	for i := 0; i < caseMaxOffenders; i++ {
		p := fmt.Sprintf("offenders.%d.", i)
		if _, ok := form[p+"id"]; !ok {
			break
		}
		o := newWCOffender(i, get(p+"id"), "")
		o.Remove = get(p+"remove") != ""
		for k, d := range core.CaseDescriptionFields {
			o.Description[k].Value = get(p + d.Key)
		}
		for j := 0; j < caseMaxIdentifiers; j++ {
			q := caseIdentPrefix(i, j) + "."
			if _, ok := form[q+"kind"]; !ok {
				break
			}
			id := wcIdentifier{Prefix: caseIdentPrefix(i, j), Number: j + 1, Kind: get(q + "kind"), Value: get(q + "value"), Make: get(q + "make"), Colour: get(q + "colour")}
			id.ShowVehicle = id.Kind == "vehicle" || strings.TrimSpace(id.Value) == "" || id.Make != "" || id.Colour != ""
			o.Identifiers = append(o.Identifiers, id)
		}
		f.Offenders = append(f.Offenders, o)
	}
	f.settle()
	return f
}

// input is the report.Input for the form: every row, in form order, so
// that problems come back under the form's own indexes (a removed offender
// is an empty one, which validation drops).
func (f wcForm) input(rep scheme.Report) report.Input {
	in := report.Input{IncidentTypes: rep.IncidentTypes, IncidentAt: rep.IncidentAt.Format(time.RFC3339), Region: rep.Region,
		Account: f.Account.Value, Town: f.Town.Value, PoliceReference: f.PoliceRef.Value, Offenders: []report.OffenderInput{}}
	for _, o := range f.Offenders {
		oi := report.OffenderInput{Identifiers: []report.IdentifierInput{}}
		if !o.Remove {
			for k, d := range core.CaseDescriptionFields {
				caseSetDescription(&oi.Description, d.Key, o.Description[k].Value)
			}
			for _, id := range o.Identifiers {
				oi.Identifiers = append(oi.Identifiers, report.IdentifierInput{Kind: id.Kind, Value: id.Value, Make: id.Make, Colour: id.Colour})
			}
		}
		in.Offenders = append(in.Offenders, oi)
	}
	return in
}

// kept reports whether validation keeps offender o (it drops empty ones).
func (o wcOffender) kept() bool {
	if o.Remove {
		return false
	}
	for _, d := range o.Description {
		if strings.TrimSpace(d.Value) != "" {
			return true
		}
	}
	for _, id := range o.Identifiers {
		if strings.TrimSpace(id.Value) != "" {
			return true
		}
	}
	return false
}

// withProblems puts validation problems beside the form's fields.
func (f *wcForm) withProblems(p map[string]string) {
	f.Account.Error, f.Town.Error, f.PoliceRef.Error = p["account"], p["town"], p["police_reference"]
	for i := range f.Offenders {
		o := &f.Offenders[i]
		o.Error = p[fmt.Sprintf("offenders.%d.identifiers", i)]
		for j := range o.Identifiers {
			id := &o.Identifiers[j]
			id.KindError, id.ValueError = p[id.Prefix+".kind"], p[id.Prefix+".value"]
		}
	}
}

// caseOrderedProblems lists errors in the order of the page's forms, each
// linked to its field when there is one.
func caseOrderedProblems(errs map[string]string, wc wcForm) []caseProblem {
	if len(errs) == 0 {
		return nil
	}
	var out []caseProblem
	seen := map[string]bool{}
	add := func(field string) {
		msg, ok := errs[field]
		if !ok || seen[field] {
			return
		}
		seen[field] = true
		if field == "form" {
			field = ""
		}
		out = append(out, caseProblem{field, msg})
	}
	for _, k := range []string{"form", "status", "reason", "account", "town", "police_reference"} {
		add(k)
	}
	for i, o := range wc.Offenders {
		add(fmt.Sprintf("offenders.%d.identifiers", i))
		for _, id := range o.Identifiers {
			add(id.Prefix + ".kind")
			add(id.Prefix + ".value")
		}
	}
	for _, k := range []string{"kind", "text", "title", "due", "body"} {
		add(k)
	}
	var rest []string
	for k := range errs {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		// Problems with the report's own details (types, date, region)
		// have no field on this page.
		out = append(out, caseProblem{"", errs[k]})
	}
	return out
}

func (s *server) caseURL(id, done, section string) string {
	return "/coordinator/reports/" + url.PathEscape(id) + "?done=" + done + "#" + section
}

func (s *server) editWorkingCopy() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		ctx := r.Context()
		rep, err := s.Reports.Peek(ctx, u, r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if err := r.ParseForm(); err != nil {
			s.Fail(w, r, scheme.Errorf(scheme.CodeInvalid, "We could not read that form."))
			return
		}
		f := caseWorkingFromForm(r.PostForm)

		// "Add an identifier" and "Add an offender" show the form again
		// with an empty row, keeping what was typed; nothing is saved.
		if add := r.PostFormValue("add"); add != "" {
			if add == "offender" && f.CanAddOffender {
				o := newWCOffender(len(f.Offenders), "", "")
				f.Offenders = append(f.Offenders, o)
				f.addBlankIdentifier(len(f.Offenders) - 1)
			} else if i, err := strconv.Atoi(strings.TrimPrefix(add, "identifier-")); err == nil && i >= 0 && i < len(f.Offenders) && f.Offenders[i].CanAddIdent {
				f.addBlankIdentifier(i)
			}
			f.settle()
			s.renderCase(w, r, u, caseForm{status: http.StatusOK, form: "working-copy", wc: &f})
			return
		}

		checked, problems, err := s.Reports.Validate(ctx, f.input(rep))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if len(problems) > 0 {
			f.withProblems(problems)
			s.renderCase(w, r, u, caseForm{status: http.StatusUnprocessableEntity, form: "working-copy", wc: &f, errors: problems})
			return
		}
		// Keep each offender's id, so that their links stay; an id that is
		// not this report's (or is used twice) makes a new offender.
		content := checked.Original
		known := map[string]bool{}
		for _, o := range rep.Working.Offenders {
			known[o.ID] = true
		}
		k := 0
		for _, o := range f.Offenders {
			if !o.kept() {
				continue
			}
			if k < len(content.Offenders) && known[o.ID] {
				content.Offenders[k].ID = o.ID
				known[o.ID] = false
			}
			k++
		}
		if err := s.Reports.UpdateWorkingCopy(ctx, u, rep.ID, content); err != nil {
			s.caseFailed(w, r, u, err, caseForm{form: "working-copy", wc: &f})
			return
		}
		core.SeeOther(w, r, s.caseURL(rep.ID, "edit", "working-copy"))
	}, scheme.RoleCoordinator)
}

// caseFailed shows the case again with the problem (invalid input or a
// conflict), or the error page for anything else.
func (s *server) caseFailed(w http.ResponseWriter, r *http.Request, u scheme.User, err error, f caseForm) {
	code := scheme.ErrorCode(err)
	if code != scheme.CodeInvalid && code != scheme.CodeConflict {
		s.Fail(w, r, err)
		return
	}
	f.status = core.StatusFor(code)
	errs := core.FormErrors(err)
	if f.errors == nil {
		f.errors = map[string]string{}
	}
	for k, msg := range errs {
		f.errors[k] = msg
	}
	s.renderCase(w, r, u, f)
}

func (s *server) setReportStatus() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		to := scheme.ReportStatus(r.PostFormValue("status"))
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		values := map[string]string{"status": string(to), "reason": reason}
		if err := s.Reports.SetStatus(r.Context(), u, r.PathValue("id"), to, reason); err != nil {
			s.caseFailed(w, r, u, err, caseForm{form: "status", values: values})
			return
		}
		core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "status", "case-status"))
	}, scheme.RoleCoordinator)
}

func (s *server) addCaseNote() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		kind, text := r.PostFormValue("kind"), r.PostFormValue("text")
		values := map[string]string{"kind": kind, "text": text}
		if err := s.Reports.AddCaseNote(r.Context(), u, r.PathValue("id"), kind, text); err != nil {
			s.caseFailed(w, r, u, caseRenameFields(err, map[string]string{"note": "text", "referral": "text"}), caseForm{form: "notes", values: values})
			return
		}
		core.SeeOther(w, r, s.caseURL(r.PathValue("id"), kind, "case-notes"))
	}, scheme.RoleCoordinator)
}

// caseRenameFields moves a store's field problems onto this page's field names.
func caseRenameFields(err error, names map[string]string) error {
	se, ok := err.(*scheme.Error)
	if !ok || len(se.Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	for k, msg := range se.Fields {
		fields[cmp.Or(names[k], k)] = msg
	}
	return &scheme.Error{Code: se.Code, Message: se.Message, Fields: fields, Err: se.Err}
}

func (s *server) addTask() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		title, dueText := r.PostFormValue("title"), strings.TrimSpace(r.PostFormValue("due"))
		values := map[string]string{"title": title, "due": dueText}
		if _, err := s.Reports.AddTask(r.Context(), u, r.PathValue("id"), title, dueText); err != nil {
			s.caseFailed(w, r, u, caseRenameFields(err, map[string]string{"task": "title"}), caseForm{form: "tasks", values: values})
			return
		}
		core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "task", "case-tasks"))
	}, scheme.RoleCoordinator)
}

func (s *server) completeTask() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		if err := s.Reports.CompleteTask(r.Context(), u, r.PathValue("id"), r.PathValue("task")); err != nil {
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "task-done", "case-tasks"))
	}, scheme.RoleCoordinator)
}

func (s *server) schemeMessage() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		body := r.PostFormValue("body")
		if _, err := s.Reports.SchemeMessage(r.Context(), u, r.PathValue("id"), body, s.Accounts.URL); err != nil {
			s.caseFailed(w, r, u, caseRenameFields(err, map[string]string{"message": "body"}), caseForm{form: "messages", values: map[string]string{"body": body}})
			return
		}
		core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "message", "case-messages"))
	}, scheme.RoleCoordinator)
}

// OffenderView is one offender profile: what links several reports to one
// likely person.
type OffenderView struct {
	ID                  string
	Identifiers         []caseIdentGroup
	FirstSeen, LastSeen string
	Regions             []string
	Reports             []caseProfileReport
	Offenders           int
	Left                string // the profile an offender was just unlinked from
	// Suggestions are partial identifiers elsewhere that fit this profile's
	// full ones: possible links for a coordinator to judge, never automatic.
	Suggestions []scheme.Suggestion
}

type caseIdentGroup struct {
	Kind   string
	Values []caseIdent
}

type caseProfileReport struct {
	ID, Incident, Region  string
	Types                 string
	Status                scheme.ReportStatus
	StatusName            string
	Severity              scheme.Severity
	SeverityName          string
	SeverityRank          int
	Offenders             []caseOffender
	OffendersInThisReport int
	Since                 string // on the offender's timeline: how long after the report before
}

func (s *server) offenderPage() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		notice := map[string]string{
			"linked":   "Linked: the offender is now part of this profile, and stays here whatever automatic linking finds later.",
			"unlinked": "Unlinked: this is the offender's own profile now. They stay apart from the profile they left whatever automatic linking finds later.",
		}[r.URL.Query().Get("done")]
		f := core.FormView{Notice: notice}
		var left string
		if notice != "" {
			left = r.URL.Query().Get("from")
		}
		s.renderOffender(w, r, u, r.PathValue("id"), http.StatusOK, f, left)
	}, scheme.RoleCoordinator)
}

func (s *server) renderOffender(w http.ResponseWriter, r *http.Request, u scheme.User, id string, status int, f core.FormView, left string) {
	ctx := r.Context()
	p, err := s.Reports.OffenderProfile(ctx, u, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	n, err := s.caseNamesFor(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := OffenderView{ID: p.ID, FirstSeen: s.caseDay(p.FirstSeen), LastSeen: s.caseDay(p.LastSeen)}
	for _, id := range p.Identifiers {
		kind := cmp.Or(core.CaseKindNames[id.Kind], id.Kind)
		if len(v.Identifiers) == 0 || v.Identifiers[len(v.Identifiers)-1].Kind != kind {
			v.Identifiers = append(v.Identifiers, caseIdentGroup{Kind: kind})
		}
		g := &v.Identifiers[len(v.Identifiers)-1]
		g.Values = append(g.Values, caseIdent{Kind: kind, Value: id.Value, Partial: id.Partial})
	}
	for _, reg := range p.Regions {
		v.Regions = append(v.Regions, cmp.Or(n.regions[reg], reg))
	}
	listed, err := s.Reports.Linked(ctx, u, p.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	byID := map[string]scheme.Report{}
	for _, x := range listed {
		byID[x.ID] = x
	}
	// In the order they happened (the profile's order): the timeline.
	var before time.Time
	for _, rid := range p.ReportIDs {
		x, ok := byID[rid]
		if !ok {
			continue
		}
		pr := caseProfileReport{ID: x.ID, Incident: s.caseIncidentText(x), Region: cmp.Or(n.regions[x.Region], x.Region),
			Types: strings.Join(n.typeNames(x.IncidentTypes), ", "), Status: x.Status, StatusName: core.CaseStatusNames[x.Status],
			Severity: x.Severity, SeverityName: cmp.Or(core.CaseSeverityNames[x.Severity], string(x.Severity)), SeverityRank: scheme.SeverityRank[x.Severity]}
		if !before.IsZero() {
			pr.Since = intelSince(s.Location(), before, x.IncidentAt)
		}
		before = x.IncidentAt
		// The offenders of this report who are in this profile, as the
		// working copy describes them.
		full, err := s.Reports.Peek(ctx, u, x.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		pr.OffendersInThisReport = len(full.Working.Offenders)
		for i, o := range full.Working.Offenders {
			if o.ProfileID == p.ID {
				ov := caseOffenderOf(o)
				ov.Number = i + 1
				pr.Offenders = append(pr.Offenders, ov)

			}
		}
		v.Offenders += len(pr.Offenders)
		v.Reports = append(v.Reports, pr)
	}
	if left != "" && left != p.ID {
		if still, err := s.Reports.Linked(ctx, u, left); err == nil && len(still) > 0 {
			v.Left = left
		}
	}
	if v.Suggestions, err = s.Reports.SuggestedMatches(ctx, p.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	f.Extra = v
	s.Render(w, r, status, "offender", f)
}

func (s *server) moveOffender() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		offender := strings.TrimSpace(r.PostFormValue("offender"))
		to, from := strings.TrimSpace(r.PostFormValue("to")), strings.TrimSpace(r.PostFormValue("from"))
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		// Field names on the offender page: the link form's, or the unlink
		// form of that offender.
		offenderField, reasonField := "link-offender", "link-reason"
		if to == "" {
			reasonField = "reason-" + offender
		}
		again := func(status int, errs map[string]string) {
			if from == "" {
				s.Fail(w, r, scheme.Invalid(errs))
				return
			}
			s.renderOffender(w, r, u, from, status, core.FormView{Values: map[string]string{offenderField: offender, reasonField: reason}, Errors: errs}, "")
		}
		result, err := s.Reports.MoveOffender(r.Context(), u, offender, to, reason)
		if err != nil {
			switch scheme.ErrorCode(err) {
			case scheme.CodeInvalid:
				again(http.StatusUnprocessableEntity, core.FormErrors(caseRenameFields(err, map[string]string{"offender": offenderField, "reason": reasonField})))
			case scheme.CodeNotFound:
				if to != "" && from != "" {
					again(http.StatusUnprocessableEntity, map[string]string{offenderField: "No offender has that reference. Copy it from the report's case page."})
					return
				}
				s.Fail(w, r, err)
			default:
				s.Fail(w, r, err)
			}
			return
		}
		done := "linked"
		if to == "" {
			done = "unlinked"
		}
		dest := "/coordinator/offenders/" + url.PathEscape(result) + "?done=" + done
		if to == "" && from != "" {
			dest += "&from=" + url.QueryEscape(from)
		}
		core.SeeOther(w, r, dest)
	}, scheme.RoleCoordinator)
}
