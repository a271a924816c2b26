// Command uglymugs-bench measures the service at scale and writes
// docs/benchmarks.md: see internal/bench. Run it with "make bench".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"uglymugs/internal/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "uglymugs-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	members := flag.Int("members", 1_000_000, "members to seed")
	identifiers := flag.Int("identifiers", 10_000_000, "identifiers to seed in published alerts")
	reports := flag.Int("reports", 20_000, "reports to seed (to weigh the database per 1,000)")
	seconds := flag.Int("seconds", 15, "length of each load phase")
	profiles := flag.String("profiles", "", "a directory to keep the server's CPU profiles in")
	db := flag.String("db", "", "a PostgreSQL server's URL to run on (a database is made there for the run and dropped after); SQLite without it")
	out := flag.String("out", "docs/benchmarks.md", "where to write the results (- for stdout)")
	findings := flag.String("findings", "docs/benchmarks-findings.md", "notes on what was found and changed, appended under Findings (if the file exists)")
	flag.Parse()

	dir, err := os.MkdirTemp("", "uglymugs-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "uglymugs")
	if b, err := exec.Command("go", "build", "-o", bin, "./cmd/uglymugs").CombinedOutput(); err != nil { // #nosec G204 -- builds this module into our temporary directory
		return fmt.Errorf("build: %v\n%s", err, b)
	}
	res, err := bench.Run(context.Background(), bench.Config{Members: *members, Identifiers: *identifiers, Reports: *reports,
		Seconds: *seconds, Dir: dir, Binary: bin, DB: *db, Profiles: *profiles, Log: os.Stderr})
	if err != nil {
		return err
	}
	if b, err := os.ReadFile(*findings); err == nil { // #nosec G304 -- our own notes file
		res.Findings = append(res.Findings, string(b))
	}
	old, _ := os.ReadFile(*out) // #nosec G304 -- the file we were told to write; the other database's section is kept
	md := res.Document(string(old))
	if *out == "-" {
		_, err = os.Stdout.WriteString(md)
		return err
	}
	return os.WriteFile(*out, []byte(md), 0o644) // #nosec G306 G703 -- documentation, where the person running the tool asked
}
