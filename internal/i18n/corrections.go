package i18n

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Admins correct the catalogues' words without a release: a correction
// of a message in a language is consulted before the files (Localizer.T
// and N), until an admin puts the files' text back. The corrections live
// in the database (internal/translation keeps them); the catalogue holds
// the current set, replaced whole on every change so that a page being
// made reads one set throughout.

// Correction is an admin's text for one message in one language.
type Correction struct {
	Lang string // a Language's Code
	ID   string
	// Forms is the text: "other" alone, or, for a message that takes a
	// number, one text per plural form the language has (PluralForms).
	Forms map[string]string
}

// overlay is one set of corrections, as a go-i18n bundle of their own so
// that their plural forms and placeholders work as the files' do.
type overlay struct {
	has  map[string]map[string]bool // language code → message IDs corrected
	locs map[string]*goi18n.Localizer
}

// SetCorrections makes cs the corrections in force, in place of any
// before; the next message asked for reads them.
func (c *Catalogue) SetCorrections(cs []Correction) error {
	b := goi18n.NewBundle(language.English)
	o := &overlay{has: map[string]map[string]bool{}, locs: map[string]*goi18n.Localizer{}}
	for _, cr := range cs {
		l, ok := Find(cr.Lang)
		if !ok || l.Code == Pseudo.Code {
			return fmt.Errorf("correction of %q: no language %q", cr.ID, cr.Lang)
		}
		m := &goi18n.Message{ID: cr.ID}
		forms := map[string]*string{"zero": &m.Zero, "one": &m.One, "two": &m.Two, "few": &m.Few, "many": &m.Many, "other": &m.Other}
		for form, text := range cr.Forms {
			if dst, ok := forms[form]; ok {
				*dst = text
			}
		}
		tag := l.tag
		if l.Code == English.Code {
			tag = language.English // the bundle's own, so that it is found as such
		}
		if err := b.AddMessages(tag, m); err != nil {
			return fmt.Errorf("correction of %q in %s: %w", cr.ID, cr.Lang, err)
		}
		if o.has[l.Code] == nil {
			o.has[l.Code] = map[string]bool{}
			o.locs[l.Code] = goi18n.NewLocalizer(b, tag.String())
		}
		o.has[l.Code][cr.ID] = true
	}
	c.corrections.Store(o)
	return nil
}

// corrected is message id as an admin corrected it in l's language, or
// else in English where the language has no text of its own; false when
// no correction applies.
func (l *Localizer) corrected(id string, n any, td map[string]any) (string, bool) {
	if l.c == nil {
		return "", false
	}
	o := l.c.corrections.Load()
	if o == nil {
		return "", false
	}
	code := l.Language.Code
	if !o.has[code][id] {
		if code == English.Code || !o.has[English.Code][id] || l.c.Has(l.Language, id) {
			return "", false
		}
		code = English.Code
	}
	s, err := o.locs[code].Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: td, PluralCount: n})
	return s, err == nil && s != ""
}

// Message is what the files say of one message in one language.
type Message struct {
	ID string
	// English and Text are its English and the language's own, by plural
	// form ("other" alone unless it takes a number); Text is nil when the
	// language's files lack it (it shows in English).
	English, Text map[string]string
	Plural        bool // it takes a number: one text per plural form
}

// Message is message id in l's files; false if no file has it.
func (c *Catalogue) Message(l Language, id string) (Message, bool) {
	en, ok := c.files[English.Code][id]
	if !ok && !c.known(id) {
		return Message{}, false
	}
	m := Message{ID: id, English: map[string]string{"other": id}}
	if ok {
		m.English, m.Plural = formsOf(en), en.One != "" || en.Few != "" || en.Many != "" || en.Zero != "" || en.Two != ""
	}
	if own, ok := c.files[l.Code][id]; ok {
		m.Text = formsOf(own)
	} else if l.Code == English.Code {
		m.Text = m.English // its ID
	}
	return m, true
}

// known reports whether any language's files have message id.
func (c *Catalogue) known(id string) bool {
	for _, msgs := range c.files {
		if _, ok := msgs[id]; ok {
			return true
		}
	}
	return false
}

// MessageIDs are every message any file has, sorted.
func (c *Catalogue) MessageIDs() []string {
	seen := map[string]bool{}
	for _, msgs := range c.files {
		for id := range msgs {
			seen[id] = true
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func formsOf(m *goi18n.Message) map[string]string {
	out := map[string]string{}
	for form, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
		if text != "" {
			out[form] = text
		}
	}
	return out
}

// FormOrder is the CLDR plural forms in their usual order.
var FormOrder = []string{"zero", "one", "two", "few", "many", "other"}

// PluralForms are the CLDR plural forms l's rules give whole numbers,
// and "other", in FormOrder: the texts a message that takes a number
// needs in l.
func (c *Catalogue) PluralForms(l Language) []string { return c.forms[l.Code] }

// PluralExamples are the first whole numbers (up to four) that l gives
// plural form form; none for a form only fractions take.
func (c *Catalogue) PluralExamples(l Language, form string) []int { return c.examples[l.Code][form] }

// pluralForms asks go-i18n itself which forms each language gives the
// numbers 0 to 1,000 and a million, so that the forms an admin is asked
// for are the ones the pages will look for; and "other", which every
// language has (Polish gives it to fractions only) and the lists show.
func pluralForms() (map[string][]string, map[string]map[string][]int) {
	out, examples := map[string][]string{}, map[string]map[string][]int{}
	numbers := []int{1000000}
	for n := range 1001 {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	m := &goi18n.Message{ID: "forms", Zero: "zero", One: "one", Two: "two", Few: "few", Many: "many", Other: "other"}
	for _, l := range Languages {
		b := goi18n.NewBundle(l.tag)
		b.MustAddMessages(l.tag, m)
		loc := goi18n.NewLocalizer(b, l.Code)
		seen := map[string][]int{"other": nil}
		for _, n := range numbers {
			form, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: "forms", PluralCount: n})
			if err == nil && len(seen[form]) < 4 {
				seen[form] = append(seen[form], n)
			}
		}
		examples[l.Code] = seen
		for _, f := range FormOrder {
			if _, ok := seen[f]; ok {
				out[l.Code] = append(out[l.Code], f)
			}
		}
	}
	return out, examples
}

var (
	action      = regexp.MustCompile(`\{\{.*?\}\}`)
	placeholder = regexp.MustCompile(`^\{\{\s*\.([A-Za-z][A-Za-z0-9_]*)\s*\}\}$`)
)

// Placeholders are the {{.Name}} placeholders in text, in order, each
// once; ok is false when text has any other {{ }} action, or a stray
// {{ or }}, which a message must not have: go-i18n runs a message's text
// as a Go template.
func Placeholders(text string) (names []string, ok bool) {
	for _, a := range action.FindAllString(text, -1) {
		m := placeholder.FindStringSubmatch(a)
		if m == nil {
			return nil, false
		}
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	rest := action.ReplaceAllString(text, "")
	return names, !strings.Contains(rest, "{{") && !strings.Contains(rest, "}}")
}
