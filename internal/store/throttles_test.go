package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"uglymugs/internal/scheme"
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
			ok, wait, err := db.Sessions.Throttle(ctx, addr, 6*time.Second, 3)
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

func TestThrottle_RefundGivesBackOneTry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		try := func() bool {
			t.Helper()
			ok, _, err := db.Sessions.Throttle(ctx, "signin\x00m.pearl", time.Minute, 2)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		first, second, third := try(), try(), try()
		if !first || !second || third {
			t.Fatalf("tries allowed %v %v %v; want two, then a refusal", first, second, third)
		}
		if err := db.Sessions.Refund(ctx, "signin\x00m.pearl", time.Minute); err != nil {
			t.Fatal(err)
		}
		if !try() {
			t.Error("refused right after a try was given back")
		}
		if try() {
			t.Error("a refund gave back more than one try")
		}
		if err := db.Sessions.Refund(ctx, "signin\x00nobody", time.Minute); err != nil {
			t.Errorf("a refund for a key with no row: %v", err)
		}
	})
}

// TestPasswordReset_MessagesLimitedPerUsernameAndCheckedByUsername: the
// store counts reset requests per username in the transaction that queues
// the code (unknown usernames alike), and finds the code by username.
func TestPasswordReset_MessagesLimitedPerUsernameAndCheckedByUsername(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		a := apply(t, db, individual("m.opal", "opal@example.org", ""))
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		req := func(username, userID, code string) bool {
			t.Helper()
			h := sha256.Sum256([]byte(code))
			sent, err := db.Accounts.StartPasswordReset(ctx, store.ResetRequest{Username: username, UserID: userID, Code: code, CodeHash: h[:],
				TTL: 30 * time.Minute, Every: 20 * time.Minute, Burst: 3, URL: "https://uglymugs.example.org/signin"})
			if err != nil {
				t.Fatal(err)
			}
			return sent
		}
		var sent int
		for i := range 10 {
			if req("m.opal", a.UserID, fmt.Sprintf("CODE%d", i)) {
				sent++
			}
			req("nobody.here", "", "NOCODE")
		}
		var queued int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND template = 'password_reset_code'`, a.UserID).Scan(&queued); err != nil {
			t.Fatal(err)
		}
		if sent != 3 || queued != 3 {
			t.Errorf("10 requests: %d sent, %d queued; want 3", sent, queued)
		}
		now = now.Add(20 * time.Minute)
		if !req("m.opal", a.UserID, "LATER") {
			t.Error("20 minutes on, no message")
		}
		hash := func(code string) []byte { h := sha256.Sum256([]byte(code)); return h[:] }
		for _, who := range []string{"nobody.here", "M.OPAL"} {
			if err := db.Accounts.FinishPasswordReset(ctx, who, hash("LATER"), 5, "$argon2id$new", ""); scheme.ErrorCode(err) != scheme.CodeInvalid {
				t.Errorf("the code for %q: %v, want invalid", who, err)
			}
		}
		if err := db.Accounts.FinishPasswordReset(ctx, "m.opal", hash("CODE2"), 5, "$argon2id$new", ""); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("an earlier, replaced code: %v, want invalid", err)
		}
		if err := db.Accounts.FinishPasswordReset(ctx, "m.opal", hash("LATER"), 5, "$argon2id$new", ""); err != nil {
			t.Errorf("the latest code: %v", err)
		}
		l, err := db.Sessions.LoginByUsername(ctx, "m.opal")
		if err != nil || l.PasswordHash != "$argon2id$new" {
			t.Errorf("password after the reset: %q %v", l.PasswordHash, err)
		}
	})
}
