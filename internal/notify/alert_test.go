package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/jobs"
	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// These tests run the alert workers under a real River client on a real
// database (both engines), sending to a real SMTP server (mailpit) and the
// SMS stub.

const alertBase = "https://members.example.org"

// alertMember is a member for these tests; every one is in London unless
// Region says otherwise.
type alertMember struct {
	Name, Email, Mobile  string
	AlertEmail, AlertSMS bool
	Region               string
}

// addMembers makes active individual members and returns their ids by name.
func addMembers(t *testing.T, db *store.DB, ms ...alertMember) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, m := range ms {
		a, err := db.Accounts.CreateApplication(ctx, store.NewApplication{Type: scheme.Individual, Username: m.Name, PasswordHash: "$argon2id$test",
			Profile: scheme.Profile{WorkName: "Workname " + m.Name, Email: m.Email, Mobile: m.Mobile, AlertEmail: m.AlertEmail, AlertSMS: m.AlertSMS,
				Regions: []string{cmpOr(m.Region, "london")}, Gender: "woman", Sector: "street", TermsVersion: 1},
			URL: "https://example.org/signin"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		ids[m.Name] = a.UserID
	}
	// The account messages those made are not what these tests are about.
	if _, err := db.Writer().ExecContext(ctx, `DELETE FROM river_job WHERE kind = 'notify_send'`); err != nil {
		t.Fatal(err)
	}
	return ids
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Identifying details an alert message must never carry.
const (
	alertTitle = "Robbery near Camden Lock"
	alertBody  = "A tall man with a red beard took a phone."
	alertArea  = "Camden, London"
)

// publishLondon writes and publishes an alert to London; its fan-out job
// is enqueued in the same transaction.
func publishLondon(t *testing.T, db *store.DB) scheme.Alert {
	t.Helper()
	ctx := context.Background()
	a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
		AlertContent: scheme.AlertContent{Title: alertTitle, Body: alertBody, Area: alertArea,
			Identifiers: []scheme.Identifier{{Kind: "phone", Value: "07700 900999", Normalised: "+447700900999"}}},
		Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
		Regions: []string{"london"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	return a
}

type alertQuickRetry struct{}

func (alertQuickRetry) NextRetry(*rivertype.JobRow) time.Time {
	return time.Now().Add(10 * time.Millisecond)
}

// startAlertQueue runs the fan-out worker (batches of two, so that a
// handful of members makes several) and the given sender under River.
func startAlertQueue(t *testing.T, db *store.DB, w *notify.AlertDeliverWorker) *jobs.Queue {
	t.Helper()
	w.Source = db.Deliveries
	if w.BaseURL == "" {
		w.BaseURL = alertBase
	}
	if w.Backoff == nil {
		w.Backoff = func(int) time.Duration { return 5 * time.Millisecond }
	}
	q, err := jobs.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{
		Workers:      4,
		PollInterval: 50 * time.Millisecond,
		RetryPolicy:  alertQuickRetry{},
		Register: func(ws *river.Workers) {
			river.AddWorker(ws, &notify.AlertFanOutWorker{Source: db.Deliveries, Batch: 2})
			river.AddWorker(ws, w)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	return q
}

// waitUntil polls cond until it holds; the deadline guards against a hang
// and is no timing assertion.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting, after 30 s, for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jobsIdle reports whether no alert job is waiting or running.
func jobsIdle(t *testing.T, db *store.DB) bool {
	t.Helper()
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job
		WHERE kind IN ('alert_fanout', 'alert_deliver') AND state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 0
}

func counts(t *testing.T, db *store.DB, alertID string) map[string]map[string]int {
	t.Helper()
	c, err := db.Deliveries.DeliveryCounts(context.Background(), alertID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// settled waits until every email and SMS of the alert is in a final
// state and no alert job is left.
func settled(t *testing.T, db *store.DB, alertIDs ...string) {
	t.Helper()
	waitUntil(t, "the alerts' deliveries to settle", func() bool {
		for _, id := range alertIDs {
			c := counts(t, db, id)
			for _, ch := range outbox.AlertChannels {
				for st, n := range c[ch] {
					if n > 0 && (st == scheme.DeliveryQueued || st == scheme.DeliverySending || st == scheme.DeliveryRetrying) {
						return false
					}
				}
			}
		}
		return jobsIdle(t, db)
	})
}

func toCount[T any](ms []T, to func(T) string) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		for _, a := range strings.Split(to(m), ", ") {
			out[a]++
		}
	}
	return out
}

func TestAlertDelivery_EachMemberGetsTheirChannelsOnceForEachOfTwoAlertsPublishedTogether(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		ids := addMembers(t, db,
			alertMember{Name: "both", Email: "both@example.org", Mobile: "+447700900201", AlertEmail: true, AlertSMS: true},
			alertMember{Name: "email-only", Email: "emailonly@example.org", AlertEmail: true},
			alertMember{Name: "sms-only", Mobile: "+447700900202", AlertSMS: true},
			alertMember{Name: "in-app-only", Email: "quiet@example.org", Mobile: "+447700900203"},
			alertMember{Name: "in-wales", Email: "wales@example.org", Mobile: "+447700900204", AlertEmail: true, AlertSMS: true, Region: "wales"},
		)
		a, b := publishLondon(t, db), publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mp.SMTPURL()), SMS: newSMS(t, stub.Config())})
		settled(t, db, a.ID, b.ID)

		for _, al := range []scheme.Alert{a, b} {
			c := counts(t, db, al.ID)
			if c["email"]["sent"] != 2 || c["sms"]["sent"] != 2 || c["in_app"]["delivered"] != 4 || len(c["email"]) != 1 || len(c["sms"]) != 1 {
				t.Errorf("alert %s: counts %v", al.ID, c)
			}
		}
		// In the app: every member in London, whatever their channels.
		for _, name := range []string{"both", "email-only", "sms-only", "in-app-only"} {
			feed, err := db.Alerts.MemberAlerts(ctx, ids[name], scheme.MemberAlertFilter{})
			if err != nil || len(feed) != 2 {
				t.Errorf("%s has %d alerts in the app (%v), want 2", name, len(feed), err)
			}
		}
		if feed, _ := db.Alerts.MemberAlerts(ctx, ids["in-wales"], scheme.MemberAlertFilter{}); len(feed) != 0 {
			t.Errorf("a member outside the area has %d alerts", len(feed))
		}

		// Email: one per alert to each who chose it, none to anyone else.
		msgs := mp.Messages(t)
		if got := toCount(msgs, func(m notifytest.Message) string { return m.To }); len(got) != 2 ||
			got["both@example.org"] != 2 || got["emailonly@example.org"] != 2 {
			t.Errorf("emails by recipient: %v", got)
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			if m.Subject != "New safety alert" {
				t.Errorf("subject %q", m.Subject)
			}
			links := 0
			for _, al := range []scheme.Alert{a, b} {
				if strings.Contains(m.Text, alertBase+"/alerts/"+al.ID) {
					links++
					user := ids["both"]
					if m.To == "emailonly@example.org" {
						user = ids["email-only"]
					}
					ref := outbox.DeliveryRef(al.ID, user, "email")
					if id := first(m.Headers, "Message-Id"); id != "<"+ref+"@example.org>" {
						t.Errorf("Message-Id %q, want <%s@example.org>", id, ref)
					}
					seen[ref] = true
				}
			}
			if links != 1 || !strings.Contains(m.Text, "New safety alert for your area. Sign in to read it") {
				t.Errorf("email text lacks the sentence or one link to its alert:\n%s", m.Text)
			}
			for _, secret := range []string{alertTitle, "Camden", "red beard", "900999", "Workname", "both", "emailonly", "+4477", "Ugly"} {
				if strings.Contains(m.Subject+"\n"+m.Text, secret) {
					t.Errorf("email carries %q:\n%s\n%s", secret, m.Subject, m.Text)
				}
			}
		}
		if len(seen) != 4 {
			t.Errorf("%d distinct Message-Ids, want 4", len(seen))
		}

		// SMS: one per alert to each who chose it, the fixed sentence only.
		sms := stub.Received()
		if got := toCount(sms, func(m notify.SMS) string { return m.To }); len(got) != 2 ||
			got["+447700900201"] != 2 || got["+447700900202"] != 2 {
			t.Errorf("SMS by number: %v", got)
		}
		keys := map[string]bool{}
		for _, m := range sms {
			if m.Text != "New safety alert for your area. Sign in to read it." {
				t.Errorf("SMS text %q", m.Text)
			}
			keys[m.Key] = true
		}
		want := map[string]bool{}
		for _, al := range []scheme.Alert{a, b} {
			for _, name := range []string{"both", "sms-only"} {
				want[outbox.DeliveryRef(al.ID, ids[name], "sms")] = true
			}
		}
		if fmt.Sprint(keys) != fmt.Sprint(want) {
			t.Errorf("idempotency keys %v, want one per alert and member: %v", keys, want)
		}
	})
}

