package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// dayCounts reads an asker's day as the counter row holds it (-1 when
// there is none) and as the log counts it.
func dayCounts(t *testing.T, db *store.DB, col, who string, day time.Time) (counter, logged int) {
	t.Helper()
	ctx := context.Background()
	table := map[string]string{"user_id": "check_days_user", "api_key_id": "check_days_key"}[col]
	counter = -1
	rows, err := db.Writer().QueryContext(ctx, `SELECT n FROM `+table+` WHERE `+col+` = $1 AND day = $2`, who, day.UTC())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		if err := rows.Scan(&counter); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM checks WHERE `+col+` = $1 AND checked_at >= $2`, who, day.UTC()).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	return counter, logged
}

func TestCheckDays_TheCounterIsTheDaysLogAfterAMixedGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		db.SetClock(func() time.Time { return now })
		day := now.Add(-time.Hour)
		ids := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}},
			{name: "bea", kind: "individual", regions: []string{"london"}}})
		key, _, err := db.Sessions.CreateAPIKey(ctx, "admin-1", "Example Adverts Ltd", 60, 5000)
		if err != nil {
			t.Fatal(err)
		}
		// Ana runs into her day's allowance, Bea into her minute's, the
		// key into its day's: accepted and refused checks, all at once.
		askers := []struct {
			col, who          string
			each, perDay, per int
			accepted          int
		}{
			{"user_id", ids["ana"], 9, 6, 100, 6},
			{"user_id", ids["bea"], 7, 100, 4, 4},
			{"api_key_id", key.ID, 8, 5, 100, 5},
		}
		for round := 1; round <= 2; round++ {
			var checks []store.Check
			for i := range 9 {
				for _, a := range askers {
					if i >= a.each {
						continue
					}
					c := store.Check{Channel: "api", Kind: "email", Normalised: fmt.Sprintf("r%d.%d@example.org", round, i),
						PerDay: a.perDay, PerMinute: a.per, DayStart: day}
					if a.col == "user_id" {
						c.UserID = a.who
					} else {
						c.KeyID, c.Channel = a.who, "partner"
					}
					checks = append(checks, c)
				}
			}
			outs, errs := checksAtOnce(ctx, db, checks)
			accepted := map[string]int{}
			for i, out := range outs {
				if errs[i] != nil {
					t.Fatalf("round %d, check %d: %v", round, i, errs[i])
				}
				if !out.Limited {
					accepted[checks[i].UserID+checks[i].KeyID]++
				}
			}
			for _, a := range askers {
				want := a.accepted
				if round == 2 { // every allowance was already used
					want = 0
				}
				if accepted[a.who] != want {
					t.Errorf("round %d: %s accepted %d checks, want %d", round, a.col, accepted[a.who], want)
				}
				counter, logged := dayCounts(t, db, a.col, a.who, day)
				if counter != a.accepted || logged != a.accepted {
					t.Errorf("round %d: %s's counter holds %d, the log %d; want both %d", round, a.col, counter, logged, a.accepted)
				}
			}
			if n, err := db.Checks.ChecksToday(ctx, ids["ana"], day); err != nil || n != 6 {
				t.Errorf("round %d: ChecksToday %d (%v), want 6", round, n, err)
			}
		}
	})
}

func TestCheckDays_ADayBegunBeforeItsCounterCountsTheLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		db.SetClock(func() time.Time { return now })
		day := now.Add(-time.Hour)
		ana := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}}})["ana"]
		// Four checks logged this morning before the counters were kept
		// (as when migration 0032 runs mid-day), one yesterday.
		for i, at := range []time.Time{day.Add(-time.Minute), day, day.Add(time.Minute), day.Add(2 * time.Minute), day.Add(3 * time.Minute)} {
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at)
				VALUES ($1, $2, 'web', 'phone', $3, 0, $4)`, fmt.Sprintf("before-%d", i), ana, []byte{byte(i)}, at.UTC()); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.Checks.ChecksToday(ctx, ana, day); err != nil || n != 4 {
			t.Fatalf("ChecksToday before any counted check: %d (%v), want 4", n, err)
		}
		c := store.Check{UserID: ana, Channel: "web", Kind: "email", Normalised: "ana@example.org", PerDay: 6, PerMinute: 10, DayStart: day}
		for i, want := range []int{5, 6} {
			out, err := db.Checks.RunCheck(ctx, c)
			if err != nil || out.Limited || out.Used != want {
				t.Fatalf("check %d: %+v (%v), want allowed as the day's %dth", i, out, err, want)
			}
		}
		if out, err := db.Checks.RunCheck(ctx, c); err != nil || !out.Limited || !out.Daily || out.Used != 6 {
			t.Errorf("the seventh check of the day: %+v (%v), want refused, 6 used", out, err)
		}
		if counter, logged := dayCounts(t, db, "user_id", ana, day); counter != 6 || logged != 6 {
			t.Errorf("counter %d, log %d, want 6 each", counter, logged)
		}
	})
}

