package core

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"uglymugs/internal/vault"
)

// handleHealth answers 200 when the service can reach its database and its
// key file opens it.
func (s *Server) handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := s.health.Ping(ctx); err != nil {
			s.Log.ErrorContext(r.Context(), "health check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("database unavailable\n"))
			return
		}
		// A database the key file does not open (another installation's,
		// swapped in under a running service) cannot be served.
		if err := s.health.CheckKeys(ctx); err != nil {
			s.Log.ErrorContext(r.Context(), "health check failed: the key file does not open this database", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("the key file does not open this database\n"))
			return
		}
		_, _ = w.Write([]byte("ok\n"))
	})
}

// handleMetrics serves Prometheus metrics: to a holder of the metrics token
// when one is set, otherwise only to direct connections from this machine.
func (s *Server) handleMetrics() http.Handler {
	prom := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !metricsAllowed(r, s.Config.MetricsToken) {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		prom.ServeHTTP(w, r)
	})
}

// metricsAllowed: the token's holder when one is set, otherwise a direct
// connection from this machine.
func metricsAllowed(r *http.Request, token string) bool {
	if token != "" {
		want := "Bearer " + token
		return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) == 1
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	// Behind a proxy every request looks local: refuse forwarded ones.
	return ip != nil && ip.IsLoopback() && r.Header.Get("X-Forwarded-For") == "" && r.Header.Get("Forwarded") == ""
}

// watchUnreadable counts, and logs with ids only, every read that meets an
// encrypted value that does not open; "uglymugs check-data" lists them all.
func watchUnreadable(db Health, reg prometheus.Registerer, log *slog.Logger) {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "uglymugs_unreadable_fields_total",
		Help: "Reads that met an encrypted field that does not open (damaged, or sealed with a key not in the key file), by table and column.",
	}, []string{"table", "column"})
	reg.MustRegister(c)
	db.OnUnreadable(func(f vault.Field) {
		c.WithLabelValues(f.Table, f.Column).Inc()
		log.Warn("unreadable encrypted field: run uglymugs check-data", "table", f.Table, "column", f.Column, "row_id", f.RowID)
	})
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "uglymugs_http_requests_total", Help: "HTTP requests by route and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "uglymugs_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (s *Server) countRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := routeOf(r)
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}
