package notify_test

import (
	"context"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/bench"
	"uglymugs/internal/notify"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/smtpsink"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// benchMembers is how many members the delivery benchmarks seed; about
// half want alerts by email, a quarter by SMS.
const benchMembers = 10_000

// BenchmarkAlertEmails delivers a nationwide alert's emails (about 5,000)
// into a discarding SMTP sink, claim, decrypt, send and mark, as the
// server does with --email-rate 100000. In each round, just before, a bare
// net/smtp client sends as many over 10 kept connections into the same
// sink: the floor. It reports both rates and their ratio, side by side in
// one sitting as the machine's load changes.
//
//	go test ./internal/notify -run XXX -bench AlertEmails -benchmem
func BenchmarkAlertEmails(b *testing.B) {
	sink, err := smtpsink.Start(false)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sink.Close() })
	mail, err := notify.NewSMTP("smtp://"+sink.Addr(), "alerts@example.org")
	if err != nil {
		b.Fatal(err)
	}
	benchAlertChannel(b, scheme.ChannelEmail, &notify.AlertDeliverWorker{Mail: mail, BaseURL: alertBase, EmailRate: 100_000},
		func(n int) error { _, err := bench.RawRate(sink.Addr(), n, 10); return err }, sink.Received, "emails")
}

// BenchmarkAlertSMS is BenchmarkAlertEmails for SMS (about 2,500 a
// round) into the benchmark's SMS provider stub, against a bare net/http
// client posting as many over 10 kept connections.
//
//	go test ./internal/notify -run XXX -bench AlertSMS -benchmem
func BenchmarkAlertSMS(b *testing.B) {
	stub := bench.StartSMSStub()
	b.Cleanup(stub.Close)
	sms, err := notify.NewHTTPSMS(notify.SMSConfig{URL: stub.URL(), Account: "ACbench", Token: "token", From: "UglyMugs"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	benchAlertChannel(b, scheme.ChannelSMS, &notify.AlertDeliverWorker{SMS: sms, BaseURL: alertBase, SMSRate: 100_000},
		func(n int) error { _, err := bench.SMSRawRate(stub, n, 10); return err }, stub.Received, "sms")
}

// benchAlertChannel publishes a nationwide alert each round and times w
// sending its deliveries on ch, beside floor sending as many, checking
// that every one arrived (received counts the provider's messages) and
// was recorded sent once.
func benchAlertChannel(b *testing.B, ch scheme.Channel, w *notify.AlertDeliverWorker, floor func(n int) error, received func() int64, unit string) {
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	if _, err := db.SeedMembers(ctx, benchMembers, "$argon2id$bench", nil); err != nil {
		b.Fatal(err)
	}
	src := &markCounter{AlertSource: db.Deliveries}
	w.Source = src
	job := &river.Job[outbox.AlertDeliverArgs]{JobRow: &rivertype.JobRow{ID: 1, AttemptedBy: []string{"bench"}},
		Args: outbox.AlertDeliverArgs{Channel: string(ch)}}
	var sent, took, bare, bareTook int64
	var cpu, bareCPU time.Duration // the process's, the sink's or stub's included
	for b.Loop() {
		b.StopTimer()
		a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
			AlertContent: scheme.AlertContent{Title: alertTitle, Body: alertBody, Area: alertArea},
			Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour), Nationwide: true,
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{}); err != nil {
			b.Fatal(err)
		}
		for done := false; !done; {
			if done, err = db.Deliveries.FanOutAlert(ctx, a.ID, 5000); err != nil {
				b.Fatal(err)
			}
		}
		c, err := db.Deliveries.DeliveryCounts(ctx, a.ID)
		if err != nil {
			b.Fatal(err)
		}
		n := c[string(ch)]["queued"]
		start, cpu0 := time.Now(), cpuTime(b)
		if err := floor(n); err != nil {
			b.Fatal(err)
		}
		bareTook += int64(time.Since(start))
		bareCPU += cpuTime(b) - cpu0
		bare += int64(n)

		before := received()
		start, cpu0 = time.Now(), cpuTime(b)
		b.StartTimer()
		if err := w.Work(ctx, job); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		took += int64(time.Since(start))
		cpu += cpuTime(b) - cpu0
		got := received() - before
		sent += got
		if c, err = db.Deliveries.DeliveryCounts(ctx, a.ID); err != nil {
			b.Fatal(err)
		}
		if c[string(ch)]["sent"] != n || int(got) != n || len(c[string(ch)]) != 1 {
			b.Fatalf("%d at the provider of %d; deliveries %v", got, n, c[string(ch)])
		}
		b.StartTimer()
	}
	ours, floorRate := float64(sent)/time.Duration(took).Seconds(), float64(bare)/time.Duration(bareTook).Seconds()
	b.ReportMetric(ours, unit+"/s")
	b.ReportMetric(floorRate, "bare-"+unit+"/s")
	b.ReportMetric(ours/floorRate, "×bare")
	// CPU a message, beside the wall-clock rates: what a busy machine
	// (other work on the same cores) changes least.
	b.ReportMetric(float64(cpu.Microseconds())/float64(max(sent, 1)), "cpu-µs/msg")
	b.ReportMetric(float64(bareCPU.Microseconds())/float64(max(bare, 1)), "bare-cpu-µs/msg")
	b.ReportMetric(float64(src.marked.Load())/float64(max(src.writes.Load(), 1)), "marks/write")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// markCounter counts the writes that record messages sent, and the
// messages they record.
type markCounter struct {
	notify.AlertSource
	writes, marked atomic.Int64
}

func (c *markCounter) MarkSent(ctx context.Context, ds []outbox.AlertDelivery) error {
	c.writes.Add(1)
	c.marked.Add(int64(len(ds)))
	return c.AlertSource.MarkSent(ctx, ds)
}
