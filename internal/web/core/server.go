package core

import (
	"cmp"
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"uglymugs/internal/i18n"
	"uglymugs/internal/impact"

	"github.com/prometheus/client_golang/prometheus"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/check"
	"uglymugs/internal/content"
	"uglymugs/internal/imaging"
	"uglymugs/internal/police"
	"uglymugs/internal/push"
	"uglymugs/internal/report"
	"uglymugs/internal/settings"
	"uglymugs/internal/support"
	"uglymugs/internal/town"
	"uglymugs/internal/training"
	"uglymugs/internal/translation"
	"uglymugs/internal/vault"
	"uglymugs/internal/vocab"
)

// Scheme is how the scheme presents itself now: its settings, read
// through the settings service (at most a few seconds old). When they
// cannot be read, the page still shows, with the first run's.
func (s *Server) Scheme(ctx context.Context) SchemeView {
	cur, err := s.Settings.Current(ctx)
	if err != nil {
		s.Log.WarnContext(ctx, "reading the settings", "err", err)
	}
	l, ok := i18n.FromContext(ctx)
	if !ok {
		l = i18n.English
	}
	return SchemeView{Name: cur.Name, ContactEmail: cur.ContactEmail, Hours: cur.HoursIn(s.Words.Localizer(l)), Region: s.Config.Region, QuickExitURL: cur.QuickExitURL}
}

// SchemeView is how the scheme presents itself on every page: its
// settings as they are now (Server.Scheme), and the area it serves.
type SchemeView struct {
	Name         string // e.g. "Ugly Mugs"
	ContactEmail string
	Hours        string // e.g. "Monday to Friday, 9:00 to 17:00"
	Region       string // e.g. "the UK and Ireland"
	QuickExitURL string // where "Exit this page" leaves for
}

// Config is what the web layer needs to know about its deployment. What
// an admin sets (the scheme's name, contact address, quick-exit site,
// office hours) comes from Services.Settings instead, on every request.
type Config struct {
	Region       string // the area the scheme serves, e.g. "the UK and Ireland"
	Demo         bool   // running on fictional data: say so on every page
	TLS          bool   // served over HTTPS (directly or behind a proxy): HSTS and Secure cookies
	MetricsToken string // if set, /metrics wants "Authorization: Bearer <token>"
	BehindProxy  bool   // trust the last X-Forwarded-For address (set only behind your own reverse proxy)
	// SMSInbound verifies the SMS provider's inbound webhook: Twilio signs
	// each request with the account's auth token over the URL it called.
	SMSInbound SMSInbound
	// WriteSlots is how many API checks and reports run at once; more wait
	// a moment, then are told the service is busy. 0: 8.
	WriteSlots int
}

// SMSInbound is what the inbound SMS webhook needs to check a request came
// from the provider. With no AuthToken, the webhook refuses everything.
type SMSInbound struct {
	AuthToken string
	URL       string // the webhook's public address, as configured at the provider
}

// Services are the domain's entry points, one per use case, that the
// handlers call; the store is behind them.
type Services struct {
	Accounts *account.Service
	Reports  *report.Service
	Alerts   *alert.Service
	Checks   *check.Service
	Police   *police.Service
	Content  *content.Service
	Settings *settings.Service
	// Translations are admins' corrections of the catalogues; its
	// catalogue is the pages'. Without it (a test of one part), the pages
	// read the files alone and its admin pages are not found.
	Translations *translation.Service
	// Towns are the towns within regions, which admins keep.
	Towns *town.Service
	// Training is the training for member organisations.
	Training *training.Service
	// Impact is what a report led to, told to its reporter, and her
	// requests for help with a police report.
	Impact *impact.Service
	// Vocab is the scheme's lists (regions, incident types, sectors,
	// genders), which admins keep.
	Vocab *vocab.Service
	// Support is the directory of support services and referrals to them.
	Support *support.Service
	// Push is members' push notifications and discreet mode; nil: push off.
	Push   *push.Service
	Health Health
}

