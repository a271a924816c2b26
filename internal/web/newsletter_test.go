package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// sendQueued sends every queued notification through w, as the notify_send
// job would.
func sendQueued(t *testing.T, db *store.DB, w *notify.Worker) {
	t.Helper()
	rows, err := db.Writer().Query(`SELECT id FROM notifications WHERE status = 'queued'`)
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
	rows.Close()
	for _, id := range ids {
		j := &river.Job[outbox.SendArgs]{JobRow: &rivertype.JobRow{ID: 1, Kind: "notify_send", Attempt: 1, MaxAttempts: 25}, Args: outbox.SendArgs{ID: id}}
		if err := w.Work(context.Background(), j); err != nil {
			t.Fatalf("sending %s: %v", id, err)
		}
	}
}

var linkIn = regexp.MustCompile(`https?://\S+/newsletter/(confirm|unsubscribe)/([A-Z2-7]+)`)

// TestNewsletter_DoubleOptInAndOneClickUnsubscribeThroughARealSMTPServer:
// sign up, confirm from the email, receive an issue with List-Unsubscribe
// headers, unsubscribe in one click, receive nothing more.
func TestNewsletter_DoubleOptInAndOneClickUnsubscribeThroughARealSMTPServer(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	smtp, err := notify.NewSMTP(mail.SMTPURL(), "news@uglymugs.example.org", notify.WithRootCAs(mail.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		w := &notify.Worker{Source: db.Deliveries, Mail: smtp}
		reader := fmt.Sprintf("reader.%s@example.org", db.Dialect())
		page := d.get("", "/newsletter")
		stamp := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(page)[1]
		time.Sleep(1100 * time.Millisecond)

		status, _, body := d.do("", "POST", "/newsletter", url.Values{"t": {stamp}, "email": {"not an address"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="email-error"`) {
			t.Errorf("a bad address: %d", status)
		}
		status, _, body = d.do("", "POST", "/newsletter", url.Values{"t": {stamp}, "email": {strings.ToUpper(reader)}})
		if status != http.StatusOK || !strings.Contains(body, "Check your email") {
			t.Fatalf("sign up: %d", status)
		}
		sendQueued(t, db, w)
		msg := mail.WaitFor(t, reader)
		m := linkIn.FindStringSubmatch(msg.Text)
		if m == nil || m[1] != "confirm" || !strings.Contains(msg.Subject, "confirm") {
			t.Fatalf("confirmation email: %q\n%s", msg.Subject, msg.Text)
		}
		token := m[2]
		if c, p, _ := db.Content.NewsletterCounts(context.Background()); c != 0 || p != 1 {
			t.Errorf("before confirming: %d confirmed, %d pending", c, p)
		}
		// An issue now reaches nobody: not confirmed yet.
		d.post("admin", "/admin/newsletter", url.Values{"subject": {"Too early"}, "body": {"Nobody gets this."}, "action": {"send"}})
		// Opening the link (as a mail scanner would) confirms nothing.
		if p := d.get("", "/newsletter/confirm/"+token); !strings.Contains(p, "Confirm your subscription") {
			t.Error("the confirmation page")
		}
		if c, _, _ := db.Content.NewsletterCounts(context.Background()); c != 0 {
			t.Error("opening the link confirmed the subscription")
		}
		if status, _, body := d.do("", "POST", "/newsletter/confirm/"+token, url.Values{}); status != http.StatusOK || !strings.Contains(body, "You are subscribed") {
			t.Fatalf("confirm: %d", status)
		}
		// Signing up again changes nothing and says the same.
		status, _, body = d.do("", "POST", "/newsletter", url.Values{"t": {stamp}, "email": {reader}})
		if status != http.StatusOK || !strings.Contains(body, "Check your email") {
			t.Errorf("signing up again: %d", status)
		}
		if c, p, _ := db.Content.NewsletterCounts(context.Background()); c != 1 || p != 0 {
			t.Errorf("after confirming: %d confirmed, %d pending", c, p)
		}

		d.post("admin", "/admin/newsletter", url.Values{"subject": {"Autumn news"}, "body": {"# Autumn\n\nWe grew.\n\nThank you."}, "action": {"send"}})
		sendQueued(t, db, w)
		var issue notifytest.Message
		deadline := time.Now().Add(10 * time.Second)
		for issue.Subject != "Autumn news" && time.Now().Before(deadline) {
			for _, msg := range mail.Messages(t) {
				if strings.Contains(msg.To, reader) && msg.Subject == "Autumn news" {
					issue = msg
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		if issue.Subject != "Autumn news" || !strings.Contains(issue.Text, "We grew.") {
			t.Fatalf("the issue did not arrive: %+v", issue)
		}
		for _, msg := range mail.Messages(t) {
			if msg.Subject == "Too early" && strings.Contains(msg.To, reader) {
				t.Error("an issue sent before confirming reached the reader")
			}
		}
		lu, lup := issue.Headers["List-Unsubscribe"], issue.Headers["List-Unsubscribe-Post"]
		um := linkIn.FindStringSubmatch(strings.Join(lu, ""))
		if um == nil || um[1] != "unsubscribe" || um[2] != token || len(lup) != 1 || lup[0] != "List-Unsubscribe=One-Click" {
			t.Fatalf("List-Unsubscribe headers: %v %v", lu, lup)
		}
		if !strings.Contains(issue.Text, "/newsletter/unsubscribe/"+token) {
			t.Error("the issue has no unsubscribe link in its text")
		}
		// Delivery tracking.
		if p := d.get("admin", "/admin/newsletter"); !strings.Contains(p, "Autumn news") || !strings.Contains(p, `<td class="num">1</td><td class="num">1</td>`) {
			t.Error("the admin page does not count the issue's deliveries")
		}
		// One click, as a mail program does it (RFC 8058): a POST with
		// List-Unsubscribe=One-Click and no cookie, no page.
		req, _ := http.NewRequest("POST", d.ts.URL+"/newsletter/unsubscribe/"+token, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
		}
		if c, p, _ := db.Content.NewsletterCounts(context.Background()); c != 0 || p != 0 {
			t.Errorf("after unsubscribing: %d confirmed, %d pending", c, p)
		}
		var left int
		if err := db.Writer().QueryRow(`SELECT COUNT(*) FROM newsletter_subscribers`).Scan(&left); err != nil || left != 0 {
			t.Errorf("the address was kept: %d %v", left, err)
		}
		d.post("admin", "/admin/newsletter", url.Values{"subject": {"Winter news"}, "body": {"Cold."}, "action": {"send"}})
		sendQueued(t, db, w)
		time.Sleep(300 * time.Millisecond)
		for _, msg := range mail.Messages(t) {
			if msg.Subject == "Winter news" && strings.Contains(msg.To, reader) {
				t.Error("an issue reached the reader after unsubscribing")
			}
		}
		if p := d.get("", "/newsletter/unsubscribe/"+token); !strings.Contains(p, "You are unsubscribed") {
			t.Error("the unsubscribe link after unsubscribing")
		}
	})
}

// A visitor who signs up reading Romanian gets her confirmation in
// Romanian: she has no account, so the message keeps the language of the
// page she signed up on.
func TestNewsletter_ConfirmationInTheLanguageSheSignedUpIn(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	smtp, err := notify.NewSMTP(mail.SMTPURL(), "news@uglymugs.example.org", notify.WithRootCAs(mail.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		reader := fmt.Sprintf("cititoare.%s@example.org", db.Dialect())
		stamp := regexp.MustCompile(`name="t" value="([^"]+)"`).FindStringSubmatch(d.get("", "/newsletter"))[1]
		time.Sleep(1100 * time.Millisecond)
		resp, _ := send(t, d.ts, "POST", "/newsletter", url.Values{"t": {stamp}, "email": {reader}}, &http.Cookie{Name: "lang", Value: "ro"})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sign up: %d", resp.StatusCode)
		}
		sendQueued(t, db, &notify.Worker{Source: db.Deliveries, Mail: smtp})
		msg := mail.WaitFor(t, reader)
		if msg.Subject != "Te rugăm să confirmi abonarea" || !strings.Contains(msg.Text, "/newsletter/confirm/") {
			t.Errorf("the confirmation: %q\n%s", msg.Subject, msg.Text)
		}
	})
}
