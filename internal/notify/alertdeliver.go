package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"
	"golang.org/x/time/rate"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Defaults of AlertDeliverWorker.
const (
	DefaultEmailRate   = 20 // messages a second
	DefaultSMSRate     = 10
	DefaultConcurrency = 8                // SMS sends at once (see Concurrency)
	DefaultMaxAttempts = 8                // then a delivery fails
	DefaultPauseAfter  = 20               // failures in a row before a channel pauses
	DefaultStaleAfter  = 10 * time.Minute // a "sending" claim older than this was abandoned
)

// AlertDeliverWorker works "alert_deliver": it claims the due deliveries
// of one channel in small batches and sends them, Concurrency at a time
// and no faster than the channel's rate, until none is due. Then, if some
// wait for a retry, it snoozes until the first; otherwise it ends.
//
//   - A temporary failure is retried after Backoff(attempts), up to
//     MaxAttempts; a permanent one (ErrPermanent: the provider refused the
//     recipient or the message) fails at once.
//   - PauseAfter failures in a row, with no success between, pause the
//     channel: it stops, logs a warning and counts it; nothing is sent on
//     the channel until a coordinator resumes it (store.DB.ResumeChannel,
//     which starts the job again).
//   - No sender for the channel: deliveries go to the outbox.
//   - A withdrawn alert's deliveries, and those to a member who has since
//     turned the channel off or gone, are cancelled, not sent.
//
// The job is unique per channel across every process (see
// outbox.AlertDeliverArgs), so the rate limit here is the scheme's rate.
type AlertDeliverWorker struct {
	river.WorkerDefaults[outbox.AlertDeliverArgs]
	Source AlertSource
	Mail   Mailer
	SMS    Texter
	Push   Pusher
	// BaseURL is the site's address, e.g. https://uglymugs.example.org; the
	// email links to BaseURL/alerts/ID.
	BaseURL   string
	EmailRate rate.Limit // messages a second; 0: DefaultEmailRate
	SMSRate   rate.Limit // 0: DefaultSMSRate
	PushRate  rate.Limit // 0: DefaultPushRate
	// Concurrency is how many messages of a channel are sent at once;
	// 0: DefaultEmailConcurrency for email (the SMTP connections kept
	// open), DefaultPushConcurrency for push, DefaultConcurrency for SMS.
	Concurrency int
	// Window is the most messages of a channel that may have gone to the
	// provider without yet being recorded sent, counting those being
	// sent: what a crash at any instant can make go twice. Senders go on
	// while their earlier messages are being marked, up to Window; 0:
	// DefaultWindow(channel), or WindowPerSender × Concurrency.
	Window      int
	MaxAttempts int // 0: DefaultMaxAttempts
	// Backoff is the wait after a temporary failure of the given attempt
	// (1, 2, …); nil: 30 s doubling each time, at most an hour.
	Backoff    func(attempt int) time.Duration
	PauseAfter int           // 0: DefaultPauseAfter
	StaleAfter time.Duration // 0: DefaultStaleAfter
	Slice      time.Duration // work this long, then hand over; 0: a minute
	Log        *slog.Logger
	Metrics    *AlertMetrics

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	failures map[string]int // in a row, by channel
	rendered map[renderKey]rendered
}

// AlertDeliverSweep returns periodic jobs that start each channel's sender
// every interval. The sender starts when an alert's fan-out ends and when a
// channel resumes; the sweep catches deliveries queued in the moment a
// sender was finishing (the job being unique, the start was skipped then).
// A sender that is already waiting or running makes the sweep a no-op.
func AlertDeliverSweep(every time.Duration) []*river.PeriodicJob {
	var out []*river.PeriodicJob
	for _, ch := range outbox.AlertChannels {
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return outbox.AlertDeliverArgs{Channel: ch}, nil }, nil))
	}
	return out
}

// Timeout bounds one run; Slice ends it well before.
func (w *AlertDeliverWorker) Timeout(*river.Job[outbox.AlertDeliverArgs]) time.Duration {
	return 5 * time.Minute
}

