package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
)

const testFrom = "Notifications <noreply@example.org>"

func newSMTP(t *testing.T, rawURL string, opts ...notify.SMTPOption) *notify.SMTPMailer {
	t.Helper()
	m, err := notify.NewSMTP(rawURL, testFrom, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSMTP_EmailArrivesInMailpitWithSubjectBodyAndFrom(t *testing.T) {
	mp := notifytest.StartMailpit(t)
	m := newSMTP(t, mp.SMTPURL())
	e := notify.Email{To: "someone@example.net", Subject: "Your account — café", Text: "Hello.\n\nPrix: 5 €, naïve.\n"}
	if err := m.SendEmail(ctxT(t), e); err != nil {
		t.Fatal(err)
	}
	got := mp.WaitFor(t, e.To)
	if got.Subject != e.Subject {
		t.Errorf("subject = %q, want %q", got.Subject, e.Subject)
	}
	if norm(got.Text) != norm(e.Text) {
		t.Errorf("text = %q, want %q", got.Text, e.Text)
	}
	if got.From != "noreply@example.org" {
		t.Errorf("from = %q, want noreply@example.org", got.From)
	}
	if got.To != e.To {
		t.Errorf("to = %q, want %q", got.To, e.To)
	}
}

func TestSMTP_MessageIsPlainUTF8TextWithMessageIDAndDateAndNoOtherHeaders(t *testing.T) {
	mp := notifytest.StartMailpit(t)
	m := newSMTP(t, mp.SMTPURL())
	if err := m.SendEmail(ctxT(t), notify.Email{To: "h@example.net", Subject: "Your account", Text: "Sign in.\n"}); err != nil {
		t.Fatal(err)
	}
	h := mp.WaitFor(t, "h@example.net").Headers
	if id := first(h, "Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.org>") {
		t.Errorf("Message-Id = %q, want <…@example.org>", id)
	}
	if d := first(h, "Date"); d == "" {
		t.Error("no Date header")
	} else if _, err := time.Parse(time.RFC1123Z, d); err != nil {
		t.Errorf("Date %q: %v", d, err)
	}
	if ct := strings.ToLower(first(h, "Content-Type")); !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "charset=utf-8") {
		t.Errorf("Content-Type = %q, want text/plain; charset=UTF-8", ct)
	}
	// Only what a message needs; mailpit adds Received and Return-Path.
	allowed := map[string]bool{
		"Date": true, "From": true, "To": true, "Subject": true, "Message-Id": true, "Mime-Version": true,
		"Content-Type": true, "Content-Transfer-Encoding": true, "Received": true, "Return-Path": true,
	}
	for k := range h {
		if !allowed[k] {
			t.Errorf("unexpected header %s: %q", k, h[k])
		}
	}
}

func TestSMTP_UpgradesWithSTARTTLSWhenOffered(t *testing.T) {
	// This mailpit refuses mail until STARTTLS, so arrival proves the upgrade.
	mp := notifytest.StartMailpitWith(t, notifytest.MailpitOptions{TLS: notifytest.TLSStartTLS})
	m := newSMTP(t, mp.SMTPURL(), notify.WithRootCAs(mp.RootCAs()))
	if err := m.SendEmail(ctxT(t), notify.Email{To: "tls@example.net", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	mp.WaitFor(t, "tls@example.net")
}

func TestSMTP_TLSRequiredSendsOverSTARTTLS(t *testing.T) {
	mp := notifytest.StartMailpitWith(t, notifytest.MailpitOptions{TLS: notifytest.TLSStartTLS})
	m := newSMTP(t, mp.SMTPURL()+"?tls=required", notify.WithRootCAs(mp.RootCAs()))
	if err := m.SendEmail(ctxT(t), notify.Email{To: "req@example.net", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	mp.WaitFor(t, "req@example.net")
}

func TestSMTP_TLSRequiredRefusesServerWithoutSTARTTLS(t *testing.T) {
	mp := notifytest.StartMailpit(t)
	m := newSMTP(t, mp.SMTPURL()+"?tls=required")
	err := m.SendEmail(ctxT(t), notify.Email{To: "plain@example.net", Subject: "s", Text: "t"})
	if err == nil {
		t.Fatal("sent over a plain connection although tls=required")
	}
	if errors.Is(err, notify.ErrPermanent) {
		t.Errorf("a server without STARTTLS is a configuration problem, so temporary; got %v", err)
	}
	if !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("error %q should say STARTTLS is missing", err)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("mailpit got %d messages, want 0", n)
	}
}

func TestSMTP_SMTPSUsesImplicitTLS(t *testing.T) {
	mp := notifytest.StartMailpitWith(t, notifytest.MailpitOptions{TLS: notifytest.TLSImplicit})
	if !strings.HasPrefix(mp.SMTPURL(), "smtps://") {
		t.Fatalf("SMTPURL = %q, want smtps://", mp.SMTPURL())
	}
	m := newSMTP(t, mp.SMTPURL(), notify.WithRootCAs(mp.RootCAs()))
	if err := m.SendEmail(ctxT(t), notify.Email{To: "smtps@example.net", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	mp.WaitFor(t, "smtps@example.net")
}

func TestSMTP_RefusesUntrustedCertificate(t *testing.T) {
	mp := notifytest.StartMailpitWith(t, notifytest.MailpitOptions{TLS: notifytest.TLSStartTLS})
	m := newSMTP(t, mp.SMTPURL()) // system roots do not trust the test certificate
	if err := m.SendEmail(ctxT(t), notify.Email{To: "x@example.net", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("sent to a server whose certificate is not trusted")
	}
}

func TestSMTP_RecipientRefusalIsPermanentAndErrorsNeverQuoteAddressOrPassword(t *testing.T) {
	mp := notifytest.StartMailpit(t)
	m := newSMTP(t, mp.SMTPURL())
	to := "refused.person@example.net"
	for _, tc := range []struct {
		name      string
		chaos     notifytest.Chaos
		permanent bool
	}{
		{"recipient 550", notifytest.Chaos{Recipient: 550}, true},
		{"recipient 451", notifytest.Chaos{Recipient: 451}, false},
		{"sender 550", notifytest.Chaos{Sender: 550}, false}, // the configuration's fault: keep retrying
		{"authentication 535", notifytest.Chaos{Authentication: 535}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mp.SetChaos(t, tc.chaos)
			t.Cleanup(func() { mp.SetChaos(t, notifytest.Chaos{}) })
			err := m.SendEmail(ctxT(t), notify.Email{To: to, Subject: "s", Text: "secret text"})
			if err == nil {
				t.Fatal("no error")
			}
			t.Logf("error: %v", err)
			if got := errors.Is(err, notify.ErrPermanent); got != tc.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tc.permanent, err)
			}
			for _, secret := range []string{to, "refused.person", "secret-pass", "secret text"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes %q", err, secret)
				}
			}
		})
	}
}

func TestSMTP_InvalidRecipientIsPermanent(t *testing.T) {
	m := newSMTP(t, "smtp://127.0.0.1:1") // never dialled
	for _, to := range []string{"", "not an address", "Name <a@example.net>", "a@example.net, b@example.net"} {
		err := m.SendEmail(ctxT(t), notify.Email{To: to, Subject: "s", Text: "t"})
		if !errors.Is(err, notify.ErrPermanent) {
			t.Errorf("To %q: err = %v, want ErrPermanent", to, err)
		}
	}
}

func TestSMTP_UnreachableServerIsTemporary(t *testing.T) {
	m := newSMTP(t, "smtp://127.0.0.1:1")
	err := m.SendEmail(ctxT(t), notify.Email{To: "a@example.net", Subject: "s", Text: "t"})
	if err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
}

func TestNewSMTP_RejectsBadSettingsClearlyWithoutEchoingThePassword(t *testing.T) {
	for _, tc := range []struct{ url, from, want string }{
		{"", testFrom, "no scheme"},
		{"mail.example.org:587", testFrom, "expected smtp://"},
		{"http://mail.example.org", testFrom, `scheme "http" is not supported`},
		{"smtp://", testFrom, "no host"},
		{"smtp://u:hunter2pass@mail.example.org:0", testFrom, "port"},
		{"smtp://u:hunter2pass@mail.example.org:70000", testFrom, "port"},
		{"smtp://u:hunter2pass@mail.example.org:x", testFrom, "not a valid URL"},
		{"smtp://u:hunter2pass%zz@mail.example.org", testFrom, "not a valid URL"},
		{"smtp://u@mail.example.org", testFrom, "both a user name and a password"},
		{"smtp://u:hunter2pass@mail.example.org/x", testFrom, "path"},
		{"smtp://u:hunter2pass@mail.example.org?tls=maybe", testFrom, `tls must be "required"`},
		{"smtp://u:hunter2pass@mail.example.org?auth=plain", testFrom, `option "auth" is not known`},
		{"smtp://u:hunter2pass@mail.example.org", "", "sender address"},
		{"smtp://u:hunter2pass@mail.example.org", "no-reply", "sender address"},
		{"smtp://u:hunter2pass@mail.example.org", "a@", "sender address"},
	} {
		_, err := notify.NewSMTP(tc.url, tc.from)
		if err == nil {
			t.Errorf("NewSMTP(%q, %q): no error", tc.url, tc.from)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewSMTP(%q, %q) = %q, want it to mention %q", tc.url, tc.from, err, tc.want)
		}
		if strings.Contains(err.Error(), "hunter2pass") {
			t.Errorf("NewSMTP(%q) error echoes the password: %q", tc.url, err)
		}
	}
}

func TestNewSMTP_CredentialsToARemoteHostRequireTLS(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"smtp://mail.example.org", "smtp mail.example.org:587 (STARTTLS when offered, no authentication)"},
		{"smtp://u:hunter2pass@mail.example.org", "smtp mail.example.org:587 (STARTTLS required, authenticated)"},
		{"smtp://u:hunter2pass@127.0.0.1:1025", "smtp 127.0.0.1:1025 (STARTTLS when offered, authenticated)"},
		{"smtp://mail.example.org:2525?tls=required", "smtp mail.example.org:2525 (STARTTLS required, no authentication)"},
		{"smtps://u:hunter2pass@mail.example.org", "smtp mail.example.org:465 (TLS, authenticated)"},
	} {
		m, err := notify.NewSMTP(tc.url, "noreply@example.org")
		if err != nil {
			t.Fatalf("%s: %v", tc.url, err)
		}
		if got := m.String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.url, got, tc.want)
		}
	}
}