// dyingSource is the store, except that the worker using it is killed (its
// context cancelled) when it starts its second batch.
type dyingSource struct {
	store.Deliveries
	kill    context.CancelFunc
	batches int
}

func (s *dyingSource) FanOutPart(ctx context.Context, id string, part, parts, n int) (bool, error) {
	s.batches++
	if s.batches == 2 {
		s.kill()
	}
	return s.Deliveries.FanOutPart(ctx, id, part, parts, n)
}

func TestAlertDelivery_AFanOutKilledMidwayResumesAndEveryMessageGoesOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		var ms []alertMember
		for i := range 7 {
			ms = append(ms, alertMember{Name: fmt.Sprintf("member-%d", i), Email: fmt.Sprintf("m%d@example.org", i),
				Mobile: fmt.Sprintf("+4477009003%02d", i), AlertEmail: i%2 == 0, AlertSMS: i%3 == 0})
		}
		addMembers(t, db, ms...)
		db.Deliveries.SetFanOutParts(1) // one part, so that its first batch surely makes some rows
		a := publishLondon(t, db)

		// A fan-out worker dies after its first batch: the batch it made is
		// kept, and nothing was sent.
		kctx, kill := context.WithCancel(ctx)
		defer kill()
		dying := &notify.AlertFanOutWorker{Source: &dyingSource{Deliveries: db.Deliveries, kill: kill}, Batch: 3}
		err := dying.Work(kctx, &river.Job[outbox.AlertFanOutArgs]{JobRow: &rivertype.JobRow{ID: 1}, Args: outbox.AlertFanOutArgs{AlertID: a.ID, Part: 0, Parts: 1}})
		if err == nil {
			t.Fatal("the killed fan-out reported success")
		}
		part := counts(t, db, a.ID)
		if n := part["in_app"]["delivered"]; n == 0 || n >= 7 {
			t.Fatalf("after one batch: %d in-app rows, want some but not all", n)
		}

		// The job itself is still there (its transaction with the publish
		// committed); a worker picks it up and finishes.
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mp.SMTPURL()), SMS: newSMS(t, stub.Config())})
		settled(t, db, a.ID)
		wantEmail, wantSMS := 4, 3 // members 0, 2, 4, 6 and 0, 3, 6
		check := func(when string) {
			t.Helper()
			c := counts(t, db, a.ID)
			if c["in_app"]["delivered"] != 7 || c["email"]["sent"] != wantEmail || c["sms"]["sent"] != wantSMS {
				t.Errorf("%s: counts %v", when, c)
			}
			byTo := toCount(mp.Messages(t), func(m notifytest.Message) string { return m.To })
			if len(byTo) != wantEmail {
				t.Errorf("%s: emails to %v", when, byTo)
			}
			for to, n := range byTo {
				if n != 1 {
					t.Errorf("%s: %d emails to %s", when, n, to)
				}
			}
			byNumber := toCount(stub.Received(), func(m notify.SMS) string { return m.To })
			if len(byNumber) != wantSMS {
				t.Errorf("%s: SMS to %v", when, byNumber)
			}
			for to, n := range byNumber {
				if n != 1 {
					t.Errorf("%s: %d SMS to %s", when, n, to)
				}
			}
		}
		check("after the restart")

		// The fan-out run once more (a retry River might make) adds nothing
		// and sends nothing.
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			return db.EnqueueTx(ctx, tx, outbox.AlertFanOutArgs{AlertID: a.ID}, nil)
		}); err != nil {
			t.Fatal(err)
		}
		settled(t, db, a.ID)
		check("after a second fan-out")
	})
}

