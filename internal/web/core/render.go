package core

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
)

//go:embed templates
var templateFS embed.FS

// Page is the data every template gets; Data is the view's own.
type Page struct {
	Title        string
	Scheme       SchemeView
	Path         string
	Theme        string
	QuickExitURL string
	Demo         bool
	SignedIn     bool
	User         scheme.User // the signed-in user, when SignedIn
	UnreadAlerts int         // alerts the member has not opened yet
	Nav          Nav
	Lang         i18n.Language // the language the page is in
	Languages    []i18n.Language
	Data         any
}

// parseViews parses each view once with the layout and every partial, in
// the words of loc.
func parseViews(a *assets, loc *i18n.Localizer) (map[string]*template.Template, error) {
	funcs := template.FuncMap{"asset": a.url, "field": newField, "optional": optionalField,
		"t":      func(id string, kv ...any) string { return loc.T(id, pairs(kv)) },
		"tn":     func(id string, n int, kv ...any) string { return loc.N(id, n, pairs(kv)) },
		"figure": func(v stats.Value) string { return v.In(loc) }}
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/views/*.html")
	if err != nil {
		return nil, err
	}
	views := map[string]*template.Template{}
	for _, f := range files {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		views[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	if missing := missingViews(views); len(missing) > 0 {
		return nil, fmt.Errorf("views without a template: %s", strings.Join(missing, ", "))
	}
	return views, nil
}

// requiredViews are the views handlers render; start-up fails without them.
// A View is a template in templates/views that a handler renders. Views
// are made only by NewView, as package variables, so the list of every view
// a handler can render is known before the server starts: New refuses to
// start when any of them is missing.
type View struct{ name string }

var (
	viewsMu sync.Mutex
	viewSet = map[string]bool{}
)

// NewView names a view and records it for the check at start-up.
func NewView(name string) View {
	viewsMu.Lock()
	defer viewsMu.Unlock()
	viewSet[name] = true
	return View{name: name}
}

// missingViews lists the recorded views that have no template, sorted.
func missingViews(parsed map[string]*template.Template) []string {
	viewsMu.Lock()
	defer viewsMu.Unlock()
	var out []string
	for name := range viewSet {
		if parsed[name] == nil {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// page fills in what every page shows.
func (s *Server) page(r *http.Request, data any) Page {
	u, signedIn := UserFrom(r)
	var unread int
	if signedIn {
		n, err := s.Alerts.Unread(r.Context(), u)
		if err != nil {
			s.Log.WarnContext(r.Context(), "counting unread alerts", "err", err)
		}
		unread = n
	}
	sv := s.Scheme(r.Context())
	return Page{
		UnreadAlerts: unread,
		Nav:          NavFor(u, signedIn, r.URL.Path, unread),
		SignedIn:     signedIn,
		User:         u,
		Scheme:       sv,
		Path:         r.URL.Path,
		Theme:        ThemeFrom(r),
		QuickExitURL: sv.QuickExitURL,
		Demo:         s.Config.Demo,
		Lang:         Loc(r).Language,
		Languages:    i18n.Languages,
		Data:         data,
	}
}

// Render writes a view with status. It renders to a buffer first so that a
// template error becomes a clean 500, not half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, status int, view View, data any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	p := s.page(r, data)
	t, err := s.views.of(p.Lang, view)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if err := t.ExecuteTemplate(buf, "layout", p); err != nil {
		if view == viewError {
			// Don't loop: the error page itself failed.
			http.Error(w, "Something went wrong on our side. Please try again in a moment.", http.StatusInternalServerError)
			s.Log.ErrorContext(r.Context(), "render error page", "err", err)
			return
		}
		s.ServerError(w, r, fmt.Errorf("render %s: %w", view.name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.Lang.Code)
	w.Header().Add("Vary", "Accept-Language")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the client went away
}

// FieldView is one form field for the "text-field" and "textarea-field"
// partials: its name (also its id), label, hint, input type and
// autocomplete, with the value typed and the problem found, if any.
type FieldView struct {
	Name, Label, Hint, Type, Autocomplete, Value, Error string
	Optional                                            bool
}

// newField is the template function "field".
func newField(f FormView, name, label, hint, typ, autocomplete string) FieldView {
	if typ == "" {
		typ = "text"
	}
	return FieldView{Name: name, Label: label, Hint: hint, Type: typ, Autocomplete: autocomplete, Value: f.Values[name], Error: f.Errors[name]}
}

// optionalField is the template function "optional": it marks a field as
// not required in its label.
func optionalField(f FieldView) FieldView {
	f.Optional = true
	return f
}
