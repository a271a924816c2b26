package core

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/scheme"
)

// Sign-in, reset and joining are throttled per client address, on top of
// the per-username allowances (account.DefaultSignInLimit): 10 tries at
// once, then one every 6 seconds (account.AddressLimit). An IPv6 address
// is counted by its /64 network, which one subscriber commonly holds
// whole. The allowance lives in the database (store.Throttle), so every
// instance shares it; the address is stored only as a keyed hash, for
// minutes, and never logged.

// clientAddr is the address to throttle by: the connection's, or behind a
// trusted reverse proxy the last address it added to X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	if s.Config.BehindProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttleKey is what an address's allowance is counted by: an IPv4
// address, or the /64 network of an IPv6 one (a single subscriber's
// network has 2^64 addresses to step round a per-address allowance).
func throttleKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}

var errTooMany = scheme.Errorf(scheme.CodeTooMany, "Too many tries from this connection. Wait a minute and try again.")

// Throttled refuses requests from an address that has tried too often.
func (s *Server) Throttled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait, err := s.Accounts.TryFromAddress(r.Context(), throttleKey(s.clientAddr(r)))
		if err != nil {
			s.Log.ErrorContext(r.Context(), "throttle", "err", err)
		}
		if err == nil && !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(wait.Round(time.Second).Seconds()))))
			if isAPI(r) {
				s.APIFail(w, r, errTooMany)
			} else {
				s.Fail(w, r, errTooMany)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool { return len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/" }

// The API's checks and reports write on every call. They are admitted a
// few at a time (Config.WriteSlots): past what the database writes, extra
// requests would only queue, every answer would slow down together, and
// the job queue (alerts going out) would wait behind them. How long a
// request waits for a slot depends on what it carries. A check that cannot
// start within CheckAdmitWait is told at once that the service is busy (503
// with Retry-After): the member tries again in a second and nothing is lost.
// A report is what someone in danger wrote: it waits in line (waiting
// senders are served in turn, so later checks cannot overtake it) for as
// long as a person would wait for a page to answer, and only then is refused.
const (
	CheckAdmitWait  = 50 * time.Millisecond
	ReportAdmitWait = 30 * time.Second
)

var errBusy = scheme.Errorf(scheme.CodeBusy, "The service is busy. Try again in a moment.")

func (s *Server) Admitted(wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case s.writeSlots <- struct{}{}:
			defer func() { <-s.writeSlots }()
			next.ServeHTTP(w, r)
		case <-t.C:
			w.Header().Set("Retry-After", "1")
			s.APIFail(w, r, errBusy)
		case <-r.Context().Done():
		}
	})
}
