package site

import (
	"html/template"
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// contentHTML is the page as it shows now in r's language: its version
// in that language, else (translated false) the English.
func (s *server) contentHTML(r *http.Request, slug string) (h template.HTML, translated bool, err error) {
	src, translated, err := s.Content.Page(r.Context(), slug, core.Loc(r).Language.Code)
	if err != nil {
		return "", false, err
	}
	h, err = s.Markdown(r.Context(), src)
	return h, translated, err
}

// ContentView is a public page: its Markdown as HTML, and for the join and
// contact pages whatever else they show.
type ContentView struct {
	Slug  string
	Title string
	HTML  template.HTML
	// InEnglish: the page has no version in the reader's language yet, so
	// it shows the English, with a line saying so in hers.
	InEnglish bool
	Form      core.FormView // the contact form
	// Helplines are the national helplines in the directory (contact).
	Helplines []core.ServiceCard
}

// helplines are the directory's national helplines, as r's reader reads
// them.
func (s *server) helplines(r *http.Request) ([]core.ServiceCard, error) {
	list, err := s.Support.Helplines(r.Context())
	if err != nil {
		return nil, err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return nil, err
	}
	var out []core.ServiceCard
	for _, x := range list {
		out = append(out, core.CardOf(core.Loc(r), l, x))
	}
	return out, nil
}

// contentPage serves a page that is all Markdown (about, privacy, case
// studies, supporters) or Markdown in a fixed frame (join, contact).
func (s *server) contentPage(slug string, view core.View) http.Handler {
	title := ""
	for _, p := range scheme.ContentPages {
		if p.Slug == slug {
			title = p.Title
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, translated, err := s.contentHTML(r, slug)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := ContentView{Slug: slug, Title: title, HTML: h, InEnglish: !translated}
		if slug == "contact" {
			v.Form = s.contactForm(r, nil, nil)
			if v.Helplines, err = s.helplines(r); err != nil {
				s.Fail(w, r, err)
				return
			}
		}
		s.Render(w, r, http.StatusOK, view, v)
	})
}