func TestAlertDelivery_AClaimLeftBySenderThatDiedIsSentAgainWithTheSameKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		stub := notifytest.StartSMSStub(t)
		ids := addMembers(t, db, alertMember{Name: "sms-a", Mobile: "+447700900351", AlertSMS: true})
		a := publishLondon(t, db)
		for done := false; !done; {
			var err error
			if done, err = db.Deliveries.FanOutAlert(ctx, a.ID, 10); err != nil {
				t.Fatal(err)
			}
		}
		// A sender claims the SMS and dies before recording anything.
		ds, err := db.Deliveries.ClaimDeliveries(ctx, "sms", "", 10, time.Hour)
		if err != nil || len(ds) != 1 {
			t.Fatalf("claimed %v, %v", ds, err)
		}
		startAlertQueue(t, db, &notify.AlertDeliverWorker{SMS: newSMS(t, stub.Config()), StaleAfter: 200 * time.Millisecond})
		settled(t, db, a.ID)
		got := stub.Received()
		if len(got) != 1 || got[0].Key != outbox.DeliveryRef(a.ID, ids["sms-a"], "sms") {
			t.Fatalf("received %+v; want one SMS keyed %s", got, outbox.DeliveryRef(a.ID, ids["sms-a"], "sms"))
		}
		if c := counts(t, db, a.ID); c["sms"]["sent"] != 1 {
			t.Errorf("counts %v", c)
		}
	})
}