func (w *AlertDeliverWorker) Work(ctx context.Context, job *river.Job[outbox.AlertDeliverArgs]) error {
	ch := job.Args.Channel
	if scheme.CheckChannel(ch) != nil {
		return river.JobCancel(fmt.Errorf("alert deliver: unknown channel %q", ch))
	}
	if ch != string(scheme.ChannelSMS) && (w.Mail != nil || w.Push != nil) && w.BaseURL == "" {
		return errors.New("alert deliver: no base URL configured for the links in emails")
	}
	log := w.logger().With("channel", ch, "job", job.ID)
	if job.Args.Nudge {
		running, err := w.Source.WakeDeliveries(ctx, ch)
		if err != nil {
			return fmt.Errorf("alert deliver: %w", err)
		}
		if running {
			return river.JobSnooze(outbox.NudgeAfter)
		}
		return nil
	}
	slice := cmpOr(w.Slice, time.Minute)
	stale := cmpOr(w.StaleAfter, DefaultStaleAfter)
	start := time.Now()
	worked := 0
	// The batch claimed next is claimed while this one is sent (pipe).
	p := w.startPipe(ctx, log, ch)
	for {
		paused, err := w.Source.ChannelPaused(ctx, ch)
		if err != nil {
			p.stop()
			return fmt.Errorf("alert deliver: %w", err)
		}
		if paused || p.paused.Load() {
			p.stop()
			// Warned of once, when it paused; the sweep finds it paused every minute.
			log.DebugContext(ctx, "channel paused; not sending", "worked", worked)
			return nil
		}
		ds, err := w.Source.ClaimDeliveries(ctx, ch, claimant(job), w.claimSize(ch), stale)
		if err != nil {
			p.stop()
			return fmt.Errorf("alert deliver: claiming: %w", err)
		}
		if len(ds) == 0 {
			if p.stop() {
				return nil // paused
			}
			next, ok, err := w.Source.NextDeliveryAt(ctx, ch, stale)
			if err != nil {
				return fmt.Errorf("alert deliver: %w", err)
			}
			if !ok {
				level := slog.LevelInfo
				if worked == 0 {
					level = slog.LevelDebug // the periodic sweep, finding nothing
				}
				log.Log(ctx, level, "alert deliveries drained", "worked", worked)
				return nil
			}
			wait := time.Until(next)
			if wait <= 0 {
				// Due but not claimed: another sender holds it for the moment.
				wait = time.Second
			}
			wait = min(wait, time.Hour)
			log.InfoContext(ctx, "alert deliveries wait for a retry", "worked", worked, "in", wait.Round(time.Second))
			return river.JobSnooze(wait)
		}
		p.send(ds)
		worked += len(ds)
		if ctx.Err() != nil || time.Since(start) > slice {
			if p.stop() {
				return nil // paused
			}
			// Hand over; the next run carries on at once.
			return river.JobSnooze(0)
		}
	}
}

// claimant is the process working job: the last that River recorded as
// attempting it, which is also the id its heartbeat is recorded under, so
// that the claims of a process that dies go back with its jobs.
func claimant(job *river.Job[outbox.AlertDeliverArgs]) string {
	if job.JobRow == nil || len(job.AttemptedBy) == 0 {
		return ""
	}
	return job.AttemptedBy[len(job.AttemptedBy)-1]
}

// deliver sends one claimed delivery and records what became of it, but
// for a message accepted by the provider: it reports those, for the pipe
// to mark sent.
func (w *AlertDeliverWorker) deliver(ctx context.Context, log *slog.Logger, d outbox.AlertDelivery, paused *atomic.Bool) (sent bool) {
	log = log.With("alert", d.AlertID, "ref", d.Ref(), "attempt", d.Attempts)
	if paused.Load() || ctx.Err() != nil {
		w.mark(ctx, log, d, outbox.DeliveryMark{Status: outbox.DeliveryReleased})
		return
	}
	switch {
	case !d.Live:
		w.finish(ctx, log, d, outbox.DeliveryMark{Status: scheme.DeliveryCancelled, Reason: "alert withdrawn"}, "cancelled")
		return
	case !d.Wanted:
		w.finish(ctx, log, d, outbox.DeliveryMark{Status: scheme.DeliveryCancelled, Reason: "member opted out"}, "cancelled")
		return
	}
	send, err := w.message(d)
	if err != nil {
		// A template or configuration fault: every delivery would fail alike.
		w.fail(ctx, log, d, paused, outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: "message could not be made"}, err)
		return
	}
	if send == nil {
		w.finish(ctx, log, d, outbox.DeliveryMark{Status: scheme.DeliveryOutbox, Reason: "no provider configured"}, "outbox")
		return
	}
	if err := w.limiter(d.Channel).Wait(ctx); err != nil {
		w.mark(ctx, log, d, outbox.DeliveryMark{Status: outbox.DeliveryReleased})
		return
	}
	err = send(ctx)
	reason := ReasonCode(err)
	switch {
	case err == nil:
		w.succeeded(d.Channel)
		w.count(d.Channel, "sent")
		return true
	case errors.Is(err, ErrGone):
		// The device unsubscribed or cleared the site: forget it. Not the
		// push service failing, so it does not count towards a pause.
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := w.Source.PushGone(mctx, d.Device); err != nil {
			log.ErrorContext(ctx, "could not forget a push subscription that is gone", "err", err)
		}
		w.finish(ctx, log, d, outbox.DeliveryMark{Status: scheme.DeliveryCancelled, Reason: "push subscription gone"}, "cancelled")
	case ctx.Err() != nil:
		// Stopped mid-send (shutdown, or the run's time ran out): not the
		// provider's failure. Whether it went is unknown; the next run sends
		// it again under the same reference.
		w.finish(ctx, log, d, outbox.DeliveryMark{Status: scheme.DeliveryRetrying, NextAttempt: time.Now(), Reason: "interrupted"}, "retry")
	case errors.Is(err, ErrPermanent):
		w.fail(ctx, log, d, paused, outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: reason}, nil)
	case d.Attempts >= cmpOr(w.MaxAttempts, DefaultMaxAttempts):
		w.fail(ctx, log, d, paused, outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: reason + "; out of attempts"}, nil)
	default:
		next := time.Now().Add(w.backoff(d.Attempts))
		w.fail(ctx, log, d, paused, outbox.DeliveryMark{Status: scheme.DeliveryRetrying, NextAttempt: next, Reason: reason}, nil)
	}
	return false
}

