package staff

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/i18n"
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
	Version             int    // the English's
	Languages           string // those it has a version in, besides English
}

func (s *server) pagesAdmin() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		ctx := r.Context()
		v := PagesView{Notice: map[string]string{"image": "The image is saved, without any metadata it carried."}[r.URL.Query().Get("done")]}
		langs, err := s.Content.Languages(ctx)
		if err != nil {
			return err
		}
		for _, p := range scheme.ContentPages {
			c, ok, err := s.Content.Version(ctx, p.Slug, i18n.English.Code)
			if err != nil {
				return err
			}
			row := pageRow{Slug: p.Slug, Title: p.Title, Edited: "built-in text", Languages: languageNames(langs[p.Slug])}
			if ok {
				row.Version, row.Edited = c.Version, s.Time(c.EditedAt, core.DateTimeShort)
			}
			v.Pages = append(v.Pages, row)
		}
		t, err := s.Content.CurrentTerms(ctx)
		if err != nil {
			return err
		}
		v.Terms = t.Version
		if v.Images, err = s.imageRows(ctx); err != nil {
			return err
		}
		s.Render(w, r, http.StatusOK, viewPagesAdmin, v)
		return nil
	}, scheme.RoleAdmin))
}

// languageNames are the English names of the languages with codes, but
// English, in the service's order.
func languageNames(codes []string) string {
	var names []string
	for _, l := range i18n.Languages[1:] {
		if slices.Contains(codes, l.Code) {
			names = append(names, l.English)
		}
	}
	return strings.Join(names, ", ")
}

// EditorView is the Markdown editor of a page or of the terms.
type EditorView struct {
	Slug, Title, Action string
	// Lang is the language of the page's versions edited (the terms have
	// none); Languages lead to the others'.
	Lang       i18n.Language
	Languages  []languageLink
	Body       string
	Preview    template.HTML
	Previewing bool
	Errors     map[string]string
	Notice     string
	History    []historyRow // a page of it, newest first
	Pager      core.Pager
	Terms      bool
	Viewing    int // the version loaded from the history
	// Untranslated: the page has no version in Lang yet; Body is the
	// English, to translate from.
	Untranslated bool
}

type languageLink struct {
	Name, URL string
	Current   bool
}

type historyRow struct {
	Version        int
	When, By, Load string // Load: the editor on this version
	Current        bool
}

// A document is what admins edit in the Markdown editor: a public page or
// the terms. Every saved version is kept and can be loaded again.
type document struct {
	view     EditorView                // what the editor shows besides the text
	versions scheme.Listed[docVersion] // the page of the history asked for
	page     scheme.Page               // which page that is
	newest   *docVersion               // the text shown now; nil: the fallback
	fallback string                    // the text while no version is saved
	save     func(ctx context.Context, u scheme.User, body string) error
	saved    string // where a save leads: the editor, saying so
	// in is the editor's address with query q (and its language); nil:
	// the path with q.
	in func(q url.Values) string
}

// docVersion is one saved version, newest first.
type docVersion struct {
	Version int
	At      time.Time
	By      string // who saved it, if the document records it
	Body    string
}

// pageDocument is a public page in a language ("lang" in the query or
// the form; English if none); false if the slug or the language is none.
// A language without a version of its own starts from the English.
func (s *server) pageDocument(r *http.Request) (document, bool, error) {
	slug := r.PathValue("slug")
	lang, ok := i18n.English, true
	if code := r.FormValue("lang"); code != "" {
		lang, ok = i18n.Find(code)
		ok = ok && lang.Code == code && lang.Code != i18n.Pseudo.Code
	}
	if !scheme.IsContentPage(slug) || !ok {
		return document{}, false, nil
	}
	path := "/admin/pages/" + slug
	in := func(q url.Values) string {
		if lang.Code != i18n.English.Code {
			q.Set("lang", lang.Code)
		}
		return path + "?" + q.Encode()
	}
	d := document{view: EditorView{Slug: slug, Action: path, Lang: lang}, fallback: scheme.DefaultContent(slug),
		saved: in(url.Values{"done": {"saved"}}), in: in,
		save: func(ctx context.Context, u scheme.User, body string) error {
			_, err := s.Content.SavePage(ctx, u, slug, lang.Code, body)
			return err
		}}
	for _, p := range scheme.ContentPages {
		if p.Slug == slug {
			d.view.Title = p.Title
		}
	}
	for _, l := range i18n.Languages {
		q := url.Values{}
		if l.Code != i18n.English.Code {
			q.Set("lang", l.Code)
		}
		d.view.Languages = append(d.view.Languages, languageLink{Name: l.English, URL: strings.TrimSuffix(path+"?"+q.Encode(), "?"), Current: l.Code == lang.Code})
	}
	doc := func(c scheme.ContentVersion) docVersion {
		return docVersion{Version: c.Version, At: c.EditedAt, By: s.username(r, c.EditedBy), Body: c.Body}
	}
	d.page = core.PageFrom(r)
	hist, err := s.Content.History(r.Context(), slug, lang.Code, d.page)
	if err != nil {
		return d, true, err
	}
	d.versions = listedAs(hist, doc)
	newest, ok, err := s.Content.Version(r.Context(), slug, lang.Code)
	if ok {
		n := doc(newest)
		d.newest = &n
	} else if err == nil && lang.Code != i18n.English.Code {
		d.fallback, _, err = s.Content.Page(r.Context(), slug, i18n.English.Code)
		d.view.Untranslated = true
	}
	return d, true, err
}

