package i18n

import "testing"

// Numbers and shares are written as each language writes them: its
// thousands and decimal marks, and its space (or none) before "%".
func TestLocalizer_NumbersInEachLanguagesOwnForm(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang              string
		whole, decimal, p string // 12345; 12.5 with one decimal; 45 per cent
	}{
		{"en-GB", "12,345", "12.5", "45%"},
		{"ro", "12.345", "12,5", "45\u00a0%"},
		{"pt-BR", "12.345", "12,5", "45%"},
		{"pl", "12\u00a0345", "12,5", "45%"},
		{"hu", "12\u00a0345", "12,5", "45%"},
		{"bg", "12\u00a0345", "12,5", "45%"},
		{"es", "12.345", "12,5", "45\u00a0%"},
		{"th", "12,345", "12.5", "45%"},
		{"zh-Hans", "12,345", "12.5", "45%"},
	}
	for _, tc := range cases {
		l, ok := Find(tc.lang)
		if !ok {
			t.Fatalf("no language %s", tc.lang)
		}
		loc := c.Localizer(l)
		if got := loc.Number(12345, 0); got != tc.whole {
			t.Errorf("%s: 12345 is %q, want %q", tc.lang, got, tc.whole)
		}
		if got := loc.Number(12.5, 1); got != tc.decimal {
			t.Errorf("%s: 12.5 is %q, want %q", tc.lang, got, tc.decimal)
		}
		if got := loc.Percent(45); got != tc.p {
			t.Errorf("%s: 45 per cent is %q, want %q", tc.lang, got, tc.p)
		}
	}
}
