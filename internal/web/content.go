package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"uglymugs/internal/markdown"
	"uglymugs/internal/scheme"
)

// The public pages' content: Markdown that admins edit (every version is
// kept), or the built-in text until they do; the terms and conditions,
// whose new versions every member accepts before going on.

// contentMarkdown is the Markdown a page shows now.
func (s *Server) contentMarkdown(ctx context.Context, slug string) (string, error) {
	return s.Content.Page(ctx, slug)
}

func (s *Server) Markdown(src string) (template.HTML, error) {
	return markdown.HTML(src, s.Config.Scheme.Name, s.Config.Scheme.Region)
}

func (s *Server) contentHTML(ctx context.Context, slug string) (template.HTML, error) {
	src, err := s.contentMarkdown(ctx, slug)
	if err != nil {
		return "", err
	}
	return s.Markdown(src)
}

// ContentView is a public page: its Markdown as HTML, and for the join and
// contact pages whatever else they show.
type ContentView struct {
	Slug  string
	Title string
	HTML  template.HTML
	Form  FormView // the contact form
}

// contentPage serves a page that is all Markdown (about, privacy, case
// studies, supporters) or Markdown in a fixed frame (join, contact).
func (s *Server) contentPage(slug, view string) http.Handler {
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

// --- Admins' editor ---

// PagesView is the admins' list of pages.
type PagesView struct {
	Pages  []pageRow
	Images []imageRow
	Terms  int
	Notice string
}

type pageRow struct {
	Slug, Title, Edited string
	Version             int
}

func (s *Server) pagesAdmin() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		ctx := r.Context()
		v := PagesView{Notice: map[string]string{"image": "The image is saved, without any metadata it carried."}[r.URL.Query().Get("done")]}
		for _, p := range scheme.ContentPages {
			c, ok, err := s.Content.Version(ctx, p.Slug)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			row := pageRow{Slug: p.Slug, Title: p.Title, Edited: "built-in text"}
			if ok {
				row.Version, row.Edited = c.Version, c.EditedAt.In(s.Location()).Format("2 Jan 2006 15:04")
			}
			v.Pages = append(v.Pages, row)
		}
		t, err := s.Accounts.CurrentTerms(ctx)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Terms = t.Version
		if v.Images, err = s.imageRows(ctx); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, "pages-admin", v)
	}, scheme.RoleAdmin))
}

// EditorView is the Markdown editor of a page or of the terms.
type EditorView struct {
	Slug, Title, Action string
	Body                string
	Preview             template.HTML
	Previewing          bool
	Errors              map[string]string
	Notice              string
	History             []historyRow
	Terms               bool
	Viewing             int // the version loaded from the history
}

type historyRow struct {
	Version  int
	When, By string
	Current  bool
}

func (s *Server) pageEditorView(r *http.Request, slug string) (EditorView, error) {
	ctx := r.Context()
	v := EditorView{Slug: slug, Action: "/admin/pages/" + slug}
	for _, p := range scheme.ContentPages {
		if p.Slug == slug {
			v.Title = p.Title
		}
	}
	hist, err := s.Content.History(ctx, slug)
	if err != nil {
		return v, err
	}
	for i, c := range hist {
		v.History = append(v.History, historyRow{Version: c.Version, When: c.EditedAt.In(s.Location()).Format("2 Jan 2006 15:04"),
			By: s.username(r, c.EditedBy), Current: i == 0})
	}
	v.Body = scheme.DefaultContent(slug)
	if len(hist) > 0 {
		v.Body = hist[0].Body
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
		for _, c := range hist {
			if c.Version == n {
				v.Body, v.Viewing = c.Body, n
			}
		}
	}
	return v, nil
}

func (s *Server) pageEditor() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		slug := r.PathValue("slug")
		if !scheme.IsContentPage(slug) {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		v, err := s.pageEditorView(r, slug)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Notice = map[string]string{"saved": "Saved: the page shows this version now. The earlier ones are kept below."}[r.URL.Query().Get("done")]
		s.Render(w, r, http.StatusOK, "page-editor", v)
	}, scheme.RoleAdmin))
}

