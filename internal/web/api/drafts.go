package api

import (
	"encoding/json"
	"net/http"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Reports being written, as the web form keeps them: a draft is the
// report's fields so far, the step she is at and which consent questions
// she has answered; its problems are those sending it would find.

// draftJSON is one of the caller's drafts.
type draftJSON struct {
	ID        string       `json:"id"`
	Step      int          `json:"step"`
	Steps     int          `json:"steps"`
	UpdatedAt string       `json:"updated_at"`
	Report    report.Input `json:"report"`
	// Answered are the consent questions answered so far: the report is
	// not sent before each has a yes or a no.
	Answered []string `json:"consents_answered"`
	// Problems are what stops it being sent now, by field, each with the
	// step that holds it; absent from lists.
	Problems map[string]draftProblem `json:"problems,omitempty"`
}

type draftProblem struct {
	Message string `json:"message"`
	Step    int    `json:"step"`
}

func (s *server) draftView(r *http.Request, d scheme.Draft, in report.Input, problems bool) (draftJSON, error) {
	out := draftJSON{ID: d.ID, Step: max(1, min(d.Step, report.DraftSteps)), Steps: report.DraftSteps,
		UpdatedAt: d.UpdatedAt.UTC().Format(time.RFC3339), Report: in, Answered: nonNil(in.Answered)}
	out.Report.IncidentTypes, out.Report.Offenders = nonNil(in.IncidentTypes), nonNil(in.Offenders)
	for i := range out.Report.Offenders {
		out.Report.Offenders[i].Identifiers = nonNil(out.Report.Offenders[i].Identifiers)
	}
	if !problems {
		return out, nil
	}
	ps, err := s.Reports.DraftProblems(r.Context(), in)
	if err != nil {
		return out, err
	}
	loc := core.Loc(r)
	out.Problems = make(map[string]draftProblem, len(ps))
	for k, v := range ps {
		out.Problems[k] = draftProblem{Message: loc.T(v), Step: report.StepOf(k)}
	}
	return out, nil
}

func (s *server) listDrafts(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ds, err := s.Reports.Drafts(r.Context(), u)
	if err != nil {
		return err
	}
	items := make([]draftJSON, 0, len(ds))
	for _, d := range ds {
		var in report.Input
		_ = json.Unmarshal([]byte(d.Data), &in) // an unreadable draft still lists, so it can be discarded
		v, err := s.draftView(r, d, in, false)
		if err != nil {
			return err
		}
		items = append(items, v)
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *server) newDraft(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, err := s.Reports.StartDraft(r.Context(), u)
	if err != nil {
		return err
	}
	return s.writeDraft(w, r, u, http.StatusCreated, id)
}

func (s *server) writeDraft(w http.ResponseWriter, r *http.Request, u scheme.User, status int, id string) error {
	d, in, err := s.Reports.Draft(r.Context(), u, id)
	if err != nil {
		return err
	}
	v, err := s.draftView(r, d, in, true)
	if err != nil {
		return err
	}
	core.WriteJSON(w, status, v)
	return nil
}

func (s *server) getDraft(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.writeDraft(w, r, u, http.StatusOK, r.PathValue("id"))
}

// changeDraft keeps what was sent in the draft, problems and all, as the
// web form keeps each step: nothing typed is lost.
func (s *server) changeDraft() http.Handler {
	return s.tokenAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		var in report.DraftChange
		if err := decode(r, &in); err != nil {
			return err
		}
		if _, _, err := s.Reports.ChangeDraft(r.Context(), u, r.PathValue("id"), in); err != nil {
			return err
		}
		return s.writeDraft(w, r, u, http.StatusOK, r.PathValue("id"))
	}, reporterRoles...)
}

func (s *server) discardDraft(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Reports.DiscardDraft(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// submitDraft sends the draft as a report, with the same answer as
// POST /api/v1/reports.
func (s *server) submitDraft(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	rep, err := s.Reports.SubmitDraft(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusCreated, map[string]any{"id": rep.ID, "status": rep.Status, "late": rep.Late})
	return nil
}
