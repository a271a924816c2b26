package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// fakeSource stands in for the store at the package boundary (the store has
// its own tests on real databases). It records every status change.
type fakeSource struct {
	mu        sync.Mutex
	byID      map[string]scheme.Notification
	marks     []mark
	markFails map[string]bool   // status → MarkNotification fails
	reasons   map[string]string // by id, the last reason recorded
}

type mark struct {
	ID, Status string
	Attempts   int
}

func newFakeSource(ns ...scheme.Notification) *fakeSource {
	s := &fakeSource{byID: map[string]scheme.Notification{}, markFails: map[string]bool{}, reasons: map[string]string{}}
	for _, n := range ns {
		if n.Status == "" {
			n.Status = notify.StatusQueued
		}
		s.byID[n.ID] = n
	}
	return s
}

func (s *fakeSource) Notification(_ context.Context, id string) (scheme.Notification, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.byID[id]
	if !ok {
		return scheme.Notification{}, scheme.ErrNotFound
	}
	return n, nil
}

func (s *fakeSource) MarkNotification(_ context.Context, id, status string, attempts int, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.markFails[status] {
		return errors.New("database is locked")
	}
	n, ok := s.byID[id]
	if !ok {
		return scheme.ErrNotFound
	}
	n.Status, n.Attempts = status, attempts
	s.byID[id] = n
	s.reasons[id] = reason
	s.marks = append(s.marks, mark{id, status, attempts})
	return nil
}

func (s *fakeSource) Marks() []mark {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mark(nil), s.marks...)
}

func (s *fakeSource) status(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byID[id].Status
}

func job(id string, attempt, maxAttempts int) *river.Job[outbox.SendArgs] {
	return &river.Job[outbox.SendArgs]{
		JobRow: &rivertype.JobRow{ID: 1, Kind: "notify_send", Attempt: attempt, MaxAttempts: maxAttempts},
		Args:   outbox.SendArgs{ID: id},
	}
}

func smsNote(id, to, tmpl string) scheme.Notification {
	return scheme.Notification{ID: id, Channel: scheme.ChannelSMS, To: to, Template: tmpl,
		Params: map[string]string{"url": "https://example.org/sign-in", "code": "482913"}}
}

func emailNote(id, to, tmpl string) scheme.Notification {
	n := smsNote(id, to, tmpl)
	n.Channel = scheme.ChannelEmail
	return n
}

func isCancel(err error) bool {
	var c *rivertype.JobCancelError
	return errors.As(err, &c)
}

func wantMarks(t *testing.T, src *fakeSource, want ...mark) {
	t.Helper()
	got := src.Marks()
	if len(got) != len(want) {
		t.Fatalf("marks = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("marks = %+v, want %+v", got, want)
		}
	}
}

func TestWorker_SendsEmailOnceAndMarksItSent(t *testing.T) {
	mp := notifytest.StartMailpit(t)
	src := newFakeSource(emailNote("n1", "member@example.net", outbox.TemplateApplicationApproved))
	w := &notify.Worker{Source: src, Mail: newSMTP(t, mp.SMTPURL())}
	if err := w.Work(ctxT(t), job("n1", 1, 25)); err != nil {
		t.Fatal(err)
	}
	got := mp.WaitFor(t, "member@example.net")
	if got.Subject != "Your account" || !strings.Contains(got.Text, "https://example.org/sign-in") {
		t.Errorf("got subject %q, text %q", got.Subject, got.Text)
	}
	wantMarks(t, src, mark{"n1", notify.StatusSent, 1})

	// The same job again (River retrying after a crash before it recorded
	// completion) finds it sent and sends nothing.
	if err := w.Work(ctxT(t), job("n1", 2, 25)); err != nil {
		t.Fatal(err)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Errorf("mailpit has %d messages, want 1", n)
	}
	wantMarks(t, src, mark{"n1", notify.StatusSent, 1})
}

func TestWorker_SendsSMSOnceAndMarksItSent(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplatePasswordResetCode))
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	for attempt := 1; attempt <= 2; attempt++ {
		if err := w.Work(ctxT(t), job("n1", attempt, 25)); err != nil {
			t.Fatal(err)
		}
	}
	if got := stub.Received(); len(got) != 1 || !strings.Contains(got[0].Text, "482913") {
		t.Fatalf("stub received %+v, want one message with the code", got)
	}
	wantMarks(t, src, mark{"n1", notify.StatusSent, 1})
}

