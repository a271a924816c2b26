package bench

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// floors are the alerts the harness publishes, made as drafts while no
// server writes, with their audiences and the bare INSERT…SELECT of as
// many rows as each reaches: the least its fan-out's writes can cost.
type floors struct {
	london, nationwide         scheme.Alert
	londonAud, nationwideAud   scheme.Audience
	londonFloor, nationalFloor time.Duration
}

func fanOutFloors(ctx context.Context, db *store.DB) (floors, error) {
	var f floors
	var err error
	draft := func(a scheme.Alert) (scheme.Alert, scheme.Audience, time.Duration, error) {
		a.Severity, a.IncidentTypes, a.IncidentAt = scheme.SeverityHigh, []string{"robbery"}, time.Now().Add(-time.Hour)
		made, err := db.Alerts.CreateAlert(ctx, "bench", a)
		if err != nil {
			return a, scheme.Audience{}, 0, err
		}
		aud, err := db.Alerts.Audience(ctx, made.ID)
		if err != nil {
			return a, aud, 0, err
		}
		floor, err := insertSelectFloor(ctx, db, aud.InApp)
		return made, aud, floor, err
	}
	if f.london, f.londonAud, f.londonFloor, err = draft(scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a worker's bag."},
		Regions: []string{"london"}}); err != nil {
		return f, err
	}
	if f.nationwide, f.nationwideAud, f.nationalFloor, err = draft(scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man is robbing workers across the country."},
		Nationwide: true}); err != nil {
		return f, err
	}
	return f, nil
}

// fannedOut waits for the alert's fan-out to end and returns how long it
// took, from the publishing commit to the last batch's, as the server
// records them.
func fannedOut(ctx context.Context, db *store.DB, alertID string) (time.Duration, error) {
	for deadline := time.Now().Add(10 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var pub, done *time.Time
		if err := db.Writer().QueryRowContext(ctx, `SELECT published_at, fanout_done_at FROM alerts WHERE id = $1`, alertID).Scan(&pub, &done); err != nil {
			return 0, err
		}
		if done != nil {
			return done.Sub(*pub), nil
		}
	}
	return 0, fmt.Errorf("the fan-out of alert %s did not end in 10 minutes", alertID)
}

