package stats

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCache_CountsEachFilterOnceForItsReaders(t *testing.T) {
	c := NewCache(4, time.Hour, 2*time.Hour)
	var counted atomic.Int32
	release := make(chan struct{})
	count := func(_ context.Context, f Filter) (Figures, error) {
		counted.Add(1)
		<-release
		return Figures{Filter: f, Members: MemberFigures{ByType: map[string]int{"individual": 12}}}, nil
	}
	june := Filter{To: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), ExcludeRejected: true}
	// Twenty readers at once, while the first count is under way.
	var wg sync.WaitGroup
	got := make([]Figures, 20)
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = c.Figures(context.Background(), june, count); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(20 * time.Millisecond) // let them all ask before the count ends
	close(release)
	wg.Wait()
	for i, f := range got {
		if f.Members.ByType["individual"] != 12 {
			t.Fatalf("reader %d got %+v", i, f.Members)
		}
	}
	// Kept: asking again counts nothing.
	if _, err := c.Figures(context.Background(), june, count); err != nil {
		t.Fatal(err)
	}
	if n := counted.Load(); n != 1 {
		t.Errorf("counted %d times for 21 readers of one filter; want once", n)
	}
	// The same instant in another zone is the same filter; another
	// filter is counted on its own.
	london, _ := time.LoadLocation("Europe/London")
	if _, err := c.Figures(context.Background(), Filter{To: june.To.In(london), ExcludeRejected: true}, count); err != nil {
		t.Fatal(err)
	}
	if n := counted.Load(); n != 1 {
		t.Errorf("the same instant in London's zone was counted again (%d counts)", n)
	}
	for _, f := range []Filter{{To: june.To}, {To: june.To, ExcludeRejected: true, Region: "london"}, {From: june.To, ExcludeRejected: true}} {
		if _, err := c.Figures(context.Background(), f, count); err != nil {
			t.Fatal(err)
		}
	}
	if n := counted.Load(); n != 4 {
		t.Errorf("three more filters made %d counts in all; want 4", n)
	}
}

func TestCache_KeepsNoFailureAndCountsAgainBehindTheReader(t *testing.T) {
	c := NewCache(4, 30*time.Millisecond, time.Hour)
	var calls atomic.Int32
	var fail atomic.Bool
	fail.Store(true)
	count := func(context.Context, Filter) (Figures, error) {
		n := calls.Add(1)
		if fail.Load() {
			return Figures{}, errors.New("database gone")
		}
		return Figures{Members: MemberFigures{ByType: map[string]int{"individual": int(n)}}}, nil
	}
	members := func(f Figures) int { return f.Members.ByType["individual"] }
	f := Filter{ExcludeRejected: true}
	if _, err := c.Figures(context.Background(), f, count); err == nil {
		t.Fatal("a failed count was not reported")
	}
	fail.Store(false)
	got, err := c.Figures(context.Background(), f, count)
	if err != nil || members(got) != 2 {
		t.Fatalf("after a failure the next reader got %+v, %v; want a fresh count", got.Members, err)
	}
	if again, _ := c.Figures(context.Background(), f, count); members(again) != 2 || calls.Load() != 2 {
		t.Fatalf("fresh figures were counted again: %+v (%d counts)", again.Members, calls.Load())
	}
	// Past their freshness the kept figures are still served at once,
	// and counted again in the background for the readers after.
	time.Sleep(50 * time.Millisecond)
	if old, _ := c.Figures(context.Background(), f, count); members(old) != 2 {
		t.Errorf("the reader after the figures aged was made to wait for a count: %+v", old.Members)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if now, _ := c.Figures(context.Background(), f, count); members(now) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("aged figures were never counted again (%d counts)", calls.Load())
		}
	}
}

func TestCache_TooOldIsNotServed(t *testing.T) {
	c := NewCache(4, 10*time.Millisecond, 30*time.Millisecond)
	var calls int
	count := func(context.Context, Filter) (Figures, error) {
		calls++
		return Figures{Members: MemberFigures{ByType: map[string]int{"individual": calls}}}, nil
	}
	if _, err := c.Figures(context.Background(), Filter{}, count); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if got, _ := c.Figures(context.Background(), Filter{}, count); got.Members.ByType["individual"] != 2 {
		t.Errorf("figures older than stale were served: %+v", got.Members)
	}
}

func TestCache_AReaderGivingUpDoesNotFailTheCount(t *testing.T) {
	c := NewCache(4, time.Hour, 2*time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, err := c.Figures(ctx, Filter{}, func(ctx context.Context, _ Filter) (Figures, error) {
		return Figures{Members: MemberFigures{ByType: map[string]int{"individual": 1}}}, ctx.Err()
	})
	if err != nil || got.Members.ByType["individual"] != 1 {
		t.Errorf("a reader's cancelled context reached the count: %+v, %v", got.Members, err)
	}
}
