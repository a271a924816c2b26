package api

import (
	"net/http"

	"uglymugs/internal/scheme"
)

// What her report led to (impact.Service): in GET /api/v1/reports/{id}
// for its reporter, her choice to be told, and her request for help with
// a police report.

// setImpact changes her choice to be told, content-free, when her report
// makes a difference, and answers with what it has led to.
func (s *server) setImpact() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Notify bool `json:"notify"`
	}) (int, any, error) {
		if err := s.Impact.SetNotify(r.Context(), u, r.PathValue("id"), in.Notify); err != nil {
			return 0, nil, err
		}
		rep, err := s.Reports.Own(r.Context(), u, r.PathValue("id"))
		if err != nil {
			return 0, nil, err
		}
		im, err := s.Impact.Of(r.Context(), u, rep)
		return http.StatusOK, im, err
	}), reporterRoles...)
}

// askPoliceHelp sends her request for a caseworker's help making a full
// police report about her own report.
func (s *server) askPoliceHelp() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Note string `json:"note"`
	}) (int, any, error) {
		h, err := s.Impact.AskPoliceHelp(r.Context(), u, r.PathValue("id"), in.Note)
		return http.StatusCreated, h, err
	}), reporterRoles...)
}
