package member

import (
	"html/template"
	"net/http"
	"strconv"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// AcceptTermsView asks a member to accept the current terms.
type AcceptTermsView struct {
	Version     int
	PublishedAt string
	HTML        template.HTML
	Error       string
}

func (s *server) acceptTermsView(r *http.Request) (AcceptTermsView, error) {
	t, err := s.Content.CurrentTerms(r.Context())
	if err != nil {
		return AcceptTermsView{}, err
	}
	h, err := s.TermsHTML(r.Context(), t.Version, t.Body)
	return AcceptTermsView{Version: t.Version, PublishedAt: s.Date(core.Loc(r), t.PublishedAt, core.DateLong), HTML: h}, err
}

func (s *server) acceptTermsPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	v, err := s.acceptTermsView(r)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, viewAcceptTerms, v)
	return nil
}

func (s *server) acceptTerms(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if r.PostFormValue("accept") != "yes" {
		v, err := s.acceptTermsView(r)
		if err != nil {
			return err
		}
		v.Error = "Tick the box to say you accept the terms. If you do not, you can leave the scheme from your account."
		s.Render(w, r, http.StatusUnprocessableEntity, viewAcceptTerms, v)
		return nil
	}
	if err := s.Content.AcceptTerms(r.Context(), u, version); err != nil {
		if scheme.ErrorCode(err) == scheme.CodeConflict {
			v, verr := s.acceptTermsView(r)
			if verr != nil {
				return verr
			}
			v.Error = scheme.ErrorMessage(err)
			s.Render(w, r, http.StatusConflict, viewAcceptTerms, v)
			return nil
		}
		return err
	}
	core.SeeOther(w, r, "/account")
	return nil
}
