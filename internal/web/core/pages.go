package core

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

func (s *Server) NotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.RenderError(w, r, http.StatusNotFound, Titles[http.StatusNotFound],
			"There is no page at this address. It may have moved, or the link may be wrong.")
	})
}

// termsKey is a version of the terms as rendered with a scheme's name.
type termsKey struct {
	version int
	scheme  string
}

// TermsHTML renders Markdown once per version (and scheme name, which an
// admin may change); a published version never changes. goldmark escapes
// raw HTML by default, so the text cannot inject markup.
func (s *Server) TermsHTML(ctx context.Context, version int, body string) (template.HTML, error) {
	key := termsKey{version, s.Scheme(ctx).Name}
	s.termsMu.Lock()
	defer s.termsMu.Unlock()
	if h, ok := s.termsHTML[key]; ok {
		return h, nil
	}
	// Sanitised as every page's Markdown is.
	h, err := s.Markdown(ctx, body)
	if err != nil {
		return "", err
	}
	s.termsHTML[key] = h
	return h, nil
}

const ThemeCookie = "theme"

// ThemeFrom reads the visitor's colour choice; anything unexpected is "".
func ThemeFrom(r *http.Request) string {
	c, err := r.Cookie(ThemeCookie)
	if err != nil {
		return ""
	}
	switch c.Value {
	case "light", "dark":
		return c.Value
	}
	return ""
}

// SeeOther answers a form with a redirect to a page of this site, never
// elsewhere: a target that is not a local path goes to the home page.
func SeeOther(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, LocalPath(path), http.StatusSeeOther) // #nosec G710 -- localPath keeps it on this site
}

// LocalPath returns p if it is a path on this site, else "/": a redirect
// target from a form must never send someone to another site. Browsers
// drop tabs and newlines from a Location and read a backslash as a slash,
// so "/\t/evil.example" or "/\\evil.example" would leave the site as
// "//evil.example": only a target that needs nothing removed or
// reinterpreted is kept, which is printable ASCII without spaces or
// backslashes (our own paths are escaped), starting with one slash, and
// parsing to no scheme and no host.
func LocalPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return "/"
	}
	for i := range len(p) {
		if c := p[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return "/"
		}
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return p
}