// savePage previews (action=preview) or saves a page.
func (s *Server) savePage() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		slug := r.PathValue("slug")
		if !scheme.IsContentPage(slug) {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		v, err := s.pageEditorView(r, slug)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Body = r.PostFormValue("body")
		if r.PostFormValue("action") != "save" {
			s.preview(w, r, v)
			return
		}
		if _, err := s.Content.SavePage(r.Context(), u, slug, v.Body); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeInvalid {
				v.Errors = FormErrors(err)
				s.Render(w, r, http.StatusUnprocessableEntity, "page-editor", v)
				return
			}
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/admin/pages/"+slug+"?done=saved")
	}, scheme.RoleAdmin))
}

func (s *Server) preview(w http.ResponseWriter, r *http.Request, v EditorView) {
	h, err := s.Markdown(v.Body)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Preview, v.Previewing = h, true
	s.Render(w, r, http.StatusOK, "page-editor", v)
}

// --- Terms and conditions ---

func (s *Server) termsEditorView(r *http.Request) (EditorView, error) {
	v := EditorView{Slug: "terms", Title: "Terms and conditions", Action: "/admin/terms", Terms: true}
	hist, err := s.Accounts.TermsHistory(r.Context())
	if err != nil {
		return v, err
	}
	for i, t := range hist {
		v.History = append(v.History, historyRow{Version: t.Version, When: t.PublishedAt.In(s.Location()).Format("2 Jan 2006 15:04"), Current: i == 0})
	}
	if len(hist) > 0 {
		v.Body = hist[0].Body
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
		for _, t := range hist {
			if t.Version == n {
				v.Body, v.Viewing = t.Body, n
			}
		}
	}
	return v, nil
}

func (s *Server) termsAdmin() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		v, err := s.termsEditorView(r)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Notice = map[string]string{"published": "Published. Every member will be asked to accept this version before they go on."}[r.URL.Query().Get("done")]
		s.Render(w, r, http.StatusOK, "page-editor", v)
	}, scheme.RoleAdmin))
}

func (s *Server) publishTerms() http.Handler {
	return NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		v, err := s.termsEditorView(r)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Body = r.PostFormValue("body")
		if r.PostFormValue("action") != "save" {
			s.preview(w, r, v)
			return
		}
		if _, err := s.Accounts.PublishTerms(r.Context(), u, v.Body); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeInvalid {
				v.Errors = FormErrors(err)
				s.Render(w, r, http.StatusUnprocessableEntity, "page-editor", v)
				return
			}
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/admin/terms?done=published")
	}, scheme.RoleAdmin))
}

// AcceptTermsView asks a member to accept the current terms.
type AcceptTermsView struct {
	Version     int
	PublishedAt string
	HTML        template.HTML
	Error       string
}

func (s *Server) acceptTermsView(r *http.Request) (AcceptTermsView, error) {
	t, err := s.Accounts.CurrentTerms(r.Context())
	if err != nil {
		return AcceptTermsView{}, err
	}
	h, err := s.TermsHTML(t.Version, t.Body)
	return AcceptTermsView{Version: t.Version, PublishedAt: t.PublishedAt.In(s.Location()).Format("2 January 2006"), HTML: h}, err
}

func (s *Server) acceptTermsPage() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		v, err := s.acceptTermsView(r)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, "accept-terms", v)
	})
}

func (s *Server) acceptTerms() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		if r.PostFormValue("accept") != "yes" {
			v, err := s.acceptTermsView(r)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			v.Error = "Tick the box to say you accept the terms. If you do not, you can leave the scheme from your account."
			s.Render(w, r, http.StatusUnprocessableEntity, "accept-terms", v)
			return
		}
		if err := s.Accounts.AcceptTerms(r.Context(), u, version); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeConflict {
				v, verr := s.acceptTermsView(r)
				if verr != nil {
					s.Fail(w, r, verr)
					return
				}
				v.Error = scheme.ErrorMessage(err)
				s.Render(w, r, http.StatusConflict, "accept-terms", v)
				return
			}
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/account")
	})
}

// TermsGate sends a member who has not accepted the current terms to
// accept them, from any page that needs signing in, except the pages to
// read and accept them, to download their data, to leave or to sign out.
func (s *Server) TermsGate(w http.ResponseWriter, r *http.Request, u scheme.User) bool {
	if u.Role.Staff() || u.Status != scheme.StatusActive {
		return false
	}
	switch r.URL.Path {
	case "/account/terms", "/account/data", "/account/leave", "/signout":
		return false
	}
	v, err := s.Accounts.TermsToAccept(r.Context(), u)
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
