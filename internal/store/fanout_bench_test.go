package store_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"uglymugs/internal/notify"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// fanOutBenchMembers is how many members the targeted fan-out benchmark
// has: a thirteenth of them in each region, and one in thirty more in
// London as a second region, so that London holds about 11 % of them (as
// in the full-scale benchmark) and some members are in two regions.
const fanOutBenchMembers = 50_000

// BenchmarkFanOutTargeted fans out alerts among 50,000 members, from
// publishing's commit to the last batch, beside the floor: a bare
// INSERT…SELECT of as many rows as the London alert reaches. "london"
// names one region (about 11 % of members), "london-camden" a town in it
// (a quarter of London's members chose Camden, a quarter Hackney, the
// others no town: three quarters of London), and
// "nationwide" everyone. Each alert is deleted, untimed, after it is
// checked: every recipient and delivery its audience counted, no more.
func BenchmarkFanOutTargeted(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	bulkMembers(b, db, fanOutBenchMembers)
	w := db.Writer()
	for _, q := range []string{
		`INSERT INTO profile_regions (user_id, region) SELECT id, 'london' FROM users WHERE role = 'member' AND rowid % 30 = 7 ON CONFLICT DO NOTHING`,
		`INSERT INTO towns (slug, region, name, position) VALUES ('camden', 'london', 'Camden', 1), ('hackney', 'london', 'Hackney', 2)`,
		`INSERT INTO profile_towns (user_id, town) SELECT user_id, 'camden' FROM profile_regions WHERE region = 'london' AND user_id < '4'`,
		`INSERT INTO profile_towns (user_id, town) SELECT user_id, 'hackney' FROM profile_regions WHERE region = 'london' AND user_id >= 'c'`,
		`ANALYZE`,
	} {
		if _, err := w.ExecContext(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var london int
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM profile_regions WHERE region = 'london'`).Scan(&london); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d members, %d in London", fanOutBenchMembers, london)

	b.Run("floor", func(b *testing.B) {
		if _, err := w.ExecContext(ctx, `CREATE TABLE bench_floor (alert_id TEXT NOT NULL, user_id TEXT NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (alert_id, user_id))`); err != nil {
			b.Fatal(err)
		}
		var used time.Duration
		for b.Loop() {
			t := cpuTime()
			if _, err := w.ExecContext(ctx, `INSERT INTO bench_floor SELECT 'floor', id, $1 FROM users LIMIT $2`, time.Now().UTC(), london); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			used += cpuTime() - t
			if _, err := w.ExecContext(ctx, `DELETE FROM bench_floor`); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(used.Milliseconds())/float64(b.N), "cpu-ms/op")
		if _, err := w.ExecContext(ctx, `DROP TABLE bench_floor`); err != nil {
			b.Fatal(err)
		}
	})
	for _, tc := range []struct {
		name       string
		nationwide bool
		regions    []string
		towns      []string
	}{
		{name: "london", regions: []string{"london"}},
		{name: "london-camden", regions: []string{"london"}, towns: []string{"camden"}},
		{name: "nationwide", nationwide: true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var used time.Duration
			for b.Loop() {
				b.StopTimer()
				a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
					AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag."},
					Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
					Nationwide: tc.nationwide, Regions: tc.regions, Towns: tc.towns,
				})
				if err != nil {
					b.Fatal(err)
				}
				aud, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t := cpuTime()
				for {
					done, err := db.Deliveries.FanOutAlert(ctx, a.ID, benchBatch())
					if err != nil {
						b.Fatal(err)
					}
					if done {
						break
					}
				}
				b.StopTimer()
				used += cpuTime() - t
				counts, err := db.Deliveries.DeliveryCounts(ctx, a.ID)
				if err != nil {
					b.Fatal(err)
				}
				if counts["in_app"]["delivered"] != aud.InApp || counts["email"]["queued"] != aud.Email || counts["sms"]["queued"] != aud.SMS {
					b.Fatalf("fan-out made %v, audience %+v", counts, aud)
				}
				b.ReportMetric(float64(aud.InApp), "recipients")
				if _, err := w.ExecContext(ctx, `DELETE FROM alerts WHERE id = $1`, a.ID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(used.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the CPU time this process has used: beside the wall-clock
// time, a figure the other work on a shared machine disturbs less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchBatch is the fan-out's batch: notify's default, or FANOUT_BATCH's
// (to compare sizes in one sitting).
func benchBatch() int {
	if n, err := strconv.Atoi(os.Getenv("FANOUT_BATCH")); err == nil {
		return n
	}
	return notify.DefaultFanOutBatch
}