// marked waits (up to a minute) until at least want of the alert's
// deliveries on channel are recorded as sent, and returns how many are:
// a message is marked just after its provider takes it.
func marked(ctx context.Context, db *store.DB, alertID, channel string, want int) (int, error) {
	var n int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = $1 AND channel = $2 AND status = 'sent'`, alertID, channel).Scan(&n); err != nil {
			return 0, err
		}
		if n >= want || time.Now().After(deadline) {
			return n, nil
		}
	}
}

// waitFor waits (up to ten minutes) until count reaches want.
func waitFor(count func() int64, want int64) {
	for deadline := time.Now().Add(10 * time.Minute); count() < want && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
}

// alertFigures publishes a London alert and measures its fan-out, then
// its email (SMS held back) and then its SMS, each into its sink, then
// push (pushFigure) and a nationwide fan-out. It returns the server's
// peak memory from publishing the London alert to its last email.
func alertFigures(ctx context.Context, c Config, res *Results, db *store.DB, srv *server, e edges, f floors) (int64, error) {
	rawEmail, err := RawRate(e.sink.Addr(), 20000, 10)
	if err != nil {
		return 0, err
	}
	rawSMS, err := SMSRawRate(e.sms, 5000, 10)
	if err != nil {
		return 0, err
	}
	c.logf("bare clients: SMTP %.0f messages a second, SMS %.0f a second", rawEmail, rawSMS)
	if err := db.Deliveries.PauseChannel(ctx, "sms", "benchmark: email measured alone"); err != nil {
		return 0, err
	}
	emailBefore, smsBefore := e.sink.Received(), e.sms.Received()

	stop := make(chan struct{})
	peak := srv.peakRSS(stop)
	t0 := time.Now()
	aud, err := db.Alerts.PublishAlert(ctx, "bench", f.london.ID, store.PublishOptions{})
	if err != nil {
		return 0, err
	}
	publish := time.Since(t0)
	fanned, err := fannedOut(ctx, db, f.london.ID)
	if err != nil {
		return 0, err
	}
	fanDone := time.Now()
	c.logf("published to %d members in %v; fan-out took %v", aud.InApp, publish, fanned)
	res.add(Figure{Name: fmt.Sprintf("Alert fan-out to %d members (London): every in-app row and %d email and %d SMS deliveries queued", aud.InApp, aud.Email, aud.SMS),
		Value:  fmt.Sprintf("%s (%.1f× the floor; publishing, with the audience count, %s before it)", dur(fanned), float64(fanned)/float64(max(f.londonFloor, 1)), dur(publish)),
		Floor:  fmt.Sprintf("bare INSERT…SELECT of %d rows: %s", aud.InApp, dur(f.londonFloor)),
		Target: "≤ 10× the floor", Met: fanned <= 10*f.londonFloor,
		Note: "from the publishing commit to the fan-out job's last batch, as the server records them; the job is picked up within its poll interval"})

	profile := srv.profileCPU(ctx, c, "Sending alert emails", time.Duration(c.Seconds)*time.Second)
	waitFor(e.sink.Received, emailBefore+int64(aud.Email))
	sent := time.Since(fanDone)
	close(stop)
	sendRSS := <-peak
	got := e.sink.Received() - emailBefore
	n, err := marked(ctx, db, f.london.ID, "email", int(got))
	if err != nil {
		return 0, err
	}
	ours := float64(got) / sent.Seconds()
	c.logf("emails: %d received in %v (%.0f/s); %d marked sent; peak RSS %s", got, sent, ours, n, mib(float64(sendRSS)))
	res.add(Figure{Name: fmt.Sprintf("Alert email delivery, %d messages into a discarding SMTP sink", aud.Email),
		Value:  fmt.Sprintf("%.0f a second, %.2f× the floor (%d received, %d recorded as sent)", ours, ours/rawEmail, got, n),
		Floor:  fmt.Sprintf("bare net/smtp client, 10 reused connections: %.0f a second", rawEmail),
		Target: "≥ 0.5× the floor, each recorded once", Met: ours >= 0.5*rawEmail && n == aud.Email && got == int64(aud.Email)})
	if p, err := profile(); err != nil {
		c.logf("%v", err)
	} else {
		res.Profiles = append(res.Profiles, p)
	}

	// SMS, alone.
	t0 = time.Now()
	smsProfile := srv.profileCPU(ctx, c, "Sending alert SMS", max(time.Second, time.Duration(c.Seconds)*time.Second/3))
	if err := db.Deliveries.ResumeChannel(ctx, "bench", "sms"); err != nil {
		return 0, err
	}
	waitFor(e.sms.Received, smsBefore+int64(aud.SMS))
	took := time.Since(t0)
	if p, err := smsProfile(); err != nil {
		c.logf("%v", err)
	} else {
		res.Profiles = append(res.Profiles, p)
	}
	gotSMS := e.sms.Received() - smsBefore
	if n, err = marked(ctx, db, f.london.ID, "sms", int(gotSMS)); err != nil {
		return 0, err
	}
	smsRate := float64(gotSMS) / took.Seconds()
	c.logf("sms: %d received in %v (%.0f/s); %d marked sent", gotSMS, took, smsRate, n)
	res.add(Figure{Name: fmt.Sprintf("Alert SMS delivery, %d messages into the SMS provider stub", aud.SMS),
		Value:  fmt.Sprintf("%.0f a second, %.2f× the floor (%d received, %d recorded as sent)", smsRate, smsRate/rawSMS, gotSMS, n),
		Floor:  fmt.Sprintf("bare net/http client, 10 reused connections: %.0f a second", rawSMS),
		Target: "≥ 0.5× the floor, each recorded once", Met: smsRate >= 0.5*rawSMS && n == aud.SMS && gotSMS == int64(aud.SMS),
		Note: "from resuming the channel (held while email was measured) to the stub's last message"})

	if err := pushFigure(ctx, c, res, db, srv, e.push, ours); err != nil {
		return 0, err
	}

	// Nationwide, with every channel held (email and SMS are since the
	// push figure): the fan-out alone.
	if err := db.Deliveries.PauseChannel(ctx, "push", "benchmark: nationwide fan-out measured alone"); err != nil {
		return 0, err
	}
	nat, err := db.Alerts.PublishAlert(ctx, "bench", f.nationwide.ID, store.PublishOptions{})
	if err != nil {
		return 0, err
	}
	natProfile := srv.profileCPU(ctx, c, "Nationwide fan-out, its first seconds", time.Duration(c.Seconds)*time.Second)
	if fanned, err = fannedOut(ctx, db, f.nationwide.ID); err != nil {
		return 0, err
	}
	if p, err := natProfile(); err != nil {
		c.logf("%v", err)
	} else {
		res.Profiles = append(res.Profiles, p)
	}
	c.logf("nationwide: published to %d members; fan-out took %v", nat.InApp, fanned)
	limit := time.Duration(float64(10*time.Second) * float64(nat.InApp) / 1e6)
	res.add(Figure{Name: fmt.Sprintf("Nationwide alert fan-out to %d members: every in-app row and %d email, %d SMS and %d push deliveries queued", nat.InApp, nat.Email, nat.SMS, nat.Push),
		Value:  fmt.Sprintf("%s (%.1f× the floor)", dur(fanned), float64(fanned)/float64(max(f.nationalFloor, 1))),
		Floor:  fmt.Sprintf("bare INSERT…SELECT of %d rows: %s", nat.InApp, dur(f.nationalFloor)),
		Target: fmt.Sprintf("≤ 10 s for 1,000,000 members (%s for these)", dur(limit)), Met: fanned <= limit,
		Note: "email, SMS and push held, so the fan-out is measured alone"})
	return sendRSS, nil
}
