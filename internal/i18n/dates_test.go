package i18n

import (
	"regexp"
	"testing"
	"time"
)

func TestDate_EachLanguageInItsOwnForm(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	// Monday 2 March 2026, 22:05.
	at := time.Date(2026, 3, 2, 22, 5, 0, 0, time.UTC)
	cases := []struct {
		lang, layout, want string
	}{
		{"en-GB", Weekday, "Monday 2 March 2026"},
		{"en-GB", WeekdayTimeShort, "Mon 2 Mar 2026, 22:05"},
		{"ro", Weekday, "luni, 2 martie 2026"},
		{"pt-BR", DateLong, "2 de março de 2026"},
		{"pl", Weekday, "poniedziałek, 2 marca 2026"}, // the month after a day is genitive
		{"pl", DayMonth, "2 marca"},
		{"hu", Weekday, "2026. március 2., hétfő"},
		{"hu", DayMonth, "március 2."},
		{"bg", DateLong, "2 март 2026 г."},
		{"es", Weekday, "lunes, 2 de marzo de 2026"},
		{"th", Weekday, "วันจันทร์ที่ 2 มีนาคม 2026"},
		{"zh-Hans", Weekday, "2026年3月2日星期一"},
		{"zh-Hans", WeekdayTimeShort, "2026年3月2日 星期一 22:05"},
		{"en-XA", DateLong, "⟦2 Márçh 2026⟧"},
	}
	AllowPseudo()
	for _, tc := range cases {
		l, ok := Find(tc.lang)
		if !ok {
			t.Fatalf("no language %q", tc.lang)
		}
		if got := c.Localizer(l).Date(at, tc.layout); got != tc.want {
			t.Errorf("%s, %q: %q, want %q", tc.lang, tc.layout, got, tc.want)
		}
	}
}

// Every language writes every layout the pages use in its own form, with
// no English day or month left in it, on every day of a year (each
// weekday and month).
func TestDate_NoLanguageKeepsAnEnglishName(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	// English's names, whole words as English writes them ("mar" is
	// Romanian and Spanish for Tuesday, "jan" Hungarian for January).
	english := regexp.MustCompile(`\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b`)
	for _, l := range Languages[1:] {
		form, ok := dateForms[l.Code]
		if !ok {
			t.Errorf("%s: no form of dates", l.Code)
			continue
		}
		for i, layout := range DateLayouts {
			if form.layouts[i] == "" {
				t.Errorf("%s: no form for %q", l.Code, layout)
			}
			for d := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
				s := c.Localizer(l).Date(d, layout)
				if w := english.FindString(s); w != "" {
					t.Errorf("%s, %q: %q keeps the English %q", l.Code, layout, s, w)
					break
				}
			}
		}
	}
}
