package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/check"
	"uglymugs/internal/jobs"
	"uglymugs/internal/notify"
	"uglymugs/internal/pushaddr"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// DefaultKeysPath is where the key file lives unless told otherwise: beside
// the database by default, but it must not go into the database's backups.
const DefaultKeysPath = "./data/uglymugs.keys"

// flags is a FlagSet whose every flag can also come from an UGLYMUGS_*
// variable; the flag wins when both are given.
type flags struct {
	*flag.FlagSet
	getenv env
	errs   []error
	// positional receives the arguments after the flags, for a command
	// that takes some; nil refuses them.
	positional *[]string
}

// newFlags is a command's flag set with the flags every command takes.
func newFlags(name string, getenv env, stderr io.Writer) (*flags, common) {
	fs := flag.NewFlagSet("uglymugs "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &flags{FlagSet: fs, getenv: getenv}
	return f, commonFlags(f)
}

func envName(flagName string) string {
	return "UGLYMUGS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// fromEnv is flag name's default: def, or its variable's value when that is
// set. A value parse rejects is noted, with want saying what to give, for
// parse to report.
func fromEnv[T any](f *flags, name string, def T, parse func(string) (T, error), want string) T {
	v := f.getenv(envName(name))
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		f.errs = append(f.errs, fmt.Errorf("%s=%q: %s", envName(name), v, want))
	}
	return x
}

// help is a flag's help with the variable that also sets it.
func help(name, text string) string { return text + " (env " + envName(name) + ")" }

func (f *flags) string(name, def, text string) *string {
	s := fromEnv(f, name, def, func(v string) (string, error) { return v, nil }, "")
	return f.String(name, s, help(name, text))
}

func (f *flags) bool(name string, def bool, text string) *bool {
	return f.Bool(name, fromEnv(f, name, def, strconv.ParseBool, "use true or false"), help(name, text))
}

func (f *flags) int(name string, def int, text string) *int {
	return f.Int(name, fromEnv(f, name, def, strconv.Atoi, "use a whole number"), help(name, text))
}

func (f *flags) float(name string, def float64, text string) *float64 {
	parse := func(v string) (float64, error) { return strconv.ParseFloat(v, 64) }
	return f.Float64(name, fromEnv(f, name, def, parse, "use a number, e.g. 10 or 0.5"), help(name, text))
}

// parse parses args and reports every problem with the environment at once.
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%v", err)
	}
	if f.positional != nil {
		*f.positional = f.Args()
	} else if f.NArg() > 0 {
		return usagef("unexpected argument %q", f.Arg(0))
	}
	if len(f.errs) > 0 {
		return usageError{errors.Join(f.errs...).Error()}
	}
	return nil
}

// common are the flags every command takes.
type common struct {
	db, keys  *string
	logLevel  *string
	logFormat *string
}

func commonFlags(f *flags) common {
	return common{
		db:        f.string("db", "", "database: a file path or sqlite:PATH (default "+store.DefaultPath+"), or a postgres:// URL"),
		keys:      f.string("keys", DefaultKeysPath, "path of the key file"),
		logLevel:  f.string("log-level", "info", "debug, info, warn or error"),
		logFormat: f.string("log-format", "text", "text or json"),
	}
}

func (c common) source() (store.Source, error) {
	src, err := store.ParseSource(*c.db)
	if err != nil {
		return src, usagef("--db: %v", err)
	}
	return src, nil
}

func (c common) vault() (*vault.Vault, error) {
	v, err := vault.Load(*c.keys)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no key file at %s: create one with \"uglymugs keys init --keys %s\", keep it apart from database backups, or point --keys (UGLYMUGS_KEYS) at yours", *c.keys, *c.keys)
	}
	return v, err
}