// unmarkedTexter sends through next and, before each send, counts the
// messages it has seen accepted whose delivery is not yet marked sent:
// what a crash at that instant would send again.
//
// It copies the accepted set before it reads the deliveries: a mark once
// written stays, so a message in both was unmarked the whole time between.
// Read the other way round, a sender held up between the two reads would
// count messages that other senders sent and marked meanwhile.
type unmarkedTexter struct {
	next    notify.Texter
	db      *store.DB
	alertID string

	mu       sync.Mutex
	accepted map[string]bool // by reference
	most     int
}

func (u *unmarkedTexter) SendSMS(ctx context.Context, m notify.SMS) error {
	u.mu.Lock()
	accepted := maps.Clone(u.accepted)
	u.mu.Unlock()
	rows, err := u.db.Writer().QueryContext(ctx, `SELECT user_id FROM alert_deliveries WHERE alert_id = $1 AND channel = 'sms' AND status <> 'sent'`, u.alertID)
	if err != nil {
		return err
	}
	var users []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		users = append(users, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	unmarked := 0
	for _, id := range users {
		if accepted[outbox.DeliveryRef(u.alertID, id, "sms")] {
			unmarked++
		}
	}
	u.mu.Lock()
	u.most = max(u.most, unmarked)
	u.mu.Unlock()
	if err := u.next.SendSMS(ctx, m); err != nil {
		return err
	}
	u.mu.Lock()
	u.accepted[m.Key] = true
	u.mu.Unlock()
	return nil
}

// A message the provider accepted is marked sent within the window: at
// any instant at most Window messages have gone (or are going) without
// being recorded, so that a crash can repeat at most those, not a whole
// claimed batch.
func TestAlertDelivery_AtMostTheWindowOfMessagesIsEverSentButUnmarked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		stub := notifytest.StartSMSStub(t)
		var ms []alertMember
		for i := range 12 {
			ms = append(ms, alertMember{Name: fmt.Sprintf("sms-%02d", i), Mobile: fmt.Sprintf("+447700900%03d", 600+i), AlertSMS: true})
		}
		addMembers(t, db, ms...)
		a := publishLondon(t, db)
		const senders, window = 2, 3
		tx := &unmarkedTexter{next: newSMS(t, stub.Config()), db: db, alertID: a.ID, accepted: map[string]bool{}}
		startAlertQueue(t, db, &notify.AlertDeliverWorker{SMS: tx, Concurrency: senders, Window: window, SMSRate: 1000})
		settled(t, db, a.ID)
		if c := counts(t, db, a.ID); c["sms"]["sent"] != len(ms) || len(c["sms"]) != 1 {
			t.Fatalf("counts %v", c)
		}
		if len(stub.Received()) != len(ms) {
			t.Fatalf("%d SMS at the stub, want %d", len(stub.Received()), len(ms))
		}
		// This send holds one of the window's places.
		if tx.most > window-1 {
			t.Errorf("a send began with %d accepted messages not yet marked sent; at most %d (the rest of the window) may be", tx.most, window-1)
		}
	})
}

