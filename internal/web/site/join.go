package site

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// joinType maps the address to a membership type: /join/organisation is the
// establishment form (the public page calls it that).
func joinType(r *http.Request) (scheme.MembershipType, bool) {
	switch r.PathValue("type") {
	case "individual":
		return scheme.Individual, true
	case "project":
		return scheme.Project, true
	case "organisation", "establishment":
		return scheme.Establishment, true
	}
	return "", false
}

func (s *server) applyPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := joinType(r)
		if !ok {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		v, err := s.JoinForm(r, t)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, viewApply, core.FormView{Values: map[string]string{}, Extra: v})
	})
}

func (s *server) apply() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := joinType(r)
		if !ok {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		in, values := core.ApplicationFromForm(r, t)
		in.Language = core.Loc(r).Language.Code
		a, err := s.Accounts.Apply(r.Context(), in)
		if err == nil {
			s.Render(w, r, http.StatusCreated, viewApplied, map[string]any{"Application": a, "Hours": s.Scheme(r.Context()).Hours,
				"Channel": channelName(r, a.Profile)})
			return
		}
		if code := scheme.ErrorCode(err); code == scheme.CodeInternal {
			s.ServerError(w, r, err)
			return
		}
		v, verr := s.JoinForm(r, t)
		if verr != nil {
			s.Fail(w, r, verr)
			return
		}
		errs := core.FormErrors(err)
		// Field names in the form are the JSON names.
		s.Render(w, r, core.StatusFor(scheme.ErrorCode(err)), viewApply, core.FormView{Values: values, Errors: errs, Extra: v})
	})
}

// channelName says, without repeating it in full, how someone will hear
// from us, in r's language (it ends the sentence "We will tell you the
// outcome …").
func channelName(r *http.Request, p scheme.Profile) string {
	l := core.Loc(r)
	switch {
	case p.Email != "" && (p.AlertEmail || p.Mobile == ""):
		return l.T("by email")
	case p.Mobile != "":
		return l.T("by text message to the number ending {{.Digits}}", map[string]any{"Digits": p.Mobile[max(0, len(p.Mobile)-3):]})
	}
	return l.T("when you sign in")
}
