// Package i18n is the languages members read the service in: which there
// are, how a request's language is chosen, and the catalogues of their
// words.
//
// A message's ID is its English text ("Check a number"), as in gettext:
// a template reads as the page does, English needs no catalogue of its
// own, and a changed English sentence is, rightly, untranslated until a
// translator sees it. Messages that take a number (plurals, by CLDR's
// rules for each language) or whose English should not be their ID have
// a short ID and their English in a locales/*.en.toml file.
//
// Each language's catalogue is the files locales/*.CODE.toml, with the
// glossary of the safety terms beside them in locales/GLOSSARY.md. A message missing
// from a catalogue shows in English; a test fails when any catalogue
// lacks a message that the pages use.
package i18n

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Language is one the service speaks.
type Language struct {
	Code    string // a BCP 47 tag, as in <html lang> and the member's profile
	Name    string // in its own words, as the language switch shows it
	English string // its name in English, for staff pages
	// Short is what the header shows of it: two letters, or a word where
	// its speakers would not read Latin letters.
	Short string
	// Review says who has read the catalogue: "source" (English),
	// "draft" (written by the developers, not yet read by a native
	// speaker) or "reviewed".
	Review string
	tag    language.Tag
}

// Tag is the language's tag.
func (l Language) Tag() language.Tag { return l.tag }

// Languages are those the service speaks, English first.
var Languages = []Language{
	{Code: "en-GB", English: "English", Name: "English", Short: "EN", Review: "source"},
	{Code: "ro", English: "Romanian", Name: "Română", Short: "RO", Review: "draft"},
	{Code: "pt-BR", English: "Portuguese (Brazil)", Name: "Português (Brasil)", Short: "PT", Review: "draft"},
	{Code: "pl", English: "Polish", Name: "Polski", Short: "PL", Review: "draft"},
	{Code: "hu", English: "Hungarian", Name: "Magyar", Short: "HU", Review: "draft"},
	{Code: "bg", English: "Bulgarian", Name: "Български", Short: "BG", Review: "draft"},
	{Code: "es", English: "Spanish", Name: "Español", Short: "ES", Review: "draft"},
	{Code: "th", English: "Thai", Name: "ไทย", Short: "ไทย", Review: "draft"},
	{Code: "zh-Hans", English: "Simplified Chinese", Name: "简体中文", Short: "中文", Review: "draft"},
}

// English is the source language.
var English = Languages[0]

func init() {
	for i := range Languages {
		Languages[i].tag = language.MustParse(Languages[i].Code)
	}
	English = Languages[0]
}

// Catalogue files are locales/AREA.CODE.toml: "frame" for what every page
// has, one area per group of pages, so that each can be translated and
// reviewed on its own.
//
//go:embed locales/*.toml
var localeFS embed.FS

// Catalogue holds every language's messages.
type Catalogue struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
	ids     []string // the *.en.toml files'
	// files are the messages as the files have them, by language code
	// and ID, for admins to read beside their corrections.
	files    map[string]map[string]*goi18n.Message
	forms    map[string][]string         // each language's plural forms (PluralForms)
	examples map[string]map[string][]int // and the numbers each form is for
	// corrections are admins' corrections, consulted before the files;
	// replaced whole (SetCorrections), never changed in place.
	corrections atomic.Pointer[overlay]
}

// New reads the catalogues.
func New() (*Catalogue, error) {
	b := goi18n.NewBundle(language.English)
	files, err := fs.Glob(localeFS, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	c := &Catalogue{bundle: b, files: map[string]map[string]*goi18n.Message{}}
	for _, f := range files {
		tag, msgs, err := readCatalogue(f)
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", f, err)
		}
		if err := b.AddMessages(tag, msgs...); err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", f, err)
		}
		code := tag.String()
		if tag == language.English {
			code = English.Code
		}
		if c.files[code] == nil {
			c.files[code] = map[string]*goi18n.Message{}
		}
		for _, m := range msgs {
			c.files[code][m.ID] = m
		}
		if tag == language.English {
			for _, m := range msgs {
				c.ids = append(c.ids, m.ID)
			}
		}
	}
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = l.tag
	}
	c.matcher = language.NewMatcher(tags)
	c.forms, c.examples = pluralForms()
	return c, nil
}

