package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// TestServe_RefusesAnotherDatabasesKeyFile: once a database has been set
// up with its key file, every command that writes with keys (serve,
// serve --migrate, migrate, user add, seed) refuses another key file
// before writing anything, naming the file and what to do; the right key
// file still serves.
func TestServe_RefusesAnotherDatabasesKeyFile(t *testing.T) {
	dir := t.TempDir()
	db, keys := filepath.Join(dir, "ours.db"), keyFile(t)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--db", db, "--keys", keys}, testEnv(), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "the key file "+keys+" opens this database") {
		t.Errorf("migrate output: %s", out.String())
	}
	theirs := filepath.Join(dir, "theirs.keys")
	if err := run(context.Background(), []string{"keys", "init", "--keys", theirs}, testEnv(), nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the key file %s does not belong to the database sqlite:%s (this database's data is encrypted with key ", theirs, db)
	for _, args := range [][]string{
		{"serve", "--db", db, "--keys", theirs, "--addr", "127.0.0.1:0"},
		{"serve", "--db", db, "--keys", theirs, "--addr", "127.0.0.1:0", "--migrate"},
		{"migrate", "--db", db, "--keys", theirs},
		{"user", "add", "--db", db, "--keys", theirs, "--username", "coord.wrong", "--role", "coordinator"},
		{"seed", "--db", db, "--keys", theirs, "--members", "1"},
	} {
		// A serve that wrongly starts is stopped by the timeout, and its nil error fails the test.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := run(ctx, args, testEnv(), strings.NewReader("coordinator passphrase\n"), &out, &errOut)
		cancel()
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Give --keys (UGLYMUGS_KEYS) the key file this database was set up with") {
			t.Errorf("%s: %v\nwant it to say: %s…", strings.Join(args, " "), err, want)
		}
	}
	base, _, _ := start(t, "serve", "--db", db, "--keys", keys)
	coordinatorToken(t, base, db, keys) // the right key file still writes and signs in
}

// TestHealthz_FailsWhenTheKeyFileNoLongerOpensTheDatabase: a running
// service whose database is replaced by one its key file does not open
// (here: the canary re-recorded with another installation's keys) answers
// /healthz 503, so a load balancer takes it out.
func TestHealthz_FailsWhenTheKeyFileNoLongerOpensTheDatabase(t *testing.T) {
	db, keys := filepath.Join(t.TempDir(), "swap.db"), keyFile(t)
	base, _, stderr := start(t, "serve", "--db", db, "--keys", keys, "--migrate")
	if r := get(t, base+"/healthz"); r.status != http.StatusOK {
		t.Fatalf("/healthz = %d before the swap", r.status)
	}
	other, err := vault.Generate()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h, err := store.Open(ctx, store.Source{Dialect: store.SQLite, Path: db}, other)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.Writer().ExecContext(ctx, `DELETE FROM key_canary`); err != nil {
		t.Fatal(err)
	}
	if err := h.EnsureKeys(ctx); err != nil { // no users yet, so the other keys are recorded
		t.Fatal(err)
	}
	r := get(t, base+"/healthz")
	if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "the key file does not open this database") {
		t.Errorf("/healthz = %d %q, want 503 saying the key file does not open the database", r.status, r.body)
	}
	if !strings.Contains(stderr.String(), "the key file does not open this database") {
		t.Errorf("the log does not say why /healthz failed")
	}
}
