package notify_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestAlertDelivery_ProvidersDownThenErroringThenSlowThenBack puts the
// SMTP server and the SMS provider through an outage together, behind
// proxies that the senders do not know about: both down (connections
// reset), then answering with temporary errors (SMTP 451, HTTP 503), then
// slow, then well. Each channel pauses when its provider keeps failing and
// coordinators see it (the pause with its reason, in the audit log and the
// metric); a coordinator resumes it; and in the end every member has each
// alert exactly once by email and once by SMS: nothing lost, nothing twice.
func TestAlertDelivery_ProvidersDownThenErroringThenSlowThenBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		mu, err := url.Parse(mp.SMTPURL())
		if err != nil {
			t.Fatal(err)
		}
		smtpProxy := notifytest.StartFaultProxy(t, mu.Host)
		mu.Host = smtpProxy.Addr()
		smsCfg := stub.Config()
		su, err := url.Parse(smsCfg.URL)
		if err != nil {
			t.Fatal(err)
		}
		smsProxy := notifytest.StartFaultProxy(t, su.Host)
		su.Host = smsProxy.Addr()
		smsCfg.URL = su.String()

		const n = 6
		var ms []alertMember
		for i := range n {
			ms = append(ms, alertMember{Name: fmt.Sprintf("faulty.%d", i), Email: fmt.Sprintf("faulty.%d@example.org", i),
				Mobile: fmt.Sprintf("+44770090093%d", i), AlertEmail: true, AlertSMS: true})
		}
		addMembers(t, db, ms...)
		paused := func(ch string) bool {
			p, err := db.Deliveries.ChannelPaused(ctx, ch)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		bothPaused := func() bool { return paused("email") && paused("sms") }
		seePauses := func(phase string) {
			t.Helper()
			ps, err := db.Deliveries.DeliveryPauses(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 2 {
				t.Fatalf("%s: pauses %+v, want email and sms", phase, ps)
			}
			for _, p := range ps {
				if !strings.Contains(p.Reason, "failures in a row") || strings.Contains(p.Reason, "@") || strings.Contains(p.Reason, "+44") {
					t.Errorf("%s: the %s pause says %q", phase, p.Channel, p.Reason)
				}
			}
		}
		resume := func() {
			t.Helper()
			for _, ch := range outbox.AlertChannels {
				if err := db.Deliveries.ResumeChannel(ctx, "coord-b", ch); err != nil {
					t.Fatal(err)
				}
			}
		}
		metrics := notify.NewAlertMetrics(prometheus.NewRegistry())

		// Down: both providers reset every connection.
		smtpProxy.SetDown(true)
		smsProxy.SetDown(true)
		first := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mu.String()), SMS: newSMS(t, smsCfg),
			Concurrency: 2, PauseAfter: 4, Metrics: metrics, Backoff: func(int) time.Duration { return 20 * time.Millisecond }})
		waitUntil(t, "both channels to pause while their providers are down", bothPaused)
		waitUntil(t, "the senders to stop", func() bool { return jobsIdle(t, db) })
		seePauses("down")
		if c := counts(t, db, first.ID); c["email"]["sent"] != 0 || c["sms"]["sent"] != 0 || c["email"]["retrying"]+c["email"]["queued"] != n || c["sms"]["retrying"]+c["sms"]["queued"] != n {
			t.Fatalf("while down: %v; want every message waiting", c)
		}

		// Up, but answering with temporary errors: resumed, they pause again.
		smtpProxy.SetDown(false)
		smsProxy.SetDown(false)
		mp.SetChaos(t, notifytest.Chaos{Recipient: 451})
		stub.FailNext(1000, 503)
		before := stub.Requests()
		resume()
		waitUntil(t, "both channels to pause again on errors", bothPaused)
		waitUntil(t, "the senders to stop", func() bool { return jobsIdle(t, db) })
		seePauses("erroring")
		if stub.Requests() == before {
			t.Error("the SMS provider was not tried while it answered with errors")
		}
		if got := len(mp.Messages(t)); got != 0 {
			t.Errorf("%d emails got through a server refusing every recipient", got)
		}

		// Well again, but slow; a second alert goes out meanwhile.
		mp.SetChaos(t, notifytest.Chaos{})
		stub.FailNext(0, 0)
		smtpProxy.SetDelay(60 * time.Millisecond)
		smsProxy.SetDelay(60 * time.Millisecond)
		resume()
		second := publishLondon(t, db)
		settled(t, db, first.ID, second.ID)

		// Recovered: nothing paused, and everyone has each alert once.
		if ps, err := db.Deliveries.DeliveryPauses(ctx); err != nil || len(ps) != 0 {
			t.Errorf("after recovery: pauses %+v, %v", ps, err)
		}
		for _, a := range []string{first.ID, second.ID} {
			if c := counts(t, db, a); c["email"]["sent"] != n || c["sms"]["sent"] != n {
				t.Errorf("alert %s after recovery: %v; want %d sent on each channel", a, c, n)
			}
		}
		emails := toCount(mp.Messages(t), func(m notifytest.Message) string { return m.To })
		texts := toCount(stub.Received(), func(m notify.SMS) string { return m.To })
		for _, m := range ms {
			if emails[m.Email] != 2 || texts[m.Mobile] != 2 {
				t.Errorf("%s got %d emails and %d texts; want each alert once: 2 and 2", m.Name, emails[m.Email], texts[m.Mobile])
			}
		}
		for _, ch := range []string{"email", "sms"} { // the providers made to fail here
			var m dto.Metric
			if err := metrics.Pauses.WithLabelValues(ch).Write(&m); err != nil || m.GetCounter().GetValue() != 2 {
				t.Errorf("%s pauses counted %v (%v), want 2", ch, m.GetCounter().GetValue(), err)
			}
		}
		var pauses, resumes int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'delivery.pause'`).Scan(&pauses); err != nil {
			t.Fatal(err)
		}
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'delivery.resume'`).Scan(&resumes); err != nil {
			t.Fatal(err)
		}
		if pauses != 4 || resumes != 4 {
			t.Errorf("audit log: %d pauses and %d resumes, want 4 and 4", pauses, resumes)
		}
	})
}
