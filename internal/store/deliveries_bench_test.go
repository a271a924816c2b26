package store_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/notify"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// benchMembers is how many active members the publishing benchmark has.
const benchMembers = 100_000

// bulkMembers inserts n active individual members straight into SQLite,
// spread over the scheme's regions, with about half choosing email and a
// quarter SMS. The encrypted columns hold stand-in bytes: the fan-out only
// checks that they are there.
func bulkMembers(tb testing.TB, db *store.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	w := db.Writer()
	stmts := []string{
		`WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1)
		INSERT INTO users (id, username_idx, username_ct, role, status, password_hash, created_at)
		SELECT lower(hex(randomblob(16))), randomblob(32), randomblob(40), 'member', 'active', 'x', $2 FROM seq`,
		`INSERT INTO profiles (user_id, membership, work_name_ct, email_ct, mobile_ct, alert_email, alert_sms, gender, sector)
		SELECT id, 'individual', randomblob(40),
			CASE WHEN rowid % 2 = 0 THEN randomblob(48) END,
			CASE WHEN rowid % 4 = 0 THEN randomblob(40) END,
			rowid % 2 = 0, rowid % 4 = 0, 'woman', 'street'
		FROM users WHERE role = 'member'`,
		`INSERT INTO profile_regions (user_id, region)
		SELECT u.id, r.slug FROM users u
		JOIN (SELECT slug, ROW_NUMBER() OVER (ORDER BY slug) - 1 AS k, COUNT(*) OVER () AS total FROM regions) r
			ON u.rowid % r.total = r.k
		WHERE u.role = 'member'`,
		`ANALYZE`,
	}
	for i, q := range stmts {
		var err error
		if i == 0 {
			_, err = w.ExecContext(ctx, q, n, time.Now().UTC())
		} else {
			_, err = w.ExecContext(ctx, q)
		}
		if err != nil {
			tb.Fatalf("bulk members: %v", err)
		}
	}
}

// BenchmarkPublishAlert100k publishes an alert that reaches 100,000
// members and runs its fan-out to the end: 100,000 in-app rows, about
// 50,000 email and 25,000 SMS deliveries queued. "regions" names every
// region (the targeting join per member); "nationwide" skips it.
func BenchmarkPublishAlert100k(b *testing.B) {
	for _, tc := range []struct {
		name       string
		nationwide bool
	}{{"regions", false}, {"nationwide", true}} {
		b.Run(tc.name, func(b *testing.B) {
			db := storetest.Open(b, store.SQLite)
			ctx := context.Background()
			bulkMembers(b, db, benchMembers)
			var regions []string
			if !tc.nationwide {
				rows, err := db.Writer().QueryContext(ctx, `SELECT slug FROM regions`)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					var r string
					rows.Scan(&r)
					regions = append(regions, r)
				}
				rows.Close()
			}
			b.ResetTimer()
			for b.Loop() {
				a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
					AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag."},
					Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
					Nationwide: tc.nationwide, Regions: regions,
				})
				if err != nil {
					b.Fatal(err)
				}
				aud, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if aud.InApp != benchMembers || aud.Email != benchMembers/2 || aud.SMS != benchMembers/4 {
					b.Fatalf("audience %+v", aud)
				}
				for {
					done, err := db.Deliveries.FanOutAlert(ctx, a.ID, notify.DefaultFanOutBatch)
					if err != nil {
						b.Fatal(err)
					}
					if done {
						break
					}
				}
				b.StopTimer()
				counts, err := db.Deliveries.DeliveryCounts(ctx, a.ID)
				if err != nil {
					b.Fatal(err)
				}
				if counts["in_app"]["delivered"] != benchMembers || counts["email"]["queued"] != benchMembers/2 || counts["sms"]["queued"] != benchMembers/4 {
					b.Fatalf("fan-out made %v", counts)
				}
				b.StartTimer()
			}
		})
	}
}