// message returns the function that sends d, or nil when its channel has
// no sender.
func (w *AlertDeliverWorker) message(d outbox.AlertDelivery) (func(context.Context) error, error) {
	n := scheme.Notification{Channel: scheme.Channel(d.Channel), Template: outbox.TemplateAlertPublished, Language: d.Language}
	switch n.Channel {
	case scheme.ChannelEmail:
		if w.Mail == nil {
			return nil, nil
		}
		subject, text, err := w.render(n, d.AlertID)
		if err != nil {
			return nil, err
		}
		m := Email{To: d.To, Subject: subject, Text: text, ID: d.Ref()}
		return func(ctx context.Context) error { return w.Mail.SendEmail(ctx, m) }, nil
	case scheme.ChannelSMS:
		if w.SMS == nil {
			return nil, nil
		}
		_, text, err := w.render(n, d.AlertID)
		if err != nil {
			return nil, err
		}
		m := SMS{To: d.To, Text: text, Key: d.Ref()}
		return func(ctx context.Context) error { return w.SMS.SendSMS(ctx, m) }, nil
	case scheme.ChannelPush:
		if w.Push == nil {
			return nil, nil
		}
		m, err := AlertPush(d, w.BaseURL)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return w.Push.SendPush(ctx, m) }, nil
	}
	return nil, fmt.Errorf("unknown channel %q", d.Channel)
}

// fail records a failed attempt, counts it towards the channel's pause and
// pauses the channel when there have been too many in a row.
func (w *AlertDeliverWorker) fail(ctx context.Context, log *slog.Logger, d outbox.AlertDelivery, paused *atomic.Bool, m outbox.DeliveryMark, fault error) {
	result := "failed"
	if m.Status == scheme.DeliveryRetrying {
		result = "retry"
	}
	w.finish(ctx, log, d, m, result)
	// The reason is enough; a sender's error is logged only when it is not
	// a sender's (a template fault), to keep even providers' words out.
	if fault != nil {
		log.ErrorContext(ctx, "alert message not made", "err", fault)
	}
	log.WarnContext(ctx, "alert message not sent", "status", m.Status, "reason", m.Reason)

	w.mu.Lock()
	if w.failures == nil {
		w.failures = map[string]int{}
	}
	w.failures[d.Channel]++
	n := w.failures[d.Channel]
	trip := n >= cmpOr(w.PauseAfter, DefaultPauseAfter)
	if trip {
		w.failures[d.Channel] = 0 // after a resume, count afresh
	}
	w.mu.Unlock()
	if !trip {
		return
	}
	paused.Store(true)
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	why := fmt.Sprintf("%d failures in a row; the last: %s", n, m.Reason)
	if err := w.Source.PauseChannel(mctx, d.Channel, why); err != nil {
		log.ErrorContext(ctx, "could not pause the channel", "err", err)
	}
	if w.Metrics != nil && w.Metrics.Pauses != nil {
		w.Metrics.Pauses.WithLabelValues(d.Channel).Inc()
	}
	log.WarnContext(ctx, "alert channel paused after too many failures in a row; a coordinator must resume it", "failures", n, "last", m.Reason)
}

