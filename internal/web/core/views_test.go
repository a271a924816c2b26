package core

import (
	"html/template"
	"slices"
	"testing"

	"uglymugs/internal/i18n"
)

// TestViews_StartUpFailsWithoutATemplateForAnyViewAHandlerRenders: every
// view is made by NewView, so one without a template stops the server
// from starting, named in the error.
func TestViews_StartUpFailsWithoutATemplateForAnyViewAHandlerRenders(t *testing.T) {
	a, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	en := words.Localizer(i18n.English)
	if _, err := parseViews(a, en); err != nil {
		t.Fatalf("the views as built: %v", err)
	}
	NewView("no-such-view")
	t.Cleanup(func() {
		viewsMu.Lock()
		delete(viewSet, "no-such-view")
		viewsMu.Unlock()
	})
	_, err = parseViews(a, en)
	if err == nil || err.Error() != "views without a template: no-such-view" {
		t.Fatalf("a view without a template: %v", err)
	}
	parsed := map[string]*template.Template{"error": template.New("error")}
	if got := missingViews(parsed); !slices.Contains(got, "no-such-view") || slices.Contains(got, "error") {
		t.Errorf("missing: %v", got)
	}
}
