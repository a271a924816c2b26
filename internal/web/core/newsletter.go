package core

import (
	"net/http"
	"net/url"

	"uglymugs/internal/scheme"
)

func (s *Server) NewsletterLinks(r *http.Request) scheme.NewsletterLinks {
	base := s.SiteURL(r)
	return scheme.NewsletterLinks{
		Confirm:     func(t string) string { return base + "/newsletter/confirm/" + url.PathEscape(t) },
		Unsubscribe: func(t string) string { return base + "/newsletter/unsubscribe/" + url.PathEscape(t) },
	}
}
