package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	cmd  *exec.Cmd
	base string
}

func startServer(ctx context.Context, c Config, dbPath, keys, smtpAddr, pushAddr string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, c.Binary, "serve", "--db", dbPath, "--keys", keys, "--addr", addr, // #nosec G204 -- our own binary, our arguments
		"--checks-per-day", "100000", "--checks-per-minute", "100000", "--log-level", "warn", "--behind-proxy",
		"--smtp-url", "smtp://"+smtpAddr, "--smtp-from", "alerts@uglymugs.example.org", "--email-rate", "10000",
		"--push-allow-host", pushAddr, "--push-rate", "10000")
	cmd.Env = append(os.Environ(), "UGLYMUGS_DB=", "UGLYMUGS_KEYS=")
	cmd.Stderr = c.Log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
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
	return nil, fmt.Errorf("the server did not start")
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

func serverFigures(ctx context.Context, c Config, res *Results, db *store.DB, dbPath, keys, prefix string, hits []string, fanFloor time.Duration) error {
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
	rawRate, err := RawRate(sink.Addr(), 20000, 10)
	if err != nil {
		return err
	}
	c.logf("bare SMTP client: %.0f messages a second", rawRate)
	before := sink.Received()

	srv, err := startServer(ctx, c, dbPath, keys, sink.Addr(), ps.HostPort())
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
	at3k := attack(checkTarget, 3000, 64, d)
	c.logf("checks at 3,000/s: %s %v", at3k, at3k.codes)
	most := attack(checkTarget, 0, 32, d)
	close(stop)
	loadRSS := <-peak
	c.logf("checks flat out: %s %v", most, most.codes)
	res.add(Figure{Name: "Authenticated checks over HTTP at 3,000 a second", Value: at3k.String(),
		Target: "≥ 3,000/s with p99 ≤ 5 ms", Met: at3k.throughput >= 2950 && at3k.p99 <= 5*time.Millisecond && at3k.success > 0.999,
		Note: fmt.Sprintf("%d members' API sessions in turn; each check counted against the allowance and logged", len(tokens))})
	res.add(Figure{Name: "Authenticated checks over HTTP, as fast as 32 clients go", Value: most.String()})

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
	reports := attack(reportTarget, 500, 64, d)
	c.logf("reports at 500/s: %s %v", reports, reports.codes)
	res.add(Figure{Name: "Report submissions over HTTP at 500 a second", Value: reports.String(),
		Floor:  "GET /healthz at 500/s: p50 " + dur(floor.p50) + ", p99 " + dur(floor.p99),
		Target: "≥ 500/s with p99 ≤ 50 ms", Met: reports.throughput >= 490 && reports.p99 <= 50*time.Millisecond && reports.success > 0.999,
		Note: "each report with one offender and an email address, encrypted, linked against every earlier offender"})

	// A fresh process for the alert, so that its memory is the sending's
	// alone, not what the loads above left behind.
	if err := srv.stop(); err != nil {
		return fmt.Errorf("stopping the server: %w", err)
	}
	if srv, err = startServer(ctx, c, dbPath, keys, sink.Addr(), ps.HostPort()); err != nil {
		return err
	}
	time.Sleep(3 * time.Second)

	// Publish to a region's members; the server fans out and sends.
	a, err := db.Alerts.CreateAlert(ctx, "bench", scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a worker's bag."},
		Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour), Regions: []string{"london"}})
	if err != nil {
		return err
	}
	t0 := time.Now()
	aud, err := db.Alerts.PublishAlert(ctx, "bench", a.ID, store.PublishOptions{})
	if err != nil {
		return err
	}
	publish := time.Since(t0)
	stop = make(chan struct{})
	peak = srv.peakRSS(stop)
	var fanned time.Duration
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var pub, done *time.Time
		if err := db.Writer().QueryRowContext(ctx, `SELECT published_at, fanout_done_at FROM alerts WHERE id = $1`, a.ID).Scan(&pub, &done); err != nil {
			return err
		}
		if done != nil {
			fanned = done.Sub(*pub)
			break
		}
	}
	fanDone := time.Now()
	c.logf("published to %d members in %v; fan-out took %v", aud.InApp, publish, fanned)
	res.add(Figure{Name: fmt.Sprintf("Alert fan-out to %d members: every in-app row and %d email and %d SMS deliveries queued", aud.InApp, aud.Email, aud.SMS),
		Value:  fmt.Sprintf("%s (publishing, with the audience count, %s before it)", dur(fanned), dur(publish)),
		Floor:  fmt.Sprintf("bare INSERT…SELECT of 100,000 rows: %s", dur(fanFloor)),
		Target: "≤ 1 s for 100,000 members", Met: float64(fanned) <= float64(time.Second)*float64(aud.InApp)/100000,
		Note: "from the publishing commit to the fan-out job's last batch, as the server records them; the job is picked up within its poll interval"})

	want := before + int64(aud.Email)
	for deadline := time.Now().Add(10 * time.Minute); sink.Received() < want && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	sent := time.Since(fanDone)
	close(stop)
	sendRSS := <-peak
	// A message is marked sent just after the sink has it: the last marks
	// may still be on their way to the database.
	var marked int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = $1 AND channel = 'email' AND status = 'sent'`, a.ID).Scan(&marked); err != nil {
			return err
		}
		if int64(marked) >= sink.Received()-before || time.Now().After(deadline) {
			break
		}
	}
	ours := float64(sink.Received()-before) / sent.Seconds()
	c.logf("emails: %d received in %v (%.0f/s); %d marked sent; peak RSS %s", sink.Received()-before, sent, ours, marked, mib(float64(sendRSS)))
	res.add(Figure{Name: fmt.Sprintf("Alert email delivery, %d messages into a discarding SMTP sink", aud.Email),
		Value:  fmt.Sprintf("%.0f a second (%d received, %d recorded as sent)", ours, sink.Received()-before, marked),
		Floor:  fmt.Sprintf("bare net/smtp client, 10 reused connections: %.0f a second", rawRate),
		Target: "≥ 80% of the floor", Met: ours >= 0.8*rawRate && marked == aud.Email})
	if err := pushFigure(ctx, c, res, db, ps, ours); err != nil {
		return err
	}

	// Pages, now that members have an alert in their feeds.
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
	res.add(Figure{Name: "Server memory (RSS)", Value: fmt.Sprintf("idle %s; peak %s under the check load; peak %s while sending the emails", mib(float64(idle)), mib(float64(loadRSS)), mib(float64(sendRSS))),
		Target: "idle ≤ 60 MB; ≤ 100 MB while sending", Met: idle <= 60<<20 && sendRSS <= 100<<20})
	return srv.stop()
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