func TestAlertDelivery_ProviderErrorsForAWhileAreRetriedUntilSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		stub := notifytest.StartSMSStub(t)
		addMembers(t, db,
			alertMember{Name: "sms-a", Mobile: "+447700900401", AlertSMS: true},
			alertMember{Name: "sms-b", Mobile: "+447700900402", AlertSMS: true},
		)
		stub.FailNext(5, 503)
		a := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{SMS: newSMS(t, stub.Config()), Concurrency: 1})
		settled(t, db, a.ID)
		if c := counts(t, db, a.ID); c["sms"]["sent"] != 2 || len(c["sms"]) != 1 {
			t.Errorf("counts %v", c)
		}
		byNumber := toCount(stub.Received(), func(m notify.SMS) string { return m.To })
		if byNumber["+447700900401"] != 1 || byNumber["+447700900402"] != 1 || len(byNumber) != 2 {
			t.Errorf("SMS by number %v", byNumber)
		}
		if n := stub.Requests(); n != 7 {
			t.Errorf("%d requests, want 5 refused and 2 accepted", n)
		}
	})
}

func TestAlertDelivery_ADeliveryOutOfAttemptsFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		stub := notifytest.StartSMSStub(t)
		addMembers(t, db, alertMember{Name: "sms-a", Mobile: "+447700900421", AlertSMS: true})
		stub.FailNext(10, 503)
		a := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{SMS: newSMS(t, stub.Config()), MaxAttempts: 3})
		settled(t, db, a.ID)
		failures, err := db.Deliveries.DeliveryFailures(ctx, a.ID, scheme.Page{Number: 1, Size: 10})
		fs := failures.Items
		if err != nil || len(fs) != 1 {
			t.Fatalf("failures %+v, %v", fs, err)
		}
		if f := fs[0]; f.State != scheme.DeliveryFailed || f.Attempts != 3 || f.Error != "sms status 503, provider code 30001; out of attempts" {
			t.Errorf("failure %+v", f)
		}
		if n := stub.Requests(); n != 3 {
			t.Errorf("%d requests, want 3 attempts", n)
		}
	})
}

func TestAlertDelivery_ANewAlertWakesASenderWaitingForARetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		stub := notifytest.StartSMSStub(t)
		addMembers(t, db, alertMember{Name: "sms-a", Mobile: "+447700900451", AlertSMS: true})
		stub.FailNext(1, 503)
		first := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{SMS: newSMS(t, stub.Config()),
			Backoff: func(int) time.Duration { return time.Hour }})
		waitUntil(t, "the first alert's SMS to wait for its retry, and the sender to snooze", func() bool {
			return counts(t, db, first.ID)["sms"]["retrying"] == 1 && !jobsIdle(t, db) && snoozed(t, db)
		})

		// The sender sleeps until the retry, an hour away; a new alert's
		// fan-out wakes it, and its SMS goes now.
		second := publishLondon(t, db)
		waitUntil(t, "the second alert's SMS", func() bool { return counts(t, db, second.ID)["sms"]["sent"] == 1 })
		if c := counts(t, db, first.ID); c["sms"]["retrying"] != 1 {
			t.Errorf("the first alert's retry was not left to its time: %v", c)
		}
		if n := len(stub.Received()); n != 1 {
			t.Errorf("%d SMS accepted, want the second alert's one", n)
		}
	})
}

