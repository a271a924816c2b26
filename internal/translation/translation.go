// Package translation is admins' corrections of the words the service
// speaks: any message of any language's catalogue (internal/i18n), kept
// in the database as versions, each one audited, so that the scheme's own
// native speakers fix wording without a release.
//
// A correction is checked before it is kept (Check): a message's text is
// run as a Go template, so it may hold only the {{.Name}} placeholders its
// English has; it may hold no HTML (the pages escape it anyway, but an
// email or an app might not); it has a text for each plural form its
// language has. The catalogue consults the corrections before its files.
// The instance that saves one uses it from the next page on; the others
// read the corrections again when Watch sees the number of versions saved
// change (every 30 seconds in serve).
package translation

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// MaxText is the longest text of one form, in characters: the longest
// message in the catalogues is under 500.
const MaxText = 2000

// Service is the corrections' one entry point.
type Service struct {
	db    *store.DB
	words *i18n.Catalogue

	mu    sync.Mutex // one reading of the corrections at a time
	saved int        // the versions saved when they were last read
}

// New is the service over db (migrated) and words, with the corrections
// in force read into words.
func New(ctx context.Context, db *store.DB, words *i18n.Catalogue) (*Service, error) {
	s := &Service{db: db, words: words, saved: -1}
	return s, s.Reload(ctx)
}

// Words is the catalogue the corrections go into.
func (s *Service) Words() *i18n.Catalogue { return s.words }

// Reload reads the corrections in force into the catalogue.
func (s *Service) Reload(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reload(ctx)
}

func (s *Service) reload(ctx context.Context) error {
	cur, saved, err := s.db.Translations.Corrections(ctx)
	if err != nil {
		return err
	}
	cs := make([]i18n.Correction, 0, len(cur))
	for _, c := range cur {
		if l, ok := find(c.Lang); ok {
			if _, ok := s.words.Message(l, c.MessageID); ok { // a message a later release dropped is left out
				cs = append(cs, i18n.Correction{Lang: c.Lang, ID: c.MessageID, Forms: c.Forms})
			}
		}
	}
	if err := s.words.SetCorrections(cs); err != nil {
		return err
	}
	s.saved = saved
	return nil
}

// Watch reads the corrections again whenever another instance saved one,
// looking every interval until ctx ends.
func (s *Service) Watch(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for ctx.Err() == nil {
		select {
		case <-t.C:
			if err := s.refresh(ctx); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "reading the translation corrections", "err", err)
			}
		case <-ctx.Done():
		}
	}
}

