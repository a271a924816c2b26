package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/store"
)

// TestServe_SecondServeOnTheSameSQLiteFileRefuses: while one process
// serves a SQLite file, a second serve (or migrate) on it refuses, naming
// the process and the lock file, and touches nothing; audit verify, which
// only reads, still runs beside it. Once the first process is killed with
// SIGKILL, the kernel has released its lock and a new serve starts.
func TestServe_SecondServeOnTheSameSQLiteFileRefuses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	db, keys := filepath.Join(t.TempDir(), "one.db"), keyFile(t)
	first, _ := startBinary(t, bin, db, keys)
	defer first.Process.Kill() //nolint:errcheck // killed below; this is for an early failure

	for _, args := range [][]string{
		{"serve", "--db", db, "--keys", keys, "--addr", "127.0.0.1:0"},
		{"migrate", "--db", db},
	} {
		var out, errOut bytes.Buffer
		// A serve that wrongly starts is stopped by the timeout, and its nil error fails the test.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := run(ctx, args, testEnv(), nil, &out, &errOut)
		cancel()
		want := fmt.Sprintf("another uglymugs process (process %d) is already using the database sqlite:%s: it holds the lock file %s. Stop that process first",
			first.Process.Pid, db, store.LockPath(db))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s beside a serving process: %v\nwant: %s", args[0], err, want)
		}
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"audit", "verify", "--db", db}, testEnv(), nil, &out, &errOut); err != nil {
		t.Errorf("audit verify beside a serving process: %v", err)
	}

	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait() // "signal: killed"
	base, _, _ := start(t, "serve", "--db", db, "--keys", keys)
	if r := get(t, base+"/healthz"); r.status != 200 {
		t.Errorf("after the first was killed, a new serve answers /healthz %d", r.status)
	}
}