// snoozed reports whether an alert_deliver job waits, scheduled, for later.
func snoozed(t *testing.T, db *store.DB) bool {
	t.Helper()
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job
		WHERE kind = 'alert_deliver' AND state = 'scheduled'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func TestAlertDelivery_APermanentRefusalFailsWithoutRetryAndCanBeRetriedByHand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		addMembers(t, db, alertMember{Name: "refused", Email: "refused@example.org", Mobile: "+447700900501", AlertEmail: true, AlertSMS: true})
		stub.FailNext(1, 400)
		mp.SetChaos(t, notifytest.Chaos{Recipient: 550})
		a := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mp.SMTPURL()), SMS: newSMS(t, stub.Config())})
		settled(t, db, a.ID)

		c := counts(t, db, a.ID)
		if c["sms"]["failed"] != 1 || c["email"]["failed"] != 1 {
			t.Fatalf("counts %v", c)
		}
		if stub.Requests() != 1 || len(stub.Received()) != 0 {
			t.Errorf("SMS refused with 400 was tried %d times", stub.Requests())
		}
		failures, err := db.Deliveries.DeliveryFailures(ctx, a.ID, scheme.Page{Number: 1, Size: 10})
		fs := failures.Items
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]string{}
		for _, f := range fs {
			reasons[f.Channel] = f.Error
			if f.Attempts != 1 || f.State != scheme.DeliveryFailed {
				t.Errorf("failure %+v", f)
			}
			if strings.Contains(f.Error, "@") || strings.Contains(f.Error, "+44") || strings.Contains(f.Error, "refused@") {
				t.Errorf("failure reason holds an address: %q", f.Error)
			}
		}
		if reasons["sms"] != "sms status 400, provider code 30001" || !strings.HasPrefix(reasons["email"], "smtp reply 550") {
			t.Errorf("reasons %v", reasons)
		}

		// The coordinator retries once the provider takes messages again.
		mp.SetChaos(t, notifytest.Chaos{})
		for _, ch := range []string{"email", "sms"} {
			if n, err := db.Deliveries.RetryDeliveries(ctx, "coord-b", a.ID, ch); err != nil || n != 1 {
				t.Fatalf("retry %s: %d, %v", ch, n, err)
			}
		}
		settled(t, db, a.ID)
		if c := counts(t, db, a.ID); c["sms"]["sent"] != 1 || c["email"]["sent"] != 1 {
			t.Errorf("after retry: %v", c)
		}
		if len(stub.Received()) != 1 || len(mp.Messages(t)) != 1 {
			t.Errorf("after retry: %d SMS, %d emails", len(stub.Received()), len(mp.Messages(t)))
		}
	})
}

