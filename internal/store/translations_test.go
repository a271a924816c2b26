package store_test

import (
	"context"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Every version of a correction is kept, the newest is in force, a
// version without text puts the catalogue back, each save is audited by
// language and message, and the count of versions saved only grows.
func TestTranslations_EveryVersionKeptNewestInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if cur, n, err := db.Translations.Corrections(ctx); err != nil || len(cur) != 0 || n != 0 {
			t.Fatalf("nothing saved yet: %v %d %v", cur, n, err)
		}
		saves := []scheme.Correction{
			{Lang: "ro", MessageID: "Check a number", Forms: map[string]string{"other": "Verifică un număr"}},
			{Lang: "ro", MessageID: "Check a number", Forms: map[string]string{"other": "Verifică numărul"}},
			{Lang: "ro", MessageID: "checks-left", Forms: map[string]string{"one": "Încă {{.Count}}", "few": "Încă {{.Count}}", "other": "Încă {{.Count}} de"}},
			{Lang: "pl", MessageID: "Check a number", Forms: map[string]string{"other": "Sprawdź numer"}},
			{Lang: "pl", MessageID: "Check a number"}, // back to the catalogue
		}
		for i, c := range saves {
			got, err := db.Translations.SaveCorrection(ctx, "admin-1", c)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[int]int{1: 2, 4: 2}[i]; want != 0 && got.Version != want {
				t.Errorf("save %d: version %d, want %d", i, got.Version, want)
			}
		}
		cur, n, err := db.Translations.Corrections(ctx)
		if err != nil || n != len(saves) {
			t.Fatalf("saved %d (%v), want %d", n, err, len(saves))
		}
		if len(cur) != 2 || cur[0].MessageID != "Check a number" || cur[0].Forms["other"] != "Verifică numărul" || cur[0].Version != 2 ||
			cur[1].Forms["few"] != "Încă {{.Count}}" || cur[0].EditedBy != "admin-1" || cur[0].EditedAt.IsZero() {
			t.Errorf("in force: %+v (Polish was put back; Romanian's newest counts)", cur)
		}
		if n, err := db.Translations.CorrectionsSaved(ctx); err != nil || n != len(saves) {
			t.Errorf("saved: %d %v", n, err)
		}
		h, err := db.Translations.CorrectionHistory(ctx, "pl", "Check a number", scheme.PageOf(1))
		if err != nil || h.Total != 2 || len(h.Items) != 2 || !h.Items[0].Reverted() || h.Items[1].Forms["other"] != "Sprawdź numer" {
			t.Errorf("history: %+v %v", h, err)
		}
		var audited []string
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.SubjectType == "language" {
				audited = append(audited, e.Action+" "+e.SubjectID+" "+e.Detail)
			}
		}
		want := []string{`translation.correct ro {"message":"Check a number","version":1}`, `translation.correct ro {"message":"Check a number","version":2}`,
			`translation.correct ro {"message":"checks-left","version":1}`, `translation.correct pl {"message":"Check a number","version":1}`,
			`translation.revert pl {"message":"Check a number","version":2}`}
		if len(audited) != len(want) {
			t.Fatalf("audited %q, want %q", audited, want)
		}
		for i := range want {
			if audited[i] != want[i] {
				t.Errorf("audit %d: %s, want %s", i, audited[i], want[i])
			}
		}
	})
}

// Migrations 0018 and 0019 go down and up again on both engines, keeping
// the English versions of the pages (0019's down drops the others).
func TestMigrations_LanguagesDownAndUpAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, v := range []struct{ lang, body string }{{"en-GB", "# About"}, {"ro", "# Despre"}} {
			if _, err := db.Content.SaveContent(ctx, "admin-1", "about", v.lang, v.body); err != nil {
				t.Fatal(err)
			}
		}
		g, err := store.Goose(db)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.DownTo(ctx, 17); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM content_versions`).Scan(&n); err != nil || n != 1 {
			t.Errorf("down: %d versions (%v), want the English one", n, err)
		}
		if _, err := g.Up(ctx); err != nil {
			t.Fatal(err)
		}
		if c, ok, err := db.Content.Content(ctx, "about", "en-GB"); err != nil || !ok || c.Body != "# About" {
			t.Errorf("up again: %+v %v %v", c, ok, err)
		}
		if _, err := db.Translations.SaveCorrection(ctx, "admin-1", scheme.Correction{Lang: "ro", MessageID: "Sign in", Forms: map[string]string{"other": "Intră"}}); err != nil {
			t.Errorf("a correction after up again: %v", err)
		}
	})
}
