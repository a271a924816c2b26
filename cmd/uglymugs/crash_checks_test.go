package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"uglymugs/internal/vault"
)

// TestCrash_AnsweredChecksAreLoggedAndCountedOnce builds the real binary,
// has several members check many different values at once through the
// API (so that checks meet at the writer and are committed in groups), and
// SIGKILLs it mid-burst, three times. After each restart, every check
// answered 200 is in the check log (found by its value's blind index,
// computed with the key file), each logged once, and the log holds
// nothing but checks that were sent: at least the answered ones, at most
// those and the ones cut off without an answer. At the end each member
// checks on until her day's allowance is used: she gets exactly the
// allowance less what the log holds, so each logged check was counted
// once, none twice and none lost.
func TestCrash_AnsweredChecksAreLoggedAndCountedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	const perDay, rounds, workers = 600, 3, 4
	bin, dir := buildBinary(t), t.TempDir()
	db, keys := filepath.Join(dir, "checks.db"), keyFile(t)
	limits := []string{"--checks-per-day", strconv.Itoa(perDay), "--checks-per-minute", strconv.Itoa(perDay)}
	cmd, base := startBinary(t, bin, db, keys, limits...)
	defer func() {
		cmd.Process.Kill() //nolint:errcheck
		cmd.Wait()         //nolint:errcheck
	}()
	v, err := vault.Load(keys)
	if err != nil {
		t.Fatal(err)
	}

	type member struct {
		token, id string
		sent      map[string]string // blind index (hex) → the value, for every check sent
		answered  []string          // values answered 200
		cutOff    int               // checks sent with no answer (the kill)
		refused   []string          // values answered 429 or 503
	}
	coord := coordinatorToken(t, base, db, keys)
	var members []*member
	for i := range 5 {
		tok, id := join(t, base, coord, individual(fmt.Sprintf("checker.%d", i), "Checker", fmt.Sprintf("checker%d@example.org", i), "",
			[]string{}, []string{"london"}, "", ""))
		members = append(members, &member{token: tok, id: id, sent: map[string]string{}})
	}

	var mu sync.Mutex
	var seq atomic.Int64
	// check sends one check of a value never sent before and records what
	// became of it; false when the service did not answer.
	check := func(m *member, base string) (int, bool) {
		value := fmt.Sprintf("checked.%d@example.org", seq.Add(1))
		mu.Lock()
		m.sent[hex.EncodeToString(v.Index(vault.KindEmail, value))] = value
		mu.Unlock()
		st, out, err := apiTry(base+"/api/v1/checks", m.token, map[string]string{"kind": "email", "value": value})
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err != nil:
			m.cutOff++
			return 0, false
		case st == http.StatusOK:
			m.answered = append(m.answered, value)
		case st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable:
			// The allowance used, or the service too busy to start it
			// (core.CheckAdmitWait): refused, so never logged.
			m.refused = append(m.refused, value)
		default:
			t.Errorf("check answered %d %v", st, out)
		}
		return st, true
	}

	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// logged returns the blind indexes (hex) of a member's logged checks,
	// and how often each is there.
	logged := func(m *member) map[string]int {
		rows, err := conn.Query(`SELECT value_idx FROM checks WHERE user_id = $1`, m.id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var idx []byte
			if err := rows.Scan(&idx); err != nil {
				t.Fatal(err)
			}
			out[hex.EncodeToString(idx)]++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}

	totalAnswered, totalCutOff := 0, 0
	for round := range rounds {
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var answered atomic.Int64
		for _, m := range members {
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for ctx.Err() == nil {
						st, ok := check(m, base)
						if !ok {
							return // killed mid-request: not answered, so not promised
						}
						if st == http.StatusOK {
							answered.Add(1)
						}
					}
				}()
			}
		}
		// Mid-burst: once checks are being answered, at a random moment.
		for deadline := time.Now().Add(30 * time.Second); answered.Load() < 20; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no checks answered")
			}
		}
		time.Sleep(time.Duration(rand.IntN(200)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait() //nolint:errcheck // killed
		stop()
		wg.Wait()
		cmd, base = startBinary(t, bin, db, keys, limits...)

		mu.Lock()
		totalAnswered, totalCutOff = 0, 0
		for _, m := range members {
			log := logged(m)
			for _, value := range m.answered {
				if n := log[hex.EncodeToString(v.Index(vault.KindEmail, value))]; n != 1 {
					t.Errorf("round %d: the check of %s was answered 200 and is in the log %d times", round, value, n)
				}
			}
			for _, value := range m.refused {
				if n := log[hex.EncodeToString(v.Index(vault.KindEmail, value))]; n != 0 {
					t.Errorf("round %d: the check of %s was refused and is in the log %d times", round, value, n)
				}
			}
			rows := 0
			for idx, n := range log {
				if _, ok := m.sent[idx]; !ok || n != 1 {
					t.Errorf("round %d: the log holds a check never sent, or one sent once %d times", round, n)
				}
				rows += n
			}
			if rows < len(m.answered) || rows > len(m.answered)+m.cutOff {
				t.Errorf("round %d: %d checks logged, %d answered and %d cut off", round, rows, len(m.answered), m.cutOff)
			}
			totalAnswered += len(m.answered)
			totalCutOff += m.cutOff
		}
		mu.Unlock()
		if t.Failed() {
			t.FailNow()
		}
	}

	// The allowance counted each logged check once: what is left of the
	// day is the allowance less the log, to the check.
	var wg sync.WaitGroup
	after := make([]int, len(members))
	before := make([]int, len(members))
	for i, m := range members {
		for _, n := range logged(m) {
			before[i] += n
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				st, ok := check(m, base)
				if !ok {
					t.Errorf("the service stopped answering")
					return
				}
				switch st {
				case http.StatusOK:
					after[i]++
				case http.StatusServiceUnavailable: // busy: try again, as her phone would
					time.Sleep(10 * time.Millisecond)
				default: // 429: her day's allowance is used
					return
				}
			}
		}()
	}
	wg.Wait()
	for i, m := range members {
		if before[i]+after[i] != perDay {
			t.Errorf("member %d: %d checks logged before, %d allowed after: %d, not the day's %d", i, before[i], after[i], before[i]+after[i], perDay)
		}
		rows := 0
		for _, n := range logged(m) {
			rows += n
		}
		if rows != perDay {
			t.Errorf("member %d: %d checks logged at the end of her allowance of %d", i, rows, perDay)
		}
	}
	t.Logf("%d kills; %d checks answered 200 and all logged once; %d cut off by the kills", rounds, totalAnswered, totalCutOff)
}
