// Package web is the scheme's web face: it puts together the shared core
// (internal/web/core: configuration, rendering, sessions, errors,
// middleware) and the handlers of each audience — the public site
// (internal/web/site), members (internal/web/member), coordinators and
// admins (internal/web/staff) and the JSON API (internal/web/api) — into
// one handler. The handlers reach the domain through its services only,
// never the store.
package web

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/web/core"
)

// The configuration and dependencies are the core's.
type (
	Config     = core.Config
	SchemeView = core.SchemeView
	SMSInbound = core.SMSInbound
	Services   = core.Services
	Health     = core.Health
)

// Server serves the whole site.
type Server struct {
	core     *core.Server
	patterns []string // the routes, recorded by Handler
}

// New parses every view and fingerprints every static asset; it fails if a
// template is missing or broken, so a bad build never starts serving.
func New(cfg Config, svc Services, log *slog.Logger, reg *prometheus.Registry) (*Server, error) {
	c, err := core.New(cfg, svc, log, reg)
	if err != nil {
		return nil, err
	}
	return &Server{core: c}, nil
}
