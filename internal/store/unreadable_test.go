package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/demo"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/vault"
)

// TestScanUnreadable_KnowsEveryEncryptedColumnAndItsRowIDs: every column
// of the schema that holds ciphertexts (*_ct, and the key canary) is in
// the list check-data scans; and on a database filled with the demo's data
// of every kind, every value opens with the row id and field the scan
// binds, so the scan reports nothing that is not damaged.
func TestScanUnreadable_KnowsEveryEncryptedColumnAndItsRowIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := `SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND (column_name LIKE '%\_ct' ESCAPE '\' OR table_name = 'key_canary' AND column_name = 'sealed')`
		if db.Dialect() == store.SQLite {
			q = `SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
				WHERE m.type = 'table' AND (p.name LIKE '%\_ct' ESCAPE '\' OR m.name = 'key_canary' AND p.name = 'sealed')`
		}
		rows, err := db.Writer().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var inSchema []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			inSchema = append(inSchema, c)
		}
		rows.Close()
		listed := store.EncryptedColumns()
		slices.Sort(inSchema)
		slices.Sort(listed)
		if !slices.Equal(inSchema, listed) {
			t.Errorf("encrypted columns in the schema:\n%v\nlisted for check-data:\n%v", inSchema, listed)
		}

		hours := scheme.DefaultWorkingHours(time.UTC)
		acc, err := account.New(db, hours, "https://uglymugs.example.org/signin")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Seed(ctx, db, acc, report.New(db, hours)); err != nil {
			t.Fatal(err)
		}
		var bad []vault.Field
		n, err := db.ScanUnreadable(ctx, func(u vault.Field) error { bad = append(bad, u); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 || n < 100 {
			t.Errorf("on the demo data, %d values tried, unreadable: %v", n, bad)
		}
		t.Logf("%d encrypted values tried in %d columns", n, len(listed))
	})
}
