package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// An addition keeps the language she wrote it in: the coordinator who
// moderates it is told, and every page marks it so (lang) for readers of
// other languages and their screen readers.
func TestAdditions_KeepTheLanguageTheyWereWrittenIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
		resp, _ := send(t, d.ts, "POST", "/alerts/"+a.ID+"/additions", url.Values{"body": {"Același bărbat mi-a scris vineri."}},
			&http.Cookie{Name: "um", Value: d.toks["member"]}, &http.Cookie{Name: "lang", Value: "ro"})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("adding: %d", resp.StatusCode)
		}
		queue := d.get("coordA", "/coordinator/additions")
		if !strings.Contains(queue, "written in Romanian (Română)") || !strings.Contains(queue, `<p class="al-add__body" lang="ro">Același`) {
			t.Errorf("the queue does not say the addition is in Romanian:\n%s", queue)
		}
		if page := d.get("coordA", "/coordinator/alerts/"+a.ID); !strings.Contains(page, "in Romanian (Română)") {
			t.Error("the alert's page does not say the addition is in Romanian")
		}
		if page := d.get("member", "/alerts/"+a.ID); !strings.Contains(page, `lang="ro">Același`) {
			t.Error("her own view of the addition is not marked as Romanian")
		}
		ads, err := db.Alerts.Additions(t.Context(), a.ID, "", true)
		if err != nil || len(ads) != 1 || ads[0].Language != "ro" {
			t.Errorf("stored: %+v, %v", ads, err)
		}
	})
}
