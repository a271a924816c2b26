package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// SMSStub is an SMS provider at the network's edge: a Twilio-compatible
// Messages endpoint that answers every well-formed POST as the provider
// does (201 and a message id), counts it and keeps nothing, so that the
// sender's own speed shows, as the SMTP sink does for email.
type SMSStub struct {
	srv      *httptest.Server
	received atomic.Int64
}

// StartSMSStub listens on a free loopback port until Close.
func StartSMSStub() *SMSStub {
	s := &SMSStub{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("To") == "" || r.PostForm.Get("Body") == "" {
			http.Error(w, `{"code":21602,"message":"bad request"}`, http.StatusBadRequest)
			return
		}
		n := s.received.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"sid":"SM%032d","status":"queued"}`, n)
	}))
	return s
}

// URL is the Messages endpoint.
func (s *SMSStub) URL() string { return s.srv.URL + "/2010-04-01/Accounts/ACbench/Messages.json" }

// Received is how many messages were accepted.
func (s *SMSStub) Received() int64 { return s.received.Load() }

// Close stops the stub.
func (s *SMSStub) Close() { s.srv.Close() }

// SMSRawRate posts n messages to the stub over conns reused connections
// with a bare net/http client, as the provider's form and basic
// authentication ask: the floor the service's SMS sender is compared with.
func SMSRawRate(stub *SMSStub, n, conns int) (float64, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	body := url.Values{"To": {"+447700900123"}, "From": {"UglyMugs"}, "Body": {"New safety alert for your area. Sign in to read it."}}.Encode()
	var next atomic.Int64
	errs := make(chan error, conns)
	start := time.Now()
	for range conns {
		go func() {
			for next.Add(1) <= int64(n) {
				req, err := http.NewRequest(http.MethodPost, stub.URL(), strings.NewReader(body))
				if err != nil {
					errs <- err
					return
				}
				req.SetBasicAuth("ACbench", "token")
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs <- fmt.Errorf("the SMS stub answered %d", resp.StatusCode)
					return
				}
			}
			errs <- nil
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
