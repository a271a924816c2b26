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
// paused (so that push is measured alone, and stay paused after), an
// alert to London is published, and the time from its fan-out's end to
// the last message the push service accepted gives the rate, to set
// beside email's.
func pushFigure(ctx context.Context, c Config, res *Results, db *store.DB, srv *server, ps *pushtest.Service, emailRate float64) error {
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
	if _, err := fannedOut(ctx, db, a.ID); err != nil {
		return err
	}
	fanDone := time.Now()
	profile := srv.profileCPU(ctx, c, "Sending push messages, their first seconds", time.Duration(c.Seconds)*time.Second)
	want := before + aud.Push
	waitFor(func() int64 { return int64(ps.Count()) }, int64(want))
	took := time.Since(fanDone)
	if p, err := profile(); err != nil {
		c.logf("%v", err)
	} else {
		res.Profiles = append(res.Profiles, p)
	}
	got := ps.Count() - before
	n, err := marked(ctx, db, a.ID, "push", got)
	if err != nil {
		return err
	}
	refused := len(ps.Refused())
	ours := float64(got) / took.Seconds()
	c.logf("push: %d received in %v (%.0f/s); %d marked sent; %d refused", got, took, ours, n, refused)
	res.add(Figure{Name: fmt.Sprintf("Alert push delivery, %d devices into the test push service", aud.Push),
		Value:  fmt.Sprintf("%.0f a second (%d received, %d recorded as sent, %d refused)", ours, got, n, refused),
		Floor:  fmt.Sprintf("email into the discarding SMTP sink, same run: %.0f a second", emailRate),
		Target: "≥ email's rate", Met: ours >= emailRate && n == aud.Push && refused == 0,
		Note: "each message encrypted to its device (RFC 8291) and signed (VAPID, RFC 8292); the push service checks every signature; email and SMS paused meanwhile"})
	return nil // email and SMS stay held: the nationwide fan-out comes next, alone
}
