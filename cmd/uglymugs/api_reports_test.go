package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// member applies through the API, is approved by coord, and signs in.
func member(t *testing.T, base, coord, username string) (token, id string) {
	t.Helper()
	st, body := api(t, "POST", base+"/api/v1/applications", "", application(username, username+"@example.org", ""))
	if st != http.StatusCreated {
		t.Fatalf("apply %s: %d %v", username, st, body)
	}
	if st, body := api(t, "POST", base+"/api/v1/applications/"+body["id"].(string)+"/approve", coord, nil); st != 200 {
		t.Fatalf("approve: %d %v", st, body)
	}
	_, s := api(t, "POST", base+"/api/v1/session", "", map[string]string{"username": username, "password": "a long test passphrase"})
	token = s["token"].(string)
	_, me := api(t, "GET", base+"/api/v1/me", token, nil)
	return token, me["id"].(string)
}

func reportBody(phone string, hoursAgo int) map[string]any {
	return map[string]any{
		"incident_types": []string{"physical-assault"},
		"account":        "He pushed me down the stairs when I asked him to leave.",
		"incident_at":    time.Now().Add(-time.Duration(hoursAgo) * time.Hour).UTC().Format(time.RFC3339),
		"region":         "north-west", "town": "Salford",
		"offenders": []map[string]any{{
			"description": map[string]string{"gender": "man", "age": "30s", "hair": "ginger"},
			"identifiers": []map[string]string{{"kind": "phone", "value": phone}, {"kind": "vehicle", "value": "MA21 XYZ"}},
		}},
		"consents":    map[string]bool{"alert": true, "police": true, "support": false, "police_contact": false},
		"third_party": false,
	}
}

func TestAPI_ReportsAndOffenderProfiles(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			base, _, _ := start(t, "serve", "--db", dbs, "--keys", keys)
			coord := coordinatorToken(t, base, dbs, keys)
			alice, _ := member(t, base, coord, "alice.r")
			bob, _ := member(t, base, coord, "bob.r")

			bad := reportBody("07700 900abc", 2)
			bad["region"] = ""
			st, body := api(t, "POST", base+"/api/v1/reports", alice, bad)
			if st != 422 || errField(body, "region") == "" || errField(body, "offenders.0.identifiers.0.value") == "" {
				t.Errorf("invalid report: %d %v", st, body)
			}

			var ids []string
			for i, p := range []string{"07700 900888", "+44 7700 900888", "447700900888"} {
				tok := alice
				if i == 2 {
					tok = bob
				}
				st, body := api(t, "POST", base+"/api/v1/reports", tok, reportBody(p, 2+i*40))
				if st != http.StatusCreated || body["status"] != "submitted" {
					t.Fatalf("report %d: %d %v", i, st, body)
				}
				if late := body["late"].(bool); late != (i == 2) {
					t.Errorf("report %d (%d h after): late = %v", i, 2+i*40, late)
				}
				ids = append(ids, body["id"].(string))
			}

			if st, body := api(t, "GET", base+"/api/v1/reports", alice, nil); st != 200 || len(body["items"].([]any)) != 2 {
				t.Errorf("alice's reports: %d %v", st, body)
			}
			if st, _ := api(t, "GET", base+"/api/v1/reports/"+ids[0], bob, nil); st != http.StatusNotFound {
				t.Errorf("bob reading alice's report: %d, want 404", st)
			}
			st, own := api(t, "GET", base+"/api/v1/reports/"+ids[0], alice, nil)
			if st != 200 || own["content"] == nil || own["offender_ids"] != nil || own["working_copy"] != nil {
				t.Errorf("alice reading her report: %d %v", st, own)
			}

			st, full := api(t, "GET", base+"/api/v1/reports/"+ids[0], coord, nil)
			oids, _ := full["offender_ids"].([]any)
			if st != 200 || len(oids) != 1 {
				t.Fatalf("coordinator reading a report: %d %v", st, full)
			}
			st, prof := api(t, "GET", base+"/api/v1/offenders/"+oids[0].(string), coord, nil)
			if st != 200 || len(prof["report_ids"].([]any)) != 3 || prof["first_seen"] == nil || len(prof["regions"].([]any)) != 1 {
				t.Errorf("offender profile: %d %v", st, prof)
			}
			if st, _ := api(t, "GET", base+"/api/v1/offenders/"+oids[0].(string), alice, nil); st != http.StatusForbidden {
				t.Errorf("a member reading an offender profile: %d", st)
			}

			st, body = api(t, "PATCH", base+"/api/v1/reports/"+ids[0]+"/consents", alice, map[string]bool{"police": false})
			c, _ := body["consents"].(map[string]any)
			if st != 200 || c["police"] != false || c["alert"] != true {
				t.Errorf("withdraw police consent: %d %v", st, body)
			}
			if st, _ := api(t, "PATCH", base+"/api/v1/reports/"+ids[0]+"/consents", bob, map[string]bool{"alert": false}); st != http.StatusNotFound {
				t.Errorf("bob changing alice's consents: %d", st)
			}
			_, after := api(t, "GET", base+"/api/v1/reports/"+ids[0], alice, nil)
			if ac := after["consents"].(map[string]any); ac["police"] != false {
				t.Errorf("withdrawal not effective: %v", ac)
			}

			// The coordinator's queue lists them, without their text.
			st, q := api(t, "GET", base+"/api/v1/reports", coord, nil)
			items, _ := q["items"].([]any)
			if st != 200 || len(items) != 3 {
				t.Fatalf("queue: %d %v", st, q)
			}
			if first := items[0].(map[string]any); first["content"] != nil || first["severity"] != "high" {
				t.Errorf("queue item %v", first)
			}
		})
	}
}

// 200 reports sent at the same instant are all taken: a report waits in
// line for the database rather than being refused as busy (a check may be
// shed; a report is what someone in danger wrote). None is lost: the
// coordinators' queue holds every one.
func TestAPI_ReportsSentAtOnceAreAllTaken(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			base, _, stderr := start(t, "serve", "--db", dbs, "--keys", keys)
			coord := coordinatorToken(t, base, dbs, keys)
			var members []string
			for _, name := range []string{"ash.q", "birch.q", "cedar.q", "damson.q"} {
				tok, _ := member(t, base, coord, name)
				members = append(members, tok)
			}

			const n = 200
			statuses := make([]int, n)
			var wg sync.WaitGroup
			ready := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-ready
					statuses[i], _ = api(t, "POST", base+"/api/v1/reports", members[i%len(members)], reportBody(fmt.Sprintf("07700 900%03d", i), 2))
				})
			}
			began := time.Now()
			close(ready)
			wg.Wait()
			t.Logf("%d reports sent at once answered in %v", n, time.Since(began).Round(time.Millisecond))
			got := map[int]int{}
			for _, s := range statuses {
				got[s]++
			}
			if got[http.StatusCreated] != n {
				var errs []string
				for _, l := range strings.Split(stderr.String(), "\n") {
					if strings.Contains(l, "level=ERROR") {
						errs = append(errs, l)
					}
				}
				t.Fatalf("%d reports sent at once were answered %v, want %d × 201; the server's errors:\n%s", n, got, n, strings.Join(errs, "\n"))
			}
			total := 0
			for _, tok := range members {
				st, body := api(t, "GET", base+"/api/v1/reports", tok, nil)
				if st != http.StatusOK {
					t.Fatalf("own reports: %d %v", st, body)
				}
				total += len(body["items"].([]any))
			}
			if total != n {
				t.Errorf("the members' own lists hold %d reports, want %d", total, n)
			}
		})
	}
}
