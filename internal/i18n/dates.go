package i18n

import (
	"slices"
	"strings"
	"time"

	"github.com/goodsign/monday"
)

// The ways member pages write a date, as Go layouts in English. Each
// language has its own form of each (the order of day, month and year,
// its words and marks: "2026. március 2., hétfő", "2026年3月2日星期一"),
// and the names of its days and months come from goodsign/monday (with
// the genitive months Polish and others put after a day: "2 marca").
const (
	Weekday          = "Monday 2 January 2006"
	WeekdayShort     = "Mon 2 Jan 2006"
	WeekdayTimeShort = "Mon 2 Jan 2006, 15:04"
	DateLong         = "2 January 2006"
	DayMonth         = "2 January"
)

// DateLayouts are the layouts every language writes in its own form.
var DateLayouts = []string{Weekday, WeekdayShort, WeekdayTimeShort, DateLong, DayMonth}

// dateForm is how one language writes dates: its own layout for each of
// DateLayouts, in their order; monday's locale for the names; and whether
// the whole is in small letters (Bulgarian and Polish write days and
// months so within a sentence, where monday capitalises them).
type dateForm struct {
	locale  monday.Locale
	lower   bool
	layouts [5]string
}

var dateForms = map[string]dateForm{
	//         Weekday, WeekdayShort, WeekdayTimeShort, DateLong, DayMonth
	"ro":      {monday.LocaleRoRO, false, [5]string{"Monday, 2 January 2006", "Monday, 2 Jan 2006", "Monday, 2 Jan 2006, 15:04", "2 January 2006", "2 January"}},
	"pt-BR":   {monday.LocalePtBR, false, [5]string{"Monday, 2 de January de 2006", "Mon, 2 de Jan de 2006", "Mon, 2 de Jan de 2006, 15:04", "2 de January de 2006", "2 de January"}},
	"pl":      {monday.LocalePlPL, true, [5]string{"Monday, 2 January 2006", "Mon, 2 Jan 2006", "Mon, 2 Jan 2006, 15:04", "2 January 2006", "2 January"}},
	"hu":      {monday.LocaleHuHU, false, [5]string{"2006. January 2., Monday", "2006. Jan 2., Monday", "2006. Jan 2., Monday 15:04", "2006. January 2.", "January 2."}},
	"bg":      {monday.LocaleBgBG, true, [5]string{"Monday, 2 January 2006 г.", "Mon, 2 Jan 2006 г.", "Mon, 2 Jan 2006 г., 15:04", "2 January 2006 г.", "2 January"}},
	"es":      {monday.LocaleEsES, false, [5]string{"Monday, 2 de January de 2006", "Mon, 2 Jan 2006", "Mon, 2 Jan 2006, 15:04", "2 de January de 2006", "2 de January"}},
	"th":      {monday.LocaleThTH, false, [5]string{"Mondayที่ 2 January 2006", "Mon 2 Jan 2006", "Mon 2 Jan 2006 15:04", "2 January 2006", "2 January"}},
	"zh-Hans": {monday.LocaleZhCN, false, [5]string{"2006年1月2日Monday", "2006年1月2日 Monday", "2006年1月2日 Monday 15:04", "2006年1月2日", "1月2日"}},
}

// layout is the language's own form of layout (one of DateLayouts), else
// layout itself.
func (f dateForm) layout(layout string) string {
	if i := slices.Index(DateLayouts, layout); i >= 0 && f.layouts[i] != "" {
		return f.layouts[i]
	}
	return layout
}

// Date writes t (already in the time zone it is to be read in) with
// layout, one of DateLayouts or any other Go layout, in the language's
// own form; a layout a language has no form for keeps its order, with the
// language's names.
func (l *Localizer) Date(t time.Time, layout string) string {
	switch form, ok := dateForms[l.Language.Code]; {
	case l.Language.Code == Pseudo.Code:
		return "⟦" + accent(t.Format(layout)) + "⟧"
	case !ok:
		return t.Format(layout)
	default:
		s := monday.Format(t, form.layout(layout), form.locale)
		if form.lower {
			s = strings.ToLower(s)
		}
		return s
	}
}

// Weekday is day's name in the language, as a sentence has it within
// ("lunes", "poniedziałek").
func (l *Localizer) Weekday(day time.Weekday) string {
	// 4 January 2026 was a Sunday.
	return l.Date(time.Date(2026, 1, 4+int(day), 12, 0, 0, 0, time.UTC), "Monday")
}
