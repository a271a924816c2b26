package api

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/support"
	"uglymugs/internal/web/core"
)

// The directory of support services, as members search it, and the
// referrals: her answers on her own reports, and the caseworker's
// suggestions and their progress (the case page's twins).

// listServices is GET /api/v1/services?region=&kind=&language=: the
// active services in the region (by default, any of hers) or national,
// of the kind, speaking the language. A bad filter is a 422 naming it.
func (s *server) listServices(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	q := r.URL.Query()
	found, err := s.Support.Near(r.Context(), u, support.Query{Region: q.Get("region"), Kind: q.Get("kind"), Language: q.Get("language")}, scheme.Page{})
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": nonNil(found.Items)})
	return nil
}

// listReferrals is the services suggested on one of her reports.
func (s *server) listReferrals(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	rep, err := s.Reports.Own(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	refs, err := s.Support.Mine(r.Context(), u, rep)
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": nonNil(refs)})
	return nil
}

func (s *server) answerReferral() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Answer string `json:"answer"`
	}) (int, any, error) {
		err := s.Support.Answer(r.Context(), u, r.PathValue("id"), r.PathValue("referral"), in.Answer)
		return http.StatusOK, map[string]string{"answer": in.Answer}, err
	}), memberRoles...)
}

func (s *server) suggestReferral() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		ServiceID string `json:"service_id"`
		Note      string `json:"note"`
	}) (int, any, error) {
		f, err := s.Support.Suggest(r.Context(), u, r.PathValue("id"), in.ServiceID, in.Note, s.Accounts.URL)
		return http.StatusCreated, f, err
	}), scheme.RoleCoordinator)
}

func (s *server) moveReferral() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Status string `json:"status"`
	}) (int, any, error) {
		err := s.Support.Move(r.Context(), u, r.PathValue("id"), r.PathValue("referral"), in.Status)
		return http.StatusOK, map[string]string{"status": in.Status}, err
	}), scheme.RoleCoordinator)
}
