package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"time"

	"uglymugs/internal/scheme"
)

type ctxKey int

// The request's context keys, all here so that no two share a value.
const (
	requestIDKey ctxKey = iota
	routeKey
	userKey
	formAsSentKey
)

// RequestID returns the id given to the request, for logs.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// withRequestID gives every request a random id, returned in X-Request-Id so
// that a person reporting a problem can quote it.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		rand.Read(b) //nolint:errcheck // crypto/rand.Read never fails
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		ctx = context.WithValue(ctx, routeKey, new(string))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request. It logs the route pattern, never
// the path or query (which may hold ids), and never the client's address or
// user agent: both are personal data.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.Log.InfoContext(r.Context(), "request",
			"id", RequestID(r.Context()), "method", r.Method, "route", routeOf(r),
			"status", sw.status, "bytes", sw.bytes, "ms", time.Since(start).Milliseconds())
	})
}

// recordRoute sits right around the mux and hands the pattern it matched to
// the middleware outside. The mux sets Pattern on the request it is given,
// and middleware between (the signed-in user, for one) passes it a copy, so
// the outer layers' request never sees it: every signed-in page was logged
// and counted as "unmatched".
func recordRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p, ok := r.Context().Value(routeKey).(*string); ok {
				*p = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// routeOf is the matched pattern, e.g. "GET /static/{file}", or "unmatched".
func routeOf(r *http.Request) string {
	pattern := r.Pattern
	if p, ok := r.Context().Value(routeKey).(*string); ok && pattern == "" {
		pattern = *p
	}
	if pattern == "" || pattern == "/" {
		return "unmatched"
	}
	return pattern
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.ServerError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows nothing inline and nothing from elsewhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

const permissionsPolicy = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), " +
	"microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"

// securityHeaders sets the headers every response carries. Everything but
// fingerprinted static files is no-store: a page about this service left in
// a shared phone's cache can put someone in danger.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", permissionsPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Permitted-Cross-Domain-Policies", "none") // no Flash or PDF plug-in may read this site's data
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		if s.Config.TLS || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// csrf refuses cross-origin state-changing requests, using the browser's
// Sec-Fetch-Site and Origin headers (Go's CrossOriginProtection). Sessions
// add SameSite cookies on top.
func (s *Server) csrf(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			s.APIFail(w, r, scheme.Errorf(scheme.CodeForbidden, "Cross-origin requests are refused."))
			return
		}
		s.RenderError(w, r, http.StatusForbidden, "This form came from another website",
			"For your safety we only accept forms sent from this site. Go back, reload the page and try again.")
	}))
	return p.Handler(next)
}

// limitBody caps request bodies at n bytes, or at the larger limit given
// for a path (an image upload).
func limitBody(next http.Handler, n int64, paths map[string]int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := n
		if l, ok := paths[r.URL.Path]; ok {
			limit = l
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// normaliseForms makes the line breaks of a posted form's values "\n"
// before any handler reads them: browsers send a textarea's as "\r\n", and
// text must enter with one kind of line break only, whatever the door
// (JSON bodies get the same in decode). A body that cannot be read as a
// form is left as it came, for the handler to meet the same error. The
// values as sent stay available to formAsSent, for the SMS webhook, whose
// signature covers them.
func normaliseForms(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isURLEncodedForm(r) {
			next.ServeHTTP(w, r)
			return
		}
		body := r.Body
		var raw bytes.Buffer
		r.Body = readCloser{io.TeeReader(body, &raw), body}
		if err := r.ParseForm(); err != nil {
			r.Form, r.PostForm = nil, nil
			r.Body = readCloser{io.MultiReader(&raw, body), body}
			next.ServeHTTP(w, r)
			return
		}
		sent := make(url.Values, len(r.PostForm))
		for k, vs := range r.PostForm {
			sent[k] = slices.Clone(vs)
		}
		for _, form := range []url.Values{r.PostForm, r.Form} {
			for _, vs := range form {
				for i, v := range vs {
					vs[i] = scheme.NormaliseLineBreaks(v)
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), formAsSentKey, sent)))
	})
}

// isURLEncodedForm reports whether r carries a form body that ParseForm
// reads (multipart forms carry files and single-line fields only).
func isURLEncodedForm(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return false
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && ct == "application/x-www-form-urlencoded"
}

// FormAsSent returns the posted form's values as they were sent, before
// normaliseForms; nil if it did not read them.
func FormAsSent(r *http.Request) url.Values {
	v, _ := r.Context().Value(formAsSentKey).(url.Values)
	return v
}

type readCloser struct {
	io.Reader
	io.Closer
}
