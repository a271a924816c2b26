package alert

import (
	"strings"
	"testing"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// The original's language is the one the service calls English.
func TestTranslations_TheOriginalIsTheServicesEnglish(t *testing.T) {
	if scheme.OriginalLanguage != i18n.English.Code {
		t.Fatalf("scheme.OriginalLanguage %q, i18n.English %q", scheme.OriginalLanguage, i18n.English.Code)
	}
	if n := len(TranslationLanguages()); n != len(i18n.Languages)-1 {
		t.Errorf("%d languages to translate into, want every one but English (%d)", n, len(i18n.Languages)-1)
	}
}

// Each translation is held to the original's limits, each problem named
// under its own field; a blank one is none.
func TestTranslations_EachProblemIsNamedUnderItsField(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	ok := scheme.AlertTranslation{Title: "Jaf — Hackney", Body: "Un bărbat a luat o geantă."}
	for _, c := range []struct {
		name     string
		in       map[string]scheme.AlertTranslation
		problems map[string]string // field → a part of its message
		want     []string          // the languages kept
	}{
		{"one, whole", map[string]scheme.AlertTranslation{"ro": ok}, nil, []string{"ro"}},
		{"a code in another case is the language's", map[string]scheme.AlertTranslation{"PT-br": ok}, nil, []string{"pt-BR"}},
		{"spaces trimmed; blank is none", map[string]scheme.AlertTranslation{"ro": {Title: "  ", Body: "\n"}, "pl": ok}, nil, []string{"pl"}},
		{"none at all", map[string]scheme.AlertTranslation{}, nil, nil},
		{"a title without a body", map[string]scheme.AlertTranslation{"ro": {Title: "Jaf"}},
			map[string]string{"translations.ro.body": "Write the Romanian translation of the text too."}, []string{"ro"}},
		{"a body without a title", map[string]scheme.AlertTranslation{"hu": {Body: "Egy férfi elvitt egy táskát."}},
			map[string]string{"translations.hu.title": "Give the Hungarian translation its title too."}, []string{"hu"}},
		{"too long", map[string]scheme.AlertTranslation{"es": {Title: long(maxTitle + 1), Body: long(maxBody + 1)}},
			map[string]string{"translations.es.title": "under 120 characters", "translations.es.body": "under 5000 characters"}, []string{"es"}},
		{"as long as allowed", map[string]scheme.AlertTranslation{"th": {Title: long(maxTitle), Body: long(maxBody)}}, nil, []string{"th"}},
		{"an unknown language", map[string]scheme.AlertTranslation{"xx": ok},
			map[string]string{"translations.xx": `"xx" is not a language alerts are translated into: use ro, pt-BR, pl, hu, bg, es, th, zh-Hans.`}, nil},
		{"English", map[string]scheme.AlertTranslation{"en-GB": ok},
			map[string]string{"translations.en-GB": "The alert's own title and text are the English"}, nil},
		{"the same language twice", map[string]scheme.AlertTranslation{"ro": ok, "RO": ok},
			map[string]string{"translations.ro": "The Romanian translation is given twice."}, []string{"ro"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var a scheme.Alert
			problems := map[string]string{}
			applyTranslations(&a, &c.in, problems)
			if len(problems) != len(c.problems) {
				t.Errorf("problems %v, want %d", problems, len(c.problems))
			}
			for field, part := range c.problems {
				if !strings.Contains(problems[field], part) {
					t.Errorf("%s: %q, want %q", field, problems[field], part)
				}
			}
			var got []string
			for _, l := range i18n.Languages {
				if _, ok := a.Translations[l.Code]; ok {
					got = append(got, l.Code)
				}
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") || len(a.Translations) != len(c.want) {
				t.Errorf("kept %v, want %v", a.Translations, c.want)
			}
			for _, tr := range a.Translations {
				if tr.Title != strings.TrimSpace(tr.Title) || tr.Body != strings.TrimSpace(tr.Body) {
					t.Errorf("not trimmed: %+v", tr)
				}
			}
		})
	}
}

// Left out, the translations stay as saved.
func TestTranslations_LeftOutKeepsThem(t *testing.T) {
	a := scheme.Alert{AlertContent: scheme.AlertContent{Translations: map[string]scheme.AlertTranslation{"ro": {Title: "t", Body: "b"}}}}
	applyTranslations(&a, nil, map[string]string{})
	if len(a.Translations) != 1 {
		t.Errorf("translations %v, want the saved one", a.Translations)
	}
}

// A reader reads her translation, else the original.
func TestContentIn_TheReadersTranslationElseTheOriginal(t *testing.T) {
	c := scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.", Translations: map[string]scheme.AlertTranslation{"ro": {Title: "Jaf", Body: "Un bărbat a luat o geantă."}}}
	for _, x := range []struct {
		code, title string
		translated  bool
	}{{"ro", "Jaf", true}, {"pl", "Robbery", false}, {"en-GB", "Robbery", false}, {"", "Robbery", false}} {
		if title, _, tr := c.In(x.code); title != x.title || tr != x.translated {
			t.Errorf("%q: %q %t, want %q %t", x.code, title, tr, x.title, x.translated)
		}
	}
}