func TestAlertDelivery_TooManyFailuresPauseTheChannelAndResumingRestartsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		stub := notifytest.StartSMSStub(t)
		addMembers(t, db,
			alertMember{Name: "sms-a", Mobile: "+447700900601", AlertSMS: true},
			alertMember{Name: "sms-b", Mobile: "+447700900602", AlertSMS: true},
		)
		stub.FailNext(1000, 503)
		a := publishLondon(t, db)
		metrics := notify.NewAlertMetrics(prometheus.NewRegistry())
		startAlertQueue(t, db, &notify.AlertDeliverWorker{SMS: newSMS(t, stub.Config()), Concurrency: 1, PauseAfter: 3, Metrics: metrics})

		waitUntil(t, "the SMS channel to pause", func() bool {
			p, err := db.Deliveries.ChannelPaused(ctx, "sms")
			return err == nil && p
		})
		waitUntil(t, "the sender to stop", func() bool { return jobsIdle(t, db) })
		if n := stub.Requests(); n != 3 {
			t.Errorf("%d requests before the pause, want 3", n)
		}
		ps, err := db.Deliveries.DeliveryPauses(ctx)
		if err != nil || len(ps) != 1 || ps[0].Channel != "sms" || !strings.Contains(ps[0].Reason, "3 failures in a row") || strings.Contains(ps[0].Reason, "+44") {
			t.Errorf("pauses %+v, %v", ps, err)
		}
		var m dto.Metric
		if err := metrics.Pauses.WithLabelValues("sms").Write(&m); err != nil || m.GetCounter().GetValue() != 1 {
			t.Errorf("pauses counted %v, %v", m.GetCounter().GetValue(), err)
		}
		if c := counts(t, db, a.ID); c["sms"]["sent"] != 0 {
			t.Errorf("sent while failing: %v", c)
		}

		// The provider recovers; a coordinator resumes the channel.
		stub.FailNext(0, 0)
		if err := db.Deliveries.ResumeChannel(ctx, "coord-b", "sms"); err != nil {
			t.Fatal(err)
		}
		settled(t, db, a.ID)
		if c := counts(t, db, a.ID); c["sms"]["sent"] != 2 {
			t.Errorf("after resuming: %v", c)
		}
		byNumber := toCount(stub.Received(), func(m notify.SMS) string { return m.To })
		if byNumber["+447700900601"] != 1 || byNumber["+447700900602"] != 1 || len(byNumber) != 2 {
			t.Errorf("SMS by number %v", byNumber)
		}
	})
}

func TestAlertDelivery_AWithdrawnAlertsQueuedMessagesAreNotSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		addMembers(t, db, alertMember{Name: "both", Email: "both@example.org", Mobile: "+447700900701", AlertEmail: true, AlertSMS: true})
		a := publishLondon(t, db)
		for done := false; !done; {
			var err error
			if done, err = db.Deliveries.FanOutAlert(ctx, a.ID, 10); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Alerts.WithdrawAlert(ctx, "coord-a", a.ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mp.SMTPURL()), SMS: newSMS(t, stub.Config())})
		settled(t, db, a.ID)
		if c := counts(t, db, a.ID); c["email"]["cancelled"] != 1 || c["sms"]["cancelled"] != 1 {
			t.Errorf("counts %v", c)
		}
		if n, m := stub.Requests(), len(mp.Messages(t)); n != 0 || m != 0 {
			t.Errorf("a withdrawn alert sent %d SMS and %d emails", n, m)
		}
	})
}

func TestAlertDelivery_WithoutAProviderMessagesWaitInTheOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		addMembers(t, db, alertMember{Name: "both", Email: "both@example.org", Mobile: "+447700900801", AlertEmail: true, AlertSMS: true})
		a := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{})
		settled(t, db, a.ID)
		if c := counts(t, db, a.ID); c["email"]["outbox"] != 1 || c["sms"]["outbox"] != 1 {
			t.Errorf("counts %v", c)
		}
	})
}

func TestReasonCode_KeepsStatusCodesAndNothingElse(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("sms: the provider could not take the message now (status 503, provider code 30001)"), "sms status 503, provider code 30001"},
		{fmt.Errorf("%w: sms: the provider refused the message (status 400)", notify.ErrPermanent), "sms status 400"},
		{fmt.Errorf("%w: smtp: the server refused the recipient (reply 550 5.1.1)", notify.ErrPermanent), "smtp reply 550 5.1.1"},
		{fmt.Errorf("smtp: the server did not take the message now (reply 451)"), "smtp reply 451"},
		{fmt.Errorf("%w: sms: the recipient is not an E.164 phone number", notify.ErrPermanent), "invalid address"},
		{fmt.Errorf("sms: the provider could not be reached: dial tcp 10.0.0.1:443: connect: connection refused"), "sms unreachable"},
		{fmt.Errorf("smtp: dial: %w", context.DeadlineExceeded), "smtp timed out"},
		{fmt.Errorf("smtp: something odd about ruby@example.org"), "smtp error"},
		{fmt.Errorf("%w: a provider refused +447700900123", notify.ErrPermanent), "provider refused"},
	} {
		if got := notify.ReasonCode(tc.err); got != tc.want {
			t.Errorf("ReasonCode(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
