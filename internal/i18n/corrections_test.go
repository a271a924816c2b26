package i18n

import (
	"slices"
	"testing"
)

func TestCorrections_ConsultedBeforeTheFilesInTheirLanguage(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	AllowPseudo()
	ro, _ := Find("ro")
	pl, _ := Find("pl")
	pseudoBefore := c.Localizer(Pseudo).T("Sign in")
	err = c.SetCorrections([]Correction{
		{Lang: "ro", ID: "Sign in", Forms: map[string]string{"other": "Intră acum"}},
		{Lang: "ro", ID: "checks-left", Forms: map[string]string{"one": "Una: {{.Count}}", "few": "Câteva: {{.Count}}", "other": "Multe: {{.Count}}"}},
		{Lang: "en-GB", ID: "Sign in", Forms: map[string]string{"other": "Log in"}},
		{Lang: "en-GB", ID: "Words no file has", Forms: map[string]string{"other": "Corrected English"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		l    Language
		got  string
		want string
	}{
		{"Romanian's correction", ro, c.Localizer(ro).T("Sign in"), "Intră acum"},
		{"Polish keeps its own", pl, c.Localizer(pl).T("Sign in"), "Zaloguj się"},
		{"English's correction", English, c.Localizer(English).T("Sign in"), "Log in"},
		{"English's correction where a language has no text", pl, c.Localizer(pl).T("Words no file has"), "Corrected English"},
		{"plural one", ro, c.Localizer(ro).N("checks-left", 1), "Una: 1"},
		{"plural few", ro, c.Localizer(ro).N("checks-left", 5), "Câteva: 5"},
		{"plural other", ro, c.Localizer(ro).N("checks-left", 20), "Multe: 20"},
		{"the pseudo-language is the files'", Pseudo, c.Localizer(Pseudo).T("Sign in"), pseudoBefore},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	// A localizer made before a change (a parsed view's) reads the new set.
	loc := c.Localizer(ro)
	if err := c.SetCorrections(nil); err != nil {
		t.Fatal(err)
	}
	if got := loc.T("Sign in"); got != "Intră în cont" {
		t.Errorf("after the corrections were taken away: %q", got)
	}
	if err := c.SetCorrections([]Correction{{Lang: "xx", ID: "Sign in", Forms: map[string]string{"other": "?"}}}); err == nil {
		t.Error("a correction in a language the service does not speak was taken")
	}
}

func TestPluralForms_TheFormsEachLanguageGivesWholeNumbers(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string][]string{"en-GB": {"one", "other"}, "ro": {"one", "few", "other"}, "pl": {"one", "few", "many", "other"},
		"zh-Hans": {"other"}, "th": {"other"}} {
		l, _ := Find(code)
		if got := c.PluralForms(l); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

func TestMessage_TheFilesTextsBesideTheEnglish(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ro, _ := Find("ro")
	if m, ok := c.Message(ro, "Sign in"); !ok || m.Plural || m.English["other"] != "Sign in" || m.Text["other"] != "Intră în cont" {
		t.Errorf("an English-as-ID message: %+v %v", m, ok)
	}
	if m, ok := c.Message(ro, "checks-left"); !ok || !m.Plural || m.English["one"] != "You have {{.Count}} check left today." || m.Text["few"] == "" {
		t.Errorf("a message that takes a number: %+v %v", m, ok)
	}
	if _, ok := c.Message(ro, "No file has these words"); ok {
		t.Error("an unknown message was found")
	}
	if ids := c.MessageIDs(); !slices.IsSorted(ids) || !slices.Contains(ids, "Sign in") || !slices.Contains(ids, "checks-left") {
		t.Errorf("%d IDs, sorted %v", len(ids), slices.IsSorted(ids))
	}
}

func TestPlaceholders_OnlyNamedValues(t *testing.T) {
	cases := []struct {
		text string
		want []string
		ok   bool
	}{
		{"Plain words", nil, true},
		{"{{.Count}} of {{ .Total }}, {{.Count}} again", []string{"Count", "Total"}, true},
		{"{{.Count | printf}}", nil, false},
		{`{{printf "%s" .Name}}`, nil, false},
		{"{{template \"x\"}}", nil, false},
		{"{{- .Name}}", nil, false},
		{"a stray {{ here", nil, false},
		{"a stray }} here", nil, false},
		{"{{.Name}} then {{\n.Name}}", nil, false},
		{"{{.}}", nil, false},
	}
	for _, tc := range cases {
		got, ok := Placeholders(tc.text)
		if ok != tc.ok || ok && !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q %v, want %q %v", tc.text, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPluralExamples_TheNumbersEachFormIsFor(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := Find("pl")
	for form, want := range map[string][]int{"one": {1}, "few": {2, 3, 4, 22}, "many": {0, 5, 6, 7}, "other": nil} {
		if got := c.PluralExamples(pl, form); !slices.Equal(got, want) {
			t.Errorf("Polish %q: %v, want %v", form, got, want)
		}
	}
}

// BenchmarkT_WithCorrections is what the corrections cost a message: a
// corrected one, one of the files with corrections in force, and one of
// the files with none.
func BenchmarkT_WithCorrections(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	ro, _ := Find("ro")
	loc := c.Localizer(ro)
	b.Run("no corrections", func(b *testing.B) {
		for b.Loop() {
			loc.T("Sign in")
		}
	})
	var cs []Correction
	for _, id := range c.MessageIDs()[:100] {
		cs = append(cs, Correction{Lang: "ro", ID: id, Forms: map[string]string{"other": "x"}})
	}
	cs = append(cs, Correction{Lang: "ro", ID: "Sign in", Forms: map[string]string{"other": "Intră acum"}})
	if err := c.SetCorrections(cs); err != nil {
		b.Fatal(err)
	}
	b.Run("corrected", func(b *testing.B) {
		for b.Loop() {
			loc.T("Sign in")
		}
	})
	b.Run("the files', corrections in force", func(b *testing.B) {
		for b.Loop() {
			loc.T("Check a number")
		}
	})
}

// BenchmarkSetCorrections is putting a correction of every message of
// one language in force: what every save and every other instance's
// reading costs at most, per language corrected whole.
func BenchmarkSetCorrections(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	var cs []Correction
	for _, id := range c.MessageIDs() {
		cs = append(cs, Correction{Lang: "ro", ID: id, Forms: map[string]string{"other": "x"}})
	}
	b.ReportMetric(float64(len(cs)), "corrections")
	for b.Loop() {
		if err := c.SetCorrections(cs); err != nil {
			b.Fatal(err)
		}
	}
}
