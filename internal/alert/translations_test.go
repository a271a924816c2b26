package alert_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// The anonymisation check reads each translation as it reads the English:
// the reporter's mobile in the Romanian text is flagged under that field,
// on saving and again on publishing, which it blocks without a reason.
func TestTranslations_FlagsOnATranslationBlockPublishing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil {
			t.Fatal(err)
		}
		tr := map[string]scheme.AlertTranslation{
			"ro": {Title: "Jaf — Hackney", Body: "Un bărbat a luat o geantă. Sunați la 07700 900555."},
			"pl": {Title: "Rabunek — Hackney", Body: "Mężczyzna zabrał torbę."},
		}
		a, err = f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Translations: &tr})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Flags) != 1 || a.Flags[0].Field != "translations.ro.body" || !strings.Contains(a.Flags[0].Text, "900555") {
			t.Fatalf("flags %+v, want the reporter's mobile in the Romanian text", a.Flags)
		}
		if err := f.svc.Approve(ctx, f.coordB, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.coordB, a.ID, ""); fields(err)["override_reason"] == "" {
			t.Fatalf("publishing with a flagged translation and no reason: %v, want override_reason", err)
		}
		if got, _ := db.Alerts.Alert(ctx, a.ID); got.Status != scheme.AlertDraft {
			t.Fatalf("published anyway: %s", got.Status)
		}
		// The flagged text taken out, it is published without a reason.
		tr["ro"] = scheme.AlertTranslation{Title: "Jaf — Hackney", Body: "Un bărbat a luat o geantă."}
		if a, err = f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Translations: &tr}); err != nil || len(a.Flags) != 0 {
			t.Fatalf("after the fix: flags %+v, %v", a.Flags, err)
		}
		if err := f.svc.Approve(ctx, f.coordB, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.coordB, a.ID, ""); err != nil {
			t.Fatalf("publishing a clean translation: %v", err)
		}
	})
}

// A translation added to a published alert is an edit: a new version,
// checked (a flag needs a reason), read by members of that language from
// then on, and no message goes out again.
func TestTranslations_AddedToAPublishedAlertIsANewVersionNotANewMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if err := db.Alerts.SetSetting(ctx, "admin", scheme.SettingRequireApproval, "false"); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.coordA, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		jobs := func() (n int) {
			if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := jobs()

		flagged := map[string]scheme.AlertTranslation{"pt-BR": {Title: "Roubo — Hackney", Body: "Escreva para coral@example.org."}}
		if _, err := f.svc.Update(ctx, f.coordB, a.ID, alert.Input{Translations: &flagged}); fields(err)["override_reason"] == "" {
			t.Fatalf("a flagged translation of a published alert without a reason: %v", err)
		}
		pt := map[string]scheme.AlertTranslation{"pt-BR": {Title: "Roubo — Hackney", Body: "Um homem levou uma bolsa."}}
		got, err := f.svc.Update(ctx, f.coordB, a.ID, alert.Input{Translations: &pt})
		if err != nil || got.Version != 2 {
			t.Fatalf("translation added: version %d, %v", got.Version, err)
		}
		if n := jobs(); n != before {
			t.Errorf("jobs %d after the translation, %d before: a message went out again", n, before)
		}
		vs, err := f.svc.Versions(ctx, a.ID)
		if err != nil || len(vs) != 2 || vs[0].Content.Translations["pt-BR"].Title != "Roubo — Hackney" || len(vs[1].Content.Translations) != 0 {
			t.Fatalf("versions %+v, %v", vs, err)
		}
		for done := false; !done; {
			if done, err = db.Deliveries.FanOutAlert(ctx, a.ID, 50); err != nil {
				t.Fatal(err)
			}
		}
		m, err := f.svc.Open(ctx, f.reporter, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if title, _, tr := m.In("pt-BR"); !tr || title != "Roubo — Hackney" {
			t.Errorf("a Portuguese reader reads %q (translated %t)", title, tr)
		}
		// Removed (left out of the set), the original is read again.
		none := map[string]scheme.AlertTranslation{}
		if got, err = f.svc.Update(ctx, f.coordB, a.ID, alert.Input{Translations: &none}); err != nil || len(got.Translations) != 0 || got.Version != 3 {
			t.Fatalf("removing it: %+v, %v", got.Translations, err)
		}
	})
}
