package staff

import (
	"net/http"
	"strings"

	"uglymugs/internal/alert"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// An alert's translations in the editor: one section per language, each
// with its title and body, its problems and the anonymisation check's
// flags on it. They are part of the alert's form, saved with it; emptying
// both fields of one removes it.

// translationForm is one language's translation as the form shows it.
type translationForm struct {
	Code, Name            string // Name in English: staff pages are
	Title, Body           string
	TitleID, BodyID       string // the fields' names and ids: translations.CODE.title
	Saved                 bool   // the alert has one now
	Open                  bool   // shown unfolded: it has text, a problem or a flag
	TitleError, BodyError string
	Error                 string // about the translation as a whole
	Flags                 []flagView
}

// translationsOf is a's translations as the form shows them, every
// language in the service's order.
func translationsOf(a scheme.Alert) []translationForm {
	var out []translationForm
	for _, l := range alert.TranslationLanguages() {
		t := a.Translations[l.Code]
		out = append(out, translationForm{Code: l.Code, Title: t.Title, Body: t.Body})
	}
	return out
}

// translationsFrom is the form's translations as typed; nil when the
// form has none of their fields (then the saved ones stay).
func translationsFrom(r *http.Request) []translationForm {
	var out []translationForm
	given := false
	for _, l := range alert.TranslationLanguages() {
		for _, field := range []string{"title", "body"} {
			_, ok := r.PostForm[alert.TranslationField(l.Code, field)]
			given = given || ok
		}
		out = append(out, translationForm{Code: l.Code,
			Title: r.PostFormValue(alert.TranslationField(l.Code, "title")), Body: r.PostFormValue(alert.TranslationField(l.Code, "body"))})
	}
	if !given {
		return nil
	}
	return out
}

// translationsInput is what the service takes: every language's, the
// blank ones being none.
func translationsInput(ts []translationForm) *map[string]scheme.AlertTranslation {
	if ts == nil {
		return nil
	}
	m := map[string]scheme.AlertTranslation{}
	for _, t := range ts {
		m[t.Code] = scheme.AlertTranslation{Title: t.Title, Body: t.Body}
	}
	return &m
}

// fillTranslations adds to the form's translations what the page says of
// each: its name, whether the alert has it, its problems and its flags.
func (f *editForm) fillTranslations(a scheme.Alert, errs map[string]string, flags []flagView) {
	if f.Translations == nil {
		f.Translations = translationsOf(a)
	}
	for i := range f.Translations {
		t := &f.Translations[i]
		l, _ := i18n.Find(t.Code)
		t.Name, t.TitleID, t.BodyID = l.English, alert.TranslationField(t.Code, "title"), alert.TranslationField(t.Code, "body")
		_, t.Saved = a.Translations[t.Code]
		t.TitleError, t.BodyError, t.Error = errs[t.TitleID], errs[t.BodyID], errs["translations."+t.Code]
		for _, fl := range flags {
			if strings.HasPrefix(fl.field, "translations."+t.Code+".") {
				t.Flags = append(t.Flags, fl)
			}
		}
		t.Open = t.Saved || strings.TrimSpace(t.Title+t.Body) != "" || t.TitleError != "" || t.BodyError != "" || t.Error != "" || len(t.Flags) > 0
	}
}

// fieldName is a flagged field in words: "text", or "Romanian title".
func fieldName(field string) string {
	if n, ok := fieldNames[field]; ok {
		return n
	}
	if rest, ok := strings.CutPrefix(field, "translations."); ok {
		if code, part, ok := strings.Cut(rest, "."); ok {
			if l, ok := i18n.Find(code); ok {
				return l.English + " " + fieldNames[part]
			}
		}
	}
	return field
}

// translationTexts are a's translated fields by the name a flag gives
// them, for the preview of where the flags are.
func translationTexts(a scheme.Alert) (fields []string, texts map[string]string) {
	texts = map[string]string{}
	for _, l := range alert.TranslationLanguages() {
		if t, ok := a.Translations[l.Code]; ok {
			title, body := alert.TranslationField(l.Code, "title"), alert.TranslationField(l.Code, "body")
			fields, texts[title], texts[body] = append(fields, title, body), t.Title, t.Body
		}
	}
	return fields, texts
}
