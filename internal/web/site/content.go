package site

import (
	"context"
	"html/template"
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// contentMarkdown is the Markdown a page shows now.
func (s *server) contentMarkdown(ctx context.Context, slug string) (string, error) {
	return s.Content.Page(ctx, slug)
}

func (s *server) contentHTML(ctx context.Context, slug string) (template.HTML, error) {
	src, err := s.contentMarkdown(ctx, slug)
	if err != nil {
		return "", err
	}
	return s.Markdown(ctx, src)
}

// ContentView is a public page: its Markdown as HTML, and for the join and
// contact pages whatever else they show.
type ContentView struct {
	Slug  string
	Title string
	HTML  template.HTML
	Form  core.FormView // the contact form
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
		h, err := s.contentHTML(r.Context(), slug)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := ContentView{Slug: slug, Title: title, HTML: h}
		if slug == "contact" {
			v.Form = s.contactForm(r, nil, nil)
		}
		s.Render(w, r, http.StatusOK, view, v)
	})
}
