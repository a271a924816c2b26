package notifytest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/notify"
)

// SMSStub imitates a Twilio Messages endpoint: it checks the basic auth and
// the form and answers 201 with JSON, recording each message it accepts. It
// can be told to fail the next requests, to test retries and refusals.
type SMSStub struct {
	srv     *httptest.Server
	account string
	token   string
	from    string
	path    string

	mu         sync.Mutex
	received   []notify.SMS
	requests   int
	failN      int
	failStatus int
}

// StartSMSStub starts a stub with a random account and token; Config gives
// the settings that reach it. It stops when the test ends.
func StartSMSStub(t testing.TB) *SMSStub {
	t.Helper()
	s := &SMSStub{
		account: "AC" + rand.Text(),
		token:   rand.Text(),
		from:    "+447700900001",
	}
	s.path = "/2010-04-01/Accounts/" + s.account + "/Messages.json"
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// Config is what notify.NewHTTPSMS needs to send to this stub.
func (s *SMSStub) Config() notify.SMSConfig {
	return notify.SMSConfig{URL: s.srv.URL + s.path, Account: s.account, Token: s.token, From: s.from}
}

// FailNext makes the next n requests fail with status (e.g. 503 or 400),
// before their auth or form is even looked at.
func (s *SMSStub) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failStatus = n, status
}

// Received returns the messages accepted so far, oldest first, each with
// the Idempotency-Key it came with (Key). The stub does not de-duplicate by
// key, so that a test can see a message sent twice.
func (s *SMSStub) Received() []notify.SMS {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Requests counts every request, accepted or not.
func (s *SMSStub) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// WaitFor returns the first message accepted for the number to, polling for
// up to 20 seconds.
func (s *SMSStub) WaitFor(t testing.TB, to string) notify.SMS {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		for _, m := range s.Received() {
			if m.To == to {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifytest: no SMS to %s reached the stub within %s", to, waitLimit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *SMSStub) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	fail := 0
	if s.failN > 0 {
		s.failN--
		fail = s.failStatus
	}
	s.mu.Unlock()

	// Errors imitate Twilio's, including its habit of quoting the number in
	// the message, so tests can check that it does not leak any further.
	to := r.PostFormValue("To")
	switch {
	case fail != 0:
		twilioError(w, fail, 30001, "Forced failure sending to "+to)
		return
	case r.Method != http.MethodPost || r.URL.Path != s.path:
		twilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.account)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.token)) != 1 {
		twilioError(w, http.StatusUnauthorized, 20003, "Authentication Error - invalid username")
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		twilioError(w, http.StatusUnsupportedMediaType, 20415, "Unsupported media type "+ct)
		return
	}
	from, body := r.PostFormValue("From"), r.PostFormValue("Body")
	switch {
	case to == "":
		twilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case from != s.from:
		twilioError(w, http.StatusBadRequest, 21606, "The 'From' phone number provided is not valid: "+from)
		return
	case body == "":
		twilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	s.mu.Lock()
	s.received = append(s.received, notify.SMS{To: to, Text: body, Key: r.Header.Get("Idempotency-Key")})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{ // the sender under test reads it or went away
		"sid": "SM" + rand.Text(), "account_sid": s.account, "to": to, "from": from,
		"body": body, "status": "queued", "num_segments": "1",
	})
}

func twilioError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{ // the sender under test reads it or went away
		"code": code, "message": msg, "status": status,
		"more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code),
	})
}
