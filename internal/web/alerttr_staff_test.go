package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/i18n"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// The editor has a section per language for a translation: one with a
// problem comes back with it beside the field and what was typed kept;
// the check's flags on a translation are shown in its section and stop
// publishing without a reason; emptying both fields removes it.
func TestAlertEditor_TranslationsAddedCheckedAndRemoved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		a, err := alert.New(db, time.UTC).Draft(context.Background(), d.users["coordA"], alert.Input{ReportIDs: []string{d.report().ID}})
		if err != nil {
			t.Fatal(err)
		}
		editor := "/coordinator/alerts/" + a.ID
		page := d.get("coordA", editor)
		for _, l := range i18n.Languages[1:] {
			for _, want := range []string{`<summary>` + l.English, `id="translations.` + l.Code + `.title"`, `name="translations.` + l.Code + `.body"`, `lang="` + l.Code + `"`} {
				if !strings.Contains(page, want) {
					t.Errorf("the editor lacks %q", want)
				}
			}
		}
		if strings.Contains(page, "<details class=\"al-translation\" open") {
			t.Error("a language without a translation is shown unfolded")
		}

		form := func(roTitle, roBody string) url.Values {
			f := draftForm("A man robbed a worker.")
			for _, l := range i18n.Languages[1:] {
				f.Set("translations."+l.Code+".title", "")
				f.Set("translations."+l.Code+".body", "")
			}
			f.Set("translations.ro.title", roTitle)
			f.Set("translations.ro.body", roBody)
			return f
		}
		status, _, body := d.do("coordA", "POST", editor, form("", "Un bărbat a jefuit o lucrătoare, scris aici."))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="translations.ro.title-error"`) ||
			!strings.Contains(body, `href="#translations.ro.title"`) || !strings.Contains(body, "Give the Romanian translation its title too.") ||
			!strings.Contains(body, "scris aici.") {
			t.Errorf("a translation without a title: %d %q, want 422 beside the field, the text kept", status, problemsOn(body))
		}

		d.post("coordA", editor, form("Jaf — Londra", "Întrebați-o pe Coral despre el."))
		page = d.get("coordA", editor)
		for _, want := range []string{"In the Romanian text: <mark class=\"al-mark\">Coral</mark>", "Flag 1, in the Romanian text", "The Romanian text:",
			`<details class="al-translation" open>`, "Translated</span>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the editor after saving a flagged translation lacks %q", want)
			}
		}
		d.post("coordB", editor+"/approve", url.Values{})
		status, _, body = d.do("coordA", "POST", editor+"/publish", url.Values{"override_reason": {""}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="override_reason-error"`) {
			t.Errorf("publishing with a flagged translation and no reason: %d %q", status, problemsOn(body))
		}

		d.post("coordA", editor, form("", ""))
		if got, _ := db.Alerts.Alert(context.Background(), a.ID); len(got.Translations) != 0 || len(got.Flags) != 0 {
			t.Errorf("after emptying it: translations %v, flags %v", got.Translations, got.Flags)
		}
	})
}
