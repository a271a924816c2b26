package notify_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
)

// startRiver runs w under a real River client on a fresh SQLite file, with
// retries after 10 ms instead of River's backoff.
func startRiver(t *testing.T, w *notify.Worker) *river.Client[*sql.Tx] {
	t.Helper()
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "jobs.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // riversqlite's advice
	t.Cleanup(func() { db.Close() })
	driver := riversqlite.New(db)
	m, err := rivermigrate.New(driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	c, err := river.NewClient(driver, &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:           workers,
		FetchPollInterval: 50 * time.Millisecond,
		FetchCooldown:     10 * time.Millisecond,
		RetryPolicy:       quickRetry{},
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		TestOnly:          true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.Stop(sctx)
	})
	return c
}

type quickRetry struct{}

func (quickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(10 * time.Millisecond)
}

// waitForEnd returns the event that finishes job id: completed or cancelled
// (a failed attempt is retried, so it is not the end).
func waitForEnd(t *testing.T, events <-chan *river.Event, id int64) *river.Event {
	t.Helper()
	timeout := time.After(20 * time.Second) // a hang guard, not a timing assertion
	for {
		select {
		case e := <-events:
			if e.Job.ID == id && (e.Kind == river.EventKindJobCompleted || e.Kind == river.EventKindJobCancelled) {
				return e
			}
		case <-timeout:
			t.Fatalf("job %d did not finish", id)
		}
	}
}

func TestWorker_UnderRiver_RetriesATemporaryFailureThenSendsOnce(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplateApplicationApproved))
	c := startRiver(t, &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())})
	events, cancel := c.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled)
	defer cancel()

	stub.FailNext(1, 503)
	res, err := c.Insert(context.Background(), outbox.SendArgs{ID: "n1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := waitForEnd(t, events, res.Job.ID)
	if e.Kind != river.EventKindJobCompleted || e.Job.Attempt != 2 {
		t.Fatalf("job ended %s on attempt %d, want completed on attempt 2", e.Kind, e.Job.Attempt)
	}
	// River keeps each attempt's error in the job table: ids and codes only.
	if len(e.Job.Errors) != 1 {
		t.Fatalf("job errors = %+v, want the first attempt's", e.Job.Errors)
	}
	if msg := e.Job.Errors[0].Error; !strings.Contains(msg, "status 503") || strings.Contains(msg, "7700900") {
		t.Errorf("stored job error %q: want the status, not the number", msg)
	}
	if got, reqs := len(stub.Received()), stub.Requests(); got != 1 || reqs != 2 {
		t.Errorf("stub accepted %d of %d requests, want 1 of 2", got, reqs)
	}
	wantMarks(t, src, mark{"n1", notify.StatusQueued, 1}, mark{"n1", notify.StatusSent, 2})
}

func TestWorker_UnderRiver_PermanentFailureCancelsTheJob(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplateApplicationApproved))
	c := startRiver(t, &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())})
	events, cancel := c.Subscribe(river.EventKindJobCompleted, river.EventKindJobCancelled)
	defer cancel()

	stub.FailNext(1, 400)
	res, err := c.Insert(context.Background(), outbox.SendArgs{ID: "n1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := waitForEnd(t, events, res.Job.ID)
	if e.Kind != river.EventKindJobCancelled || e.Job.State != rivertype.JobStateCancelled {
		t.Fatalf("job ended %s (%s), want cancelled", e.Kind, e.Job.State)
	}
	if reqs := stub.Requests(); reqs != 1 {
		t.Errorf("stub saw %d requests, want 1", reqs)
	}
	wantMarks(t, src, mark{"n1", notify.StatusFailed, 1})
}
