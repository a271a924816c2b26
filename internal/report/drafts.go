package report

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"uglymugs/internal/scheme"
)

// A report being written is kept as a draft, step by step, so that a
// reporter can stop and come back; only its writer ever sees it.

// StartDraft starts an empty draft for u and returns its id. Organisations
// and coordinators usually report for someone else, so their draft starts
// with "for someone else" ticked (and it stays so for staff).
func (s *Service) StartDraft(ctx context.Context, u scheme.User) (string, error) {
	if !CanReport(u) {
		return "", scheme.Errorf(scheme.CodeForbidden, "Your account cannot make reports yet.")
	}
	data := "{}"
	if u.OrganisationID != "" || u.Role.Staff() {
		data = `{"third_party":true}`
	}
	return s.DB.Reports.SaveDraft(ctx, u.ID, "", 1, data)
}

// Drafts lists u's drafts, newest first.
func (s *Service) Drafts(ctx context.Context, u scheme.User) ([]scheme.Draft, error) {
	return s.DB.Reports.Drafts(ctx, u.ID)
}

// Draft returns one of u's drafts with what it holds so far. Anyone
// else's draft is not found.
func (s *Service) Draft(ctx context.Context, u scheme.User, id string) (scheme.Draft, Input, error) {
	ds, err := s.DB.Reports.Drafts(ctx, u.ID)
	if err != nil {
		return scheme.Draft{}, Input{}, err
	}
	for _, d := range ds {
		if d.ID != id {
			continue
		}
		var dd draftData
		if err := json.Unmarshal([]byte(d.Data), &dd); err != nil {
			return d, dd.Input, fmt.Errorf("draft %s: %w", id, err)
		}
		dd.Input.Answered = dd.Answered
		return d, dd.Input, nil
	}
	return scheme.Draft{}, Input{}, scheme.ErrNotFound
}

// draftData is a draft as it is kept: the input, and which consent
// questions were answered.
type draftData struct {
	Input
	Answered []string `json:"consents_answered,omitempty"`
}

// ConsentQuestion is one thing the reporter decides about her report,
// asked as a question with what happens for each answer.
type ConsentQuestion struct {
	Key, Question, Yes, No string
}

// ConsentQuestions are the four consents, in the order they are asked.
var ConsentQuestions = []ConsentQuestion{
	{"alert", "May we warn other members?",
		"We write an anonymised alert from your report, leaving out anything that could identify you or the person it happened to.",
		"Coordinators read your report and keep it to link repeat offenders, but no alert goes out."},
	{"police", "May we share it with the police, anonymously?",
		"We pass on what happened and how to recognise the offender, never your name or contact details.",
		"Nothing from your report goes to the police."},
	{"support", "Would you like us to offer you support?",
		"A caseworker or support service may contact you to offer help, such as an advocate or health care.",
		"Nobody contacts you about support."},
	{"police_contact", "If the police want to talk to you, may we ask you?",
		"If the police ask us, we pass the question on to you, and you always decide.",
		"We tell the police you do not want to be contacted."},
}

// Consent is the answer to the question key in c.
func Consent(c scheme.Consents, key string) bool {
	return map[string]bool{"alert": c.Alert, "police": c.Police, "support": c.Support, "police_contact": c.PoliceContact}[key]
}

// SetConsent sets the answer to the question key in c.
func SetConsent(c *scheme.Consents, key string, yes bool) {
	if p := map[string]*bool{"alert": &c.Alert, "police": &c.Police, "support": &c.Support, "police_contact": &c.PoliceContact}[key]; p != nil {
		*p = yes
	}
}

// UnansweredConsents names each consent question the web form's reporter
// has not answered ("consents.alert": …): a report is not sent from the
// form until she has said yes or no to each.
func UnansweredConsents(in Input) map[string]string {
	out := map[string]string{}
	for _, q := range ConsentQuestions {
		if !slices.Contains(in.Answered, q.Key) {
			out["consents."+q.Key] = "Answer yes or no: " + q.Question
		}
	}
	return out
}

// SaveDraft keeps what u has written so far in their draft id, and the
// step they are at. Those who always report for someone else
// (AlwaysThirdParty) have their draft say so.
func (s *Service) SaveDraft(ctx context.Context, u scheme.User, id string, step int, in Input) error {
	in.ThirdParty = in.ThirdParty || AlwaysThirdParty(u)
	b, err := json.Marshal(draftData{Input: in, Answered: in.Answered})
	if err != nil {
		return err
	}
	_, err = s.DB.Reports.SaveDraft(ctx, u.ID, id, step, string(b))
	return err
}

// DiscardDraft deletes one of u's drafts. Anyone else's draft is not
// found.
func (s *Service) DiscardDraft(ctx context.Context, u scheme.User, id string) error {
	if _, _, err := s.Draft(ctx, u, id); err != nil {
		return err
	}
	return s.DB.Reports.DeleteDraft(ctx, u.ID, id)
}

// A draft is written in steps (the web form's pages; the app may follow
// them too): each step owns some of the report's fields, the fifth asks the
// four consents and the last is "check and send".
const (
	DraftSteps  = 6
	ConsentStep = 5
)

// StepFields are the fields each step holds, in the order they are asked
// (step 3 holds everything under "offenders").
var StepFields = [DraftSteps + 1][]string{
	1: {"incident_types", "account", "third_party"},
	2: {"incident_at", "region", "town", "place_kind"},
	4: {"contact_method", "police_reported", "police_reference", "victim_gender", "victim_sector"},
	5: {"consents.alert", "consents.police", "consents.support", "consents.police_contact"},
}