func first(h map[string][]string, k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func norm(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// Messages share one connection while they come quickly; one the server
// has dropped meanwhile is replaced, and the message still goes once.
func TestSMTP_ConnectionsAreReusedAndADroppedOneReplaced(t *testing.T) {
	mp := notifytest.StartMailpit(t)
	u, err := url.Parse(mp.SMTPURL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := notifytest.StartFaultProxy(t, u.Host)
	u.Host = proxy.Addr()
	m := newSMTP(t, u.String())
	send := func(i int) {
		t.Helper()
		if err := m.SendEmail(ctxT(t), notify.Email{To: fmt.Sprintf("pool%d@example.org", i), Subject: "New safety alert", Text: "Sign in to read it."}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		send(i)
	}
	if n := proxy.Opened(); n != 1 {
		t.Errorf("5 messages in a row opened %d connections, want 1", n)
	}
	proxy.DropAll()
	send(5)
	if n := proxy.Opened(); n != 2 {
		t.Errorf("after the server dropped the connection: %d connections opened, want 2", n)
	}
	got := map[string]int{}
	for _, msg := range mp.Messages(t) {
		got[msg.To]++
	}
	for i := range 6 {
		if to := fmt.Sprintf("pool%d@example.org", i); got[to] != 1 {
			t.Errorf("%s received %d times", to, got[to])
		}
	}
}
