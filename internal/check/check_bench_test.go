package check_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// benchScheme is a database with 500 published alerts each naming a phone
// number, and 20,000 earlier checks by the fixture's member in the log.
func benchScheme(b *testing.B, d store.Dialect) (*store.DB, fixture) {
	db := storetest.Open(b, d)
	ctx := context.Background()
	f := setup(b, db, check.Limits{})
	db.SetClock(time.Now) // the checks are logged now, as the service's day and minute are counted
	for i := range 500 {
		a, err := db.Alerts.CreateAlert(ctx, "coord", scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.",
			Identifiers: []scheme.Identifier{{Kind: "phone", Value: "x", Normalised: fmt.Sprintf("+4477009%05d", i)}}},
			Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now(), Regions: []string{"london"}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord", a.ID, store.PublishOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	q := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at)
		SELECT 'c' || i, $1, 'web', 'phone', randomblob(32), 0, $2 FROM n`
	if d == store.Postgres {
		q = `INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at)
			SELECT 'c' || i, $1, 'web', 'phone', sha256(i::text::bytea), 0, $2 FROM generate_series(1, 20000) i`
	}
	if _, err := db.Writer().ExecContext(ctx, q, f.member.ID, time.Now().Add(-48*time.Hour).UTC()); err != nil {
		b.Fatal(err)
	}
	return db, f
}

// busyDay logs n checks by member earlier today (an hour ago, or just
// after midnight), as if she had already made them.
func busyDay(b *testing.B, db *store.DB, d store.Dialect, member string, n int) {
	now := time.Now().UTC()
	at := now.Add(-time.Hour)
	if midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 1, 0, time.UTC); at.Before(midnight) {
		at = midnight
	}
	q := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $3)
		INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at)
		SELECT 'today' || i, $1, 'web', 'phone', randomblob(32), 0, $2 FROM n`
	if d == store.Postgres {
		q = `INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at)
			SELECT 'today' || i, $1, 'web', 'phone', sha256(i::text::bytea), 0, $2 FROM generate_series(1, $3::int) i`
	}
	if _, err := db.Writer().ExecContext(context.Background(), q, member, at, n); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkMemberCheck is one member's check (normalise, allowance,
// look-up, log, grant) on SQLite, one after another: half the values are
// in an alert, half in none.
func BenchmarkMemberCheck(b *testing.B) {
	db, f := benchScheme(b, store.SQLite)
	ctx := context.Background()
	svc := check.New(db, time.UTC, check.Limits{PerDay: 1 << 30, PerMinute: 1 << 30})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := svc.Member(ctx, f.member, check.ChannelWeb, "", fmt.Sprintf("07700 9%05d", i%1000)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemberCheckBusyDay is BenchmarkMemberCheck by a member who has
// already made 1,000 checks today: what her allowance costs to count.
func BenchmarkMemberCheckBusyDay(b *testing.B) {
	db, f := benchScheme(b, store.SQLite)
	busyDay(b, db, store.SQLite, f.member.ID, 1000)
	ctx := context.Background()
	svc := check.New(db, time.UTC, check.Limits{PerDay: 1 << 30, PerMinute: 1 << 30})
	left := -1
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r, err := svc.Member(ctx, f.member, check.ChannelWeb, "", fmt.Sprintf("07700 9%05d", i%1000))
		if err != nil {
			b.Fatal(err)
		}
		left = r.Left
	}
	b.StopTimer()
	if n, err := svc.Left(ctx, f.member); err != nil || n != left || 1<<30-n < 1001 {
		b.Fatalf("%d checks left (%v) after the run, %d by its last check: the 1,000 made earlier today were not counted", n, err, left)
	}
}

// BenchmarkMemberChecksParallel is many members checking at once (64
// goroutines per core, as an HTTP server's handlers would), on each
// database: the checks that meet at the writer share its commit. It
// reports checks/s.
func BenchmarkMemberChecksParallel(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == store.Postgres && !storetest.HavePostgres() {
				b.Skip("no PostgreSQL")
			}
			db, _ := benchScheme(b, d)
			ctx := context.Background()
			acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
			if err != nil {
				b.Fatal(err)
			}
			var members []scheme.User
			for i := range 32 {
				name := fmt.Sprintf("bench%02d", i)
				a, err := acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: name, Password: "a long test passphrase",
					WorkName: "Test " + name, Email: name + "@example.org", Regions: []string{"london"}, TermsVersion: 1})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
					b.Fatal(err)
				}
				u, err := db.Accounts.UserByUsername(ctx, name)
				if err != nil {
					b.Fatal(err)
				}
				members = append(members, u)
			}
			svc := check.New(db, time.UTC, check.Limits{PerDay: 1 << 30, PerMinute: 1 << 30})
			var next atomic.Int64
			b.SetParallelism(64)
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1)
					if _, err := svc.Member(ctx, members[i%int64(len(members))], check.ChannelAPI, "", fmt.Sprintf("07700 9%05d", i%1000)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "checks/s")
		})
	}
}