func TestCheckDays_PrunedWithTheLogAndGoneWithTheMember(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		db.SetClock(func() time.Time { return now })
		ids := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}},
			{name: "bea", kind: "individual", regions: []string{"london"}}})
		yesterday, today := now.Add(-25*time.Hour), now.Add(-time.Hour)
		for _, day := range []time.Time{yesterday, today} {
			db.SetClock(func() time.Time { return day.Add(time.Minute) })
			for _, who := range []string{"ana", "bea"} {
				for i := range 3 {
					if _, err := db.Checks.RunCheck(ctx, store.Check{UserID: ids[who], Channel: "web", Kind: "email",
						Normalised: fmt.Sprintf("v%d@example.org", i), PerDay: 50, PerMinute: 10, DayStart: day}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		db.SetClock(func() time.Time { return now })
		if n, err := db.Checks.PurgeChecks(ctx, today); err != nil || n != 6 {
			t.Fatalf("purged %d checks (%v), want yesterday's 6", n, err)
		}
		if counter, logged := dayCounts(t, db, "user_id", ids["ana"], yesterday); counter != -1 || logged != 3 {
			t.Errorf("yesterday after the purge: counter %d, log %d since yesterday; want no row, today's 3", counter, logged)
		}
		if counter, logged := dayCounts(t, db, "user_id", ids["ana"], today); counter != 3 || logged != 3 {
			t.Errorf("today after the purge: counter %d, log %d, want 3 each", counter, logged)
		}
		// A log kept less than a day loses part of today: the counter
		// goes too, and today counts what the log still holds.
		db.SetClock(func() time.Time { return today.Add(2 * time.Minute) })
		if _, err := db.Checks.RunCheck(ctx, store.Check{UserID: ids["ana"], Channel: "web", Kind: "email",
			Normalised: "later@example.org", PerDay: 50, PerMinute: 10, DayStart: today}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Checks.PurgeChecks(ctx, today.Add(90*time.Second)); err != nil {
			t.Fatal(err)
		}
		if n, err := db.Checks.ChecksToday(ctx, ids["ana"], today); err != nil || n != 1 {
			t.Errorf("ChecksToday after a purge within the day: %d (%v), want the 1 still logged", n, err)
		}
		out, err := db.Checks.RunCheck(ctx, store.Check{UserID: ids["ana"], Channel: "web", Kind: "email",
			Normalised: "again@example.org", PerDay: 50, PerMinute: 10, DayStart: today})
		if err != nil || out.Used != 2 {
			t.Errorf("the next check: %+v (%v), want the day's 2nd", out, err)
		}
		if err := db.Accounts.Leave(ctx, ids["bea"]); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM check_days_user WHERE user_id = $1`, ids["bea"]).Scan(&left); err != nil || left != 0 {
			t.Errorf("%d counter rows (%v) after she left, want none", left, err)
		}
	})
}

func TestCheckDays_AMinuteAcrossMidnightIsCountedWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ana := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}}})["ana"]
		midnight := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		check := func(at time.Time, i int) store.Check {
			db.SetClock(func() time.Time { return at })
			day := midnight
			if at.Before(midnight) {
				day = midnight.AddDate(0, 0, -1)
			}
			return store.Check{UserID: ana, Channel: "web", Kind: "email", Normalised: fmt.Sprintf("m%d@example.org", i),
				PerDay: 50, PerMinute: 3, DayStart: day}
		}
		first := midnight.Add(-30 * time.Second)
		for i := range 3 {
			if out, err := db.Checks.RunCheck(ctx, check(first.Add(time.Duration(i)*time.Second), i)); err != nil || out.Limited {
				t.Fatalf("check %d before midnight: %+v (%v)", i, out, err)
			}
		}
		// Her first check of the new day is her fourth in the minute.
		out, err := db.Checks.RunCheck(ctx, check(midnight.Add(10*time.Second), 3))
		if err != nil || !out.Limited || out.Daily || !out.FreeAt.Equal(first.Add(time.Minute)) {
			t.Errorf("the fourth check in a minute, after midnight: %+v (%v), want refused until %v", out, err, first.Add(time.Minute))
		}
		if out, err := db.Checks.RunCheck(ctx, check(first.Add(time.Minute+time.Second), 4)); err != nil || out.Limited || out.Used != 1 {
			t.Errorf("once the minute has passed: %+v (%v), want allowed as the day's first", out, err)
		}
	})
}