func (c common) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(*c.logLevel)); err != nil {
		return nil, usagef("--log-level %q: use debug, info, warn or error", *c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch *c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format %q: use text or json", *c.logFormat)
}

// serveConfig is everything serve (and demo) need, validated.
type serveConfig struct {
	addr      string
	publicURL *url.URL
	tlsCert   string
	tlsKey    string
	// firstRun are the settings an admin changes on the Settings page, as
	// the flags give them: they count only until the database holds
	// settings (settings.Service.Seed stores them on the first run).
	firstRun     scheme.Settings
	metricsToken string
	profileAddr  string // loopback address for Go's profiler; "" for none
	behindProxy  bool
	workers      int
	hours        scheme.WorkingHours // the time zone (a flag for good) and the first run's office hours
	smtpURL      string
	smtpFrom     string
	sms          notify.SMSConfig
	emailRate    float64
	smsRate      float64
	pushRate     float64
	push         pushaddr.Policy
	checks       check.Limits
	retention    store.Retention
}

type serveFlags struct {
	addr, publicURL, tlsCert, tlsKey      *string
	schemeName, contactEmail, quickExit   *string
	metricsToken, profileAddr             *string
	behindProxy                           *bool
	workers                               *int
	timeZone, closedDays                  *string
	smtpURL, smtpFrom                     *string
	smsURL, smsAccount, smsToken, smsFrom *string
	emailRate, smsRate, pushRate          *float64
	pushAllow                             *string
	checksPerDay, checksPerMinute         *int
	keepReports, keepChecks               *int
	keepDeliveries, keepAudit             *int
}

func newServeFlags(f *flags) serveFlags {
	return serveFlags{
		addr:            f.string("addr", "127.0.0.1:8080", "address to listen on"),
		publicURL:       f.string("public-url", "", "the address members use, e.g. https://uglymugs.example.org (https turns on HSTS and Secure cookies)"),
		tlsCert:         f.string("tls-cert", "", "TLS certificate file, to serve HTTPS directly"),
		tlsKey:          f.string("tls-key", "", "TLS key file"),
		schemeName:      f.string("scheme-name", scheme.DefaultSettings().Name, "the scheme's name, shown on every page (first run only: then Settings)"),
		contactEmail:    f.string("contact-email", scheme.DefaultSettings().ContactEmail, "the scheme's public contact address (first run only: then Settings)"),
		quickExit:       f.string("quick-exit-url", scheme.DefaultSettings().QuickExitURL, "the neutral site \"Exit this page\" leaves for (first run only: then Settings)"),
		metricsToken:    f.string("metrics-token", "", "bearer token for /metrics (without one, /metrics answers only local, unproxied requests)"),
		profileAddr:     f.string("profile-addr", "", "loopback host:port to serve Go's profiler on (net/http/pprof), for measuring; off without it"),
		behindProxy:     f.bool("behind-proxy", false, "served behind your own reverse proxy: throttle by the last X-Forwarded-For address"),
		workers:         f.int("workers", 10, "background jobs worked at once"),
		timeZone:        f.string("time-zone", "Europe/London", "the scheme's time zone, for its clock and office hours"),
		closedDays:      f.string("closed-days", "", "days the scheme is closed, e.g. 2026-12-25,2026-12-28 (first run only: then Settings)"),
		smtpURL:         f.string("smtp-url", "", "mail server, smtp://user:password@host:587 or smtps://…:465 (without one, email waits in the admin's outbox)"),
		smtpFrom:        f.string("smtp-from", "", "sender address of emails, e.g. alerts@uglymugs.example.org"),
		smsURL:          f.string("sms-url", "", "Twilio-compatible Messages endpoint (without one, SMS waits in the admin's outbox)"),
		smsAccount:      f.string("sms-account", "", "SMS provider account id"),
		smsToken:        f.string("sms-token", "", "SMS provider auth token"),
		smsFrom:         f.string("sms-from", "", "SMS sender number or name"),
		emailRate:       f.float("email-rate", notify.DefaultEmailRate, "most alert emails sent a second"),
		smsRate:         f.float("sms-rate", notify.DefaultSMSRate, "most alert SMS sent a second (your provider's limit for the sender)"),
		pushRate:        f.float("push-rate", notify.DefaultPushRate, "most alert push messages sent a second"),
		pushAllow:       f.string("push-allow-host", "", "HOST:PORT push endpoints may use though not public (comma-separated; tests and private push services; http allowed there)"),
		checksPerDay:    f.int("checks-per-day", check.DefaultLimits.PerDay, "checks a member may make in a day, from midnight in --time-zone (first run only: then Settings)"),
		checksPerMinute: f.int("checks-per-minute", check.DefaultLimits.PerMinute, "checks a member may make in any minute (first run only: then Settings)"),
		keepReports:     f.int("report-retention-days", days(jobs.DefaultRetention.Reports), "days a sent report is kept (0: for ever)"),
		keepChecks:      f.int("check-retention-days", days(jobs.DefaultRetention.Checks), "days the check log is kept (0: for ever)"),
		keepDeliveries:  f.int("delivery-retention-days", days(jobs.DefaultRetention.Deliveries), "days records of sent or failed messages are kept (0: for ever)"),
		keepAudit:       f.int("audit-retention-days", days(jobs.DefaultRetention.Audit), "days audit log entries are kept (0: for ever)"),
	}
}

func (s serveFlags) validate() (serveConfig, error) {
	c := serveConfig{addr: *s.addr, tlsCert: *s.tlsCert, tlsKey: *s.tlsKey, metricsToken: *s.metricsToken, workers: *s.workers, behindProxy: *s.behindProxy}
	var errs []error
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr %q: give host:port, e.g. 127.0.0.1:8080", c.addr))
	}
	if c.profileAddr = *s.profileAddr; c.profileAddr != "" {
		if err := loopbackAddr(c.profileAddr); err != nil {
			errs = append(errs, fmt.Errorf("--profile-addr %q: %v", c.profileAddr, err))
		}
	}
	if *s.publicURL != "" {
		u, err := url.Parse(*s.publicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--public-url %q: give a full address, e.g. https://uglymugs.example.org", *s.publicURL))
		}
		c.publicURL = u
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		errs = append(errs, errors.New("--tls-cert and --tls-key go together: give both or neither"))
	}
	loc, err := time.LoadLocation(*s.timeZone)
	if err != nil {
		errs = append(errs, fmt.Errorf("--time-zone %q: give an IANA zone, e.g. Europe/London", *s.timeZone))
		loc = time.UTC
	}
	// The first run's settings, held to the rules the Settings page holds
	// an admin to.
	c.firstRun = scheme.DefaultSettings()
	c.firstRun.Name, c.firstRun.ContactEmail, c.firstRun.QuickExitURL = strings.TrimSpace(*s.schemeName), *s.contactEmail, *s.quickExit
	c.firstRun.ChecksPerDay, c.firstRun.ChecksPerMinute = *s.checksPerDay, *s.checksPerMinute
	if c.firstRun.Closed, err = scheme.ParseClosedDays(*s.closedDays); err != nil {
		errs = append(errs, fmt.Errorf("--closed-days: %v", err))
	}
	problems := c.firstRun.Problems()
	for _, f := range []struct{ field, flag, value string }{
		{"name", "--scheme-name", *s.schemeName}, {"contact_email", "--contact-email", *s.contactEmail},
		{"quick_exit_url", "--quick-exit-url", *s.quickExit}, {"closed_days", "--closed-days", *s.closedDays},
		{"checks_per_day", "--checks-per-day", strconv.Itoa(*s.checksPerDay)}, {"checks_per_minute", "--checks-per-minute", strconv.Itoa(*s.checksPerMinute)},
	} {
		if p := problems[f.field]; p != "" {
			errs = append(errs, fmt.Errorf("%s %q: %s", f.flag, f.value, p))
		}
	}
	c.hours = c.firstRun.WorkingHours(loc)
	c.checks = check.Limits{PerDay: c.firstRun.ChecksPerDay, PerMinute: c.firstRun.ChecksPerMinute}
	c.smtpURL, c.smtpFrom = *s.smtpURL, *s.smtpFrom
	if c.smtpURL != "" {
		if _, err := notify.NewSMTP(c.smtpURL, c.smtpFrom); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-url/--smtp-from: %v", err))
		}
	}
	c.sms = notify.SMSConfig{URL: *s.smsURL, Account: *s.smsAccount, Token: *s.smsToken, From: *s.smsFrom}
	if c.sms.URL != "" {
		if _, err := notify.NewHTTPSMS(c.sms, nil); err != nil {
			errs = append(errs, fmt.Errorf("--sms-*: %v", err))
		}
	}
	c.emailRate, c.smsRate, c.pushRate = *s.emailRate, *s.smsRate, *s.pushRate
	if c.push.Allow, err = pushaddr.ParseAllow(*s.pushAllow); err != nil {
		errs = append(errs, fmt.Errorf("--push-allow-host: %v", err))
	}
	for _, r := range []struct {
		flag string
		v    float64
	}{{"--email-rate", c.emailRate}, {"--sms-rate", c.smsRate}, {"--push-rate", c.pushRate}} {
		if !(r.v >= 0.01 && r.v <= 100000) {
			errs = append(errs, fmt.Errorf("%s %v: give messages a second, from 0.01 to 100000", r.flag, r.v))
		}
	}
	day := 24 * time.Hour
	c.retention = store.Retention{Reports: time.Duration(*s.keepReports) * day, Checks: time.Duration(*s.keepChecks) * day,
		Deliveries: time.Duration(*s.keepDeliveries) * day, Audit: time.Duration(*s.keepAudit) * day}
	for _, r := range []struct {
		flag string
		v    int
	}{{"--report-retention-days", *s.keepReports}, {"--check-retention-days", *s.keepChecks},
		{"--delivery-retention-days", *s.keepDeliveries}, {"--audit-retention-days", *s.keepAudit}} {
		if r.v < 0 || r.v > 36500 {
			errs = append(errs, fmt.Errorf("%s %d: give a number of days from 0 (keep for ever) to 36500", r.flag, r.v))
		}
	}
	if w := days(scheme.UnusualWindow); *s.keepChecks > 0 && *s.keepChecks < w {
		errs = append(errs, fmt.Errorf("--check-retention-days %d: keep the check log at least %d days, the window unusual checking looks at", *s.keepChecks, w))
	}
	if c.workers < 1 || c.workers > 1000 {
		errs = append(errs, fmt.Errorf("--workers %d: give a number from 1 to 1000", c.workers))
	}
	if len(errs) > 0 {
		return c, usageError{errors.Join(errs...).Error()}
	}
	return c, nil
}

