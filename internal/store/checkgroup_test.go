package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// checksAtOnce runs checks all at once, as many handlers would, and
// returns each one's outcome and error, in the order given.
func checksAtOnce(ctx context.Context, db *store.DB, checks []store.Check) ([]scheme.CheckOutcome, []error) {
	outs, errs := make([]scheme.CheckOutcome, len(checks)), make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = db.Checks.RunCheck(ctx, c)
		}()
	}
	wg.Wait()
	return outs, errs
}

func TestRunCheck_ChecksAtOnceShareTheAllowanceExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		db.SetClock(func() time.Time { return now })
		ids := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}},
			{name: "bea", kind: "individual", regions: []string{"london"}}})
		const perDay, each = 20, 35
		var checks []store.Check
		for i := range each {
			for _, who := range []string{"ana", "bea"} {
				checks = append(checks, store.Check{UserID: ids[who], Channel: "api", Kind: "email", Normalised: fmt.Sprintf("%s.%d@example.org", who, i),
					PerDay: perDay, PerMinute: 100, DayStart: now.Add(-time.Hour)})
			}
		}
		outs, errs := checksAtOnce(ctx, db, checks)
		used := map[string][]int{}
		for i, out := range outs {
			if errs[i] != nil {
				t.Fatalf("check %d: %v", i, errs[i])
			}
			who := checks[i].UserID
			switch {
			case !out.Limited:
				used[who] = append(used[who], out.Used)
			case !out.Daily || out.Used != perDay:
				t.Errorf("check %d refused with %+v, want the day's allowance used (%d)", i, out, perDay)
			}
		}
		// Each allowed check counted those before it, in its group too:
		// the counts are 1 to perDay, each once.
		want := make([]int, perDay)
		for i := range want {
			want[i] = i + 1
		}
		for who, got := range used {
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s's allowed checks counted %v, want 1…%d each once", who, got, perDay)
			}
			if n, err := db.Checks.ChecksToday(ctx, who, now.Add(-time.Hour)); err != nil || n != perDay {
				t.Errorf("%s: %d checks logged (%v), want %d", who, n, err, perDay)
			}
		}
		if len(used) != 2 {
			t.Errorf("allowed checks for %d members, want 2", len(used))
		}
	})
}

func TestRunCheck_OneBadCheckFailsAlone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		ids := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}}})
		var checks []store.Check
		for i := range 30 {
			who := ids["ana"]
			if i == 15 {
				who = "no-such-member" // her log row cannot be written
			}
			checks = append(checks, store.Check{UserID: who, Channel: "api", Kind: "email", Normalised: fmt.Sprintf("v%d@example.org", i),
				PerDay: 100, PerMinute: 100, DayStart: now.Add(-time.Hour)})
		}
		outs, errs := checksAtOnce(ctx, db, checks)
		for i := range checks {
			if i == 15 {
				if errs[i] == nil {
					t.Errorf("the check by no member succeeded: %+v", outs[i])
				}
				continue
			}
			if errs[i] != nil || outs[i].Limited {
				t.Errorf("check %d: %+v %v", i, outs[i], errs[i])
			}
		}
		if n, err := db.Checks.ChecksToday(ctx, ids["ana"], now.Add(-time.Hour)); err != nil || n != 29 {
			t.Errorf("%d checks logged (%v), want 29", n, err)
		}
	})
}

func TestRunCheck_AGoneCallerOrAClosedDatabaseGetsAnErrorAndNoRow(t *testing.T) {
	storetest.EachSource(t, func(t *testing.T, src store.Source) {
		ctx := context.Background()
		db, err := store.Open(ctx, src, storetest.Vault(t))
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		ids := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"london"}}})
		c := store.Check{UserID: ids["ana"], Channel: "api", Kind: "email", Normalised: "gone@example.org",
			PerDay: 100, PerMinute: 100, DayStart: now.Add(-time.Hour)}
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := db.Checks.RunCheck(gone, c); !errors.Is(err, context.Canceled) {
			t.Errorf("a check whose caller had gone: %v, want context.Canceled", err)
		}
		if n, err := db.Checks.ChecksToday(ctx, ids["ana"], now.Add(-time.Hour)); err != nil || n != 0 {
			t.Errorf("%d checks logged (%v), want none", n, err)
		}
		if _, err := db.Checks.RunCheck(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Checks.RunCheck(ctx, c); err == nil {
			t.Error("a check after Close succeeded")
		}
	})
}
