package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestScaleOut_TwoInstancesOnOnePostgreSQLBehaveAsOne runs two serve
// processes on one PostgreSQL database and uses them as a balancer would,
// turn about: a session made on one works on the other; a member's check
// allowance, an address's sign-in allowance and a username's are counted
// across both;
// an alert published through one is fanned out once and reaches each
// member once by email, its fan-out split into parts that the instances'
// workers take as they are free; the
// scheduled jobs are enqueued once, by the elected leader; and both
// instances record their heartbeats.
func TestScaleOut_TwoInstancesOnOnePostgreSQLBehaveAsOne(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		if !storetest.HavePostgres() {
			t.Skip(storetest.SkipPostgres)
		}
		mail := notifytest.StartMailpit(t)
		dbs, keys := dbArg(storetest.Source(t, store.Postgres)), keyFile(t)
		args := []string{"serve", "--db", dbs, "--keys", keys, "--migrate", "--behind-proxy",
			"--smtp-url", mail.SMTPURL(), "--smtp-from", "alerts@uglymugs.example.org"}
		a, _, errA := start(t, args...)
		b, _, errB := start(t, args...)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("instance A:\n%s\ninstance B:\n%s", errA, errB)
			}
		})
		both := []string{a, b}

		// Sessions: made on one, good on the other.
		coord := coordinatorToken(t, a, dbs, keys)
		admin := staffToken(t, b, dbs, keys, "scale.admin", "admin")
		if st, body := api(t, "GET", b+"/api/v1/applications", coord, nil); st != http.StatusOK {
			t.Fatalf("a coordinator's session from A, on B: %d %v", st, body)
		}
		var members []string
		for i := range 6 {
			tok, _ := join(t, both[i%2], coord, individual(fmt.Sprintf("scale.%d", i), "Scale", fmt.Sprintf("scale%d@example.org", i), "",
				[]string{"email"}, []string{"london"}, "", ""))
			if st, me := api(t, "GET", both[(i+1)%2]+"/api/v1/me", tok, nil); st != http.StatusOK {
				t.Fatalf("member %d's session on the other instance: %d %v", i, st, me)
			}
			members = append(members, tok)
		}

		// A member's allowance (10 checks a minute) is one, wherever she asks.
		for i := range 10 {
			if st, body := api(t, "POST", both[i%2]+"/api/v1/checks", members[0], map[string]string{"value": fmt.Sprintf("nobody%d@example.org", i)}); st != http.StatusOK {
				t.Fatalf("check %d: %d %v", i+1, st, body)
			}
		}
		for _, base := range both {
			if st, _ := api(t, "POST", base+"/api/v1/checks", members[0], map[string]string{"value": "nobody@example.org"}); st != http.StatusTooManyRequests {
				t.Errorf("an 11th check in the minute was answered %d, want 429 from either instance", st)
			}
		}

		// An address's sign-in allowance (10 at once) is one too.
		signInFrom := func(base, addr, username string) int {
			t.Helper()
			body, _ := json.Marshal(map[string]string{"username": username, "password": "not the password"})
			req, _ := http.NewRequest("POST", base+"/api/v1/session", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", addr)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		signIn := func(base string) int { return signInFrom(base, "198.51.100.23", "scale.0") }
		for i := range 10 {
			if st := signIn(both[i%2]); st != http.StatusUnauthorized {
				t.Fatalf("wrong password %d from one address: %d, want 401", i+1, st)
			}
		}
		if st := signIn(b); st != http.StatusTooManyRequests {
			t.Errorf("the 11th try from the address, on the other instance: %d, want 429", st)
		}
		// And so is a username's (10 wrong passwords, from wherever): from
		// a fresh address, scale.0 is refused by either instance, and
		// another username is not.
		for i, base := range both {
			if st := signInFrom(base, fmt.Sprintf("198.51.100.%d", 30+i), "scale.0"); st != http.StatusTooManyRequests {
				t.Errorf("an 11th wrong password for the username, from a fresh address: %d, want 429", st)
			}
		}
		if st := signInFrom(a, "198.51.100.32", "scale.1"); st != http.StatusUnauthorized {
			t.Errorf("another username from a fresh address: %d, want 401", st)
		}

		// An alert, written on A, approved and published on B.
		st, rep := api(t, "POST", a+"/api/v1/reports", members[1], reportBody("07700 900642", 2))
		if st != http.StatusCreated {
			t.Fatalf("report: %d %v", st, rep)
		}
		st, al := api(t, "POST", a+"/api/v1/alerts", coord, map[string]any{"report_ids": []string{rep["id"].(string)},
			"title": "Physical assault", "body": "A man pushed a worker down the stairs after a booking.", "regions": []string{"london"}, "severity": "high"})
		if st != http.StatusCreated {
			t.Fatalf("draft: %d %v", st, al)
		}
		id := al["id"].(string)
		if st, body := api(t, "POST", b+"/api/v1/alerts/"+id+"/approve", admin, nil); st != http.StatusOK {
			t.Fatalf("approve on B: %d %v", st, body)
		}
		pub := map[string]any{}
		if len(list(al["anonymisation_flags"])) > 0 {
			pub["override_reason"] = "Read through."
		}
		if st, body := api(t, "POST", b+"/api/v1/alerts/"+id+"/publish", coord, pub); st != http.StatusOK {
			t.Fatalf("publish on B: %d %v", st, body)
		}
		eventually(t, "every member's alert email", func() (bool, string) {
			got := map[string]int{}
			for i := range members {
				got[fmt.Sprintf("scale%d@example.org", i)] = len(alertMail(t, mail, fmt.Sprintf("scale%d@example.org", i)))
			}
			for _, n := range got {
				if n < 1 {
					return false, fmt.Sprint(got)
				}
			}
			return true, ""
		})
		time.Sleep(3 * time.Second) // long enough for a second sender to have sent again
		for i := range members {
			if n := len(alertMail(t, mail, fmt.Sprintf("scale%d@example.org", i))); n != 1 {
				t.Errorf("member %d got the alert email %d times", i, n)
			}
		}

		// Jobs: the fan-out ran once; the scheduled jobs were enqueued once.
		db, err := sql.Open("pgx", dbs)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := db.QueryRow(q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The fan-out is four parts, each its own job, each worked once (by
		// whichever instance's workers were free first).
		if n := count(`SELECT COUNT(*) FROM river_job WHERE kind = 'alert_fanout' AND args->>'alert_id' = $1 AND state = 'completed' AND attempt = 1`, id); n != 4 {
			t.Errorf("%d fan-out parts completed at the first attempt, want 4", n)
		}
		if n := count(`SELECT COUNT(DISTINCT COALESCE(args->>'part', '0')) FROM river_job WHERE kind = 'alert_fanout' AND args->>'alert_id' = $1`, id); n != 4 {
			t.Errorf("%d distinct fan-out parts, want 4", n)
		}
		var workedBy int
		if err := db.QueryRow(`SELECT COUNT(DISTINCT attempted_by[array_upper(attempted_by, 1)]) FROM river_job WHERE kind = 'alert_fanout' AND args->>'alert_id' = $1`, id).Scan(&workedBy); err != nil {
			t.Fatal(err)
		}
		t.Logf("the alert's four fan-out parts were worked by %d instance(s)", workedBy)
		if n := count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = $1 AND via = 'alert'`, id); n != len(members) {
			t.Errorf("%d in-app recipients, want %d", n, len(members))
		}
		for _, kind := range []string{"retention", "audit_verify"} {
			if n := count(`SELECT COUNT(*) FROM river_job WHERE kind = $1`, kind); n != 1 {
				t.Errorf("%d %s jobs enqueued by two instances at start, want 1 (by the leader)", n, kind)
			}
		}
		if n := count(`SELECT COUNT(*) FROM instances WHERE seen_at > now() - interval '30 seconds'`); n != 2 {
			t.Errorf("%d instances with a recent heartbeat, want 2", n)
		}
	})
}
