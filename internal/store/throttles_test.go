package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestThrottle_BurstThenOneEveryIntervalPerAddressStoredHashed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		try := func(addr string) (bool, time.Duration) {
			t.Helper()
			ok, wait, err := db.Throttle(ctx, addr, 6*time.Second, 3)
			if err != nil {
				t.Fatal(err)
			}
			return ok, wait
		}
		for i := range 3 {
			if ok, _ := try("192.0.2.10"); !ok {
				t.Fatalf("try %d of the burst refused", i+1)
			}
		}
		ok, wait := try("192.0.2.10")
		if ok || wait <= 0 || wait > 6*time.Second {
			t.Fatalf("the fourth try: allowed %v, wait %v; want refused with a wait up to 6 s", ok, wait)
		}
		if ok, _ := try("192.0.2.11"); !ok {
			t.Error("another address was refused")
		}
		now = now.Add(6 * time.Second)
		if ok, _ := try("192.0.2.10"); !ok {
			t.Error("refused after the interval")
		}
		if ok, _ := try("192.0.2.10"); ok {
			t.Error("two tries allowed in one interval after the burst")
		}
		rows, err := db.Writer().QueryContext(ctx, `SELECT key_idx FROM throttles`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k []byte
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(k, []byte("192.0.2")) {
				t.Errorf("an address is stored in the clear: %q", k)
			}
		}
		// A minute on, the full allowances are swept away.
		now = now.Add(2 * time.Minute)
		try("192.0.2.12")
		var n int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM throttles`).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d rows after the sweep (%v), want the new address's only", n, err)
		}
	})
}
