package store_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/notify"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// A job left running by a process whose heartbeat stopped is handed back;
// one running under a live process is left alone until that process, too,
// falls silent.
func TestRescueOrphanedJobs_OnlyThoseOfSilentProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		w := db.Writer()
		running := map[string]int64{}
		for _, owner := range []string{"dead", "alive"} {
			tx, err := w.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.EnqueueTx(ctx, tx, notify.SendArgs{ID: owner}, nil); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := w.QueryRowContext(ctx, `SELECT MAX(id) FROM river_job`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			running[owner] = id
			// As River marks a job it fetched: running, attempted by the
			// fetching process.
			set := `UPDATE river_job SET state = 'running', attempt = 1, attempted_by = jsonb_array($1) WHERE id = $2`
			if db.Dialect() == store.Postgres {
				set = `UPDATE river_job SET state = 'running', attempt = 1, attempted_by = ARRAY[$1::text] WHERE id = $2`
			}
			if _, err := w.ExecContext(ctx, set, owner, id); err != nil {
				t.Fatal(err)
			}
		}
		state := func(id int64) string {
			var s string
			if err := w.QueryRowContext(ctx, `SELECT state FROM river_job WHERE id = $1`, id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if err := db.Heartbeat(ctx, "dead", now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(30 * time.Second) // "dead" falls silent
		if err := db.Heartbeat(ctx, "alive", now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		n, err := db.RescueOrphanedJobs(ctx, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || state(running["dead"]) != "available" || state(running["alive"]) != "running" {
			t.Fatalf("rescued %d: dead's job %s, alive's job %s; want 1, available, running", n, state(running["dead"]), state(running["alive"]))
		}
		now = now.Add(11 * time.Second) // now "alive" is silent too
		if n, err = db.RescueOrphanedJobs(ctx, 10*time.Second); err != nil || n != 1 || state(running["alive"]) != "available" {
			t.Fatalf("after the second process fell silent: rescued %d (%v), its job %s", n, err, state(running["alive"]))
		}
		// A process that stops cleanly leaves nothing behind.
		if err := db.ForgetInstance(ctx, "alive"); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM instances WHERE id = 'alive'`).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d rows for a forgotten process (%v)", left, err)
		}
	})
}