func TestWorker_AlreadySentIsNotSentAgain(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	n := smsNote("n1", "+447700900123", outbox.TemplatePasswordChanged)
	n.Status, n.Attempts = notify.StatusSent, 1
	src := newFakeSource(n)
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	if err := w.Work(ctxT(t), job("n1", 1, 25)); err != nil {
		t.Fatal(err)
	}
	if r := stub.Requests(); r != 0 {
		t.Errorf("stub saw %d requests, want 0", r)
	}
	wantMarks(t, src)
}

func TestWorker_UnconfiguredSenderKeepsNotificationInOutbox(t *testing.T) {
	src := newFakeSource(
		emailNote("e1", "member@example.net", outbox.TemplateApplicationReceived),
		smsNote("s1", "+447700900123", outbox.TemplateApplicationReceived),
	)
	w := &notify.Worker{Source: src}
	for _, id := range []string{"e1", "s1"} {
		if err := w.Work(ctxT(t), job(id, 1, 25)); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	wantMarks(t, src, mark{"e1", notify.StatusOutbox, 0}, mark{"s1", notify.StatusOutbox, 0})
}

func TestWorker_TemporaryFailureIsRetriedThenSent(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplateApplicationApproved))
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	stub.FailNext(1, 503)
	err := w.Work(ctxT(t), job("n1", 1, 25))
	if err == nil || isCancel(err) {
		t.Fatalf("first attempt: err = %v, want a plain error for River to retry", err)
	}
	if s := src.status("n1"); s != notify.StatusQueued {
		t.Errorf("after a temporary failure status = %q, want queued", s)
	}
	if err := w.Work(ctxT(t), job("n1", 2, 25)); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
	if got := len(stub.Received()); got != 1 {
		t.Errorf("stub accepted %d messages, want 1", got)
	}
	wantMarks(t, src, mark{"n1", notify.StatusQueued, 1}, mark{"n1", notify.StatusSent, 2})
}

func TestWorker_PermanentFailureMarksFailedAndCancelsTheJob(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplateApplicationApproved))
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	stub.FailNext(1, 400)
	err := w.Work(ctxT(t), job("n1", 1, 25))
	if !isCancel(err) || !errors.Is(err, notify.ErrPermanent) {
		t.Fatalf("err = %v, want river.JobCancel of an ErrPermanent", err)
	}
	wantMarks(t, src, mark{"n1", notify.StatusFailed, 1})
	wantReason(t, src, "n1", "sms status 400, provider code 30001")
}

// wantReason checks the reason recorded with a notification's last mark.
func wantReason(t *testing.T, src *fakeSource, id, want string) {
	t.Helper()
	src.mu.Lock()
	defer src.mu.Unlock()
	if got := src.reasons[id]; got != want {
		t.Errorf("%s: reason %q, want %q", id, got, want)
	}
}

func TestWorker_LastAttemptMarksFailed(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplateApplicationApproved))
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	stub.FailNext(1, 503)
	if err := w.Work(ctxT(t), job("n1", 25, 25)); err == nil {
		t.Fatal("no error")
	}
	wantMarks(t, src, mark{"n1", notify.StatusFailed, 25})
	wantReason(t, src, "n1", "sms status 503, provider code 30001; out of attempts")
}

func TestWorker_UnrenderableNotificationFailsWithoutSending(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	missing := smsNote("n1", "+447700900123", outbox.TemplatePasswordResetCode)
	delete(missing.Params, "code")
	src := newFakeSource(missing, smsNote("n2", "+447700900123", "no_such_template"))
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	for _, id := range []string{"n1", "n2"} {
		if err := w.Work(ctxT(t), job(id, 1, 25)); !isCancel(err) {
			t.Errorf("%s: err = %v, want the job cancelled", id, err)
		}
	}
	if r := stub.Requests(); r != 0 {
		t.Errorf("stub saw %d requests, want 0", r)
	}
	wantMarks(t, src, mark{"n1", notify.StatusFailed, 1}, mark{"n2", notify.StatusFailed, 1})
	wantReason(t, src, "n1", `message could not be made: template "password_reset_code" (sms) needs the param "code"`)
	wantReason(t, src, "n2", `message could not be made: unknown template key "no_such_template"`)
}

