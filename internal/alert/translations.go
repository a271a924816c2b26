package alert

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// Translations of an alert's title and body, one per language that
// members read the service in. A coordinator writes the alert in English
// and may add a translation for any other language, before or after it
// is published. Each translation is checked like the English: the same
// limits, and the anonymisation check on every save and before
// publishing, its flags naming the translation's field (e.g.
// "translations.ro.body"). A translation added to a published alert is
// an edit like any other (a new version; flags need a reason): members of
// that language read it from then on, and no message is sent again.

// TranslationLanguages are the languages an alert may be translated into:
// every language the service speaks but English, the alerts' own.
func TranslationLanguages() []i18n.Language {
	var out []i18n.Language
	for _, l := range i18n.Languages {
		if l.Code != scheme.OriginalLanguage {
			out = append(out, l)
		}
	}
	return out
}

// TranslationField is the name of a translation's field, as problems and
// flags give it: "translations.ro.title".
func TranslationField(code, field string) string { return "translations." + code + "." + field }

// applyTranslations sets a's translations to in's (when given: they
// replace the saved ones), trimmed, and notes each problem under its
// field. A translation whose title and body are both blank is no
// translation: that is how one is removed.
func applyTranslations(a *scheme.Alert, in *map[string]scheme.AlertTranslation, problems map[string]string) {
	if in == nil {
		return
	}
	a.Translations = nil
	var codes []string
	for _, l := range TranslationLanguages() {
		codes = append(codes, l.Code)
	}
	for _, given := range slices.Sorted(maps.Keys(*in)) {
		t := (*in)[given]
		t.Title, t.Body = strings.TrimSpace(t.Title), strings.TrimSpace(t.Body)
		l, ok := i18n.Find(strings.TrimSpace(given))
		switch {
		case ok && l.Code == scheme.OriginalLanguage:
			problems["translations."+given] = "The alert's own title and text are the English: translate it into another language."
			continue
		case !ok:
			problems["translations."+given] = fmt.Sprintf("%q is not a language alerts are translated into: use %s.", given, strings.Join(codes, ", "))
			continue
		}
		if t.Title == "" && t.Body == "" {
			continue
		}
		switch n := utf8.RuneCountInString(t.Title); {
		case n == 0:
			problems[TranslationField(l.Code, "title")] = fmt.Sprintf("Give the %s translation its title too.", l.English)
		case n > maxTitle:
			problems[TranslationField(l.Code, "title")] = fmt.Sprintf("Keep the %s title under %d characters.", l.English, maxTitle)
		}
		switch n := utf8.RuneCountInString(t.Body); {
		case n == 0:
			problems[TranslationField(l.Code, "body")] = fmt.Sprintf("Write the %s translation of the text too.", l.English)
		case n > maxBody:
			problems[TranslationField(l.Code, "body")] = fmt.Sprintf("Keep the %s text under %d characters.", l.English, maxBody)
		}
		if a.Translations == nil {
			a.Translations = map[string]scheme.AlertTranslation{}
		}
		if _, twice := a.Translations[l.Code]; twice {
			problems["translations."+given] = fmt.Sprintf("The %s translation is given twice.", l.English)
		}
		a.Translations[l.Code] = t
	}
}

// checkedFields are the texts of a that members read, by the name a flag
// gives its field: the title, body and area, and each translation's title
// and body.
func checkedFields(a scheme.Alert) map[string]string {
	fields := map[string]string{"title": a.Title, "body": a.Body, "area": a.Area}
	for code, t := range a.Translations {
		fields[TranslationField(code, "title")] = t.Title
		fields[TranslationField(code, "body")] = t.Body
	}
	return fields
}
