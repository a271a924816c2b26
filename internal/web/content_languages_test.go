package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestContentPages_AVersionPerLanguage: an admin saves a page's Romanian
// version; a reader in Romanian sees it, a reader in Polish sees the
// English with a line in Polish saying so, a reader in English the
// English alone. A page with no Romanian version and the terms (English
// only) show the line too. The editor of a language without a version
// starts from the English; the save is audited with its language.
func TestContentPages_AVersionPerLanguage(t *testing.T) {
	const (
		lineRO = "Acest text nu este încă în limba ta"
		linePL = "Ten tekst nie jest jeszcze w Twoim języku"
		lineEN = "This text is not yet in your language"
	)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		editor := d.get("admin", "/admin/pages/about?lang=ro")
		if !strings.Contains(editor, "No Romanian version yet") || !strings.Contains(editor, `name="lang" value="ro"`) || !strings.Contains(editor, "# About") {
			t.Error("the Romanian editor does not start from the English, or does not keep its language")
		}
		to := d.post("admin", "/admin/pages/about", url.Values{"lang": {"ro"}, "body": {"# Despre noi\n\nSuntem aici pentru tine."}, "action": {"save"}})
		if to != "/admin/pages/about?done=saved&lang=ro" {
			t.Errorf("saved: to %s", to)
		}
		cases := []struct {
			lang, path string
			want, not  []string
		}{
			{"ro", "/about", []string{"Suntem aici pentru tine."}, []string{lineRO, "warn each other about dangerous people"}},
			{"pl", "/about", []string{linePL, `<div class="prose" lang="en-GB">`, "warn each other about dangerous people"}, []string{"Suntem aici"}},
			{"en", "/about", nil, []string{lineEN, "Suntem aici"}},
			{"ro", "/join", []string{lineRO}, nil},
			{"ro", "/contact", []string{lineRO}, nil},
			{"ro", "/terms", []string{lineRO}, nil},
			{"en", "/terms", nil, []string{lineEN}},
		}
		for _, c := range cases {
			status, body := d.in(c.lang, "", "GET", c.path, nil)
			if status != http.StatusOK {
				t.Errorf("%s in %s: %d", c.path, c.lang, status)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s in %s lacks %q", c.path, c.lang, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("%s in %s shows %q", c.path, c.lang, n)
				}
			}
		}
		if editor := d.get("admin", "/admin/pages/about?lang=ro"); !strings.Contains(editor, "Suntem aici pentru tine.</textarea>") || strings.Contains(editor, "No Romanian version yet") {
			t.Error("the Romanian editor does not show its saved version")
		}
		if editor := d.get("admin", "/admin/pages/about"); strings.Contains(editor, "Suntem aici") {
			t.Error("the English editor shows the Romanian")
		}
		if list := d.get("admin", "/admin/pages"); !strings.Contains(list, "<td>Romanian</td>") {
			t.Error("the pages list does not say the page is also in Romanian")
		}
		for _, path := range []string{"/admin/pages/about?lang=xx", "/admin/pages/about?lang=en-XA"} {
			if status, _, _ := d.do("admin", "GET", path, nil); status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, status)
			}
		}
		var saves []string
		for e, err := range db.AuditEntries(t.Context()) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action == "content.save" {
				saves = append(saves, e.SubjectID+" "+e.Detail)
			}
		}
		if want := []string{`about {"language":"ro","version":1}`}; !slices.Equal(saves, want) {
			t.Errorf("audit: %q, want %q", saves, want)
		}
	})
}
