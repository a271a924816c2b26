package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/check"
	"uglymugs/internal/content"
	"uglymugs/internal/demo"
	"uglymugs/internal/i18n"
	"uglymugs/internal/impact"
	"uglymugs/internal/jobs"
	"uglymugs/internal/police"
	"uglymugs/internal/push"
	"uglymugs/internal/report"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
	"uglymugs/internal/support"
	"uglymugs/internal/town"
	"uglymugs/internal/training"
	"uglymugs/internal/translation"
	"uglymugs/internal/vocab"
	"uglymugs/internal/web"
)

// serveCmd serves the site and works the jobs until stopped.
type serveCmd struct {
	sf      serveFlags
	migrate *bool
}

func (cmd *serveCmd) flags(f *flags) {
	cmd.sf = newServeFlags(f)
	cmd.migrate = f.bool("migrate", false, "apply pending database migrations before serving")
}

func (cmd *serveCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, log, err := cmd.sf.setUp(c, stderr)
	if err != nil {
		return err
	}
	db, done, err := c.openDB(ctx, true, true)
	if err != nil {
		return err
	}
	defer done()
	if err := c.ready(ctx, db, *cmd.migrate, log); err != nil {
		return err
	}
	if name, err := demo.PublishedKeyIn(ctx, db); err != nil {
		return err
	} else if name != "" {
		return fmt.Errorf("refusing to serve: the login %s is the demo's: %w", name, errPublishedKey)
	}
	return serve(ctx, nil, db, cfg, false, log, stdout)
}

// ready brings the schema up to date or refuses it (ensureSchema), then
// proves the key file belongs to the database (ensureKeys), for the
// commands that write with it.
func (c common) ready(ctx context.Context, db *store.DB, migrate bool, log *slog.Logger) error {
	if err := ensureSchema(ctx, db, migrate, log); err != nil {
		return c.keysProblem(err)
	}
	return c.ensureKeys(ctx, db)
}

// schemaCurrent refuses a schema that is not this build's, for the
// commands that never migrate.
func schemaCurrent(ctx context.Context, db *store.DB) error {
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if st.Stale() {
		return fmt.Errorf("the database schema is out of date: run \"uglymugs migrate\" first")
	}
	return nil
}

// ensureSchema refuses a stale schema unless asked to migrate: a binary must
// never run against tables it does not expect.
func ensureSchema(ctx context.Context, db *store.DB, migrate bool, log *slog.Logger) error {
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if !st.Stale() {
		return nil
	}
	if st.Current > st.Target {
		return fmt.Errorf("the database schema (version %d) is newer than this build understands (%d): run the newer build", st.Current, st.Target)
	}
	if !migrate {
		return fmt.Errorf("the database schema is out of date (version %d, this build needs %d): run \"uglymugs migrate\" with the same --db, or start with --migrate", st.Current, st.Target)
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	log.Info("migrated", "applied", n)
	return nil
}

// listen opens addr; when its port is taken it says so in plain words,
// with a nearby port that is free.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return ln, nil
	case !errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	host, port, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(port)
	for p := n + 1; p <= n+20 && p < 65536; p++ {
		try := net.JoinHostPort(host, strconv.Itoa(p))
		if l, err := net.Listen("tcp", try); err == nil {
			_ = l.Close() // only asked whether the port is free
			return nil, fmt.Errorf("port %s is in use: try --addr %s", port, try)
		}
	}
	return nil, fmt.Errorf("port %s is in use: stop what uses it, or give --addr another port", port)
}

// correctionsPoll is how often an instance asks whether another saved a
// correction of the translations.
const correctionsPoll = 30 * time.Second

