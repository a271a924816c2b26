package report

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"uglymugs/internal/scheme"
)

// A report being written is kept as a draft, step by step, so that a
// reporter can stop and come back; only its writer ever sees it.

// StartDraft starts an empty draft for u and returns its id. Organisations
// and coordinators usually report for someone else, so their draft starts
// with "for someone else" ticked (and it stays so for staff).
func (s *Service) StartDraft(ctx context.Context, u scheme.User) (string, error) {
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
// step they are at.
func (s *Service) SaveDraft(ctx context.Context, u scheme.User, id string, step int, in Input) error {
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
