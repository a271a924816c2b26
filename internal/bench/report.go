package bench

import (
	"fmt"
	"strings"
)

// Markdown is docs/benchmarks.md for a run: the machine, the method, and
// each figure beside its floor and target.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, `# Benchmarks

Written by `+"`make bench`"+` (`+"`go run ./cmd/uglymugs-bench`"+`) on %s; the run took %s.
Re-run it to replace this file; smaller runs for a quick look:
`+"`go run ./cmd/uglymugs-bench -members 100000 -identifiers 1000000 -out /tmp/b.md`"+`.

**Machine:** %s.

## Method

The harness builds the real binary, makes a fresh SQLite database with a
new key file, and seeds it with made-up data, encrypted and indexed as in
real use (`+"`uglymugs seed`"+` does the same from the command line):

`, r.Started.Format("2006-01-02 15:04 MST"), r.Took.Round(1e9), r.Machine)
	for _, s := range r.Seeding {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	b.WriteString(`
It measures the floors in process on the same file: a raw indexed lookup of
` + "`alert_identifiers`" + ` by blind index, the whole check through the check service
(allowance counted, check logged, one member), and a bare INSERT…SELECT of
100,000 rows. Then it starts ` + "`uglymugs serve`" + ` on the file, with email going to a
discarding SMTP sink written for this (` + "`internal/smtpsink`" + `: it counts
messages and keeps nothing, so the sender's own speed shows), whose raw rate
is measured first with a bare ` + "`net/smtp`" + ` client on 10 reused connections. Load
comes from vegeta (as a library) over HTTP with keep-alive: API sessions of
100 seeded members for checks and reports, web sessions for pages. The
server's memory is its resident set size read from ` + "`/proc`" + ` every 50 ms. Fan-out
time is the server's own record: from the publishing commit to the last
batch's. Nothing here is a timed test; the test suite only checks that the
harness runs.

## Figures

| what | measured | floor (same run) | target | met |
|---|---|---|---|---|
`)
	for _, f := range r.Figures {
		met := ""
		if f.Target != "" {
			met = "no"
			if f.Met {
				met = "yes"
			}
		}
		name := f.Name
		if f.Note != "" {
			name += " — " + f.Note
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", esc(name), esc(f.Value), esc(f.Floor), esc(f.Target), met)
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n## Findings\n\n")
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "%s\n", strings.TrimSpace(f))
		}
	}
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