func (w *AlertDeliverWorker) succeeded(ch string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failures != nil {
		w.failures[ch] = 0
	}
}

func (w *AlertDeliverWorker) finish(ctx context.Context, log *slog.Logger, d outbox.AlertDelivery, m outbox.DeliveryMark, result string) {
	w.mark(ctx, log, d, m)
	w.count(d.Channel, result)
}

// mark records with a context of its own, so that a run whose context
// ended while sending still records what happened.
func (w *AlertDeliverWorker) mark(ctx context.Context, log *slog.Logger, d outbox.AlertDelivery, m outbox.DeliveryMark) {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.Source.MarkDelivery(mctx, d, m); err != nil {
		// The claim stays "sending" and is taken again after StaleAfter.
		log.ErrorContext(ctx, "could not record an alert delivery", "status", m.Status, "err", err)
	}
}

// markSent tries a few times: after a send, a lost status is what could
// make the message go twice.
func (w *AlertDeliverWorker) markSent(ctx context.Context, ds []outbox.AlertDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	var err error
	for i, pause := range []time.Duration{0, 200 * time.Millisecond, time.Second} {
		if i > 0 {
			time.Sleep(pause)
		}
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err = w.Source.MarkSent(mctx, ds)
		cancel()
		if err == nil {
			return nil
		}
	}
	return err
}

func (w *AlertDeliverWorker) limiter(ch string) *rate.Limiter {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.limiters == nil {
		w.limiters = map[string]*rate.Limiter{}
	}
	l := w.limiters[ch]
	if l == nil {
		// A burst of one a sender: each may start at once, none faster.
		l = rate.NewLimiter(w.rate(ch), w.senders(ch))
		w.limiters[ch] = l
	}
	return l
}

func (w *AlertDeliverWorker) rate(ch string) rate.Limit {
	switch ch {
	case string(scheme.ChannelSMS):
		return cmpOr(w.SMSRate, DefaultSMSRate)
	case string(scheme.ChannelPush):
		return cmpOr(w.PushRate, DefaultPushRate)
	}
	return cmpOr(w.EmailRate, DefaultEmailRate)
}

// claimSize is about five seconds' sending, so that claims do not sit
// "sending" long, at most maxClaim (the memory a batch holds is bounded:
// one batch is sent while the next waits), and at least one per sender.
func (w *AlertDeliverWorker) claimSize(ch string) int {
	n := maxClaim
	if r := w.rate(ch); r != rate.Inf {
		n = min(n, int(float64(r)*5))
	}
	return max(n, w.senders(ch))
}

func (w *AlertDeliverWorker) backoff(attempt int) time.Duration {
	if w.Backoff != nil {
		return w.Backoff(attempt)
	}
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (w *AlertDeliverWorker) count(ch, result string) {
	if w.Metrics != nil && w.Metrics.Deliveries != nil {
		w.Metrics.Deliveries.WithLabelValues(ch, result).Inc()
	}
}

func (w *AlertDeliverWorker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// cmpOr is cmp.Or for numbers and durations: v unless it is zero or less.
func cmpOr[T ~int | ~int64 | ~float64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

var (
	statusCode = regexp.MustCompile(`status [0-9]{3}(, provider code [0-9]{1,9})?`)
	replyCode  = regexp.MustCompile(`reply [0-9]{3}( [245]\.[0-9]{1,3}\.[0-9]{1,3})?`)
)

// ReasonCode reduces a sender's error to what may be stored and shown: an
// HTTP status and provider code, an SMTP reply code, or a short phrase.
// It never returns an address or a message's text.
func ReasonCode(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	proto := "provider"
	switch {
	case strings.Contains(s, "push:"):
		proto = "push"
	case strings.Contains(s, "sms:"):
		proto = "sms"
	case strings.Contains(s, "smtp:"):
		proto = "smtp"
	}
	switch {
	case statusCode.MatchString(s):
		return proto + " " + statusCode.FindString(s)
	case replyCode.MatchString(s):
		return proto + " " + replyCode.FindString(s)
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(s, "timeout") || strings.Contains(s, "deadline exceeded"):
		return proto + " timed out"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case strings.Contains(s, "not an E.164") || strings.Contains(s, "not a valid email"):
		return "invalid address"
	case strings.Contains(s, "could not be reached") || strings.Contains(s, "connection refused"):
		return proto + " unreachable"
	case errors.Is(err, ErrPermanent):
		return proto + " refused"
	}
	return proto + " error"
}
