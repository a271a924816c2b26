// Package jobs works the durable job queue: River, with its tables in the
// scheme's own database (SQLite or PostgreSQL), so that a job is enqueued in
// the same transaction as the change that causes it and survives a crash.
// The store enqueues (store.DB.EnqueueTx); this package runs the workers.
package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
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
	// Heartbeat is how often this process records that it is alive;
	// default 2s. A job left running by a process not seen for OrphanAfter
	// (default 10s) is handed back to the queue, and so are the alert
	// deliveries that process had claimed.
	Heartbeat, OrphanAfter time.Duration
}

// Queue is the running worker pool.
type Queue struct {
	client     *river.Client[*sql.Tx]
	db         *store.DB
	log        *slog.Logger
	id         string // this process, as River and the instances table know it
	started    time.Time
	heartbeat  time.Duration
	orphanAge  time.Duration
	stopBeat   context.CancelFunc
	beatsEnded chan struct{}
}

// New builds the worker pool over db; Start runs it.
func New(db *store.DB, log *slog.Logger, o Options) (*Queue, error) {
	if o.Workers == 0 {
		o.Workers = 10
	}
	if o.PollInterval == 0 {
		o.PollInterval = time.Second
	}
	if o.Heartbeat == 0 {
		o.Heartbeat = 2 * time.Second
	}
	if o.OrphanAfter == 0 {
		o.OrphanAfter = 5 * o.Heartbeat
	}
	id := "uglymugs-" + strings.ToLower(rand.Text()[:16])
	workers := river.NewWorkers()
	if o.Register != nil {
		o.Register(workers)
	}
	c, err := river.NewClient(db.RiverDriver(), &river.Config{
		ID:                id,
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:           workers,
		PeriodicJobs:      o.Periodic,
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     min(o.PollInterval, 100*time.Millisecond),
		RetryPolicy:       o.RetryPolicy,
		JobTimeout:        5 * time.Minute,
		// River's own rescue of a job left "running", in case the
		// heartbeats below cannot tell (no job runs longer than JobTimeout,
		// so three times that is safe). Normally the heartbeats hand such a
		// job back within OrphanAfter.
		RescueStuckJobsAfter: 15 * time.Minute,
		// River reports routine progress at info; keep only its warnings.
		Logger: slog.New(minLevel{log.Handler(), slog.LevelWarn}).With("component", "jobs"),
		// Completed jobs hold only ids; a day is enough to look into a problem.
		CompletedJobRetentionPeriod: 24 * time.Hour,
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	return &Queue{client: c, db: db, log: log, id: id, started: time.Now(), heartbeat: o.Heartbeat, orphanAge: o.OrphanAfter}, nil
}

// Start records this process's first heartbeat, hands back jobs that
// processes gone silent left running (this one's previous life, after a
// crash, or another instance), and begins working jobs in the background.
func (q *Queue) Start(ctx context.Context) error {
	if err := q.db.Heartbeat(ctx, q.id, q.started); err != nil {
		return fmt.Errorf("job queue heartbeat: %w", err)
	}
	q.rescue(ctx)
	if err := q.client.Start(ctx); err != nil {
		return err
	}
	bctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	q.stopBeat, q.beatsEnded = cancel, make(chan struct{})
	go q.beat(bctx)
	return nil
}

// beat records the heartbeat and rescues orphaned jobs until ctx ends.
func (q *Queue) beat(ctx context.Context) {
	defer close(q.beatsEnded)
	t := time.NewTicker(q.heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := q.db.Heartbeat(ctx, q.id, q.started); err != nil && ctx.Err() == nil {
			q.log.Warn("job queue heartbeat failed", "err", err)
			continue
		}
		q.rescue(ctx)
	}
}

func (q *Queue) rescue(ctx context.Context) {
	n, claims, err := q.db.RescueOrphanedJobs(ctx, q.orphanAge)
	switch {
	case err != nil && ctx.Err() == nil:
		q.log.Warn("rescuing jobs of stopped processes failed", "err", err)
	case n > 0 || claims > 0:
		q.log.Info("jobs and alert deliveries left by a stopped process handed back", "jobs", n, "deliveries", claims)
	}
}

// Stop drains the pool: no new jobs are fetched and running ones may finish
// until ctx ends, after which they are cancelled (and retried later, since
// they did not complete).
func (q *Queue) Stop(ctx context.Context) error {
	defer q.forget(ctx)
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		q.log.Warn("jobs still running at shutdown deadline; cancelling them")
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		return q.client.StopAndCancel(cctx)
	}
	return err
}

// forget ends the heartbeats and removes this process from the instances
// table once its jobs have stopped.
func (q *Queue) forget(ctx context.Context) {
	if q.stopBeat == nil {
		return
	}
	q.stopBeat()
	<-q.beatsEnded
	if err := q.db.ForgetInstance(context.WithoutCancel(ctx), q.id); err != nil {
		q.log.Warn("could not remove this process from the instances table", "err", err)
	}
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
