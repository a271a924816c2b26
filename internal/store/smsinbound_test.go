package store_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// An inbound SMS's message id is first seen once: every later request with
// it is a replay, until the retention job sweeps it after a day. Only a
// keyed hash of the id is stored.
func TestFirstSMSInbound_ARepeatIsAReplayUntilSweptAfterADay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
		db.SetClock(c.now)
		const sid = "SM0123456789abcdef0123456789abcdef"
		first := func(want bool, when string) {
			t.Helper()
			got, err := db.Checks.FirstSMSInbound(ctx, sid)
			if err != nil || got != want {
				t.Fatalf("%s: first %v (%v), want %v", when, got, err, want)
			}
		}
		first(true, "new")
		first(false, "at once again")
		if got, err := db.Checks.FirstSMSInbound(ctx, "SM"+sid[2:]+"0"); err != nil || !got {
			t.Errorf("another id: first %v (%v), want true", got, err)
		}
		var stored int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_inbound_seen WHERE sid_idx = $1`, []byte(sid)).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("the id is stored as given (%d rows, %v)", stored, err)
		}

		// Within the day the retention job keeps it.
		c.add(store.SMSSeenFor - time.Minute)
		if p, err := db.ApplyRetention(ctx, store.Retention{}); err != nil || p.SMSInbound != 0 {
			t.Fatalf("retention within the day swept %d (%v)", p.SMSInbound, err)
		}
		first(false, "23 h 59 min later")
		// After a day it goes, and with it the memory of the id.
		c.add(2 * time.Minute)
		if p, err := db.ApplyRetention(ctx, store.Retention{}); err != nil || p.SMSInbound != 2 {
			t.Fatalf("retention after a day swept %d (%v), want 2", p.SMSInbound, err)
		}
		first(true, "after the sweep")
	})
}
