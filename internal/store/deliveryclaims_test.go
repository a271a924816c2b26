package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// statusCounts counts an alert's email deliveries by status and attempts.
func statusCounts(t *testing.T, db *store.DB, alertID string) map[string]int {
	t.Helper()
	rows, err := db.Writer().QueryContext(context.Background(), `SELECT status, attempts FROM alert_deliveries WHERE alert_id = $1 AND channel = 'email'`, alertID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var status string
		var attempts int
		if err := rows.Scan(&status, &attempts); err != nil {
			t.Fatal(err)
		}
		out[status]++
		if attempts != 0 {
			out["attempted"]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// A group of marks is written by its keys: exactly the deliveries named
// are marked sent, however many, and the rest of the claim stays as it was.
func TestDeliveries_MarkSentMarksExactlyTheGroupNamed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.SeedMembers(ctx, 400, "$argon2id$test", nil); err != nil {
			t.Fatal(err)
		}
		a, _ := publish(t, db, true, nil, nil, nil)
		fanOut(t, db, a.ID, 1000)
		ds, err := db.Deliveries.ClaimDeliveries(ctx, "email", "", 1000, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) < 100 {
			t.Fatalf("claimed %d emails of 400 members; about half want them", len(ds))
		}
		for _, d := range ds {
			if !d.Wanted || !strings.HasSuffix(d.To, "@example.org") {
				t.Fatalf("claimed %+v", d)
			}
		}
		half := len(ds) / 2
		if err := db.Deliveries.MarkSent(ctx, ds[:half]); err != nil {
			t.Fatal(err)
		}
		// Marking again, with one more, changes only the one more.
		if err := db.Deliveries.MarkSent(ctx, ds[:half+1]); err != nil {
			t.Fatal(err)
		}
		got := statusCounts(t, db, a.ID)
		if got["sent"] != half+1 || got["sending"] != len(ds)-half-1 || got["attempted"] != len(ds) {
			t.Errorf("after marking %d of %d: %v", half+1, len(ds), got)
		}
		for _, d := range ds[:half+1] {
			var status string
			if err := db.Writer().QueryRowContext(ctx, `SELECT status FROM alert_deliveries WHERE alert_id = $1 AND user_id = $2 AND channel = 'email'`,
				d.AlertID, d.UserID).Scan(&status); err != nil || status != "sent" {
				t.Fatalf("%s: %q %v", d.UserID, status, err)
			}
		}
	})
}

// An address that cannot be opened (a damaged value) fails the claim and
// hands the whole batch back as it was, no attempt counted: nothing is
// left "sending" under a sender that never got it.
func TestDeliveries_AnAddressThatCannotBeOpenedHandsTheBatchBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.SeedMembers(ctx, 60, "$argon2id$test", nil); err != nil {
			t.Fatal(err)
		}
		a, _ := publish(t, db, true, nil, nil, nil)
		fanOut(t, db, a.ID, 1000)
		before := statusCounts(t, db, a.ID)
		if before["queued"] == 0 {
			t.Fatal("no email deliveries")
		}
		// Damage one recipient's sealed address (flip its last byte).
		var victim string
		var ct []byte
		if err := db.Writer().QueryRowContext(ctx, `SELECT d.user_id, p.email_ct FROM alert_deliveries d JOIN profiles p ON p.user_id = d.user_id
			WHERE d.alert_id = $1 AND d.channel = 'email' ORDER BY d.user_id LIMIT 1`, a.ID).Scan(&victim, &ct); err != nil {
			t.Fatal(err)
		}
		ct[len(ct)-1] ^= 1
		if _, err := db.Writer().ExecContext(ctx, `UPDATE profiles SET email_ct = $1 WHERE user_id = $2`, ct, victim); err != nil {
			t.Fatal(err)
		}
		if ds, err := db.Deliveries.ClaimDeliveries(ctx, "email", "", 1000, time.Minute); err == nil {
			t.Fatalf("claimed %d with a damaged address; want an error", len(ds))
		}
		if after := statusCounts(t, db, a.ID); after["queued"] != before["queued"] || after["sending"] != 0 || after["attempted"] != 0 {
			t.Errorf("after the failed claim: %v; before: %v", after, before)
		}
	})
}