// StepOf is the step that holds a field (a key of a problem).
func StepOf(field string) int {
	if field == "offenders" || strings.HasPrefix(field, "offenders.") {
		return 3
	}
	for step, fields := range StepFields {
		if slices.Contains(fields, field) {
			return step
		}
	}
	return DraftSteps
}

// DraftProblems are every problem a draft has now, by field, as sending it
// would find them, unanswered consent questions included.
func (s *Service) DraftProblems(ctx context.Context, in Input) (map[string]string, error) {
	_, problems, err := s.Validate(ctx, in)
	if err != nil {
		return nil, err
	}
	if problems == nil {
		problems = map[string]string{}
	}
	maps.Copy(problems, UnansweredConsents(in))
	return problems, nil
}

// SubmitDraft sends u's draft id as a report. Nothing is sent before she
// has said yes or no to each consent question, nor while the report has a
// problem: the error names each, by field, and the draft stays as it is.
// Sending the same draft twice files one report; the draft goes in the
// report's own transaction.
func (s *Service) SubmitDraft(ctx context.Context, u scheme.User, id string) (scheme.Report, error) {
	if !CanReport(u) {
		return scheme.Report{}, scheme.Errorf(scheme.CodeForbidden, "Your account cannot make reports yet.")
	}
	_, in, err := s.Draft(ctx, u, id)
	if err != nil {
		return scheme.Report{}, err
	}
	if unanswered := UnansweredConsents(in); len(unanswered) > 0 {
		problems, err := s.DraftProblems(ctx, in)
		if err != nil {
			return scheme.Report{}, err
		}
		return scheme.Report{}, scheme.Invalid(problems)
	}
	in.Draft = id
	return s.Submit(ctx, u, in)
}

// DraftChange is a partial change to a draft (PATCH /api/v1/drafts/{id}):
// a field left nil is left as it is; a consent given is an answer to its
// question, null its question unanswered again. Step, when given, is the
// step the reporter is at (1 to DraftSteps; others are brought in range).
type DraftChange struct {
	Step            *int             `json:"step"`
	IncidentTypes   *[]string        `json:"incident_types"`
	Account         *string          `json:"account"`
	ThirdParty      *bool            `json:"third_party"`
	IncidentAt      *string          `json:"incident_at"`
	Region          *string          `json:"region"`
	Town            *string          `json:"town"`
	PlaceKind       *string          `json:"place_kind"`
	Offenders       *[]OffenderInput `json:"offenders"`
	ContactMethod   *string          `json:"contact_method"`
	PoliceReported  *bool            `json:"police_reported"`
	PoliceReference *string          `json:"police_reference"`
	VictimGender    *string          `json:"victim_gender"`
	VictimSector    *string          `json:"victim_sector"`
	Consents        map[string]*bool `json:"consents"`
}

// ChangeDraft lays c on u's draft id and keeps it, problems and all (what
// she typed is never lost), and returns the draft as kept. A consent key
// that is not one of the four questions is refused, and nothing is kept.
func (s *Service) ChangeDraft(ctx context.Context, u scheme.User, id string, c DraftChange) (scheme.Draft, Input, error) {
	d, in, err := s.Draft(ctx, u, id)
	if err != nil {
		return d, in, err
	}
	step := d.Step
	if c.Step != nil {
		step = max(1, min(*c.Step, DraftSteps))
	}
	for k := range c.Consents {
		if !slices.ContainsFunc(ConsentQuestions, func(q ConsentQuestion) bool { return q.Key == k }) {
			return d, in, scheme.Invalid(map[string]string{"consents." + k: "This field is not part of the API."})
		}
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = strings.TrimSpace(*src)
		}
	}
	if c.IncidentTypes != nil {
		in.IncidentTypes = slices.DeleteFunc(slices.Clone(*c.IncidentTypes), func(s string) bool { return s == "" })
	}
	if c.Account != nil {
		in.Account = strings.TrimSpace(*c.Account)
	}
	if c.ThirdParty != nil {
		in.ThirdParty = *c.ThirdParty
	}
	set(&in.IncidentAt, c.IncidentAt)
	set(&in.Region, c.Region)
	set(&in.Town, c.Town)
	set(&in.PlaceKind, c.PlaceKind)
	if c.Offenders != nil {
		in.Offenders = *c.Offenders
	}
	set(&in.ContactMethod, c.ContactMethod)
	if c.PoliceReported != nil {
		in.PoliceReported = *c.PoliceReported
	}
	set(&in.PoliceReference, c.PoliceReference)
	set(&in.VictimGender, c.VictimGender)
	set(&in.VictimSector, c.VictimSector)
	for _, q := range ConsentQuestions {
		v, ok := c.Consents[q.Key]
		if !ok {
			continue
		}
		in.Answered = slices.DeleteFunc(in.Answered, func(k string) bool { return k == q.Key })
		if v == nil { // null: unanswered again
			SetConsent(&in.Consents, q.Key, false)
			continue
		}
		SetConsent(&in.Consents, q.Key, *v)
		in.Answered = append(in.Answered, q.Key)
	}
	if err := s.SaveDraft(ctx, u, id, step, in); err != nil {
		return d, in, err
	}
	d, in, err = s.Draft(ctx, u, id)
	return d, in, err
}
