package web

import (
	"net/http"
)

// Handler returns the whole route surface, wrapped in the middleware every
// request passes through (outermost last).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()

	// Operations.
	mux.Handle("GET /healthz", s.handleHealth())
	mux.Handle("GET /metrics", s.handleMetrics())
	mux.Handle("GET /static/{file}", s.assets.handler())

	// Public site.
	mux.Handle("GET /{$}", s.handlePage("home"))
	mux.Handle("GET /about", s.handlePage("about"))
	mux.Handle("GET /join", s.handlePage("join"))
	mux.Handle("GET /privacy", s.handlePage("privacy"))
	mux.Handle("GET /contact", s.handlePage("contact"))
	mux.Handle("GET /terms", s.handleTerms())
	mux.Handle("POST /theme", s.handleTheme())

	// Anything else is a friendly 404.
	mux.Handle("/", s.handleNotFound())

	var h http.Handler = mux
	h = s.csrf(h)
	h = limitBody(h, 1<<20)
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = s.countRequests(h)
	h = withRequestID(h)
	return h
}
