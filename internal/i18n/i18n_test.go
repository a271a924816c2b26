package i18n

import (
	"io/fs"
	"slices"
	"testing"
)

func TestChoose_ProfileThenCookieThenBrowserThenEnglish(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, accept string
		chosen       []string
		want         string
	}{
		{"nothing", "", nil, "en-GB"},
		{"the browser's first that we speak", "fr-FR, ro;q=0.8, en;q=0.5", nil, "ro"},
		{"a regional variant", "pt-PT", nil, "pt-BR"},
		{"Chinese, simplified by region", "zh-CN", nil, "zh-Hans"},
		{"a language we do not speak", "fr-FR", nil, "en-GB"},
		{"rubbish", "%%%;q=zz", nil, "en-GB"},
		{"the cookie beats the browser", "ro", []string{"", "pl"}, "pl"},
		{"the profile beats the cookie", "ro", []string{"hu", "pl"}, "hu"},
		{"a code we do not speak is passed over", "", []string{"xx", "bg"}, "bg"},
		{"any case", "", []string{"PT-br"}, "pt-BR"},
	}
	for _, tc := range cases {
		if got := c.Choose(tc.accept, tc.chosen...).Code; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLocalizer_PluralsByEachLanguagesRules(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"en-GB", 1, "You have 1 check left today."},
		{"en-GB", 5, "You have 5 checks left today."},
		{"ro", 1, "Mai ai 1 verificare azi."},
		{"ro", 5, "Mai ai 5 verificări azi."},
		{"ro", 20, "Mai ai 20 de verificări azi."},
		{"pl", 2, "Zostały Ci 2 sprawdzenia na dziś."},
		{"pl", 5, "Zostało Ci 5 sprawdzeń na dziś."},
		{"pl", 22, "Zostały Ci 22 sprawdzenia na dziś."},
		{"zh-Hans", 3, "今天你还可以查询 3 次。"},
	}
	for _, tc := range cases {
		l, _ := Find(tc.lang)
		if got := c.Localizer(l).N("checks-left", tc.n); got != tc.want {
			t.Errorf("%s, %d: %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestLocalizer_AMessageNoCatalogueHasIsItsEnglish(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ro, _ := Find("ro")
	l := c.Localizer(ro)
	if got := l.T("Exit this page"); got != "Ieși de pe pagină" {
		t.Errorf("translated: %q", got)
	}
	if got := l.T("Not in any catalogue, {{.Who}}", map[string]any{"Who": "yet"}); got != "Not in any catalogue, yet" {
		t.Errorf("untranslated: %q", got)
	}
	if got := l.T("{{.Name}} is a free, members-only safety service for sex workers. We use no trackers and no adverts.", map[string]any{"Name": "Ugly Mugs"}); got[:10] != "Ugly Mugs " {
		t.Errorf("with a value: %q", got)
	}
}

// Every catalogue has every message English defines in en.toml (the
// templates' own messages are checked in internal/web/core).
func TestCatalogues_HaveEveryMessageEnglishDefines(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ids := c.IDs()
	if !slices.Contains(ids, "checks-left") {
		t.Fatalf("en.toml's messages: %v", ids)
	}
	for _, l := range Languages {
		for _, id := range ids {
			if !c.Has(l, id) {
				t.Errorf("%s has no %q", l.Code, id)
			}
		}
	}
	ro, _ := Find("ro")
	if c.Has(ro, "Not in any catalogue") || !c.Has(ro, "Exit this page") {
		t.Error("Has does not tell a message Romanian has from one it lacks")
	}
}

func TestPseudo_AccentsTheMessageButNotItsValues(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := Find("en-XA"); ok && !pseudoAllowed.Load() {
		t.Fatal("the pseudo-language is chosen before a test allows it")
	}
	AllowPseudo()
	xa, ok := Find("en-XA")
	if !ok {
		t.Fatal("no pseudo-language")
	}
	l := c.Localizer(xa)
	if got := l.T("{{.Name}} is a free service", map[string]any{"Name": "Ugly Mugs"}); got != "⟦Ugly Mugs íš á fréé šérvíçé⟧" {
		t.Errorf("%q", got)
	}
	if got := l.N("checks-left", 2); got != "⟦Ýóú hávé 2 çhéçkš léft tódáý.⟧" {
		t.Errorf("%q", got)
	}
}

// Text that is not a message (a problem quoting what someone typed) is
// shown as it is: never run as a template.
func TestLocalizer_TextThatIsNoMessageIsNeverRunAsATemplate(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []Language{English, Languages[1]} {
		typed := `We do not know the region "{{.Count}}{{printf "%s" "x"}}".`
		if got := c.Localizer(l).T(typed); got != typed {
			t.Errorf("%s: %q", l.Code, got)
		}
	}
}

// One message has one translation in a language: defined in two areas,
// the one read last would win, and the two could say it differently.
func TestCatalogues_EachMessageOnceInEachLanguage(t *testing.T) {
	files, err := fs.Glob(localeFS, "locales/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]string{} // language and ID → file
	for _, f := range files {
		tag, msgs, err := readCatalogue(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			key := tag.String() + " " + m.ID
			if first, ok := where[key]; ok {
				t.Errorf("%q is in %s and in %s", m.ID, first, f)
			}
			where[key] = f
		}
	}
}
