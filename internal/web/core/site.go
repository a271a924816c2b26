package core

import (
	"net/http"
	"strings"
)

// SiteURL is the site's address as the scheme's staff know it.
func (s *Server) SiteURL(r *http.Request) string {
	return strings.TrimSuffix(s.Accounts.URL, "/signin")
}
