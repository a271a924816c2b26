package i18n

import (
	"testing"
	"time"
)

// What a page pays for its words: each {{t}} is one of these. The feed
// makes about a hundred.
func BenchmarkLocalize(b *testing.B) {
	c, err := New()
	if err != nil {
		b.Fatal(err)
	}
	th, _ := Find("th")
	for _, bc := range []struct {
		name string
		loc  *Localizer
		do   func(l *Localizer) string
	}{
		{"English/plain", c.Localizer(English), func(l *Localizer) string { return l.T("Check a number") }},
		{"Thai/plain", c.Localizer(th), func(l *Localizer) string { return l.T("Check a number") }},
		{"Thai/with-a-value", c.Localizer(th), func(l *Localizer) string {
			return l.T("Report started {{.Day}}", map[string]any{"Day": "1 มี.ค."})
		}},
		{"Thai/plural", c.Localizer(th), func(l *Localizer) string { return l.N("checks-left", 3) }},
		{"Thai/date", c.Localizer(th), func(l *Localizer) string {
			return l.Date(time.Date(2026, 3, 2, 22, 5, 0, 0, time.UTC), WeekdayShort)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if bc.do(bc.loc) == "" {
					b.Fatal("no text")
				}
			}
		})
	}
}

// BenchmarkNew is reading every catalogue, once at start-up.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}