// readCatalogue reads one file, locales/AREA.CODE.toml: each line
// "English" = "translation", and each message that takes a number a table
// of its CLDR plural forms ([id] one = "…" other = "…"). It is read here,
// not by go-i18n's own reader, which refuses a message whose English is
// one of its field names ("Other", "One", "Description"…).
func readCatalogue(file string) (language.Tag, []*goi18n.Message, error) {
	name := strings.TrimSuffix(path.Base(file), ".toml")
	dot := strings.LastIndexByte(name, '.')
	tag, err := language.Parse(name[dot+1:])
	if dot < 0 || err != nil {
		return language.Und, nil, fmt.Errorf("the name must be AREA.CODE.toml")
	}
	buf, err := localeFS.ReadFile(file)
	if err != nil {
		return tag, nil, err
	}
	var raw map[string]any
	if err := toml.Unmarshal(buf, &raw); err != nil {
		return tag, nil, err
	}
	msgs := make([]*goi18n.Message, 0, len(raw))
	for id, v := range raw {
		m := &goi18n.Message{ID: id}
		switch v := v.(type) {
		case string:
			m.Other = v
		case map[string]any:
			forms := map[string]*string{"zero": &m.Zero, "one": &m.One, "two": &m.Two, "few": &m.Few, "many": &m.Many, "other": &m.Other}
			for form, text := range v {
				dst, ok := forms[form]
				str, isString := text.(string)
				if !ok || !isString {
					return tag, nil, fmt.Errorf("%q: %q is not a plural form with its text", id, form)
				}
				*dst = str
			}
			if m.Other == "" {
				return tag, nil, fmt.Errorf("%q has no \"other\" form", id)
			}
		default:
			return tag, nil, fmt.Errorf("%q is neither a text nor a table of plural forms", id)
		}
		msgs = append(msgs, m)
	}
	return tag, msgs, nil
}

// Pseudo is a language for tests only: English with every letter of a
// message accented and each message in ⟦ ⟧, so that a page shown in it
// gives away any text that does not go through a catalogue. It is chosen
// only once AllowPseudo has been called (tests do), never offered.
var Pseudo = Language{Code: "en-XA", Name: "Pseudo", Short: "XA", Review: "test", tag: language.MustParse("en-XA")}

var pseudoAllowed atomic.Bool

// AllowPseudo lets Find and Choose return Pseudo, for the test that looks
// for untranslated text.
func AllowPseudo() { pseudoAllowed.Store(true) }

type ctxKey struct{}

// NewContext is ctx carrying the language of the request it serves, for
// the domain to record what a member wrote in (a report's language).
func NewContext(ctx context.Context, l Language) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext is the language NewContext put in ctx, if any.
func FromContext(ctx context.Context) (Language, bool) {
	l, ok := ctx.Value(ctxKey{}).(Language)
	return l, ok
}

// Find returns the language with code (any case), if the service speaks it.
func Find(code string) (Language, bool) {
	code = strings.TrimSpace(code)
	if pseudoAllowed.Load() && strings.EqualFold(code, Pseudo.Code) {
		return Pseudo, true
	}
	for _, l := range Languages {
		if strings.EqualFold(l.Code, code) {
			return l, true
		}
	}
	return Language{}, false
}

// Choose returns the language for a request: the first of chosen (the
// member's profile, then the visitor's cookie) that the service speaks,
// else the best match for the browser's Accept-Language, else English.
func (c *Catalogue) Choose(acceptLanguage string, chosen ...string) Language {
	for _, code := range chosen {
		if l, ok := Find(code); ok {
			return l
		}
	}
	if acceptLanguage == "" {
		return English
	}
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return English
	}
	_, i, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		return English
	}
	return Languages[i]
}

