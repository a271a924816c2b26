// Package jobs works the durable job queue: River, with its tables in the
// scheme's own database (SQLite or PostgreSQL), so that a job is enqueued in
// the same transaction as the change that causes it and survives a crash.
// The store enqueues (store.DB.EnqueueTx); this package runs the workers.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"uglymugs/internal/store"
)

// Options tune the worker pool; the zero value is fine for serving.
type Options struct {
	Workers      int           // concurrent jobs; default 10
	PollInterval time.Duration // how often to look for new jobs; default 1s
	// RetryPolicy decides when a failed job is tried again; default River's
	// exponential backoff (attempt⁴ seconds, with jitter, up to 25 attempts).
	RetryPolicy river.ClientRetryPolicy
	// Register adds the workers; every job kind that may be enqueued needs one.
	Register func(*river.Workers)
	// Periodic jobs to run on a schedule.
	Periodic []*river.PeriodicJob
}

// Queue is the running worker pool.
type Queue struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
}

// New builds the worker pool over db; Start runs it.
func New(db *store.DB, log *slog.Logger, o Options) (*Queue, error) {
	if o.Workers == 0 {
		o.Workers = 10
	}
	if o.PollInterval == 0 {
		o.PollInterval = time.Second
	}
	workers := river.NewWorkers()
	if o.Register != nil {
		o.Register(workers)
	}
	c, err := river.NewClient(db.RiverDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:           workers,
		PeriodicJobs:      o.Periodic,
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     min(o.PollInterval, 100*time.Millisecond),
		RetryPolicy:       o.RetryPolicy,
		JobTimeout:        5 * time.Minute,
		// A job left "running" by a process that died is tried again after
		// this. River's default, an hour, would hold up the alert senders
		// (unique while running) that long; no job runs longer than
		// JobTimeout, so three times that is safe.
		RescueStuckJobsAfter: 15 * time.Minute,
		// River reports routine progress at info; keep only its warnings.
		Logger: slog.New(minLevel{log.Handler(), slog.LevelWarn}).With("component", "jobs"),
		// Completed jobs hold only ids; a day is enough to look into a problem.
		CompletedJobRetentionPeriod: 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{client: c, log: log}, nil
}

// Start begins working jobs in the background.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop drains the pool: no new jobs are fetched and running ones may finish
// until ctx ends, after which they are cancelled (and retried later, since
// they did not complete).
func (q *Queue) Stop(ctx context.Context) error {
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		q.log.Warn("jobs still running at shutdown deadline; cancelling them")
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return q.client.StopAndCancel(cctx)
	}
	return err
}

// Subscribe exposes River's events (for metrics and tests).
func (q *Queue) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	return q.client.Subscribe(kinds...)
}

// minLevel drops records below a level.
type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.min}
}
func (h minLevel) WithGroup(g string) slog.Handler { return minLevel{h.Handler.WithGroup(g), h.min} }
