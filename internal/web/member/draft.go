package member

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

func (s *server) newDraft(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, err := s.Reports.StartDraft(r.Context(), u)
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/reports/draft/"+id+"/1")
	return nil
}

func (s *server) draftStep(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	step, ok := stepFrom(r)
	if !ok {
		return scheme.ErrNotFound
	}
	d, in, err := s.Reports.Draft(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.renderDraft(w, r, u, http.StatusOK, d.ID, step, in, nil, r.URL.Query().Get("from") == "check", false)
	return nil
}

// saveDraftStep saves the step's answers, then acts on the button pressed.
// Someone whose session ended while typing gets what they typed back,
// instead of a sign-in page that would lose it.
func (s *server) saveDraftStep() http.Handler {
	save := s.reportersOnly(s.saveStep)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := core.UserFrom(r); !ok {
			s.signedOut(w, r)
			return
		}
		save.ServeHTTP(w, r)
	})
}

func (s *server) saveStep(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	step, ok := stepFrom(r)
	if !ok {
		return scheme.ErrNotFound
	}
	d, in, err := s.Reports.Draft(ctx, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		// A body cut short must not overwrite the step with blanks.
		return errUnreadable
	}
	f := r.PostForm
	readStep(&in, step, f, u)
	fromCheck := f.Get("from") == "check"
	base := "/reports/draft/" + d.ID + "/"
	action := f.Get("action")
	save := func(at int) bool {
		if err := s.Reports.SaveDraft(ctx, u, d.ID, at, in); err != nil {
			s.Fail(w, r, err)
			return false
		}
		return true
	}
	switch {
	case step == 3 && (action == "add-identifier" || strings.HasPrefix(action, "add-identifier:")):
		i := len(in.Offenders) - 1
		if n, err := strconv.Atoi(strings.TrimPrefix(action, "add-identifier:")); err == nil {
			i = n
		}
		i = max(0, min(i, maxOffenders-1))
		for len(in.Offenders) <= i {
			in.Offenders = append(in.Offenders, report.OffenderInput{})
		}
		o := &in.Offenders[i]
		if len(o.Identifiers) == 0 {
			o.Identifiers = blankIdents()
		}
		if len(o.Identifiers) < maxIdents {
			o.Identifiers = append(o.Identifiers, report.IdentifierInput{Kind: "phone"})
		}
		if save(3) {
			core.SeeOther(w, r, base+"3"+checkQuery(fromCheck)+fmt.Sprintf("#offenders.%d.identifiers.%d.kind", i, len(o.Identifiers)-1))
		}
	case step == 3 && action == "add-offender":
		if len(in.Offenders) == 0 {
			in.Offenders = append(in.Offenders, report.OffenderInput{})
		}
		if len(in.Offenders) < maxOffenders {
			in.Offenders = append(in.Offenders, report.OffenderInput{Identifiers: blankIdents()})
		}
		if save(3) {
			core.SeeOther(w, r, base+"3"+checkQuery(fromCheck)+fmt.Sprintf("#offender-%d", len(in.Offenders)-1))
		}
	case action == "back":
		if step == 1 {
			if save(1) {
				core.SeeOther(w, r, "/reports?done=draft")
			}
			return nil
		}
		if save(step - 1) {
			core.SeeOther(w, r, base+strconv.Itoa(step-1))
		}
	case strings.HasPrefix(action, "change:"):
		to, err := strconv.Atoi(strings.TrimPrefix(action, "change:"))
		if err != nil || to < 1 || to > stepCount {
			to = step
		}
		if save(to) {
			core.SeeOther(w, r, base+strconv.Itoa(to)+checkQuery(to < stepCount))
		}
	case action == "submit" || step == stepCount:
		s.submitDraft(w, r, u, d.ID, in)
	default: // "next", or Enter in a field
		problems, err := s.stepProblems(ctx, in, step)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			if save(step) {
				s.renderDraft(w, r, u, http.StatusUnprocessableEntity, d.ID, step, in, problems, fromCheck, false)
			}
			return nil
		}
		next := step + 1
		if fromCheck {
			next = stepCount
		}
		if save(next) {
			core.SeeOther(w, r, base+strconv.Itoa(next))
		}
	}
	return nil
}

func checkQuery(fromCheck bool) string {
	if fromCheck {
		return "?from=check"
	}
	return ""
}

// blankIdents are the rows a new offender starts with.
func blankIdents() []report.IdentifierInput {
	return []report.IdentifierInput{{Kind: "phone"}, {Kind: "vehicle"}}
}

// stepProblems checks the whole draft and keeps the problems of one step.
func (s *server) stepProblems(ctx context.Context, in report.Input, step int) (map[string]string, error) {
	all, err := s.Reports.DraftProblems(ctx, in)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range all {
		if report.StepOf(k) == step {
			out[k] = v
		}
	}
	return out, nil
}

// submitDraft files the report. On a problem it shows the first step that
// has one, keeping everything; on success the draft goes and the reporter
// is told what happens next.
func (s *server) submitDraft(w http.ResponseWriter, r *http.Request, u scheme.User, id string, in report.Input) {
	ctx := r.Context()
	if err := s.Reports.SaveDraft(ctx, u, id, stepCount, in); err != nil {
		s.Fail(w, r, err)
		return
	}
	rep, err := s.Reports.SubmitDraft(ctx, u, id)
	if err != nil {
		if scheme.ErrorCode(err) != scheme.CodeInvalid {
			s.Fail(w, r, err)
			return
		}
		s.firstProblem(w, r, u, id, in, core.FormErrors(err))
		return
	}
	// The draft went in the report's own transaction (store.CreateReport).
	core.SeeOther(w, r, "/reports/"+rep.ID+"?sent=1")
}

// firstProblem shows the first step with a problem, and only its problems,
// keeping everything typed: the report is not sent.
func (s *server) firstProblem(w http.ResponseWriter, r *http.Request, u scheme.User, id string, in report.Input, problems map[string]string) {
	first := stepCount
	for k := range problems {
		first = min(first, report.StepOf(k))
	}
	shown := map[string]string{}
	for k, v := range problems {
		if report.StepOf(k) == first {
			shown[k] = v
		}
	}
	if err := s.Reports.SaveDraft(r.Context(), u, id, first, in); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.renderDraft(w, r, u, http.StatusUnprocessableEntity, id, first, in, shown, first < stepCount, true)
}

func (s *server) discardDraft(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Reports.DiscardDraft(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	core.SeeOther(w, r, "/reports?done=discarded")
	return nil
}
