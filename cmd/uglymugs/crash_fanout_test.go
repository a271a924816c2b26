package main

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"uglymugs/internal/scheme"
)

// TestCrash_AlertFanOutKilledMidwayEndsExactlyOnce publishes alerts to
// tens of thousands of members with the real binary and SIGKILLs it while
// each alert's fan-out is under way (after its first batch has committed,
// so the kill lands mid-way). After restarts, every alert reaches every
// member it targets exactly once: one in-app row per member, one email
// delivery per member who chose email, one SMS delivery per member who
// chose SMS, none missing and none twice. A job the killed process held
// is handed back by the heartbeats within seconds, not after River's own
// rescue (minutes).
func TestCrash_AlertFanOutKilledMidwayEndsExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	const members = 30_000
	bin, dir := buildBinary(t), t.TempDir()
	db, keys := filepath.Join(dir, "fanout.db"), keyFile(t)
	if out, err := exec.Command(bin, "seed", "--db", db, "--keys", keys, "--members", strconv.Itoa(members), "--log-level", "error").CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	cmd, base := startBinary(t, bin, db, keys)
	defer func() {
		cmd.Process.Kill() //nolint:errcheck
		cmd.Wait()         //nolint:errcheck
	}()
	coord := coordinatorToken(t, base, db, keys)
	admin := staffToken(t, base, db, keys, "fanout.admin", "admin")
	reporter, _ := join(t, base, coord, individual("fanout.reporter", "Wren", "wren@example.org", "", []string{}, []string{"london"}, "", ""))
	st, body := api(t, "POST", base+"/api/v1/reports", reporter, reportBody("07700 900999", 2))
	if st != http.StatusCreated {
		t.Fatalf("report: %d %v", st, body)
	}
	reportID := body["id"].(string)

	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	count := func(q string, args ...any) int {
		var n int
		if err := conn.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	var regions []string
	for _, r := range scheme.DefaultRegions {
		regions = append(regions, r.Slug)
	}
	type published struct {
		id               string
		inApp, email, sm int
	}
	var alerts []published
	rounds, midway := max(crashRounds()/4, 3), 0
	for round := range rounds {
		st, a := api(t, "POST", base+"/api/v1/alerts", coord, map[string]any{
			"report_ids": []string{reportID}, "title": fmt.Sprintf("Robbery, round %d", round),
			"body": "A man took a worker's phone and bag after the booking.", "regions": regions, "severity": "high",
		})
		if st != http.StatusCreated {
			t.Fatalf("round %d: draft %d %v", round, st, a)
		}
		id := a["id"].(string)
		if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/approve", admin, nil); st != http.StatusOK {
			t.Fatalf("round %d: approve %d %v", round, st, body)
		}
		pub := map[string]any{}
		if len(list(a["anonymisation_flags"])) > 0 {
			pub["override_reason"] = "Read through: nothing identifies anyone."
		}
		st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, pub)
		rec, _ := body["recipients"].(map[string]any)
		if st != http.StatusOK || rec == nil {
			t.Fatalf("round %d: publish %d %v", round, st, body)
		}
		p := published{id: id, inApp: int(rec["in_app"].(float64)), email: int(rec["email"].(float64)), sm: int(rec["sms"].(float64))}
		if p.inApp < members/2 {
			t.Fatalf("round %d: the alert reaches %d members of %d", round, p.inApp, members)
		}
		alerts = append(alerts, p)
		// Kill once the fan-out has committed its first batch, and a
		// random few batches more.
		deadline := time.Now().Add(30 * time.Second)
		for count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via = 'alert'`, id) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the fan-out did not start", round)
			}
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait() //nolint:errcheck // killed
		if count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via = 'alert'`, id) < p.inApp {
			midway++
		}
		cmd, base = startBinary(t, bin, db, keys)
	}
	if midway == 0 {
		t.Errorf("no kill of %d landed during a fan-out; the test proved nothing", rounds)
	}

	// Every alert ends with each recipient once on each channel.
	for _, p := range alerts {
		eventuallyWithin(t, 90*time.Second, "alert "+p.id+" fanned out in full", func() (bool, string) {
			inApp := count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via = 'alert'`, p.id)
			email := count(`SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ? AND channel = 'email'`, p.id)
			sms := count(`SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ? AND channel = 'sms'`, p.id)
			return inApp == p.inApp && email == p.email && sms == p.sm,
				fmt.Sprintf("in app %d of %d, email %d of %d, SMS %d of %d", inApp, p.inApp, email, p.email, sms, p.sm)
		})
		for _, q := range []string{
			`SELECT COUNT(*) FROM (SELECT user_id FROM alert_recipients WHERE alert_id = ? GROUP BY user_id HAVING COUNT(*) > 1)`,
			`SELECT COUNT(*) FROM (SELECT user_id, channel FROM alert_deliveries WHERE alert_id = ? GROUP BY user_id, channel HAVING COUNT(*) > 1)`,
		} {
			if n := count(q, p.id); n != 0 {
				t.Errorf("alert %s: %d members reached twice (%s)", p.id, n, q)
			}
		}
		// Exactly the members the alert targets: every active member with
		// a region, as it was sent to every region.
		if n := count(`SELECT COUNT(*) FROM alert_recipients r LEFT JOIN users u ON u.id = r.user_id AND u.status = 'active'
			WHERE r.alert_id = ? AND r.via = 'alert' AND u.id IS NULL`, p.id); n != 0 {
			t.Errorf("alert %s reached %d accounts that are not active members", p.id, n)
		}
	}
	var integrity string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity check: %q %v", integrity, err)
	}
	t.Logf("%d alerts to %d members each, %d kills during a fan-out: every member reached once on each channel", len(alerts), alerts[0].inApp, midway)
}
