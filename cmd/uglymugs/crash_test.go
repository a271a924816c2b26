package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// crashRounds is how many times the crash test kills the service; more with
// UGLYMUGS_CRASH_ROUNDS.
func crashRounds() int {
	if n, err := strconv.Atoi(os.Getenv("UGLYMUGS_CRASH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// TestCrash_AnsweredReportsSurviveSIGKILL builds the real binary and, round
// after round, sends it reports from several members at once and kills it
// with SIGKILL at a random moment. After each restart, every report whose
// submission was answered 201 is there and complete (its account and its
// offender's number as sent), and at the end SQLite's integrity check
// passes: an answered report is durable, and nothing is half-written.
func TestCrash_AnsweredReportsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin, dir := buildBinary(t), t.TempDir()
	db, keys := filepath.Join(dir, "crash.db"), keyFile(t)
	serve := func() (*exec.Cmd, string) { return startBinary(t, bin, db, keys) }

	cmd, base := serve()
	coord := coordinatorToken(t, base, db, keys)
	var members []string
	for i := range 4 {
		tok, _ := join(t, base, coord, individual(fmt.Sprintf("crash.%d", i), "Crash", fmt.Sprintf("crash%d@example.org", i), "",
			[]string{}, []string{"north-west"}, "", ""))
		members = append(members, tok)
	}

	type sent struct {
		id, token, account, phone string
	}
	var mu sync.Mutex
	var answered []sent
	total, killedMidway := 0, 0
	for round := range crashRounds() {
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for m, tok := range members {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; ctx.Err() == nil; k++ {
					account := fmt.Sprintf("Round %d, member %d, report %d: he pushed me when I asked him to leave.", round, m, k)
					phone := fmt.Sprintf("07700 900%03d", (round*37+m*250+k)%1000) // Ofcom's drama numbers only
					body := reportBody(phone, 3)
					body["account"] = account
					st, out, err := tryAPI(base, tok, body)
					if err != nil {
						return // killed mid-request: not answered, so not promised
					}
					if st != http.StatusCreated {
						t.Errorf("round %d: report answered %d %v", round, st, out)
						return
					}
					mu.Lock()
					answered = append(answered, sent{id: out["id"].(string), token: tok, account: account, phone: phone})
					mu.Unlock()
				}
			}()
		}
		time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait() //nolint:errcheck // killed
		stop()
		wg.Wait()
		killedMidway++
		cmd, base = serve()
		// Every answered report, from this round and every earlier one,
		// is there and whole.
		mu.Lock()
		check := append([]sent(nil), answered...)
		mu.Unlock()
		for _, s := range check {
			st, out := api(t, "GET", base+"/api/v1/reports/"+s.id, s.token, nil)
			content, _ := out["content"].(map[string]any)
			offenders, _ := content["offenders"].([]any)
			ok := st == http.StatusOK && content["account"] == s.account && len(offenders) == 1
			if ok {
				ids, _ := offenders[0].(map[string]any)["identifiers"].([]any)
				ok = len(ids) == 2 && ids[0].(map[string]any)["value"] == s.phone
			}
			if !ok {
				t.Fatalf("round %d: answered report %s is missing or incomplete: %d %v", round, s.id, st, out)
			}
		}
		total = len(check)
	}
	cmd.Process.Kill() //nolint:errcheck
	cmd.Wait()         //nolint:errcheck

	// No half-written rows: every report has its incident types and its
	// offender, and the file is sound.
	conn, err := sql.Open("sqlite", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var integrity string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity check: %q %v", integrity, err)
	}
	var orphans int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM report_incident_types t WHERE t.report_id = r.id)
		OR NOT EXISTS (SELECT 1 FROM offenders o WHERE o.report_id = r.id)`).Scan(&orphans); err != nil || orphans != 0 {
		t.Errorf("%d reports without their types or offender (%v)", orphans, err)
	}
	var stored int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM reports`).Scan(&stored); err != nil || stored < total {
		t.Errorf("%d reports stored, %d answered (%v)", stored, total, err)
	}
	t.Logf("%d kills, %d reports answered 201 and all found whole, %d stored (the rest were cut off before an answer)", killedMidway, total, stored)
}

// buildBinary builds the service for tests that run and kill it.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "uglymugs")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBinary serves a SQLite database with the built binary on a free
// port and waits until it answers.
func startBinary(t *testing.T, bin, db, keys string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--keys", keys, "--migrate", "--behind-proxy", "--addr", addr, "--log-level", "error"}, extra...)...)
	cmd.Env = append(os.Environ(), "UGLYMUGS_DB=", "UGLYMUGS_KEYS=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	for range 400 {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cmd, base
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	cmd.Process.Kill() //nolint:errcheck
	t.Fatal("the service did not start")
	return nil, ""
}

// tryAPI posts a report and reports a broken connection as an error
// instead of failing the test: the service may be killed mid-request.
func tryAPI(base, token string, body any) (int, map[string]any, error) {
	return apiTry(base+"/api/v1/reports", token, body)
}

func apiTry(u, token string, body any) (int, map[string]any, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, _ := http.NewRequest("POST", u, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, out, nil
}
