package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/jobs"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

type noteArgs struct {
	Note string `json:"note"`
}

func (noteArgs) Kind() string { return "test_note" }

// noteWorker reports each note it works; it fails the first attempt of
// notes listed in failFirst, to exercise retries.
type noteWorker struct {
	river.WorkerDefaults[noteArgs]
	seen      chan<- string
	mu        sync.Mutex
	failFirst map[string]bool
}

func (w *noteWorker) Work(ctx context.Context, job *river.Job[noteArgs]) error {
	w.mu.Lock()
	fail := w.failFirst[job.Args.Note] && job.Attempt == 1
	w.mu.Unlock()
	if fail {
		return errors.New("first attempt fails on purpose")
	}
	w.seen <- job.Args.Note
	return nil
}

func startQueue(t *testing.T, db *store.DB, w *noteWorker) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{
		PollInterval: 50 * time.Millisecond,
		RetryPolicy:  quickRetry{},
		Register:     func(ws *river.Workers) { river.AddWorker(ws, w) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	return q
}

type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(10 * time.Millisecond)
}

func enqueue(t *testing.T, db *store.DB, note string, commit bool) {
	t.Helper()
	rollback := errors.New("roll back")
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		if err := db.EnqueueTx(context.Background(), tx, noteArgs{Note: note}, nil); err != nil {
			return err
		}
		if !commit {
			return rollback
		}
		return nil
	})
	if commit && err != nil || !commit && !errors.Is(err, rollback) {
		t.Fatalf("enqueue %q: %v", note, err)
	}
}

// waitFor returns the notes worked until want arrives; it fails the test if
// want has not arrived within a generous bound (a hang guard, not a timing
// assertion).
func waitFor(t *testing.T, seen <-chan string, want string) []string {
	t.Helper()
	var got []string
	deadline := time.After(30 * time.Second)
	for {
		select {
		case n := <-seen:
			got = append(got, n)
			if n == want {
				return got
			}
		case <-deadline:
			t.Fatalf("job %q never ran; saw %v", want, got)
		}
	}
}

func TestQueue_CommittedJobSurvivesRestartAndRolledBackJobNeverRuns(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			ctx := context.Background()
			src := storetest.Source(t, d)

			// The first process enqueues and goes away before any worker
			// runs, as if it crashed.
			db1, err := store.Open(ctx, src, storetest.Vault(t))
			if err != nil {
				t.Fatal(err)
			}
			enqueue(t, db1, "rolled back", false)
			enqueue(t, db1, "committed", true)
			db1.Close()

			// A new process starts its workers on the same database.
			db2, err := store.Open(ctx, src, storetest.Vault(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db2.Close() }) // after the queue stops: cleanups run last-first
			seen := make(chan string, 10)
			startQueue(t, db2, &noteWorker{seen: seen})
			got := waitFor(t, seen, "committed")
			if len(got) != 1 {
				t.Errorf("worked %v, want only the committed job", got)
			}
			var n int
			if err := db2.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE kind = 'test_note'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%d test jobs in the queue table, want 1: the rolled-back job must not exist", n)
			}
		})
	}
}

func TestQueue_RetriesAFailedJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seen := make(chan string, 10)
		startQueue(t, db, &noteWorker{seen: seen, failFirst: map[string]bool{"flaky": true}})
		enqueue(t, db, "flaky", true)
		waitFor(t, seen, "flaky")
		var attempt int
		if err := db.Writer().QueryRowContext(context.Background(),
			`SELECT attempt FROM river_job WHERE kind = 'test_note'`).Scan(&attempt); err != nil {
			t.Fatal(err)
		}
		if attempt != 2 {
			t.Errorf("job completed at attempt %d, want 2", attempt)
		}
	})
}

func TestQueue_StopDrainsRunningJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seen := make(chan string, 10)
		q := startQueue(t, db, &noteWorker{seen: seen})
		enqueue(t, db, "before stop", true)
		waitFor(t, seen, "before stop")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		// Stopped: a job enqueued now stays available for the next start.
		enqueue(t, db, "after stop", true)
		var state string
		if err := db.Writer().QueryRowContext(context.Background(),
			`SELECT state FROM river_job WHERE kind = 'test_note' ORDER BY id DESC LIMIT 1`).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state != "available" {
			t.Errorf("job enqueued after stop is %q, want available", state)
		}
	})
}
