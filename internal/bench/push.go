package bench

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/pushtest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// PushDevices is how many devices the push figure sends to (fewer when
// the region has fewer members).
const PushDevices = 100_000

// pushFigure measures alert push delivery: up to PushDevices members of
// London get a device each at the test push service, email and SMS are
// paused (so that push is measured alone), an alert to London is
// published, and the time from its fan-out's end to the last message
// the push service accepted gives the rate, to set beside email's.
func pushFigure(ctx context.Context, c Config, res *Results, db *store.DB, ps *pushtest.Service, emailRate float64) error {
	for _, ch := range []string{"email", "sms"} {
		if err := db.Deliveries.PauseChannel(ctx, ch, "benchmark: push measured alone"); err != nil {
			return err
		}
	}
	t0 := time.Now()
	devices, err := db.SeedPushSubscriptions(ctx, "london", min(PushDevices, c.Members), func() store.PushSubscription {
		s := ps.SubscribeShared()
		return store.PushSubscription{Endpoint: s.Endpoint, Keys: outbox.PushKeys{P256dh: s.Keys.P256dh, Auth: s.Keys.Auth}, Label: "Chrome on Android"}
	})
	if err != nil {
		return err
	}
	res.Seeding = append(res.Seeding, fmt.Sprintf("%d push subscriptions in %s", devices, since(t0)))
	a, err := db.Alerts.CreateAlert(ctx, "bench", scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a worker's phone."},
		Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour), Regions: []string{"london"}})
	if err != nil {
		return err
	}
	before := ps.Count()
	aud, err := db.Alerts.PublishAlert(ctx, "bench", a.ID, store.PublishOptions{})
	if err != nil {
		return err
	}
	var fanDone time.Time
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var done *time.Time
		if err := db.Writer().QueryRowContext(ctx, `SELECT fanout_done_at FROM alerts WHERE id = $1`, a.ID).Scan(&done); err != nil {
			return err
		}
		if done != nil {
			fanDone = time.Now()
			break
		}
	}
	if fanDone.IsZero() {
		return fmt.Errorf("the push alert's fan-out did not end")
	}
	want := before + aud.Push
	for deadline := time.Now().Add(10 * time.Minute); ps.Count() < want && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(fanDone)
	got := ps.Count() - before
	var marked int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = $1 AND channel = 'push' AND status = 'sent'`, a.ID).Scan(&marked); err != nil {
			return err
		}
		if marked >= got || time.Now().After(deadline) {
			break
		}
	}
	refused := len(ps.Refused())
	ours := float64(got) / took.Seconds()
	c.logf("push: %d received in %v (%.0f/s); %d marked sent; %d refused", got, took, ours, marked, refused)
	res.add(Figure{Name: fmt.Sprintf("Alert push delivery, %d devices into the test push service", aud.Push),
		Value:  fmt.Sprintf("%.0f a second (%d received, %d recorded as sent, %d refused)", ours, got, marked, refused),
		Floor:  fmt.Sprintf("email into the discarding SMTP sink, same run: %.0f a second", emailRate),
		Target: "≥ email's rate", Met: ours >= emailRate && marked == aud.Push && refused == 0,
		Note: "each message encrypted to its device (RFC 8291) and signed (VAPID, RFC 8292); the push service checks every signature; email and SMS paused meanwhile"})
	for _, ch := range []string{"email", "sms"} {
		if err := db.Deliveries.ResumeChannel(ctx, "bench", ch); err != nil {
			return err
		}
	}
	return nil
}