// Localizer speaks one language.
func (c *Catalogue) Localizer(l Language) *Localizer {
	return &Localizer{Language: l, l: goi18n.NewLocalizer(c.bundle, l.Code), c: c}
}

// Localizer gives one language's words for messages.
type Localizer struct {
	Language Language
	l        *goi18n.Localizer
	c        *Catalogue // for admins' corrections; nil: the files' words only
}

// T is message id in the language, with data's fields in its {{.Name}}
// placeholders. A message no catalogue has is its id, as English.
func (l *Localizer) T(id string, data ...map[string]any) string {
	return l.localize(id, nil, data)
}

// N is message id for the number n ({{.Count}} in it), in the plural form
// the language's CLDR rules give for n.
func (l *Localizer) N(id string, n int, data ...map[string]any) string {
	return l.localize(id, n, data)
}

func (l *Localizer) localize(id string, n any, data []map[string]any) string {
	if l.Language.Code == Pseudo.Code {
		return l.pseudo(id, n, data)
	}
	td := map[string]any{}
	for _, d := range data {
		for k, v := range d {
			td[k] = v
		}
	}
	if n != nil {
		td["Count"] = n
	}
	if s, ok := l.corrected(id, n, td); ok {
		return s
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: td, PluralCount: n})
	var missing *goi18n.MessageNotFoundErr
	switch {
	case err == nil || s != "":
		return s // this language's, or English's when it has none
	case !errors.As(err, &missing) || len(td) == 0:
		// Not a message at all (a problem with what someone typed in it,
		// say): shown as it is, never run as a template.
		return id
	}
	// An English-as-ID message with values: its ID is its English.
	s, err = l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: td, PluralCount: n,
		DefaultMessage: &goi18n.Message{ID: id, Other: id}})
	if s == "" || (err != nil && !errors.As(err, &missing)) {
		return id
	}
	return s
}

// pseudo is message id in Pseudo: its English in ⟦ ⟧, with the words of
// the message accented but not the values put in it; a message with a
// short ID (its English in a *.en.toml file) is accented whole.
func (l *Localizer) pseudo(id string, n any, data []map[string]any) string {
	en := &Localizer{Language: English, l: l.l} // the files' English: no corrections
	if text := en.localize(id, n, data); n != nil || (len(data) == 0 && text != id) {
		return "⟦" + accent(text) + "⟧" // a short ID's English
	}
	return en.localize(pseudoID(id), nil, data)
}

// pseudoID is id with its words accented and in ⟦ ⟧, its {{placeholders}}
// kept as they are.
func pseudoID(id string) string {
	var b strings.Builder
	b.WriteString("⟦")
	for rest := id; rest != ""; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(accent(rest))
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			b.WriteString(accent(rest))
			break
		}
		b.WriteString(accent(rest[:i]))
		b.WriteString(rest[i : i+j+2])
		rest = rest[i+j+2:]
	}
	b.WriteString("⟧")
	return b.String()
}

var accents = strings.NewReplacer("a", "á", "e", "é", "i", "í", "o", "ó", "u", "ú", "c", "ç", "n", "ñ", "s", "š", "y", "ý", "z", "ž",
	"A", "Á", "E", "É", "I", "Í", "O", "Ó", "U", "Ú", "C", "Ç", "N", "Ñ", "S", "Š", "Y", "Ý", "Z", "Ž")

func accent(s string) string { return accents.Replace(s) }

// Has reports whether l's own catalogue has message id (English has
// every message: its ID, or the *.en.toml files).
func (c *Catalogue) Has(l Language, id string) bool {
	if l.Code == English.Code {
		return true
	}
	_, tag, err := goi18n.NewLocalizer(c.bundle, l.Code).LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id})
	var missing *goi18n.MessageNotFoundErr
	return !errors.As(err, &missing) && tag == l.tag
}

// IDs are the messages English defines in its *.en.toml files: each catalogue must
// have them too.
func (c *Catalogue) IDs() []string { return c.ids }
