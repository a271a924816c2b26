package core

import (
	"io/fs"
	"regexp"
	"strconv"
	"testing"

	"uglymugs/internal/i18n"
)

// templateMessage finds the messages templates ask for: {{t "…"}} and
// {{tn "…" n}}.
var templateMessage = regexp.MustCompile(`\btn? ("(?:[^"\\]|\\.)*")`)

// Every message a template asks for by its text is in every language's
// catalogue; a page missing one would show it in English.
func TestCatalogues_HaveEveryMessageTheTemplatesUse(t *testing.T) {
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		buf, err := templateFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range templateMessage.FindAllSubmatch(buf, -1) {
			id, err := strconv.Unquote(string(m[1]))
			if err != nil {
				t.Errorf("%s: %s: %v", p, m[1], err)
				continue
			}
			seen[id] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen["Exit this page"] || len(seen) < 20 {
		t.Fatalf("found %d messages in the templates; the extraction is broken", len(seen))
	}
	for _, l := range i18n.Languages {
		for id := range seen {
			if !words.Has(l, id) {
				t.Errorf("%s has no %q", l.Code, id)
			}
		}
	}
}
