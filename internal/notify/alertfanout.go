package notify

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// DefaultFanOutBatch is how many candidates one fan-out transaction
// covers: accounts for a nationwide alert, the members of its regions (and
// organisations' people) for a regional one. Larger batches write each
// index page touched once for more rows; this one holds SQLite's writer
// for some tens of milliseconds.
const DefaultFanOutBatch = 5000

// AlertMetrics count alert delivery; every field may be nil.
type AlertMetrics struct {
	Deliveries *prometheus.CounterVec // by channel and result: sent, retry, failed, cancelled, outbox
	Pauses     *prometheus.CounterVec // by channel
	FannedOut  prometheus.Counter     // fan-out batches made
}

// NewAlertMetrics registers and returns uglymugs_alert_deliveries_total,
// uglymugs_alert_channel_pauses_total and uglymugs_alert_fanout_batches_total.
func NewAlertMetrics(reg prometheus.Registerer) *AlertMetrics {
	m := &AlertMetrics{
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uglymugs_alert_deliveries_total",
			Help: "Alert emails and SMS worked, by channel and result (sent, retry, failed, cancelled, outbox).",
		}, []string{"channel", "result"}),
		Pauses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uglymugs_alert_channel_pauses_total",
			Help: "Times a channel paused itself after too many failures in a row.",
		}, []string{"channel"}),
		FannedOut: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "uglymugs_alert_fanout_batches_total",
			Help: "Batches of members an alert's fan-out made deliveries for.",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.Deliveries, m.Pauses, m.FannedOut)
	}
	return m
}

// AlertFanOutWorker works "alert_fanout": it calls FanOutAlert batch after
// batch until the alert's deliveries are all made. Each batch commits on
// its own and moves the alert's cursor, so a run that is killed resumes
// where it stopped and a run repeated adds nothing. A long fan-out hands
// over after Slice (a snooze of zero), so that no run holds its job longer
// than River's rescue allows.
type AlertFanOutWorker struct {
	river.WorkerDefaults[outbox.AlertFanOutArgs]
	Source  AlertSource
	Batch   int           // candidates a batch; default DefaultFanOutBatch
	Slice   time.Duration // work this long, then hand over; default 1 minute
	Log     *slog.Logger
	Metrics *AlertMetrics
}

// Timeout bounds one run; Slice ends it well before.
func (w *AlertFanOutWorker) Timeout(*river.Job[outbox.AlertFanOutArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *AlertFanOutWorker) Work(ctx context.Context, job *river.Job[outbox.AlertFanOutArgs]) error {
	id, part, parts := job.Args.AlertID, job.Args.Part, max(job.Args.Parts, 1)
	log := w.logger().With("alert", id, "job", job.ID, "part", part, "parts", parts)
	batch := w.Batch
	if batch <= 0 {
		batch = DefaultFanOutBatch
	}
	slice := w.Slice
	if slice <= 0 {
		slice = time.Minute
	}
	start := time.Now()
	for n := 0; ; n++ {
		done, err := w.Source.FanOutPart(ctx, id, part, parts, batch)
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			// Only a draft can be deleted, and a draft has no fan-out: a
			// missing alert will not appear by trying again.
			log.WarnContext(ctx, "alert to fan out not found; nothing to do")
			return nil
		}
		if err != nil {
			// The batch rolled back; River tries the job again and the
			// cursor says where to start.
			return fmt.Errorf("alert fan-out %s: %w", id, err)
		}
		if done {
			log.InfoContext(ctx, "alert fan-out done", "batches", n, "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
		if w.Metrics != nil && w.Metrics.FannedOut != nil {
			w.Metrics.FannedOut.Inc()
		}
		if time.Since(start) > slice {
			log.InfoContext(ctx, "alert fan-out continues in a new run", "batches", n+1)
			return river.JobSnooze(0)
		}
	}
}

func (w *AlertFanOutWorker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