// serve runs the web server and the job workers until ctx ends, then drains
// both. It listens on cfg.addr unless given a listener.
func serve(ctx context.Context, ln net.Listener, db *store.DB, cfg serveConfig, demo bool, log *slog.Logger, stdout io.Writer) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	send, err := cfg.senders(db)
	if err != nil {
		return err
	}
	set := settings.New(db, cfg.firstRun, cfg.hours.Location)
	trainings := training.New(db, set, cfg.hours.Location, cfg.siteURL())
	impacts := impact.New(db, cfg.siteURL())
	q, err := jobs.New(db, log, jobs.Options{
		Workers:  cfg.workers,
		Register: jobs.RegisterWorkers(db, log, reg, send, cfg.retention, trainings, impacts),
		Periodic: jobs.Periodic(),
	})
	if err != nil {
		return err
	}
	// The flags are the settings' first-run values only: once stored, the
	// database's settings (an admin's, on the Settings page) count, on
	// every instance alike.
	differ, err := set.Seed(ctx)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if len(differ) > 0 {
		log.Info("the settings in the database differ from these flags, which count only on the first run: change them on the Settings page", "settings", strings.Join(differ, ","))
	}
	accounts, err := account.New(db, cfg.hours, cfg.siteURL())
	if err != nil {
		return err
	}
	accounts.Hours.Settings = set
	contents, err := content.New(ctx, db)
	if err != nil {
		return err
	}
	// The pages' words, with admins' corrections: read now, and again
	// whenever another instance saves one (Watch, below).
	words, err := i18n.New()
	if err != nil {
		return err
	}
	translations, err := translation.New(ctx, db, words)
	if err != nil {
		return fmt.Errorf("translation corrections: %w", err)
	}
	reports, enquiries, checks := report.New(db, cfg.hours), police.New(db, cfg.hours), check.New(db, cfg.hours.Location, cfg.checks)
	reports.Hours.Settings, enquiries.Hours.Settings, checks.Settings = set, set, set
	// Out of office hours, a coordinator on call may publish an urgent alert alone.
	alerts := alert.New(db, cfg.hours.Location)
	alerts.Urgent.Hours = settings.Hours{Fixed: cfg.hours, Settings: set}
	srv, err := web.New(web.Config{
		Region:       "the UK and Ireland",
		Demo:         demo,
		TLS:          cfg.tls(),
		MetricsToken: cfg.metricsToken,
		BehindProxy:  cfg.behindProxy,
		SMSInbound:   web.SMSInbound{AuthToken: cfg.sms.Token, URL: cfg.baseURL() + "/sms/inbound"},
		// SQLite writes one transaction at a time; PostgreSQL many.
		WriteSlots: map[store.Dialect]int{store.SQLite: 8, store.Postgres: 64}[db.Dialect()],
	}, web.Services{
		Accounts: accounts,
		Reports:  reports,
		Alerts:   alerts,
		Checks:   checks,
		Police:   enquiries,
		Content:  contents,
		Settings: set,
		// Corrections saved here show from the next page; those saved on
		// another instance within correctionsPoll (Watch).
		Translations: translations,
		Towns:        town.New(db),
		Support:      support.New(db),
		Training:     trainings,
		Impact:       impacts,
		Vocab:        vocab.New(db),
		Push:         push.New(db, cfg.push),
		Health:       db,
	}, log, reg)
	if err != nil {
		return err
	}

	if ln == nil {
		if ln, err = listen(cfg.addr); err != nil {
			return err
		}
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if err := q.Start(ctx); err != nil {
		return errors.Join(fmt.Errorf("start job workers: %w", err), ln.Close())
	}

	wctx, stopWatching := context.WithCancel(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		translations.Watch(wctx, correctionsPoll, log)
	}()
	defer func() { stopWatching(); <-watching }()

	if cfg.profileAddr != "" {
		if err := serveProfiler(wctx, cfg.profileAddr, log); err != nil {
			return fmt.Errorf("--profile-addr: %w", err)
		}
	}
	errc := make(chan error, 1)
	go func() {
		if cfg.tlsCert != "" {
			errc <- hs.ServeTLS(ln, cfg.tlsCert, cfg.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	scheme := "http"
	if cfg.tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "uglymugs %s serving on %s://%s\n", version(), scheme, ln.Addr())
	log.Info("serving", "addr", ln.Addr().String(), "db", string(db.Dialect()))

	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	// Drain: stop taking requests, let in-flight ones finish, then let
	// running jobs finish.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if serr := hs.Shutdown(sctx); serr != nil {
		log.Warn("http shutdown", "err", serr)
	}
	if qerr := q.Stop(sctx); qerr != nil {
		log.Warn("job shutdown", "err", qerr)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}