// listedAs is l with each item made by as.
func listedAs[T, U any](l scheme.Listed[T], as func(T) U) scheme.Listed[U] {
	out := scheme.Listed[U]{Items: make([]U, len(l.Items)), Total: l.Total}
	for i, x := range l.Items {
		out.Items[i] = as(x)
	}
	return out
}

// termsDocument is the terms and conditions: a version is published, and
// every member accepts it before going on.
func (s *server) termsDocument(r *http.Request) (document, bool, error) {
	d := document{view: EditorView{Slug: "terms", Title: "Terms and conditions", Action: "/admin/terms", Terms: true},
		saved: "/admin/terms?done=published",
		save: func(ctx context.Context, u scheme.User, body string) error {
			_, err := s.Content.PublishTerms(ctx, u, body)
			return err
		}}
	doc := func(t scheme.Terms) docVersion {
		return docVersion{Version: t.Version, At: t.PublishedAt, Body: t.Body}
	}
	d.page = core.PageFrom(r)
	hist, err := s.Content.TermsHistory(r.Context(), d.page)
	if err != nil {
		return d, true, err
	}
	d.versions = listedAs(hist, doc)
	current, err := s.Content.CurrentTerms(r.Context())
	if current.Version > 0 {
		n := doc(current)
		d.newest = &n
	}
	return d, true, err
}

// editorView is the editor on the newest version, or on the one the
// query's "version" asks for (from the page of the history shown).
func (s *server) editorView(r *http.Request, d document) EditorView {
	v := d.view
	v.Body = d.fallback
	if d.newest != nil {
		v.Body = d.newest.Body
	}
	// The pages of the history do not keep the version loaded: each page
	// loads its own.
	rest := r.URL.Query()
	rest.Del("version")
	v.Pager = core.NewPager(rest, d.view.Action, d.page, d.versions.Total)
	for _, c := range d.versions.Items {
		q := url.Values{"version": {strconv.Itoa(c.Version)}}
		if d.page.Number > 1 {
			q.Set("page", strconv.Itoa(d.page.Number))
		}
		load := d.view.Action + "?" + q.Encode()
		if d.in != nil {
			load = d.in(q)
		}
		v.History = append(v.History, historyRow{Version: c.Version, When: s.Time(c.At, core.DateTimeShort), By: c.By,
			Current: d.newest != nil && c.Version == d.newest.Version, Load: load})
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
		for _, c := range d.versions.Items {
			if c.Version == n {
				v.Body, v.Viewing = c.Body, n
			}
		}
	}
	return v
}

// editDocument shows a document's editor; notices are what it says after
// a save, by the "done" the save left in the query.
func (s *server) editDocument(load func(*http.Request) (document, bool, error), notices map[string]string) http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		d, ok, err := load(r)
		switch {
		case err != nil:
			s.Fail(w, r, err)
		case !ok:
			s.NotFound().ServeHTTP(w, r)
		default:
			v := s.editorView(r, d)
			v.Notice = notices[r.URL.Query().Get("done")]
			s.Render(w, r, http.StatusOK, viewPageEditor, v)
		}
		return nil
	}, scheme.RoleAdmin))
}

// saveDocument previews (action=preview) or saves a new version.
func (s *server) saveDocument(load func(*http.Request) (document, bool, error)) http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		d, ok, err := load(r)
		if err != nil || !ok {
			if err != nil {
				s.Fail(w, r, err)
			} else {
				s.NotFound().ServeHTTP(w, r)
			}
			return nil
		}
		v := s.editorView(r, d)
		v.Body = r.PostFormValue("body")
		if r.PostFormValue("action") != "save" {
			h, err := s.Markdown(r.Context(), v.Body)
			if err != nil {
				return err
			}
			v.Preview, v.Previewing = h, true
			s.Render(w, r, http.StatusOK, viewPageEditor, v)
			return nil
		}
		if err := d.save(r.Context(), u, v.Body); err != nil {
			if scheme.ErrorCode(err) == scheme.CodeInvalid {
				v.Errors = core.FormErrors(err)
				s.Render(w, r, http.StatusUnprocessableEntity, viewPageEditor, v)
				return nil
			}
			return err
		}
		core.SeeOther(w, r, d.saved)
		return nil
	}, scheme.RoleAdmin))
}

func (s *server) pageEditor() http.Handler {
	return s.editDocument(s.pageDocument, map[string]string{"saved": "Saved: the page shows this version now. The earlier ones are kept below."})
}

func (s *server) savePage() http.Handler { return s.saveDocument(s.pageDocument) }

func (s *server) termsAdmin() http.Handler {
	return s.editDocument(s.termsDocument, map[string]string{"published": "Published. Every member will be asked to accept this version before they go on."})
}

func (s *server) publishTerms() http.Handler { return s.saveDocument(s.termsDocument) }
