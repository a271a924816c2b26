package core

import (
	"fmt"
	"html/template"
	"net/http"
	"sync"

	"uglymugs/internal/i18n"
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
