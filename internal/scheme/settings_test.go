package scheme

import (
	"maps"
	"testing"
	"time"

	"uglymugs/internal/i18n"
)

func TestSettings_ValuesReadBackAsTheyWere(t *testing.T) {
	s := DefaultSettings()
	s.Name, s.Open, s.Close, s.RequireApproval, s.ChecksPerDay = "North Mugs", 8*time.Hour+30*time.Minute, 24*time.Hour, false, 7
	s.Days = [7]bool{time.Saturday: true, time.Sunday: true}
	s.Closed = map[string]bool{"2026-12-28": true, "2026-12-25": true}
	v := s.Values()
	if v[SettingDays] != "sun,sat" || v[SettingClosed] != "2026-12-25,2026-12-28" || v[SettingOpen] != "08:30" || v[SettingClose] != "24:00" || v[SettingRequireApproval] != "false" {
		t.Errorf("values %v", v)
	}
	back := SettingsFrom(DefaultSettings(), v)
	if !maps.Equal(back.Values(), v) {
		t.Errorf("read back %v, want %v", back.Values(), v)
	}
	// A value that does not read keeps the default; an absent one too.
	odd := SettingsFrom(DefaultSettings(), map[string]string{SettingOpen: "soon", SettingChecksPerDay: "many", SettingName: "Kept"})
	if odd.Open != 9*time.Hour || odd.ChecksPerDay != 50 || odd.Name != "Kept" || !odd.RequireApproval {
		t.Errorf("odd values: %+v", odd)
	}
}

func TestSettings_HoursTextSaysTheDaysAndTimes(t *testing.T) {
	days := func(ds ...time.Weekday) [7]bool {
		var out [7]bool
		for _, d := range ds {
			out[d] = true
		}
		return out
	}
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	lang := func(code string) *i18n.Localizer {
		l, _ := i18n.Find(code)
		return words.Localizer(l)
	}
	for _, c := range []struct {
		days [7]bool
		want string
	}{
		{DefaultSettings().Days, "Monday to Friday, 9:00 to 17:00"},
		{days(time.Monday, time.Wednesday, time.Friday), "Monday, Wednesday and Friday, 9:00 to 17:00"},
		{days(time.Monday, time.Tuesday), "Monday and Tuesday, 9:00 to 17:00"},
		{days(time.Monday, time.Tuesday, time.Wednesday, time.Saturday, time.Sunday), "Monday to Wednesday, Saturday and Sunday, 9:00 to 17:00"},
		{days(time.Sunday), "Sunday, 9:00 to 17:00"},
	} {
		s := DefaultSettings()
		s.Days = c.days
		if got := s.HoursIn(lang("en-GB")); got != c.want {
			t.Errorf("%v: %q, want %q", c.days, got, c.want)
		}
	}
}

func TestSettings_HoursInTheReadersLanguage(t *testing.T) {
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.Days[time.Saturday] = true
	for code, want := range map[string]string{
		"ro":      "luni – sâmbătă, 9:00 – 17:00",
		"pl":      "poniedziałek – sobota, 9:00 – 17:00",
		"zh-Hans": "星期一至星期六，9:00至17:00",
	} {
		l, _ := i18n.Find(code)
		if got := s.HoursIn(words.Localizer(l)); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	for _, l := range i18n.Languages {
		for _, id := range []string{"{{.From}} to {{.To}}", "no day", "{{.Some}} and {{.Last}}", ", ", "{{.Days}}, {{.Open}} to {{.Close}}"} {
			if !words.Has(l, id) {
				t.Errorf("%s has no %q", l.Code, id)
			}
		}
	}
}

func TestParseClock(t *testing.T) {
	for in, want := range map[string]time.Duration{"9:00": 9 * time.Hour, "09:05": 9*time.Hour + 5*time.Minute, "17": 17 * time.Hour, "9.30": 9*time.Hour + 30*time.Minute, "24:00": 24 * time.Hour, " 0:00 ": 0} {
		if got, err := ParseClock(in); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "9am", "25:00", "24:01", "9:5", "9:60", "-1:00", "123:00", "9:00:00"} {
		if _, err := ParseClock(bad); err == nil {
			t.Errorf("ParseClock(%q): no error", bad)
		}
	}
}
