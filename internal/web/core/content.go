package core

import (
	"context"
	"html/template"
	"net/http"

	"uglymugs/internal/markdown"
	"uglymugs/internal/scheme"
)

// Markdown renders an admin's Markdown, with {scheme} and {region} as the
// scheme's name and area now.
func (s *Server) Markdown(ctx context.Context, src string) (template.HTML, error) {
	sv := s.Scheme(ctx)
	return markdown.HTML(src, sv.Name, sv.Region)
}

// TermsGate sends a member who has not accepted the current terms to
// accept them, from any page that needs signing in, except the pages to
// read and accept them, to download their data, to leave or to sign out.
func (s *Server) TermsGate(w http.ResponseWriter, r *http.Request, u scheme.User) bool {
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
