package staff

import (
	"html/template"
	"net/http"
	"strconv"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The public pages' content: Markdown that admins edit (every version is
// kept), or the built-in text until they do; the terms and conditions,
// whose new versions every member accepts before going on.

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

func (s *server) pagesAdmin() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
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
		s.Render(w, r, http.StatusOK, viewPagesAdmin, v)
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

func (s *server) pageEditorView(r *http.Request, slug string) (EditorView, error) {
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

func (s *server) pageEditor() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
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
		s.Render(w, r, http.StatusOK, viewPageEditor, v)
	}, scheme.RoleAdmin))
}

// savePage previews (action=preview) or saves a page.
func (s *server) savePage() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
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
				v.Errors = core.FormErrors(err)
				s.Render(w, r, http.StatusUnprocessableEntity, viewPageEditor, v)
				return
			}
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/admin/pages/"+slug+"?done=saved")
	}, scheme.RoleAdmin))
}

func (s *server) preview(w http.ResponseWriter, r *http.Request, v EditorView) {
	h, err := s.Markdown(v.Body)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Preview, v.Previewing = h, true
	s.Render(w, r, http.StatusOK, viewPageEditor, v)
}

func (s *server) termsEditorView(r *http.Request) (EditorView, error) {
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

func (s *server) termsAdmin() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		v, err := s.termsEditorView(r)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Notice = map[string]string{"published": "Published. Every member will be asked to accept this version before they go on."}[r.URL.Query().Get("done")]
		s.Render(w, r, http.StatusOK, viewPageEditor, v)
	}, scheme.RoleAdmin))
}

func (s *server) publishTerms() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
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
				v.Errors = core.FormErrors(err)
				s.Render(w, r, http.StatusUnprocessableEntity, viewPageEditor, v)
				return
			}
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/admin/terms?done=published")
	}, scheme.RoleAdmin))
}
