package notify_test

import (
	"context"
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

// benchMembers is how many members the delivery benchmark seeds; about
// half want alerts by email.
const benchMembers = 10_000

// BenchmarkAlertEmails delivers a nationwide alert's emails (about 5,000)
// into a discarding SMTP sink, claim, decrypt, send and mark, as the
// server does with --email-rate 10000. In each round, just before, a bare
// net/smtp client sends as many over 10 kept connections into the same
// sink: the floor. It reports both rates and their ratio, side by side in
// one sitting as the machine's load changes.
//
//	go test ./internal/notify -run XXX -bench AlertEmails -benchmem
func BenchmarkAlertEmails(b *testing.B) {
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	if _, err := db.SeedMembers(ctx, benchMembers, "$argon2id$bench", nil); err != nil {
		b.Fatal(err)
	}
	sink, err := smtpsink.Start(false)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sink.Close() })
	mail, err := notify.NewSMTP("smtp://"+sink.Addr(), "alerts@example.org")
	if err != nil {
		b.Fatal(err)
	}
	w := &notify.AlertDeliverWorker{Source: db.Deliveries, Mail: mail, BaseURL: alertBase, EmailRate: 10_000}
	job := &river.Job[outbox.AlertDeliverArgs]{JobRow: &rivertype.JobRow{ID: 1, AttemptedBy: []string{"bench"}},
		Args: outbox.AlertDeliverArgs{Channel: string(scheme.ChannelEmail)}}
	var sent, took, bare, bareTook int64
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
		n := c["email"]["queued"]
		start := time.Now()
		if _, err := bench.RawRate(sink.Addr(), n, 10); err != nil {
			b.Fatal(err)
		}
		bareTook += int64(time.Since(start))
		bare += int64(n)

		before := sink.Received()
		start = time.Now()
		b.StartTimer()
		if err := w.Work(ctx, job); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		took += int64(time.Since(start))
		got := sink.Received() - before
		sent += got
		if c, err = db.Deliveries.DeliveryCounts(ctx, a.ID); err != nil {
			b.Fatal(err)
		}
		if c["email"]["sent"] != n || int(got) != n || len(c["email"]) != 1 {
			b.Fatalf("%d at the sink of %d; deliveries %v", got, n, c["email"])
		}
		b.StartTimer()
	}
	ours, floor := float64(sent)/time.Duration(took).Seconds(), float64(bare)/time.Duration(bareTook).Seconds()
	b.ReportMetric(ours, "emails/s")
	b.ReportMetric(floor, "bare-emails/s")
	b.ReportMetric(ours/floor, "×bare")
}
