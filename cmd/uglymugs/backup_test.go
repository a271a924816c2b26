package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// TestBackup_TakenWhileServingRestoresEveryRecord backs up a SQLite
// database while the service runs, encrypted to an age public key, and
// restores it with the private key into a new file: every member and
// every report sent before the backup is there and reads back (with the
// vault key) as sent; the report sent after it is not; the integrity
// check and the audit chain pass. The backup holds no plaintext, cannot
// be opened with another key, and a restore never overwrites a file.
//
// Members' data keys are kept apart from the backup: a member who leaves
// after it was taken is, once restored with the newest keys, only values
// that nobody can open (her login and profile say nothing), while the
// others read back.
func TestBackup_TakenWhileServingRestoresEveryRecord(t *testing.T) {
	dir := t.TempDir()
	live, keys := filepath.Join(dir, "live.db"), keyFile(t)
	base, _, _ := start(t, "serve", "--db", live, "--keys", keys, "--migrate")
	coord := coordinatorToken(t, base, live, keys)
	member, memberID := join(t, base, coord, individual("backup.member", "Juniper", "juniper@example.org", "", []string{}, []string{"wales"}, "", ""))
	leaver, leaverID := join(t, base, coord, individual("backup.leaver", "Wren Leaving", "wren.leaving@example.org", "07700 900377", []string{"sms"}, []string{"wales"}, "", ""))
	type sent struct{ id, account, phone string }
	var before []sent
	for i, phone := range []string{"07700 900311", "07700 900312", "07700 900313"} {
		body := reportBody(phone, 4+i)
		body["account"] = "Backup canary account " + phone + ": he grabbed my wrist."
		st, out := api(t, "POST", base+"/api/v1/reports", member, body)
		if st != http.StatusCreated {
			t.Fatalf("report: %d %v", st, out)
		}
		before = append(before, sent{out["id"].(string), body["account"].(string), phone})
	}

	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	identity := filepath.Join(dir, "backup-key.txt")
	if err := os.WriteFile(identity, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backupFile, memberKeys := filepath.Join(dir, "live.db.age"), filepath.Join(dir, "member-keys.age")
	var out, errOut bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"backup", "--db", live, "--out", backupFile, "--member-keys", memberKeys, "--recipient", id.Recipient().String()}, testEnv(), nil, &out, &errOut); err != nil {
		t.Fatalf("backup: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "members' keys") {
		t.Errorf("backup said %q", out.String())
	}
	// She leaves after the backup; the next backup's keys, which replace
	// the file, no longer have hers.
	if st, out := api(t, "DELETE", base+"/api/v1/me", leaver, nil); st >= 300 {
		t.Fatalf("leaving: %d %v", st, out)
	}
	if err := run(ctx, []string{"backup", "--db", live, "--out", filepath.Join(dir, "later.db.age"), "--member-keys", memberKeys, "--recipient", id.Recipient().String()}, testEnv(), nil, &out, &errOut); err != nil {
		t.Fatalf("the later backup: %v\n%s", err, errOut.String())
	}
	// After the backup: not in it.
	st, after := api(t, "POST", base+"/api/v1/reports", member, reportBody("07700 900314", 1))
	if st != http.StatusCreated {
		t.Fatalf("report after the backup: %d %v", st, after)
	}

	raw, err := os.ReadFile(backupFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(backupFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	for _, leak := range []string{"SQLite format", "Backup canary", "juniper", "backup.member", "CREATE TABLE", "wren", "900377"} {
		if bytes.Contains(raw, []byte(leak)) {
			t.Errorf("the backup file holds %q in the clear", leak)
		}
	}

	// Another key cannot open it.
	other, _ := age.GenerateX25519Identity()
	wrong := filepath.Join(dir, "wrong-key.txt")
	if err := os.WriteFile(wrong, []byte(other.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"restore", "--in", backupFile, "--identity", wrong, "--db", filepath.Join(dir, "nope.db"), "--keys", keys, "--member-keys", memberKeys}, testEnv(), nil, &out, &errOut); err == nil {
		t.Error("a backup was restored with the wrong private key")
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.db")); err == nil {
		t.Error("a failed restore left a database file behind")
	}
	// A restore never overwrites.
	if err := run(ctx, []string{"restore", "--in", backupFile, "--identity", identity, "--db", live, "--keys", keys, "--member-keys", memberKeys}, testEnv(), nil, &out, &errOut); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("restoring over the live database: %v", err)
	}

	restored := filepath.Join(dir, "restored.db")
	out.Reset()
	if err := run(ctx, []string{"restore", "--in", backupFile, "--identity", identity, "--db", restored, "--keys", keys, "--member-keys", memberKeys}, testEnv(), nil, &out, &errOut); err != nil {
		t.Fatalf("restore: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "integrity ok") || !strings.Contains(out.String(), "audit log intact") {
		t.Errorf("restore said %q", out.String())
	}

	v, err := vault.Load(keys)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Source{Dialect: store.SQLite, Path: restored}, v)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Accounts.Profile(ctx, memberID)
	if err != nil || p.WorkName != "Juniper" || p.Email != "juniper@example.org" {
		t.Errorf("the member in the restored database: %+v, %v", p, err)
	}
	for _, s := range before {
		r, err := db.Reports.Report(ctx, s.id)
		if err != nil {
			t.Fatalf("report %s is not in the restored database: %v", s.id, err)
		}
		if r.Original.Account != s.account || len(r.Original.Offenders) != 1 || len(r.Original.Offenders[0].Identifiers) == 0 ||
			!strings.HasSuffix(r.Original.Offenders[0].Identifiers[0].Normalised, strings.ReplaceAll(s.phone, " ", "")[1:]) {
			t.Errorf("report %s restored as %+v", s.id, r.Original)
		}
	}
	if _, err := db.Reports.Report(ctx, after["id"].(string)); err == nil {
		t.Error("a report sent after the backup is in it")
	}
	// The member who left: her rows are in the old backup, but nothing
	// of hers opens, and nothing of hers is in the file in the clear.
	if p, err := db.Accounts.Profile(ctx, leaverID); !errors.Is(err, vault.ErrDecrypt) || p.WorkName != "" || p.Email != "" || p.Mobile != "" {
		t.Errorf("the member who left, restored: %+v, %v; want nothing that opens", p, err)
	}
	unreadable := map[string]bool{}
	if _, err := db.ScanUnreadable(ctx, func(f vault.Field) error {
		unreadable[f.Table+"."+f.Column] = true
		if f.RowID == memberID {
			t.Errorf("%s.%s of the member who stayed does not open", f.Table, f.Column)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"users.username", "profiles.work_name", "profiles.email", "profiles.mobile", "notifications.to"} {
		if !unreadable[field] {
			t.Errorf("%s of the member who left opens in the restored backup", field)
		}
	}
	file, err := os.ReadFile(restored)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"Wren Leaving", "wren.leaving", "backup.leaver", "7700900377", "07700 900377"} {
		if bytes.Contains(file, []byte(leak)) {
			t.Errorf("the restored database holds %q of the member who left", leak)
		}
	}
	// Every row of the tables that hold members and reports, but the
	// report sent after the backup and the member who left since (who is
	// in the backup, not live).
	liveDB, err := sql.Open("sqlite", "file:"+live+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer liveDB.Close()
	afterID := after["id"].(string)
	for table, where := range map[string]struct{ cond, arg string }{"users": {" WHERE id != $1", leaverID},
		"profiles": {" WHERE user_id != $1", leaverID}, "profile_regions": {" WHERE user_id != $1", leaverID},
		"applications": {" WHERE user_id != $1", leaverID}, "reports": {" WHERE id != $1", afterID},
		"report_incident_types": {" WHERE report_id != $1", afterID}, "offenders": {" WHERE report_id != $1", afterID},
		"offender_identifiers": {" WHERE report_id != $1", afterID}} {
		var want, got int
		q := `SELECT COUNT(*) FROM ` + table + where.cond
		args := []any{where.arg}
		if err := liveDB.QueryRowContext(ctx, q, args...).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if err := db.Writer().QueryRowContext(ctx, q, args...).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want || got == 0 {
			t.Errorf("%s: %d rows restored, %d live before the backup", table, got, want)
		}
	}
}
