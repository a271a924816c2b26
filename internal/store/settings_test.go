package store_test

import (
	"context"
	"slices"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestSettings_SavedWithOneAuditEntryAndSeededOnlyWhereUnset: a save
// stores each changed key and one entry naming them (values only where
// the caller shows them); seeding fills only keys not yet stored.
func TestSettings_SavedWithOneAuditEntryAndSeededOnlyWhereUnset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Settings.SaveSettings(ctx, "admin-1", map[string]string{"scheme.name": "North Mugs", "scheme.contact_email": "a@example.org"},
			map[string]string{"scheme.name": "North Mugs"}); err != nil {
			t.Fatal(err)
		}
		seeded, err := db.Settings.SeedSettings(ctx, map[string]string{"scheme.name": "Flag Mugs", "hours.open": "09:00"})
		if err != nil || !slices.Equal(seeded, []string{"hours.open"}) {
			t.Fatalf("seeded %v %v", seeded, err)
		}
		all, err := db.Settings.All(ctx)
		if err != nil || len(all) != 3 || all["scheme.name"] != "North Mugs" || all["hours.open"] != "09:00" || all["scheme.contact_email"] != "a@example.org" {
			t.Errorf("stored %v %v", all, err)
		}
		var details []string
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.SubjectType == "settings" {
				details = append(details, e.Action+" "+e.Actor+" "+e.Detail)
			}
		}
		want := []string{
			`settings.change admin-1 {"changed":["scheme.contact_email","scheme.name"],"values":{"scheme.name":"North Mugs"}}`,
			`settings.seed system {"seeded":["hours.open"]}`,
		}
		if !slices.Equal(details, want) {
			t.Errorf("audit entries\n%q\nwant\n%q", details, want)
		}
	})
}
