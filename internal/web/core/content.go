package core

import (
	"html/template"
	"net/http"

	"uglymugs/internal/markdown"
	"uglymugs/internal/scheme"
)

func (s *Server) Markdown(src string) (template.HTML, error) {
	return markdown.HTML(src, s.Config.Scheme.Name, s.Config.Scheme.Region)
}

// TermsGate sends a member who has not accepted the current terms to
// accept them, from any page that needs signing in, except the pages to
// read and accept them, to download their data, to leave or to sign out.
func (s *Server) TermsGate(w http.ResponseWriter, r *http.Request, u scheme.User) bool {
	if u.Role.Staff() || u.Status != scheme.StatusActive {
		return false
	}
	switch r.URL.Path {
	case "/account/terms", "/account/data", "/account/data.json", "/account/leave", "/signout":
		return false
	}
	v, err := s.Content.TermsToAccept(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return true
	}
	if v == 0 {
		return false
	}
	SeeOther(w, r, "/account/terms")
	return true
}