// Health is what the health check and the metrics ask of the database:
// that it answers, that the key file opens it, and to hear of every
// encrypted value that does not open.
type Health interface {
	Ping(ctx context.Context) error
	CheckKeys(ctx context.Context) error
	OnUnreadable(fn func(vault.Field))
}

// Server holds the parsed templates and the dependencies of the handlers.
type Server struct {
	Config   Config
	health   Health
	Content  *content.Service
	Accounts *account.Service
	Reports  *report.Service
	Alerts   *alert.Service
	Checks   *check.Service
	Police   *police.Service
	Settings *settings.Service
	Log      *slog.Logger
	Words    *i18n.Catalogue // the languages pages are in
	// Translations are admins' corrections of Words; nil in tests of
	// one part.
	Translations *translation.Service
	Towns        *town.Service
	Training     *training.Service
	Impact       *impact.Service
	Vocab        *vocab.Service
	Support      *support.Service
	Push         *push.Service
	views        *viewSets
	assets       *assets
	metrics      *httpMetrics
	reg          *prometheus.Registry

	termsMu    sync.Mutex
	termsHTML  map[termsKey]template.HTML // rendered terms: versions never change, the scheme's name may
	writeSlots chan struct{}              // admitted: API checks and reports at once
}

// New parses every view and fingerprints every static asset; it fails if a
// template is missing or broken, so a bad build never starts serving.
func New(cfg Config, svc Services, log *slog.Logger, reg *prometheus.Registry) (*Server, error) {
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	var words *i18n.Catalogue
	if svc.Translations != nil {
		words = svc.Translations.Words()
	} else if words, err = i18n.New(); err != nil {
		return nil, err
	}
	views, err := newViewSets(a, words)
	if err != nil {
		return nil, err
	}
	if svc.Settings == nil {
		return nil, errors.New("web: no settings service")
	}
	if svc.Towns == nil {
		return nil, errors.New("web: no towns service")
	}
	if svc.Support == nil {
		return nil, errors.New("web: no support service")
	}
	if svc.Training == nil {
		return nil, errors.New("web: no training service")
	}
	if svc.Impact == nil {
		return nil, errors.New("web: no impact service")
	}
	if svc.Vocab == nil {
		return nil, errors.New("web: no lists service")
	}
	watchUnreadable(svc.Health, reg, log)
	return &Server{
		Config: cfg, health: svc.Health, Content: svc.Content, Accounts: svc.Accounts, Reports: svc.Reports,
		Alerts: svc.Alerts, Checks: svc.Checks, Police: svc.Police, Settings: svc.Settings, Log: log, views: views, assets: a, Words: words,
		Translations: svc.Translations, Towns: svc.Towns, Training: svc.Training, Vocab: svc.Vocab, Support: svc.Support, Impact: svc.Impact, Push: svc.Push,
		metrics: newHTTPMetrics(reg), reg: reg,
		termsHTML:  map[termsKey]template.HTML{},
		writeSlots: make(chan struct{}, cmp.Or(cfg.WriteSlots, 8)),
	}, nil
}

// Mux is where a package of handlers registers its routes.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Operations registers what operators and browsers need besides pages:
// the health check, the metrics and the static assets.
func (s *Server) Operations(mux Mux) {
	mux.Handle("GET /healthz", s.handleHealth())
	mux.Handle("GET /metrics", s.handleMetrics())
	mux.Handle("GET /static/{file}", s.assets.handler())
}

// Wrap puts the middleware every request passes through around the routes
// (outermost last).
func (s *Server) Wrap(mux http.Handler) http.Handler {
	h := recordRoute(mux)
	h = normaliseForms(h)
	h = withLanguage(s.Words, h)
	h = s.withUser(h)
	h = s.csrf(h)
	h = limitBody(h, 1<<20, map[string]int64{"/admin/images": imaging.MaxBytes + 64<<10})
	h = compress(h)
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = s.countRequests(h)
	h = withRequestID(h)
	return h
}