// setUp validates the flags and makes the logger, for serve and demo.
func (s serveFlags) setUp(c common, stderr io.Writer) (serveConfig, *slog.Logger, error) {
	cfg, err := s.validate()
	if err != nil {
		return cfg, nil, err
	}
	log, err := c.logger(stderr)
	return cfg, log, err
}

// siteURL is the address used in links in messages.
func (c serveConfig) siteURL() string {
	if c.publicURL != nil {
		return strings.TrimRight(c.publicURL.String(), "/") + "/signin"
	}
	return "http://" + c.addr + "/signin"
}

// baseURL is the site's address, for links to pages in messages.
func (c serveConfig) baseURL() string {
	if c.publicURL != nil {
		return strings.TrimRight(c.publicURL.String(), "/")
	}
	return "http://" + c.addr
}

// senders builds the email and SMS senders that are configured, and push
// when the key file has its key, with the alert senders' rates and link
// address.
func (c serveConfig) senders(db *store.DB) (jobs.Senders, error) {
	s := jobs.Senders{BaseURL: c.baseURL(), EmailRate: c.emailRate, SMSRate: c.smsRate, PushRate: c.pushRate}
	if public, private, ok := db.VAPID(); ok {
		s.Push = notify.NewWebPush(c.push, public, private, c.baseURL())
	}
	if c.smtpURL != "" {
		m, err := notify.NewSMTP(c.smtpURL, c.smtpFrom)
		if err != nil {
			return s, err
		}
		s.Mail = m
	}
	if c.sms.URL != "" {
		t, err := notify.NewHTTPSMS(c.sms, nil)
		if err != nil {
			return s, err
		}
		s.SMS = t
	}
	return s, nil
}

// tls reports whether members reach the service over HTTPS.
func (c serveConfig) tls() bool {
	return c.tlsCert != "" || (c.publicURL != nil && c.publicURL.Scheme == "https")
}

// buildVersion is set at link time (-ldflags "-X main.buildVersion=v1.2.3").
var buildVersion = ""

func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// days is a duration in whole days, for flag defaults.
func days(d time.Duration) int { return int(d / (24 * time.Hour)) }