func TestWorker_ErasedNotificationIsNothingToDo(t *testing.T) {
	w := &notify.Worker{Source: newFakeSource()}
	if err := w.Work(ctxT(t), job("gone", 1, 25)); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}

func TestWorker_SentButNotMarkedIsNotSentAgain(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	src := newFakeSource(smsNote("n1", "+447700900123", outbox.TemplatePasswordChanged))
	src.markFails[notify.StatusSent] = true
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config())}
	// Returning an error here would make River send the message again.
	if err := w.Work(ctxT(t), job("n1", 1, 25)); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
	if got := len(stub.Received()); got != 1 {
		t.Errorf("stub accepted %d messages, want 1", got)
	}
}

func TestWorker_LogsAndErrorsHoldIDsNotAddressesOrText(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	mp := notifytest.StartMailpit(t)
	var logs bytes.Buffer
	src := newFakeSource(
		smsNote("ok", "+447700900111", outbox.TemplatePasswordResetCode),
		smsNote("temp", "+447700900222", outbox.TemplatePasswordResetCode),
		smsNote("perm", "+447700900333", outbox.TemplatePasswordResetCode),
		emailNote("mail", "private.person@example.net", outbox.TemplatePasswordResetCode),
		emailNote("refused", "refused.person@example.net", outbox.TemplatePasswordResetCode),
	)
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config()), Mail: newSMTP(t, mp.SMTPURL()),
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}

	var errs []error
	run := func(id string) { errs = append(errs, w.Work(ctxT(t), job(id, 1, 25))) }
	run("ok")
	stub.FailNext(1, 503)
	run("temp")
	stub.FailNext(1, 400)
	run("perm")
	run("mail")
	mp.SetChaos(t, notifytest.Chaos{Recipient: 550})
	run("refused")
	mp.SetChaos(t, notifytest.Chaos{})

	all := logs.String()
	for _, err := range errs {
		if err != nil {
			all += "\n" + err.Error()
		}
	}
	for _, secret := range []string{"7700900", "private.person", "refused.person", "482913", "one-time code", "example.org/sign-in"} {
		if strings.Contains(all, secret) {
			t.Errorf("logs or errors hold %q:\n%s", secret, all)
		}
	}
	for _, want := range []string{"notification=ok", "template=password_reset_code", "notification=refused"} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %q:\n%s", want, all)
		}
	}
}

func TestWorker_CountsResultsByChannel(t *testing.T) {
	stub := notifytest.StartSMSStub(t)
	reg := prometheus.NewRegistry()
	sent := notify.NewSentCounter(reg)
	src := newFakeSource(
		smsNote("a", "+447700900111", outbox.TemplatePasswordChanged),
		smsNote("b", "+447700900222", outbox.TemplatePasswordChanged),
		emailNote("c", "c@example.net", outbox.TemplatePasswordChanged),
	)
	w := &notify.Worker{Source: src, SMS: newSMS(t, stub.Config()), Sent: sent}
	stub.FailNext(1, 503)
	w.Work(ctxT(t), job("a", 1, 25))
	w.Work(ctxT(t), job("a", 2, 25))
	stub.FailNext(1, 400)
	w.Work(ctxT(t), job("b", 1, 25))
	w.Work(ctxT(t), job("c", 1, 25))
	for _, tc := range []struct {
		channel, result string
		want            float64
	}{
		{"sms", "retry", 1}, {"sms", "sent", 1}, {"sms", "failed", 1}, {"email", "outbox", 1}, {"email", "sent", 0},
	} {
		var m dto.Metric
		if err := sent.WithLabelValues(tc.channel, tc.result).Write(&m); err != nil {
			t.Fatal(err)
		}
		if got := m.GetCounter().GetValue(); got != tc.want {
			t.Errorf("%s/%s = %v, want %v", tc.channel, tc.result, got, tc.want)
		}
	}
	families, err := reg.Gather()
	if err != nil || len(families) != 1 || families[0].GetName() != "uglymugs_notifications_total" {
		t.Errorf("registry holds %v (%v), want uglymugs_notifications_total", families, err)
	}
}
