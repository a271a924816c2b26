package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"uglymugs/internal/account"
	"uglymugs/internal/pushtest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/smtpsink"
	"uglymugs/internal/store"
)

// server is the real binary, serving the seeded database.
type server struct {
	cmd     *exec.Cmd
	base    string
	profile string // its profiler's address
}

// edges are the services at the network's edge the server sends to, each
// counting what it receives and keeping nothing.
type edges struct {
	sink *smtpsink.Sink
	push *pushtest.Service
	sms  *SMSStub
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

func startServer(ctx context.Context, c Config, data *database, keys string, e edges) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	prof, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, c.Binary, "serve", "--db", data.serve, "--keys", keys, "--addr", addr, // #nosec G204 -- our own binary, our arguments
		"--checks-per-day", "100000", "--checks-per-minute", "100000", "--log-level", "warn", "--behind-proxy", "--profile-addr", prof,
		"--smtp-url", "smtp://"+e.sink.Addr(), "--smtp-from", "alerts@uglymugs.example.org", "--email-rate", "100000",
		"--sms-url", e.sms.URL(), "--sms-account", "ACbench", "--sms-token", "token", "--sms-from", "UglyMugs", "--sms-rate", "100000",
		"--push-allow-host", e.push.HostPort(), "--push-rate", "100000")
	cmd.Env = append(os.Environ(), "UGLYMUGS_DB=", "UGLYMUGS_KEYS=")
	var early bytes.Buffer // what it said, should it not start
	cmd.Stderr = &early
	if c.Log != nil {
		cmd.Stderr = io.MultiWriter(c.Log, &early)
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, profile: prof}
	for range 600 {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	said := early.String()
	return nil, fmt.Errorf("the server did not start: %s", said[max(0, len(said)-2000):])
}

func (s *server) stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	return s.cmd.Wait()
}

// rss is the server's resident memory now, in bytes.
func (s *server) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// peakRSS samples rss every 50 ms until stop is closed.
func (s *server) peakRSS(stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, s.rss())
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// load is one vegeta attack's figures.
type load struct {
	p50, p99   time.Duration
	throughput float64
	success    float64
	requests   uint64
	codes      map[string]int
}

func (l load) String() string {
	return fmt.Sprintf("%.0f/s, p50 %s, p99 %s, %.1f%% answered 2xx", l.throughput, dur(l.p50), dur(l.p99), l.success*100)
}

// met says whether the load kept to a rate (within 1 %%) and a p99, every
// request answered 2xx.
func (l load) met(freq int, p99 time.Duration) bool {
	return l.throughput >= 0.99*float64(freq) && l.p99 <= p99 && l.success > 0.999
}

// attack sends what next makes at freq a second (0: as fast as workers
// allow) for d.
func attack(next func(*vegeta.Target) error, freq int, workers uint64, d time.Duration) load {
	opts := []func(*vegeta.Attacker){vegeta.Workers(workers), vegeta.KeepAlive(true), vegeta.Connections(int(workers))} // #nosec G115 -- a handful
	if freq == 0 {
		opts = append(opts, vegeta.MaxWorkers(workers))
	}
	a := vegeta.NewAttacker(opts...)
	var m vegeta.Metrics
	for r := range a.Attack(next, vegeta.Rate{Freq: freq, Per: time.Second}, d, "bench") {
		m.Add(r)
	}
	m.Close()
	return load{p50: m.Latencies.P50, p99: m.Latencies.P99, throughput: m.Throughput, success: m.Success, requests: m.Requests, codes: m.StatusCodes}
}

// CheckRate and StatsRate are the loads the targets are set at.
const (
	CheckRate = 4000 // checks a second, p99 ≤ 5 ms
	StatsRate = 200  // public statistics pages a second, p99 ≤ 5 ms
)

