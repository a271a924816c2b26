package notify_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
)

func newSMS(t *testing.T, cfg notify.SMSConfig) *notify.HTTPSMS {
	t.Helper()
	s, err := notify.NewHTTPSMS(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHTTPSMS_MessageArrivesAtStubWithBasicAuth(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	s := newSMS(t, stub.Config())
	m := notify.SMS{To: "+447700900123", Text: "Your account is ready. Sign in here: https://example.org/sign-in"}
	if err := s.SendSMS(ctxT(t), m); err != nil {
		t.Fatal(err)
	}
	if got := stub.WaitFor(t, m.To); got != m {
		t.Errorf("stub got %+v, want %+v", got, m)
	}
}

func TestHTTPSMS_WrongTokenIsRefusedPermanently(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	cfg := stub.Config()
	cfg.Token = "not-the-token"
	err := newSMS(t, cfg).SendSMS(ctxT(t), notify.SMS{To: "+447700900123", Text: "t"})
	if !errors.Is(err, notify.ErrPermanent) || !strings.Contains(err.Error(), "status 401") {
		t.Fatalf("err = %v, want a permanent 401", err)
	}
	if n := len(stub.Received()); n != 0 {
		t.Errorf("stub accepted %d messages without the right credentials", n)
	}
}

func TestHTTPSMS_ClassifiesProviderReplies(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusServiceUnavailable, false},
		{http.StatusInternalServerError, false},
		{http.StatusTooManyRequests, false},
		{http.StatusBadRequest, true},
		{http.StatusNotFound, true},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			stub := notifytest.StartSMSStub(t)
			s := newSMS(t, stub.Config())
			m := notify.SMS{To: "+447700900456", Text: "Update on your application: sign in to see it."}
			stub.FailNext(1, tc.status)
			err := s.SendSMS(ctxT(t), m)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, notify.ErrPermanent); got != tc.permanent {
				t.Errorf("permanent = %v, want %v (%v)", got, tc.permanent, err)
			}
			// The stub quotes the number in its error, as Twilio does; only
			// the status and the provider's code may come through.
			if !strings.Contains(err.Error(), "provider code 30001") {
				t.Errorf("error %q lacks the provider's code", err)
			}
			for _, secret := range []string{m.To, "7700900456", m.Text, "sign in"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q quotes %q", err, secret)
				}
			}
			// The failure is over: the same message goes through next time.
			if err := s.SendSMS(ctxT(t), m); err != nil {
				t.Fatalf("second try: %v", err)
			}
			if got := stub.Requests(); got != 2 {
				t.Errorf("stub saw %d requests, want 2", got)
			}
		})
	}
}

func TestHTTPSMS_UnreachableProviderIsTemporary(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	s := newSMS(t, notify.SMSConfig{URL: srv.URL + "/Messages.json", Account: "AC1", Token: "tok", From: "+447700900001"})
	err := s.SendSMS(ctxT(t), notify.SMS{To: "+447700900123", Text: "t"})
	if err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("err = %v, want a temporary error", err)
	}
	if strings.Contains(err.Error(), "AC1") {
		t.Errorf("error %q repeats the URL", err)
	}
}

func TestHTTPSMS_RefusesNumbersNotInE164WithoutCallingTheProvider(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	s := newSMS(t, stub.Config())
	for _, to := range []string{"", "07700 900123", "447700900123", "+44 7700 900123", "+0447700900123"} {
		err := s.SendSMS(ctxT(t), notify.SMS{To: to, Text: "t"})
		if !errors.Is(err, notify.ErrPermanent) {
			t.Errorf("To %q: err = %v, want ErrPermanent", to, err)
		}
	}
	if n := stub.Requests(); n != 0 {
		t.Errorf("stub saw %d requests, want 0", n)
	}
}

func TestNewHTTPSMS_RejectsBadSettingsWithoutEchoingTheToken(t *testing.T) {
	ok := notify.SMSConfig{URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json", Account: "AC1", Token: "tok-s3cret", From: "+447700900001"}
	if _, err := notify.NewHTTPSMS(ok, nil); err != nil {
		t.Fatalf("valid settings refused: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(*notify.SMSConfig)
		want   string
	}{
		{"no url", func(c *notify.SMSConfig) { c.URL = "" }, "Messages endpoint"},
		{"plain http to a remote host", func(c *notify.SMSConfig) { c.URL = "http://api.twilio.com/x" }, "https"},
		{"credentials in url", func(c *notify.SMSConfig) { c.URL = "https://AC1:tok-s3cret@api.twilio.com/x" }, "must not hold credentials"},
		{"no account", func(c *notify.SMSConfig) { c.Account = "" }, "account"},
		{"no token", func(c *notify.SMSConfig) { c.Token = "" }, "token"},
		{"no sender", func(c *notify.SMSConfig) { c.From = " " }, "sender"},
	} {
		cfg := ok
		tc.change(&cfg)
		_, err := notify.NewHTTPSMS(cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error echoes the token: %v", tc.name, err)
		}
	}
}
