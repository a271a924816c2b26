package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// contactStamp is the contact form's signed timestamp for a form served
// ten seconds ago (the form refuses one sent sooner than a person types).
func contactStamp(t *testing.T, db *store.DB) string {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Add(-10*time.Second).Unix(), 10)
	sig, err := db.Sessions.Sign("contact", ts)
	if err != nil {
		t.Fatal(err)
	}
	return ts + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// sendContactMessages works the queued contact messages' jobs once each,
// as the job queue would, and returns their ids.
func sendContactMessages(t *testing.T, db *store.DB, w *notify.Worker) []string {
	t.Helper()
	rows, err := db.Writer().Query(`SELECT id FROM notifications WHERE template = 'contact_message' ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		_ = w.Work(context.Background(), &river.Job[outbox.SendArgs]{ // a failure is recorded on the notification
			JobRow: &rivertype.JobRow{ID: 1, Kind: "notify_send", Attempt: 1, MaxAttempts: 25}, Args: outbox.SendArgs{ID: id}})
	}
	return ids
}

// A message typed in the contact form's textarea comes with "\r\n" line
// breaks, as browsers send them. It reaches the scheme's inbox, through a
// real SMTP server, with its lines as typed. It used to be answered "sent"
// and then refused for good by the sender ("param \"message\" holds a
// control character"), and shown nowhere.
func TestContactForm_AMessageWithLineBreaksReachesTheInboxWithItsLines(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		inbox := "help." + string(db.Dialect()) + "@example.org" // one mailpit for both databases
		d.ts = contactServer(t, db, inbox)
		message := "Please help.\r\nHe has my number and keeps calling.\r\n\r\nCall me after six.\r\nThank you"
		loc := d.post("", "/contact", url.Values{"t": {contactStamp(t, db)}, "message": {message}, "name": {"Ann"}, "reply": {"ann@example.org"}})
		if !strings.Contains(loc, "done=sent") {
			t.Fatalf("sent: %s", loc)
		}
		m, err := notify.NewSMTP(mail.SMTPURL(), "website@example.org")
		if err != nil {
			t.Fatal(err)
		}
		ids := sendContactMessages(t, db, &notify.Worker{Source: db.Deliveries, Mail: m})
		if len(ids) != 1 {
			t.Fatalf("%d contact messages queued, want 1", len(ids))
		}
		n, err := db.Deliveries.Notification(context.Background(), ids[0])
		if err != nil || n.Status != notify.StatusSent {
			t.Fatalf("the message is %q (%s), want sent", n.Status, n.Error)
		}
		got := strings.ReplaceAll(mail.WaitFor(t, inbox).Text, "\r\n", "\n") // SMTP's own line ends
		if want := "Please help.\nHe has my number and keeps calling.\n\nCall me after six.\nThank you\n"; !strings.Contains(got, want) {
			t.Errorf("the inbox got %q; want the lines %q", got, want)
		}
	})
}

// A message that fails for good is not lost: admins see it in the outbox,
// with why it was not sent and what it says.
func TestOutbox_AMessageThatFailedForGoodIsShownWithItsReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		d.ts = contactServer(t, db, "help@example.org")
		// The mail server refuses it for good, as it would an address it
		// will never deliver to.
		d.post("", "/contact", url.Values{"t": {contactStamp(t, db)}, "message": {"I need to talk to someone today."}, "name": {"Ann"}})
		ids := sendContactMessages(t, db, &notify.Worker{Source: db.Deliveries, Mail: refusingMailer{}})
		n, err := db.Deliveries.Notification(context.Background(), ids[0])
		if err != nil || n.Status != notify.StatusFailed {
			t.Fatalf("the message is %q (%v), want failed", n.Status, err)
		}
		page := d.get("admin", "/admin/outbox")
		failed, held, _ := strings.Cut(page, "Waiting for a provider")
		for _, want := range []string{"Could not be sent", "email to help@example.org", "Not sent:",
			"smtp reply 550 5.1.1",
			"I need to talk to someone today."} {
			if !strings.Contains(failed, want) {
				t.Errorf("the outbox's failed messages do not show %q", want)
			}
		}
		if strings.Contains(held, "I need to talk") {
			t.Error("the failed message is listed as waiting for a provider")
		}
	})
}

// refusingMailer is a mail server that refuses every message for good.
type refusingMailer struct{}

func (refusingMailer) SendEmail(context.Context, notify.Email) error {
	return fmt.Errorf("smtp: reply 550 5.1.1 mailbox unavailable: %w", notify.ErrPermanent)
}

// contactServer is a test server whose contact form goes to inbox.
func contactServer(t *testing.T, db *store.DB, inbox string) *httptest.Server {
	t.Helper()
	return newServerSettings(t, db, func(s *scheme.Settings) { s.ContactEmail = inbox })
}
