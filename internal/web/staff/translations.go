package staff

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/translation"
	"uglymugs/internal/web/core"
)

// Admins' corrections of the words members read: the languages, each
// language's messages, and one message's correction with its history
// (internal/translation keeps them and checks them).

// translationPages are these pages' handlers, a type of their own so that
// the desk's server does not grow.
type translationPages struct{ *server }

// LanguagesView is the list of languages.
type LanguagesView struct{ Languages []translation.Language }

func (s translationPages) languagesPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Translations == nil {
		s.NotFound().ServeHTTP(w, r)
		return nil
	}
	ls, err := s.Translations.Languages(r.Context(), u)
	if err != nil {
		return err
	}
	s.Render(w, r, http.StatusOK, viewTranslations, LanguagesView{Languages: ls})
	return nil
}

// MessagesView is one language's messages, a page at a time.
type MessagesView struct {
	Language  i18n.Language
	Query     string
	Corrected bool
	Rows      []messageRow
	Pager     core.Pager
}

type messageRow struct {
	English, Current, Edit string
	Corrected, Own         bool // Own: the language's files have it (else it shows in English)
}

func (s translationPages) messagesPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Translations == nil {
		s.NotFound().ServeHTTP(w, r)
		return nil
	}
	q := r.URL.Query()
	f := translation.Filter{Query: q.Get("q"), Corrected: q.Get("corrected") == "1"}
	lang, p := r.PathValue("lang"), core.PageFrom(r)
	l, err := s.Translations.Messages(r.Context(), u, lang, f, p)
	if err != nil {
		return err
	}
	base := "/admin/languages/" + url.PathEscape(lang)
	v := MessagesView{Query: f.Query, Corrected: f.Corrected, Pager: core.NewPager(q, base, p, l.Total)}
	v.Language, _ = i18n.Find(lang)
	for _, m := range l.Items {
		v.Rows = append(v.Rows, messageRow{English: oneLine(m.English), Current: oneLine(m.Current()),
			Corrected: m.Correction != nil, Own: m.Text != nil, Edit: base + "/message?" + url.Values{"id": {m.ID}}.Encode()})
	}
	s.Render(w, r, http.StatusOK, viewTranslationMessages, v)
	return nil
}

// oneLine is a message's text as one line: its "other" form, which every
// message has.
func oneLine(forms map[string]string) string { return forms["other"] }

// CorrectionView is the form that corrects one message in one language.
type CorrectionView struct {
	Language     i18n.Language
	ID, Back     string
	Action       string
	Plural       bool
	Forms        []formField
	Corrected    bool
	Notice       string
	Errors       map[string]string
	History      []correctionRow
	Pager        core.Pager
	Placeholders []string
}

type formField struct {
	Form, Field         string // the CLDR form; the field's name and id
	Numbers             string // the first numbers the form is for, "2, 3, 4, 22…"; "" for "other" with fractions only
	English, Catalogue  string // the English (its form, or "other"), the language's files'
	Value, Error        string
	Corrected, HasFiles bool
}

type correctionRow struct {
	Version       int
	When, By      string
	Text          []string // "form: text" lines; none for a revert
	Reverted, Now bool
}

func (s translationPages) correctionPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	v, err := s.correctionView(r, u, r.URL.Query().Get("id"), nil)
	if err != nil {
		return err
	}
	v.Notice = map[string]string{"saved": "Saved: the pages show this text now.",
		"reverted": "The catalogue's own text shows again. The correction is kept in the history."}[r.URL.Query().Get("done")]
	s.Render(w, r, http.StatusOK, viewTranslationEditor, v)
	return nil
}

// correctionView is the form for message id, showing posted (what was
// typed) when not nil, else the text shown now.
func (s translationPages) correctionView(r *http.Request, u scheme.User, id string, posted map[string]string) (CorrectionView, error) {
	if s.Translations == nil {
		return CorrectionView{}, scheme.ErrNotFound
	}
	lang, p := r.PathValue("lang"), core.PageFrom(r)
	m, hist, err := s.Translations.Message(r.Context(), u, lang, id, p)
	if err != nil {
		return CorrectionView{}, err
	}
	base := "/admin/languages/" + url.PathEscape(lang)
	v := CorrectionView{Language: m.Language, ID: id, Back: base, Action: base + "/message", Plural: m.Plural, Corrected: m.Correction != nil,
		Pager: core.NewPager(url.Values{"id": {id}}, base+"/message", p, hist.Total)}
	v.Placeholders, _ = i18n.Placeholders(strings.Join(mapValues(m.English), " "))
	slices.Sort(v.Placeholders)
	for i, n := range v.Placeholders {
		v.Placeholders[i] = "{{." + n + "}}"
	}
	current := m.Current()
	for _, form := range s.Translations.Forms(m) {
		f := formField{Form: form, Field: "text-" + form, English: m.English[form], Catalogue: m.Text[form], HasFiles: m.Text != nil,
			Value: current[form], Corrected: m.Correction != nil}
		for i, n := range s.Words.PluralExamples(m.Language, form) {
			if i > 0 {
				f.Numbers += ", "
			}
			f.Numbers += strconv.Itoa(n)
		}
		if f.Numbers != "" {
			f.Numbers += "…"
		}
		if f.English == "" {
			f.English = m.English["other"]
		}
		if posted != nil {
			f.Value = posted[form]
		}
		v.Forms = append(v.Forms, f)
	}
	names := map[string]string{}
	for _, c := range hist.Items {
		row := correctionRow{Version: c.Version, When: s.Time(c.EditedAt, core.DateTimeShort), By: s.usernames(r, names)(c.EditedBy),
			Reverted: c.Reverted(), Now: m.Correction != nil && m.Correction.Version == c.Version}
		for _, form := range i18n.FormOrder {
			if t, ok := c.Forms[form]; ok {
				row.Text = append(row.Text, form+": "+t)
			}
		}
		if len(c.Forms) == 1 {
			row.Text = []string{c.Forms["other"]}
		}
		v.History = append(v.History, row)
	}
	return v, nil
}

// saveCorrection keeps a correction (action=save) or puts the catalogue's
// text back (action=revert).
func (s translationPages) saveCorrection(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Translations == nil {
		s.NotFound().ServeHTTP(w, r)
		return nil
	}
	lang, id := r.PathValue("lang"), r.PostFormValue("id")
	done := "saved"
	var err error
	posted := map[string]string{}
	if r.PostFormValue("action") == "revert" {
		done = "reverted"
		_, err = s.Translations.Revert(r.Context(), u, lang, id)
	} else {
		for _, form := range i18n.FormOrder {
			if vs, ok := r.PostForm["text-"+form]; ok && len(vs) > 0 {
				posted[form] = vs[0]
			}
		}
		_, err = s.Translations.Correct(r.Context(), u, lang, id, posted)
	}
	if scheme.ErrorCode(err) == scheme.CodeInvalid {
		v, verr := s.correctionView(r, u, id, posted)
		if verr != nil {
			return verr
		}
		v.Errors = core.FormErrors(err)
		for i := range v.Forms {
			v.Forms[i].Error = v.Errors[v.Forms[i].Field]
		}
		s.Render(w, r, http.StatusUnprocessableEntity, viewTranslationEditor, v)
		return nil
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/admin/languages/"+url.PathEscape(lang)+"/message?"+url.Values{"id": {id}, "done": {done}}.Encode())
	return nil
}