// refresh reads the corrections again if the number saved changed.
func (s *Service) refresh(ctx context.Context) error {
	n, err := s.db.Translations.CorrectionsSaved(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if n == s.saved {
		return nil
	}
	return s.reload(ctx)
}

// find is the language with code, never the test-only pseudo-language.
func find(code string) (i18n.Language, bool) {
	l, ok := i18n.Find(code)
	return l, ok && l.Code != i18n.Pseudo.Code && l.Code == code
}

func adminOnly(u scheme.User) error {
	if u.Role != scheme.RoleAdmin {
		return scheme.Errorf(scheme.CodeForbidden, "Only admins correct the translations.")
	}
	return nil
}

// Language is one language with how many of its messages are corrected.
type Language struct {
	i18n.Language
	Corrected int
}

// Languages are the languages, English first, each with the number of
// its messages corrected now.
func (s *Service) Languages(ctx context.Context, u scheme.User) ([]Language, error) {
	if err := adminOnly(u); err != nil {
		return nil, err
	}
	cur, _, err := s.db.Translations.Corrections(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Language, len(i18n.Languages))
	for i, l := range i18n.Languages {
		out[i].Language = l
		for _, c := range cur {
			if c.Lang == l.Code {
				out[i].Corrected++
			}
		}
	}
	return out, nil
}

// Message is one message in one language: the files' texts, and the
// admins' correction in force, if any.
type Message struct {
	i18n.Message
	Language   i18n.Language
	Correction *scheme.Correction
}

// Current is the text shown now, by plural form: the correction's, else
// the language's own, else the English.
func (m Message) Current() map[string]string {
	switch {
	case m.Correction != nil:
		return m.Correction.Forms
	case m.Text != nil:
		return m.Text
	}
	return m.English
}

// Forms are the plural forms the message has a text for in its language,
// in their usual order: "other" alone unless it takes a number.
func (s *Service) Forms(m Message) []string {
	if !m.Plural {
		return []string{"other"}
	}
	return s.words.PluralForms(m.Language)
}

// Filter is what the list of a language's messages shows.
type Filter struct {
	Query     string // words in the English or in the text shown now, any case
	Corrected bool   // only the corrected ones
}

// Messages are page p of a language's messages that match f, in the
// order of their IDs.
func (s *Service) Messages(ctx context.Context, u scheme.User, lang string, f Filter, p scheme.Page) (scheme.Listed[Message], error) {
	var out scheme.Listed[Message]
	if err := adminOnly(u); err != nil {
		return out, err
	}
	l, ok := find(lang)
	if !ok {
		return out, noLanguage
	}
	cur, _, err := s.db.Translations.Corrections(ctx)
	if err != nil {
		return out, err
	}
	corrected := map[string]*scheme.Correction{}
	for i := range cur {
		if cur[i].Lang == l.Code {
			corrected[cur[i].MessageID] = &cur[i]
		}
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	var all []Message
	for _, id := range s.words.MessageIDs() {
		m, _ := s.words.Message(l, id)
		msg := Message{Message: m, Language: l, Correction: corrected[id]}
		if f.Corrected && msg.Correction == nil || q != "" && !matches(q, msg) {
			continue
		}
		all = append(all, msg)
	}
	out.Total = len(all)
	if p.Whole() {
		out.Items = all
		return out, nil
	}
	from := min(p.Offset(), len(all))
	out.Items = all[from:min(from+p.Size, len(all))]
	return out, nil
}

func matches(q string, m Message) bool {
	for _, texts := range []map[string]string{m.English, m.Current(), {"id": m.ID}} {
		for _, t := range texts {
			if strings.Contains(strings.ToLower(t), q) {
				return true
			}
		}
	}
	return false
}

var (
	noLanguage = scheme.Errorf(scheme.CodeNotFound, "The service does not speak that language.")
	noMessage  = scheme.Errorf(scheme.CodeNotFound, "The catalogue has no such message: it may have changed in a new release.")
)

// Message is one message of a language, with page p of its corrections'
// history, newest first.
func (s *Service) Message(ctx context.Context, u scheme.User, lang, id string, p scheme.Page) (Message, scheme.Listed[scheme.Correction], error) {
	var hist scheme.Listed[scheme.Correction]
	m, err := s.message(u, lang, id)
	if err != nil {
		return m, hist, err
	}
	if hist, err = s.db.Translations.CorrectionHistory(ctx, m.Language.Code, id, p); err != nil {
		return m, hist, err
	}
	cur, _, err := s.db.Translations.Corrections(ctx)
	for i := range cur {
		if cur[i].Lang == m.Language.Code && cur[i].MessageID == id {
			m.Correction = &cur[i]
		}
	}
	return m, hist, err
}

func (s *Service) message(u scheme.User, lang, id string) (Message, error) {
	if err := adminOnly(u); err != nil {
		return Message{}, err
	}
	l, ok := find(lang)
	if !ok {
		return Message{}, noLanguage
	}
	m, ok := s.words.Message(l, id)
	if !ok {
		return Message{}, noMessage
	}
	return Message{Message: m, Language: l}, nil
}

// Correct keeps a new version of a message's text in a language, by
// plural form, once Check finds nothing wrong with it, and puts it in
// force at once on this instance.
func (s *Service) Correct(ctx context.Context, u scheme.User, lang, id string, forms map[string]string) (scheme.Correction, error) {
	m, err := s.message(u, lang, id)
	if err != nil {
		return scheme.Correction{}, err
	}
	clean, problems := s.Check(m, forms)
	if len(problems) > 0 {
		return scheme.Correction{}, scheme.Invalid(problems)
	}
	return s.save(ctx, u, scheme.Correction{Lang: m.Language.Code, MessageID: id, Forms: clean})
}

// Revert keeps a version that puts the catalogue's own text back.
func (s *Service) Revert(ctx context.Context, u scheme.User, lang, id string) (scheme.Correction, error) {
	m, err := s.message(u, lang, id)
	if err != nil {
		return scheme.Correction{}, err
	}
	return s.save(ctx, u, scheme.Correction{Lang: m.Language.Code, MessageID: id})
}

// save keeps c as a new version, unless it says what the newest already
// does (a save that changes nothing keeps and audits nothing).
func (s *Service) save(ctx context.Context, u scheme.User, c scheme.Correction) (scheme.Correction, error) {
	last, err := s.db.Translations.CorrectionHistory(ctx, c.Lang, c.MessageID, scheme.PageOf(1))
	if err != nil {
		return c, err
	}
	switch {
	case len(last.Items) == 0 && c.Reverted():
		return c, nil // never corrected: the catalogue's text shows already
	case len(last.Items) > 0 && maps.Equal(last.Items[0].Forms, c.Forms):
		return last.Items[0], nil
	}
	c, err = s.db.Translations.SaveCorrection(ctx, u.ID, c)
	if err != nil {
		return c, err
	}
	return c, s.Reload(ctx)
}

// Check is forms made tidy (line ends, spaces at the ends), with what is
// wrong with each, by field ("text-" and the form): every form the
// message has in its language is needed, with the English's placeholders
// and no others, no HTML, no control characters, at most MaxText
// characters.
func (s *Service) Check(m Message, forms map[string]string) (map[string]string, map[string]string) {
	want := englishPlaceholders(m)
	clean, problems := map[string]string{}, map[string]string{}
	for _, form := range s.Forms(m) {
		field := "text-" + form
		text := strings.TrimSpace(strings.ReplaceAll(forms[form], "\r\n", "\n"))
		clean[form] = text
		if p := problem(text, want, form, m.Plural); p != "" {
			problems[field] = p
		}
	}
	return clean, problems
}

// englishPlaceholders are the placeholders in any of m's English forms.
func englishPlaceholders(m Message) []string {
	var names []string
	for _, text := range m.English {
		got, _ := i18n.Placeholders(text)
		for _, n := range got {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names
}

func problem(text string, want []string, form string, plural bool) string {
	switch {
	case text == "":
		return "Write the text, or put the catalogue's text back."
	case utf8.RuneCountInString(text) > MaxText:
		return fmt.Sprintf("Make it shorter: at most %d characters.", MaxText)
	case strings.ContainsFunc(text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }):
		return "Take out the control characters (such as tabs): type the text as it should show."
	case hasTag(text):
		return "Take out the HTML: the pages show text only, and show a tag as typed."
	}
	got, ok := i18n.Placeholders(text)
	slices.Sort(got)
	// A language may say "one" in words, without the number: only the
	// number may be left out, and only from a form other than "other".
	if ok && plural && form != "other" && !slices.Contains(got, "Count") && slices.Contains(want, "Count") {
		got = append(got, "Count")
		slices.Sort(got)
	}
	if ok && slices.Equal(got, want) {
		return ""
	}
	if len(want) == 0 {
		return "Take out the {{ }}: this text has no placeholders."
	}
	names := make([]string, len(want))
	for i, n := range want {
		names[i] = "{{." + n + "}}"
	}
	return "Keep the placeholders " + strings.Join(names, " ") + " as they are, and add no other {{ }}."
}

// hasTag reports whether text has something a browser would read as an
// HTML tag, a comment or a declaration: < then a letter, /, ! or ?.
func hasTag(text string) bool {
	for i := 0; i+1 < len(text); i++ {
		if text[i] == '<' {
			c := text[i+1]
			if c == '/' || c == '!' || c == '?' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return true
			}
		}
	}
	return false
}
