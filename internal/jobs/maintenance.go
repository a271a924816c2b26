package jobs

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"golang.org/x/time/rate"

	"uglymugs/internal/audit"
	"uglymugs/internal/notify"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Senders are how notifications leave; a nil one holds its channel's
// messages in the outbox.
type Senders struct {
	Mail notify.Mailer
	SMS  notify.Texter
	// BaseURL is the site's address, for the link in alert emails.
	BaseURL string
	// EmailRate and SMSRate cap alert messages a second on each channel;
	// zero means notify's defaults.
	EmailRate, SMSRate float64
	// Push sends alerts to members' devices; nil when the key file has no
	// push key. PushRate caps it as the others.
	Push     notify.Pusher
	PushRate float64
}

// Reminder reminds organisations whose training is overdue
// (training.Service): the jobs package needs only this of it.
type Reminder interface {
	Remind(ctx context.Context) (int, error)
}

// Teller tells reporters who chose it that there is news about a report
// they made (impact.Service).
type Teller interface {
	Notify(ctx context.Context) (int, error)
}

// RegisterWorkers returns the registration of every worker the service
// runs; remind is the training's reminder and tell the reports' news
// (nil: none).
func RegisterWorkers(db *store.DB, log *slog.Logger, reg prometheus.Registerer, send Senders, keep store.Retention, remind Reminder, tell Teller) func(*river.Workers) {
	intact := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "uglymugs_audit_chain_intact",
		Help: "1 if the audit log's hash chain verified at the last check, 0 if it is broken.",
	})
	reg.MustRegister(intact)
	sent := notify.NewSentCounter(reg)
	alerts := notify.NewAlertMetrics(reg)
	return func(ws *river.Workers) {
		river.AddWorker(ws, &auditVerifyWorker{db: db, log: log, intact: intact})
		river.AddWorker(ws, &retentionWorker{db: db, log: log, keep: keep})
		river.AddWorker(ws, &trainingRemindWorker{remind: remind, log: log})
		river.AddWorker(ws, &impactNotifyWorker{tell: tell, log: log})
		river.AddWorker(ws, &memberKeysWorker{db: db, log: log})
		nw := &notify.Worker{Source: db.Deliveries, Log: log, Sent: sent,
			BulkLimit: rate.NewLimiter(rate.Limit(cmp.Or(send.EmailRate, notify.DefaultEmailRate)), 1)}
		// Assign only non-nil senders: a nil pointer in an interface is not nil.
		if send.Mail != nil {
			nw.Mail = send.Mail
		}
		if send.SMS != nil {
			nw.SMS = send.SMS
		}
		river.AddWorker(ws, nw)
		river.AddWorker(ws, &notify.AlertFanOutWorker{Source: db.Deliveries, Log: log, Metrics: alerts})
		aw := &notify.AlertDeliverWorker{Source: db.Deliveries, BaseURL: send.BaseURL, Log: log, Metrics: alerts,
			EmailRate: rate.Limit(send.EmailRate), SMSRate: rate.Limit(send.SMSRate), PushRate: rate.Limit(send.PushRate)}
		if send.Push != nil {
			aw.Push = send.Push
		}
		if send.Mail != nil {
			aw.Mail = send.Mail
		}
		if send.SMS != nil {
			aw.SMS = send.SMS
		}
		river.AddWorker(ws, aw)
	}
}

// Periodic returns the jobs that run on a schedule.
func Periodic() []*river.PeriodicJob {
	return append([]*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return AuditVerifyArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(6*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return TrainingRemindArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return ImpactNotifyArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return MemberKeysArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}, notify.AlertDeliverSweep(time.Minute)...)
}

// MemberKeysArgs asks for every account made before members' data keys to
// be given one, with what is hers resealed under it (store.ResealMembers).
// Once all have one it finds nothing to do.
type MemberKeysArgs struct{}

func (MemberKeysArgs) Kind() string { return "member_keys" }

type memberKeysWorker struct {
	river.WorkerDefaults[MemberKeysArgs]
	db  *store.DB
	log *slog.Logger
}

// Timeout lets one pass over a large scheme's older accounts finish; each
// account is its own transaction, so a pass cut short loses nothing.
func (w *memberKeysWorker) Timeout(*river.Job[MemberKeysArgs]) time.Duration { return time.Hour }