func serverFigures(ctx context.Context, c Config, res *Results, db *store.DB, data *database, keys, prefix string, hits []string, rawLookup time.Duration) error {
	sink, err := smtpsink.Start(false)
	if err != nil {
		return err
	}
	defer sink.Close()
	// The test push service checks each message's VAPID signature and
	// counts it; like the SMTP sink, it does not keep (or decrypt) the
	// payload, so that the sender's own speed shows.
	ps := pushtest.Start()
	defer ps.Close()
	ps.SetDecrypt(false)
	sms := StartSMSStub()
	defer sms.Close()
	e := edges{sink: sink, push: ps, sms: sms}
	srv, err := startServer(ctx, c, data, keys, e)
	if err != nil {
		return err
	}
	defer func() { _ = srv.stop() }() // stopped below; this is for early returns
	time.Sleep(5 * time.Second)
	idle := srv.rss()
	c.logf("idle RSS %s", mib(float64(idle)))

	// Sessions for 100 members, made in the store (signing in 100 times
	// would only measure argon2).
	var tokens []string
	for i := range 100 {
		u, err := member(ctx, db, prefix, (i*7)%c.Members)
		if err != nil {
			return err
		}
		tok, _, err := db.Sessions.CreateSession(ctx, u.ID, scheme.SessionAPI, account.DefaultAPITTL)
		if err != nil {
			return err
		}
		tokens = append(tokens, tok)
	}
	loadRSS, err := loadFigures(ctx, c, res, srv, hits, tokens, rawLookup)
	if err != nil {
		return err
	}

	// A fresh process for the alerts, so that its memory is the sending's
	// alone, not what the loads above left behind; the floors are measured
	// in between, with no server writing.
	if err := srv.stop(); err != nil {
		return fmt.Errorf("stopping the server: %w", err)
	}
	floors, err := fanOutFloors(ctx, db)
	if err != nil {
		return err
	}
	if srv, err = startServer(ctx, c, data, keys, e); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)
	sendRSS, err := alertFigures(ctx, c, res, db, srv, e, floors)
	if err != nil {
		return err
	}
	if err := pageFigures(ctx, c, res, db, srv, prefix); err != nil {
		return err
	}
	res.add(Figure{Name: "Server memory (RSS)", Value: fmt.Sprintf("idle %s; peak %s under the check load; peak %s from publishing an alert to its last email (fan-out and sending)", mib(float64(idle)), mib(float64(loadRSS)), mib(float64(sendRSS))),
		Target: "idle ≤ 60 MB; ≤ 100 MB while fanning out and sending", Met: idle <= 60<<20 && sendRSS <= 100<<20})
	return srv.stop()
}

// loadFigures measures checks, reports and the public statistics over
// HTTP, and returns the server's peak memory under the check load.
func loadFigures(ctx context.Context, c Config, res *Results, srv *server, hits, tokens []string, rawLookup time.Duration) (int64, error) {
	d := time.Duration(c.Seconds) * time.Second
	var n atomic.Int64
	checkTarget := func(t *vegeta.Target) error {
		i := int(n.Add(1))
		kind, value := lookupValue(hits, i)
		t.Method, t.URL = "POST", srv.base+"/api/v1/checks"
		t.Body, _ = json.Marshal(map[string]string{"kind": kind, "value": value})
		t.Header = http.Header{"Authorization": {"Bearer " + tokens[i%len(tokens)]}, "Content-Type": {"application/json"}}
		return nil
	}
	stop := make(chan struct{})
	peak := srv.peakRSS(stop)
	cpu0 := srv.cpuTime()
	atRate := attack(checkTarget, CheckRate, 64, d)
	cpu := srv.cpuTime() - cpu0
	c.logf("checks at %d/s: %s %v; server CPU %v", CheckRate, atRate, atRate.codes, cpu)
	profile := srv.profileCPU(ctx, c, "Checks as fast as 32 clients go", d)
	most := attack(checkTarget, 0, 32, d)
	close(stop)
	loadRSS := <-peak
	c.logf("checks flat out: %s %v", most, most.codes)
	res.add(Figure{Name: fmt.Sprintf("Authenticated checks over HTTP at %d a second", CheckRate), Value: atRate.String(),
		Target: fmt.Sprintf("≥ %d/s with p99 ≤ 5 ms", CheckRate), Met: atRate.met(CheckRate, 5*time.Millisecond),
		Note: fmt.Sprintf("%d members' API sessions in turn; each check counted against the allowance and logged, in groups sharing a commit", len(tokens))})
	answered := float64(atRate.requests) * atRate.success
	perCheck := time.Duration(float64(cpu) / max(answered, 1))
	res.add(Figure{Name: "Server CPU time per check over HTTP (TLS aside: the bench speaks plain HTTP)", Value: fmt.Sprintf("%s (%s of CPU for %.0f checks)", dur(perCheck), cpu.Round(10*time.Millisecond), answered),
		Floor:  "raw indexed lookup, p50: " + dur(rawLookup),
		Target: "≤ 10× the raw lookup", Met: perCheck <= 10*rawLookup,
		Note: fmt.Sprintf("%.1f× the raw lookup; HTTP, session, JSON, allowance, lookup, log", float64(perCheck)/float64(max(rawLookup, 1)))})
	res.add(Figure{Name: "Authenticated checks over HTTP, as fast as 32 clients go", Value: most.String()})
	if p, err := profile(); err != nil {
		c.logf("%v", err)
	} else {
		res.Profiles = append(res.Profiles, p)
	}

	// Reports.
	health := func(t *vegeta.Target) error {
		t.Method, t.URL = "GET", srv.base+"/healthz"
		return nil
	}
	floor := attack(health, 500, 32, d/2)
	reportTarget := func(t *vegeta.Target) error {
		i := int(n.Add(1))
		t.Method, t.URL = "POST", srv.base+"/api/v1/reports"
		t.Body, _ = json.Marshal(map[string]any{
			"incident_types": []string{"physical-assault"},
			"account":        "He pushed me down the stairs when I asked him to leave.",
			"incident_at":    time.Now().Add(-3 * time.Hour).UTC().Format(time.RFC3339),
			"region":         "north-west", "town": "Salford",
			"offenders": []map[string]any{{"description": map[string]string{"gender": "man", "age": "30s"},
				"identifiers": []map[string]string{{"kind": "email", "value": fmt.Sprintf("load.%d@example.org", i)}}}},
			"consents": map[string]bool{"alert": true, "police": false, "support": false, "police_contact": false},
		})
		t.Header = http.Header{"Authorization": {"Bearer " + tokens[i%len(tokens)]}, "Content-Type": {"application/json"}}
		return nil
	}
	reportProfile := srv.profileCPU(ctx, c, "Report submissions at 500 a second", d)
	reports := attack(reportTarget, 500, 64, d)
	c.logf("reports at 500/s: %s %v", reports, reports.codes)
	if p, err := reportProfile(); err != nil {
		c.logf("%v", err)
	} else {
		res.Profiles = append(res.Profiles, p)
	}
	res.add(Figure{Name: "Report submissions over HTTP at 500 a second", Value: reports.String(),
		Floor:  "GET /healthz at 500/s: p50 " + dur(floor.p50) + ", p99 " + dur(floor.p99),
		Target: "≥ 500/s with p99 ≤ 50 ms", Met: reports.met(500, 50*time.Millisecond),
		Note: "each report with one offender and an email address, encrypted, linked against every earlier offender"})

	// The public statistics, as visitors (no session) read them.
	public := func(t *vegeta.Target) error {
		t.Method, t.URL = "GET", srv.base+"/statistics"
		return nil
	}
	about := func(t *vegeta.Target) error {
		t.Method, t.URL = "GET", srv.base+"/about"
		return nil
	}
	// One visitor first: the figures are counted then, once, and kept.
	if resp, err := http.Get(srv.base + "/statistics"); err == nil {
		_ = resp.Body.Close()
	}
	aboutLoad := attack(about, StatsRate, 16, d/2)
	stats := attack(public, StatsRate, 16, d)
	c.logf("public statistics at %d/s: %s %v", StatsRate, stats, stats.codes)
	res.add(Figure{Name: fmt.Sprintf("Public statistics page (/statistics) at %d a second", StatsRate), Value: stats.String(),
		Floor:  fmt.Sprintf("/about (no database work) at %d/s: p50 %s, p99 %s", StatsRate, dur(aboutLoad.p50), dur(aboutLoad.p99)),
		Target: "p99 ≤ 5 ms", Met: stats.met(StatsRate, 5*time.Millisecond),
		Note: "visitors, after a first one (whose visit counts the figures); the figures are kept and counted again behind the readers every five minutes (report.PublicStatisticsFor), the tables drawn for each reader in her language"})
	return loadRSS, nil
}

