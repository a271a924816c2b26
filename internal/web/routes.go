package web

import (
	"net/http"
	"slices"

	"uglymugs/internal/web/api"
	"uglymugs/internal/web/app"
	"uglymugs/internal/web/member"
	"uglymugs/internal/web/site"
	"uglymugs/internal/web/staff"
)

// Handler returns the whole route surface, wrapped in the middleware every
// request passes through. Each audience's routes are listed in its own
// routes.go; this is where they meet.
func (s *Server) Handler() http.Handler {
	mux := &recordingMux{ServeMux: http.NewServeMux()}
	s.core.Operations(mux)             // GET /healthz, /metrics, /static/{file}
	site.Routes(mux, s.core)           // the public site, joining, signing in: /, /about, /join, /signin, /newsletter, …
	member.Routes(mux, s.core)         // members: /account, /reports, /alerts, /check, /enquiries, /organisation, /sms/inbound
	staff.Routes(mux, s.core)          // coordinators and admins: /coordinator/…, /admin/…
	api.Routes(mux, s.core)            // the JSON API: /api/v1/… (docs/openapi.yaml)
	app.Routes(mux, s.core)            // the installable app: /manifest.webmanifest, /sw.js, /offline, POST /exit
	mux.Handle("/", s.core.NotFound()) // anything else: a friendly 404
	s.patterns = mux.patterns
	return s.core.Wrap(mux)
}

// recordingMux is a ServeMux that remembers its patterns, so that tests
// can check every route against the authorisation matrix.
type recordingMux struct {
	*http.ServeMux
	patterns []string
}

func (m *recordingMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// Routes returns every route pattern the handler serves ("GET /alerts/{id}"),
// once Handler has been called.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }
