package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"uglymugs/internal/notify/notifytest"
)

// TestCanary_NoPersonalValueInPlaintextAnywhere runs the real service on a
// SQLite file with canary values — a member's work name, email and
// mobile, a report's account, town, offender description and identifiers,
// a check of the offender's number, an alert and a police export — and
// then reads every byte the service wrote (the database, its WAL, its
// logs): none of the values may appear. Messages went through a real SMTP
// server, so the outbox has been emptied as the service empties it.
func TestCanary_NoPersonalValueInPlaintextAnywhere(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	dir := t.TempDir()
	db, keys := filepath.Join(dir, "canary.db"), keyFile(t)
	base, stdout, stderr := start(t, "serve", "--db", db, "--keys", keys, "--migrate", "--behind-proxy",
		"--smtp-url", mail.SMTPURL(), "--smtp-from", "alerts@uglymugs.example.org")
	coord := coordinatorToken(t, base, db, keys)

	canaries := []string{
		"Kestrelvioletta",               // work name
		"kestrel.canary@example.org",    // email
		"07700 900987", "+447700900987", // mobile, as typed and as stored
		"7700900987",                    // its digits
		"Quillon Marrowby",              // a name in the account
		"the zinnia-lamp room",          // a phrase of the account
		"Thistlecombe",                  // the town
		"heron-shaped tattoo",           // the offender's description
		"07700 900986", "+447700900986", // the offender's phone
		"7700900986",          //
		"ZQ19 KXV", "ZQ19KXV", // the offender's car
		"canary.offender@example.org", // the offender's email
	}
	member, _ := join(t, base, coord, individual("kestrel.canary", "Kestrelvioletta", "kestrel.canary@example.org", "07700 900987",
		[]string{"email"}, []string{"north-west"}, "escort", "woman"))
	report := reportBody("07700 900986", 5)
	report["account"] = "Quillon Marrowby met me in the zinnia-lamp room and hit me."
	report["town"] = "Thistlecombe"
	report["offenders"] = []map[string]any{{
		"description": map[string]string{"gender": "man", "features": "heron-shaped tattoo"},
		"identifiers": []map[string]string{{"kind": "phone", "value": "07700 900986"}, {"kind": "vehicle", "value": "ZQ19 KXV"},
			{"kind": "email", "value": "canary.offender@example.org"}},
	}}
	st, body := api(t, "POST", base+"/api/v1/reports", member, report)
	if st != http.StatusCreated {
		t.Fatalf("report: %d %v", st, body)
	}
	reportID := body["id"].(string)
	if st, body := api(t, "POST", base+"/api/v1/checks", member, map[string]string{"value": "+44 7700 900986"}); st != http.StatusOK {
		t.Fatalf("check: %d %v", st, body)
	}
	st, body = api(t, "POST", base+"/api/v1/alerts", coord, map[string]any{"report_ids": []string{reportID}})
	if st != http.StatusCreated {
		t.Fatalf("alert: %d %v", st, body)
	}
	if st, body := api(t, "POST", base+"/api/v1/exports", coord, map[string]any{"report_ids": []string{reportID},
		"purpose": "Canary run", "recipient": "Nobody", "format": "json"}); st != http.StatusCreated {
		t.Fatalf("export: %d %v", st, body)
	}
	mail.WaitFor(t, "kestrel.canary@example.org") // the messages about her application went out

	files, err := filepath.Glob(filepath.Join(dir, "canary.db*"))
	if err != nil || len(files) < 2 {
		t.Fatalf("database files: %v %v", files, err)
	}
	outputs := map[string][]byte{"stdout": []byte(stdout.String()), "stderr (the log)": []byte(stderr.String())}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[filepath.Base(f)] = b
	}
	scanned := 0
	for name, b := range outputs {
		scanned += len(b)
		low := bytes.ToLower(b)
		for _, c := range canaries {
			if bytes.Contains(low, []byte(strings.ToLower(c))) {
				t.Errorf("%q is in %s in plaintext", c, name)
			}
		}
	}
	t.Logf("%d canary values, %d files and streams, %d bytes scanned", len(canaries), len(outputs), scanned)
}