// pageFigures loads the pages members and coordinators use most.
func pageFigures(ctx context.Context, c Config, res *Results, db *store.DB, srv *server, prefix string) error {
	d := time.Duration(c.Seconds) * time.Second
	coordinator, err := db.Accounts.CreateUser(ctx, "bench", store.NewUser{Username: "bench.coordinator", Role: scheme.RoleCoordinator, PasswordHash: "x"})
	if err != nil {
		return err
	}
	staffTok, _, err := db.Sessions.CreateSession(ctx, coordinator.ID, scheme.SessionWeb, account.DefaultWebTTL)
	if err != nil {
		return err
	}
	var memberToks []string
	for i := range 20 {
		u, err := member(ctx, db, prefix, (i*11)%c.Members)
		if err != nil {
			return err
		}
		tok, _, err := db.Sessions.CreateSession(ctx, u.ID, scheme.SessionWeb, account.DefaultWebTTL)
		if err != nil {
			return err
		}
		memberToks = append(memberToks, tok)
	}
	var n atomic.Int64
	page := func(path string, toks []string) func(*vegeta.Target) error {
		return func(t *vegeta.Target) error {
			i := int(n.Add(1))
			t.Method, t.URL = "GET", srv.base+path
			if len(toks) > 0 {
				t.Header = http.Header{"Cookie": {"um=" + toks[i%len(toks)]}}
			}
			return nil
		}
	}
	about := attack(page("/about", nil), 50, 8, d/2)
	for _, p := range []struct {
		name, path string
		toks       []string
	}{{"Member's alert feed (/alerts)", "/alerts", memberToks}, {"Coordinators' report queue (/coordinator/reports)", "/coordinator/reports", []string{staffTok}},
		{"Statistics (/coordinator/statistics)", "/coordinator/statistics", []string{staffTok}}} {
		l := attack(page(p.path, p.toks), 50, 8, d/2)
		c.logf("%s: %s %v", p.name, l, l.codes)
		res.add(Figure{Name: "Page: " + p.name + " at 50 a second", Value: fmt.Sprintf("p50 %s, p99 %s, %.1f%% 2xx", dur(l.p50), dur(l.p99), l.success*100),
			Floor: fmt.Sprintf("/about (no database work): p50 %s, p99 %s", dur(about.p50), dur(about.p99))})
	}
	return nil
}

// machine describes where the run happened.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0]); len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf("%.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d cores (%s), %s, %s/%s, %s", runtime.NumCPU(), model, mem, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