func (w *memberKeysWorker) Work(ctx context.Context, _ *river.Job[MemberKeysArgs]) error {
	n, err := w.db.ResealMembers(ctx, 500)
	if n > 0 {
		w.log.InfoContext(ctx, "members' data keys made, their values resealed", "accounts", n)
	}
	return err
}

// TrainingRemindArgs asks for the key contacts of organisations whose
// training is overdue to be reminded. Each organisation is reminded at
// most once in each due period, recorded with the messages, so running
// it often (and again after a restart) sends nothing twice.
type TrainingRemindArgs struct{}

func (TrainingRemindArgs) Kind() string { return "training_remind" }

type trainingRemindWorker struct {
	river.WorkerDefaults[TrainingRemindArgs]
	remind Reminder
	log    *slog.Logger
}

func (w *trainingRemindWorker) Work(ctx context.Context, _ *river.Job[TrainingRemindArgs]) error {
	if w.remind == nil {
		return nil
	}
	n, err := w.remind.Remind(ctx)
	if err != nil {
		return err
	}
	w.log.InfoContext(ctx, "training reminders queued", "organisations", n)
	return nil
}

// ImpactNotifyArgs asks for reporters who chose it to be told,
// content-free, that there is news about a report they made. Each is told
// at most once a day, and what she was told is recorded with the message,
// so running it hourly (and again after a restart) sends nothing twice.
type ImpactNotifyArgs struct{}

func (ImpactNotifyArgs) Kind() string { return "impact_notify" }

type impactNotifyWorker struct {
	river.WorkerDefaults[ImpactNotifyArgs]
	tell Teller
	log  *slog.Logger
}

func (w *impactNotifyWorker) Work(ctx context.Context, _ *river.Job[ImpactNotifyArgs]) error {
	if w.tell == nil {
		return nil
	}
	n, err := w.tell.Notify(ctx)
	if err != nil {
		return err
	}
	w.log.InfoContext(ctx, "report news queued", "members", n)
	return nil
}

// DefaultRetention is how long records are kept unless configured:
// reports six years from when they were sent, the check log twice the
// unusual-checking window, delivery records 90 days, audit entries six
// years.
var DefaultRetention = store.Retention{
	Reports:    6 * 365 * 24 * time.Hour,
	Checks:     2 * scheme.UnusualWindow,
	Deliveries: 90 * 24 * time.Hour,
	Audit:      6 * 365 * 24 * time.Hour,
}

// RetentionArgs asks for what is older than its retention to be deleted.
type RetentionArgs struct{}

func (RetentionArgs) Kind() string { return "retention" }

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	db   *store.DB
	log  *slog.Logger
	keep store.Retention
}

func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	p, err := w.db.ApplyRetention(ctx, w.keep)
	if err != nil {
		return err
	}
	w.log.InfoContext(ctx, "retention applied", "reports", p.Reports, "offender_profiles", p.Profiles, "checks", p.Checks,
		"deliveries", p.Deliveries, "notifications", p.Notifications, "audit_entries", p.AuditEntries, "sms_inbound_ids", p.SMSInbound)
	return nil
}

// AuditVerifyArgs asks for the audit chain to be checked.
type AuditVerifyArgs struct{}

func (AuditVerifyArgs) Kind() string { return "audit_verify" }

// auditVerifyWorker checks the audit log's chain on a schedule, so that
// tampering is noticed without waiting for someone to run "audit verify".
type auditVerifyWorker struct {
	river.WorkerDefaults[AuditVerifyArgs]
	db     *store.DB
	log    *slog.Logger
	intact prometheus.Gauge
}

func (w *auditVerifyWorker) Work(ctx context.Context, _ *river.Job[AuditVerifyArgs]) error {
	head, err := audit.Verify(w.db.AuditEntries(ctx))
	var broken *audit.BrokenError
	switch {
	case errors.As(err, &broken):
		w.intact.Set(0)
		w.log.ErrorContext(ctx, "AUDIT LOG TAMPERED", "entry", broken.Seq, "reason", broken.Reason)
		return nil // a retry cannot mend it; the gauge and the log raise the alarm
	case err != nil:
		return err
	}
	w.intact.Set(1)
	w.log.InfoContext(ctx, "audit log verified", "entries", head.Entries)
	return nil
}
