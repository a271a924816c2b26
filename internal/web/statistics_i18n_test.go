package web_test

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// recordedWords are stats' English, noting each message asked for.
type recordedWords struct {
	stats.Words
	ids map[string]bool
}

func (w recordedWords) T(id string, data ...map[string]any) string {
	w.ids[id] = true
	return w.Words.T(id, data...)
}

// Every message the public tables and their charts are made of (titles,
// notes, labels, the lists' names, "fewer than", a year in part, the
// charts' descriptions) is in every language's catalogue: one missing
// would reach a reader in English.
func TestPublicStatistics_EveryWordInEveryCatalogue(t *testing.T) {
	w := recordedWords{stats.English, map[string]bool{}}
	loc := time.UTC
	for _, to := range []time.Time{time.Date(2026, 2, 1, 0, 0, 0, 0, loc), time.Date(2026, 4, 1, 0, 0, 0, 0, loc), time.Date(2026, 1, 1, 0, 0, 0, 0, loc)} {
		f := stats.Figures{Filter: stats.Filter{To: to}, Location: loc, Since: time.Date(2025, 6, 1, 0, 0, 0, 0, loc),
			Members: stats.MemberFigures{ByType: map[string]int{"individual": 3, "project": 2, "establishment": 1}, ByRegion: map[string]int{"london": 40}},
			Reports: stats.ReportFigures{ByType: map[string]int{"robbery": 25}, ByMonth: map[string]stats.ReportMonth{"2025-09": {Reports: 30, Within72h: 20}}},
			Alerts:  stats.AlertFigures{ByMonth: map[string]int{"2025-10": 12}}}
		for _, r := range scheme.DefaultRegions {
			f.Regions = append(f.Regions, stats.Category{Key: r.Slug, Name: r.Name})
		}
		for _, k := range scheme.DefaultIncidentTypes {
			f.IncidentTypes = append(f.IncidentTypes, stats.Category{Key: k.Slug, Name: k.Name})
		}
		for _, tb := range stats.Public(f, w) {
			for _, r := range append(tb.Rows, *cmp.Or(tb.Total, &stats.Row{})) {
				for _, v := range r.Values {
					v.In(w)
				}
			}
			stats.SVG(tb, "c", w)
		}
	}
	// Without a drawn chart (nothing but "fewer than 10"s), "Nothing to
	// show yet." is never asked for: the bars' own words are.
	for _, id := range []string{"fewer than 10", "fewer than {{.Bound}}", "{{.Year}} (January)", "{{.Year}} (January to {{.Month}})",
		"Bar chart of {{.Values}} by {{.Label}}.", "Highest: {{.Label}}, {{.Value}}.", "London", "Robbery or theft", "Individual sex workers"} {
		if !w.ids[id] {
			t.Errorf("the public tables never ask for %q; the figures above are too narrow", id)
		}
	}
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages {
		for id := range w.ids {
			if !words.Has(l, id) {
				t.Errorf("%s has no %q", l.Code, id)
			}
		}
	}
}

// fileReports files n accepted reports of kind in region, by reporter,
// in the days before the public figures' cutoff, all within 72 hours.
func fileReports(t *testing.T, db *store.DB, reporter string, n int, region, kind string) {
	t.Helper()
	cutoff := stats.PublicCutoff(time.Now(), time.UTC)
	for i := range n {
		at := cutoff.Add(-time.Duration(48+i) * time.Hour)
		_, err := db.Reports.CreateReport(context.Background(), scheme.Report{Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh,
			IncidentTypes: []string{kind}, Region: region, IncidentAt: at.Add(-3 * time.Hour), SubmittedAt: at, Delay: 3 * time.Hour,
			AcknowledgeBy: at.Add(24 * time.Hour), ContactMethod: "phone", ReporterID: reporter, Original: scheme.ReportContent{Account: "He took my bag."}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The public statistics answer in the reader's language: the page's
// words, the tables' titles, labels and "fewer than 10", the lists'
// names, numbers in the language's own form, and the charts' text.
func TestPublicStatistics_InTheReadersLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := stDesk(t, db)
		cases := []struct {
			lang string
			want []string
		}{
			{"ro", []string{`<html lang="ro"`, "<h1>Statistici</h1>", "<h2 id=\"st-members-region-title\">Membri pe regiuni</h2>",
				`<th scope="row">Londra</th><td class="num">mai puțin de 10</td>`, `<th scope="row">Tâlhărie sau furt</th><td class="num">15</td>`,
				"Cum protejăm numerele mici", "Grafic cu bare: Rapoarte pe ani. Cel mai mare:", `<span class="visually-hidden">nu se arată</span>`}},
			{"hu", []string{`<html lang="hu"`, "<h1>Statisztika</h1>", `<td class="num">kevesebb, mint 10</td>`, "Sávdiagram: Bejelentések évenként. A legtöbb:",
				"Összes év"}},
			{"th", []string{`<html lang="th"`, "<h1>สถิติ</h1>", `<th scope="row">ลอนดอน</th><td class="num">น้อยกว่า 10</td>`, "แผนภูมิแท่ง: รายงานแยกตามปี",
				"ตัวเลขอยู่ในตาราง"}},
		}
		for _, tc := range cases {
			req, _ := http.NewRequest("GET", d.ts.URL+"/statistics", nil)
			req.AddCookie(&http.Cookie{Name: "lang", Value: tc.lang})
			resp, err := d.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(b)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: no %q", tc.lang, w)
				}
			}
			for _, english := range []string{"fewer than", "Members by region", "Bar chart", "Highest:", "All years", "How we protect"} {
				if strings.Contains(body, english) {
					t.Errorf("%s: %q in English", tc.lang, english)
				}
			}
		}
	})
}
