package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestServe_SettingsFlagsCountOnTheFirstRunOnly: the flags give the
// settings on the first start; a later start with other flags keeps the
// stored ones (and says so in its log); a change saved in the database —
// as an admin on another instance saves it — shows on a running instance
// within seconds, with no restart.
func TestServe_SettingsFlagsCountOnTheFirstRunOnly(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			src, keys := storetest.Source(t, d), keyFile(t)
			db := dbArg(src)
			t.Run("first run", func(t *testing.T) {
				base, _, _ := start(t, "serve", "--db", db, "--keys", keys, "--migrate", "--scheme-name", "Harbour Mugs")
				if home := get(t, base+"/"); !strings.Contains(home.body, "Harbour Mugs") {
					t.Error("the first run does not show the name its flag gives")
				}
			})
			t.Run("later run", func(t *testing.T) {
				base, _, stderr := start(t, "serve", "--db", db, "--keys", keys, "--scheme-name", "Other Flag Mugs")
				if home := get(t, base+"/"); !strings.Contains(home.body, "Harbour Mugs") || strings.Contains(home.body, "Other Flag Mugs") {
					t.Error("a later start's flag replaced the stored name")
				}
				if log := stderr.String(); !strings.Contains(log, "count only on the first run") || !strings.Contains(log, scheme.SettingName) {
					t.Errorf("the log does not name the ignored flag's setting:\n%s", log)
				}

				ctx := context.Background()
				h, err := store.Open(ctx, src, storetest.Vault(t))
				if err != nil {
					t.Fatal(err)
				}
				defer h.Close()
				if err := h.Settings.SaveSettings(ctx, "admin-elsewhere", map[string]string{scheme.SettingName: "Saved Mugs"}, nil); err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(10 * time.Second)
				for !strings.Contains(get(t, base+"/").body, "Saved Mugs") {
					if time.Now().After(deadline) {
						t.Fatal("a running instance never showed the setting saved elsewhere")
					}
					time.Sleep(250 * time.Millisecond)
				}
			})
		})
	}
}
