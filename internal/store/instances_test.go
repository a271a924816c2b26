package store_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
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
			if err := db.EnqueueTx(ctx, tx, outbox.SendArgs{ID: owner}, nil); err != nil {
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
		n, _, err := db.RescueOrphanedJobs(ctx, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 || state(running["dead"]) != "available" || state(running["alive"]) != "running" {
			t.Fatalf("rescued %d: dead's job %s, alive's job %s; want 1, available, running", n, state(running["dead"]), state(running["alive"]))
		}
		now = now.Add(11 * time.Second) // now "alive" is silent too
		if n, _, err = db.RescueOrphanedJobs(ctx, 10*time.Second); err != nil || n != 1 || state(running["alive"]) != "available" {
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

// The alert deliveries a process had claimed go back, due at once, as soon
// as its heartbeat stops (not after the claims' age gives them away, ten
// minutes later); a live process keeps its claims. A handed-back delivery
// is claimed again as the same delivery, its earlier attempt counted, and
// the dead process's late mark cannot overwrite the new claim.
func TestRescueOrphanedJobs_HandsBackTheDeliveriesOfSilentProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now().UTC().Truncate(time.Second)}
		db.SetClock(c.now)
		population(t, db, people)
		a, _ := publish(t, db, false, []string{"london"}, []string{"street"}, []string{"woman"})
		fanOut(t, db, a.ID, 100)
		const stale, orphan = 10 * time.Minute, 10 * time.Second

		for _, id := range []string{"dead", "alive"} {
			if err := db.Heartbeat(ctx, id, c.t); err != nil {
				t.Fatal(err)
			}
		}
		byDead, err := db.Deliveries.ClaimDeliveries(ctx, "sms", "dead", 100, stale)
		if err != nil || len(byDead) == 0 {
			t.Fatalf("claim by dead: %d, %v", len(byDead), err)
		}
		byAlive, err := db.Deliveries.ClaimDeliveries(ctx, "email", "alive", 100, stale)
		if err != nil || len(byAlive) == 0 {
			t.Fatalf("claim by alive: %d, %v", len(byAlive), err)
		}
		// "dead" stops beating; "alive" goes on.
		c.add(30 * time.Second)
		if err := db.Heartbeat(ctx, "alive", c.t); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Deliveries.ClaimDeliveries(ctx, "sms", "alive", 100, stale); len(got) != 0 {
			t.Fatalf("claimed %d of a silent process's deliveries before they were handed back", len(got))
		}
		_, claims, err := db.RescueOrphanedJobs(ctx, orphan)
		if err != nil || claims != int64(len(byDead)) {
			t.Fatalf("handed back %d claims (%v); want the %d of the silent process", claims, err, len(byDead))
		}
		if next, ok, err := db.Deliveries.NextDeliveryAt(ctx, "sms", stale); err != nil || !ok || next.After(c.t) {
			t.Errorf("SMS next due %v %v %v; want now, %v", next, ok, err, c.t)
		}
		if got, _ := db.Deliveries.ClaimDeliveries(ctx, "email", "alive", 100, stale); len(got) != 0 {
			t.Errorf("a live process's %d claims were handed back", len(got))
		}
		again, err := db.Deliveries.ClaimDeliveries(ctx, "sms", "alive", 100, stale)
		if err != nil || len(again) != len(byDead) {
			t.Fatalf("claimed %d of the %d handed back (%v)", len(again), len(byDead), err)
		}
		refs := map[string]int{}
		for _, d := range byDead {
			refs[d.Ref()] = d.Attempts
		}
		for _, d := range again {
			if n, ok := refs[d.Ref()]; !ok || d.Attempts != n+1 {
				t.Errorf("claimed again: %s attempt %d; want one of the dead process's, attempt %d", d.Ref(), d.Attempts, n+1)
			}
		}
		// The dead process's late word does not undo the new claim.
		if err := db.Deliveries.MarkDelivery(ctx, byDead[0], outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: "late"}); err != nil {
			t.Fatal(err)
		}
		counts, _ := db.Deliveries.DeliveryCounts(ctx, a.ID)
		if counts["sms"]["sending"] != len(byDead) || counts["sms"]["failed"] != 0 {
			t.Errorf("SMS %v after the dead process's late mark; want all %d sending", counts["sms"], len(byDead))
		}
		// Now "alive" falls silent too, and its claims go back as well.
		c.add(orphan + time.Second)
		if _, claims, err := db.RescueOrphanedJobs(ctx, orphan); err != nil || claims != int64(len(byDead)+len(byAlive)) {
			t.Errorf("after the second process fell silent: %d claims handed back (%v); want %d", claims, err, len(byDead)+len(byAlive))
		}
		// A claim with no claimant waits for staleAfter, as before.
		anon, err := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, stale)
		if err != nil || len(anon) != len(byAlive) {
			t.Fatalf("claimed %d email without a claimant (%v)", len(anon), err)
		}
		c.add(time.Minute)
		if _, claims, err := db.RescueOrphanedJobs(ctx, orphan); err != nil || claims != 0 {
			t.Errorf("handed back %d claims with no claimant (%v)", claims, err)
		}
	})
}
