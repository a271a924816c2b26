package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"golang.org/x/time/rate"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Notification statuses, as the worker records them.
const (
	StatusQueued = "queued" // waiting to be sent, or to be tried again
	StatusSent   = "sent"
	StatusFailed = "failed" // refused, or out of attempts: it will not be tried again
	StatusOutbox = "outbox" // no sender configured for its channel; an admin reads it in the app
)

// Source is the store side of notifications.
type Source interface {
	// Notification returns the notification with To decrypted; an error with
	// code scheme.CodeNotFound when it no longer exists (erased).
	Notification(ctx context.Context, id string) (scheme.Notification, error)
	// MarkNotification records a notification's status and attempt count
	// (and, for "sent", the time it was sent), with the reason it was not
	// sent (for "failed", "queued" again and "outbox"): a short code or
	// phrase that never holds an address or the message's text.
	MarkNotification(ctx context.Context, id, status string, attempts int, reason string) error
}

// Worker sends one stored notification per job. A nil sender for a channel
// puts that channel's notifications in the outbox instead (the demo, or a
// scheme that has not configured email or SMS yet).
type Worker struct {
	river.WorkerDefaults[outbox.SendArgs]
	Source Source
	Mail   Mailer
	SMS    Texter
	Log    *slog.Logger
	Sent   *prometheus.CounterVec // by channel and result; may be nil
	// BulkLimit paces newsletter emails (members' own messages are never
	// held back by it); nil: no pacing.
	BulkLimit *rate.Limiter
}

// NewSentCounter registers and returns uglymugs_notifications_total, counted
// by channel and result (sent, retry, failed, outbox).
func NewSentCounter(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "uglymugs_notifications_total",
		Help: "Notifications worked, by channel and result (sent, retry, failed, outbox).",
	}, []string{"channel", "result"})
	if reg != nil {
		reg.MustRegister(c)
	}
	return c
}

// Timeout bounds one attempt; the senders give up on their own before it.
func (w *Worker) Timeout(*river.Job[outbox.SendArgs]) time.Duration { return 30 * time.Second }

// Work sends the notification job.Args.ID once. It does nothing for one
// already sent, so a job that runs again (after a crash, or a retry) does not
// send twice. A temporary failure is returned for River to retry with
// backoff; a permanent one, or the last attempt's, marks it failed.
func (w *Worker) Work(ctx context.Context, job *river.Job[outbox.SendArgs]) error {
	id := job.Args.ID
	log := w.logger().With("notification", id, "attempt", job.Attempt)
	n, err := w.Source.Notification(ctx, id)
	if err != nil {
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			log.InfoContext(ctx, "notification no longer exists; nothing to send")
			return nil
		}
		return fmt.Errorf("notify: loading notification %s: %w", id, err)
	}
	log = log.With("template", n.Template, "channel", string(n.Channel))
	if n.Status == StatusSent {
		log.InfoContext(ctx, "notification already sent")
		return nil
	}

	subject, text, err := Render(n)
	if err != nil {
		return w.fail(ctx, log, n, job.Attempt, err, renderReason(err))
	}
	var send func() error
	switch n.Channel {
	case scheme.ChannelEmail:
		if w.Mail != nil {
			e := Email{To: n.To, Subject: subject, Text: text}
			bulk := n.Batch != ""
			if n.Template == outbox.TemplateNewsletterIssue {
				e.Unsubscribe = n.Params["url"]
			}
			send = func() error {
				if bulk && w.BulkLimit != nil {
					if err := w.BulkLimit.Wait(ctx); err != nil {
						return err
					}
				}
				return w.Mail.SendEmail(ctx, e)
			}
		}
	case scheme.ChannelSMS:
		if w.SMS != nil {
			send = func() error { return w.SMS.SendSMS(ctx, SMS{To: n.To, Text: text}) }
		}
	default: // Render refuses unknown channels; this keeps the switch honest.
		return w.fail(ctx, log, n, job.Attempt, fmt.Errorf("notify: unknown channel %q", n.Channel), "unknown channel")
	}
	if send == nil {
		if err := w.mark(ctx, id, StatusOutbox, n.Attempts, "no provider configured"); err != nil {
			return err
		}
		w.count(n.Channel, StatusOutbox)
		log.InfoContext(ctx, "no sender configured for the channel; notification kept in the outbox")
		return nil
	}

	err = send()
	switch {
	case err == nil:
		w.count(n.Channel, StatusSent)
		if merr := w.markSent(ctx, id, job.Attempt); merr != nil {
			// Returning an error would have River send it again. A message
			// sent once with a stale status is the lesser harm.
			log.ErrorContext(ctx, "notification sent but not marked sent", "err", merr)
			return nil
		}
		log.InfoContext(ctx, "notification sent")
		return nil
	case errors.Is(err, ErrPermanent):
		return w.fail(ctx, log, n, job.Attempt, err, ReasonCode(err))
	case job.Attempt >= job.MaxAttempts:
		if merr := w.mark(ctx, id, StatusFailed, job.Attempt, ReasonCode(err)+"; out of attempts"); merr != nil {
			return errors.Join(err, merr)
		}
		w.count(n.Channel, StatusFailed)
		log.WarnContext(ctx, "notification failed on its last attempt", "err", err)
		return err
	default:
		if merr := w.mark(ctx, id, StatusQueued, job.Attempt, ReasonCode(err)); merr != nil {
			log.WarnContext(ctx, "could not record the attempt", "err", merr)
		}
		w.count(n.Channel, "retry")
		log.WarnContext(ctx, "notification not sent; will retry", "err", err)
		return err
	}
}

// fail marks n failed, with the reason admins see beside it in the
// outbox, and cancels the job: sending again would not help.
func (w *Worker) fail(ctx context.Context, log *slog.Logger, n scheme.Notification, attempt int, err error, reason string) error {
	if merr := w.mark(ctx, n.ID, StatusFailed, attempt, reason); merr != nil {
		// Let River retry, so that the status gets recorded in the end.
		return errors.Join(err, merr)
	}
	w.count(n.Channel, StatusFailed)
	log.WarnContext(ctx, "notification failed permanently", "err", err)
	return river.JobCancel(err)
}

// renderReason is what admins are told of a message that could not be
// made: Render's own words, which name template keys and params, never
// their values.
func renderReason(err error) string {
	return "message could not be made: " + strings.TrimPrefix(err.Error(), "notify: ")
}

// mark records a status with a context of its own, so that a job whose
// context ran out while sending can still record what happened.
func (w *Worker) mark(ctx context.Context, id, status string, attempts int, reason string) error {
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.Source.MarkNotification(mctx, id, status, attempts, reason); err != nil {
		return fmt.Errorf("notify: marking notification %s %s: %w", id, status, err)
	}
	return nil
}

// markSent tries a few times: after a send, a lost status is what could
// make the message go twice.
func (w *Worker) markSent(ctx context.Context, id string, attempts int) error {
	var err error
	for i, pause := range []time.Duration{0, 200 * time.Millisecond, time.Second} {
		if i > 0 {
			time.Sleep(pause)
		}
		if err = w.mark(ctx, id, StatusSent, attempts, ""); err == nil {
			return nil
		}
	}
	return err
}

func (w *Worker) count(ch scheme.Channel, result string) {
	if w.Sent == nil {
		return
	}
	label := string(ch)
	if ch != scheme.ChannelEmail && ch != scheme.ChannelSMS {
		label = "unknown"
	}
	w.Sent.WithLabelValues(label, result).Inc()
}

func (w *Worker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
