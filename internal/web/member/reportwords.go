package member

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// The report pages' words made in Go are English here, as everywhere, and
// go through the reader's catalogue (locales/report.*.toml) where they are
// shown: a list's names, the form's labels, the domain's problems.

// words is s in loc's language; nothing stays nothing.
func words(loc *i18n.Localizer, s string) string {
	if s == "" {
		return ""
	}
	return loc.T(s)
}

// typeNames names incident types in loc's language, joined as the
// language joins a list (", " in English, "、" in Chinese); a slug the
// list lacks stands for itself.
func typeNames(loc *i18n.Localizer, l scheme.Lists, slugs []string) string {
	names := l.TypeNameList(slugs)
	for i, n := range names {
		names[i] = words(loc, n)
	}
	return strings.Join(names, loc.T(", "))
}

// unanswered is how report.UnansweredConsents starts each problem, before
// the question itself.
const unanswered = "Answer yes or no: "

// problemWords is a problem the report domain found, in loc's language.
// The one made of a fixed start and a question is put back together from
// its two translations; one with a number in it (a length) stays English.
func problemWords(loc *i18n.Localizer, msg string) string {
	if q, ok := strings.CutPrefix(msg, unanswered); ok {
		return loc.T(unanswered+"{{.Question}}", map[string]any{"Question": loc.T(q)})
	}
	return words(loc, msg)
}

// capitalised is s with its first letter a capital, in any script.
func capitalised(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
