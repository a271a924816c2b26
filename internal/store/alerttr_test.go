package store_test

import (
	"context"
	"maps"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// An alert's translations are kept with its text, in the same sealed
// document: saved on a draft, carried into each published version, and
// changed by an edit like the rest.
func TestAlerts_TranslationsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := draftFrom(t, db, "coord-a", nil, reportWith(t, db))
		want := map[string]scheme.AlertTranslation{
			"ro":      {Title: "Jaf — Islington", Body: "Un bărbat cu părul roșu a luat o geantă."},
			"zh-Hans": {Title: "抢劫 — 伊斯灵顿", Body: "一名红头发的男子拿走了一个包。"},
		}
		a.Translations = want
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-a", a); err != nil {
			t.Fatal(err)
		}
		got, err := db.Alerts.Alert(ctx, a.ID)
		if err != nil || !maps.Equal(got.Translations, want) {
			t.Fatalf("draft: %+v, %v", got.Translations, err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-b", a.ID, store.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		got.Translations = map[string]scheme.AlertTranslation{"ro": want["ro"]}
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-b", got); err != nil {
			t.Fatal(err)
		}
		vs, err := db.Alerts.AlertVersions(ctx, a.ID)
		if err != nil || len(vs) != 2 || !maps.Equal(vs[1].Content.Translations, want) || len(vs[0].Content.Translations) != 1 {
			t.Fatalf("versions %+v, %v", vs, err)
		}
		list, err := db.Alerts.Alerts(ctx, scheme.AlertFilter{})
		if err != nil || len(list) != 1 || list[0].Translations["ro"] != want["ro"] {
			t.Fatalf("list: %+v, %v", list, err)
		}
	})
}
