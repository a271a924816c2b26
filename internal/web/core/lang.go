package core

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sync"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// LangCookie keeps a visitor's choice of language.
const LangCookie = "lang"

// languageOf is the language to answer r in: the member's own choice,
// then the visitor's (the cookie the language switch sets), then the best
// match for the browser's languages, then English.
func languageOf(words *i18n.Catalogue, r *http.Request) i18n.Language {
	var chosen []string
	if u, ok := UserFrom(r); ok && u.Language != "" {
		chosen = append(chosen, u.Language)
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		chosen = append(chosen, c.Value)
	}
	return words.Choose(r.Header.Get("Accept-Language"), chosen...)
}

// viewSets are the views in each language, each parsed the first time a
// page is shown in it (English at start-up, to check every view).
type viewSets struct {
	assets *assets
	words  *i18n.Catalogue

	mu   sync.Mutex
	sets map[string]map[string]*template.Template
}

func newViewSets(a *assets, words *i18n.Catalogue) (*viewSets, error) {
	v := &viewSets{assets: a, words: words, sets: map[string]map[string]*template.Template{}}
	if _, err := v.in(i18n.English); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *viewSets) in(l i18n.Language) (map[string]*template.Template, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if set, ok := v.sets[l.Code]; ok {
		return set, nil
	}
	set, err := parseViews(v.assets, v.words.Localizer(l))
	if err != nil {
		return nil, err
	}
	v.sets[l.Code] = set
	return set, nil
}

func (v *viewSets) of(l i18n.Language, view View) (*template.Template, error) {
	set, err := v.in(l)
	if err != nil {
		return nil, err
	}
	t, ok := set[view.name]
	if !ok {
		return nil, fmt.Errorf("no view %q", view.name)
	}
	return t, nil
}

// pairs makes a template's "key", value, "key", value… arguments a map.
func pairs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

type langKey struct{}

// withLanguage works out each request's language once, after the user is
// known, for the page and for text made in Go (Loc).
func withLanguage(words *i18n.Catalogue, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, WithLanguage(r, words))
	})
}

// WithLanguage is r with its language worked out.
func WithLanguage(r *http.Request, words *i18n.Catalogue) *http.Request {
	l := languageOf(words, r)
	ctx := i18n.NewContext(context.WithValue(r.Context(), langKey{}, words.Localizer(l)), l)
	return r.WithContext(ctx)
}

// AsUser is r made by u, whom a token named (the API): her language, when
// she chose one, is the answer's.
func AsUser(r *http.Request, u scheme.User, words *i18n.Catalogue) *http.Request {
	return WithLanguage(r.WithContext(context.WithValue(r.Context(), userKey, u)), words)
}

// Loc gives the words of r's language, for text made in Go: notices,
// problems found in a form, error pages. English when r went through no
// middleware (a test of one handler).
func Loc(r *http.Request) *i18n.Localizer {
	if l, ok := r.Context().Value(langKey{}).(*i18n.Localizer); ok {
		return l
	}
	return englishOnly()
}

var englishOnly = sync.OnceValue(func() *i18n.Localizer {
	words, err := i18n.New()
	if err != nil {
		panic(err) // the catalogues are built in; their tests fail first
	}
	return words.Localizer(i18n.English)
})
