package web

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"uglymugs/internal/scheme"
)

// Sign-in, reset and joining are throttled per client address, on top of
// the per-account lockout: 10 tries at once, then one every 6 seconds.
// Addresses are kept in memory only, never stored or logged.
const (
	signInRate  = rate.Limit(1.0 / 6)
	signInBurst = 10
)

type limiter struct {
	mu      sync.Mutex
	r       rate.Limit
	b       int
	clients map[string]*client
	swept   time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(r rate.Limit, b int) *limiter {
	return &limiter{r: r, b: b, clients: map[string]*client{}, swept: time.Now()}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.swept) > time.Minute {
		for k, c := range l.clients {
			if now.Sub(c.seen) > 10*time.Minute {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c, ok := l.clients[key]
	if !ok {
		c = &client{lim: rate.NewLimiter(l.r, l.b)}
		l.clients[key] = c
	}
	c.seen = now
	return c.lim.Allow()
}

// clientAddr is the address to throttle by: the connection's, or behind a
// trusted reverse proxy the last address it added to X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.BehindProxy {
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

var errTooMany = scheme.Errorf(scheme.CodeTooMany, "Too many tries from this connection. Wait a minute and try again.")

// throttled refuses requests from an address that has tried too often.
func (s *Server) throttled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.limits.allow(s.clientAddr(r)) {
			w.Header().Set("Retry-After", "60")
			if isAPI(r) {
				s.apiFail(w, r, errTooMany)
			} else {
				s.fail(w, r, errTooMany)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool { return len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/" }
