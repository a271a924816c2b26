package bench

import (
	"fmt"
	"strings"
)

// Dialects are the databases a run can be on, in the order their
// sections appear in docs/benchmarks.md.
var Dialects = []string{"SQLite", "PostgreSQL"}

// Document is docs/benchmarks.md with r's section written in: the other
// database's section is kept from old (the file as it was), so that the
// SQLite and PostgreSQL runs of "make bench" each replace their own.
func (r *Results) Document(old string) string {
	var b strings.Builder
	b.WriteString(`# Benchmarks

Written by ` + "`make bench`" + `, which runs ` + "`go run ./cmd/uglymugs-bench`" + ` twice: on
SQLite at 1,000,000 members and 10,000,000 identifiers, then on PostgreSQL
(a throwaway server from ` + "`.ci/postgres.sh`" + `, or the one ` + "`BENCH_POSTGRES`" + ` names) at
100,000 members and 1,000,000 identifiers. Each run rewrites its own
section below. Smaller runs for a quick look:
` + "`go run ./cmd/uglymugs-bench -members 100000 -identifiers 1000000 -out /tmp/b.md`" + `.

## Method

The harness builds the real binary, makes a fresh database (a SQLite file
in a temporary directory, or a new database on the PostgreSQL server,
dropped after) with a new key file, and seeds it with made-up data,
encrypted and indexed as in real use (` + "`uglymugs seed`" + ` does the same from the
command line).

It measures the floors in process on the same database: a raw indexed
lookup of ` + "`alert_identifiers`" + ` by blind index, the whole check through the check
service (allowance counted, check logged, one member), and, while no
server writes, a bare INSERT…SELECT of as many rows as each alert it
publishes reaches. Then it starts ` + "`uglymugs serve`" + ` on the database, sending
to services at the network's edge written for this, each counting what it
receives and keeping nothing, so that the sender's own speed shows: a
discarding SMTP sink (` + "`internal/smtpsink`" + `), an SMS provider stub
(` + "`internal/bench/sms.go`" + `) and the test push service (` + "`internal/pushtest`" + `, which
checks every signature). Each one's floor is a bare client (` + "`net/smtp`" + `,
` + "`net/http`" + `) on 10 reused connections into the same service, in the same run.
Load comes from vegeta (as a library) over HTTP with keep-alive: API
sessions of 100 seeded members for checks and reports, web sessions for
pages. The server's memory is its resident set size read from ` + "`/proc`" + ` every
50 ms, its CPU time from ` + "`/proc`" + ` too, and its profiles from its own profiler
(` + "`--profile-addr`" + `, loopback only). Fan-out time is the server's own record:
from the publishing commit to the last batch's. Nothing here is a timed
test; the test suite only checks that the harness runs.
`)
	for _, d := range Dialects {
		if d == r.Dialect {
			b.WriteString(r.section())
			continue
		}
		if s, ok := section(old, d); ok {
			b.WriteString(s)
			continue
		}
		fmt.Fprintf(&b, "\n%s\n## %s\n\nNot measured yet: run `make bench`.\n%s\n", begin(d), d, end(d))
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n## Findings\n\n")
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "%s\n", strings.TrimSpace(f))
		}
	}
	return b.String()
}

func begin(dialect string) string { return "<!-- bench:" + dialect + " -->" }
func end(dialect string) string   { return "<!-- /bench:" + dialect + " -->" }

// section finds dialect's section in doc, markers included.
func section(doc, dialect string) (string, bool) {
	i := strings.Index(doc, begin(dialect))
	j := strings.Index(doc, end(dialect))
	if i < 0 || j < i {
		return "", false
	}
	return "\n" + doc[i:j+len(end(dialect))] + "\n", true
}

// section is the run's own part: when, where, the seeding, each figure
// beside its floor and target, and the profiles.
func (r *Results) section() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n## %s, %d members\n\nRun on %s; it took %s.\n\n**Machine:** %s.\n\n",
		begin(r.Dialect), r.Dialect, r.Config.Members, r.Started.Format("2006-01-02 15:04 MST"), r.Took.Round(1e9), r.Machine)
	for _, s := range r.Seeding {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	b.WriteString("\n| what | measured | floor (same run) | target | met |\n|---|---|---|---|---|\n")
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
	for _, p := range r.Profiles {
		fmt.Fprintf(&b, "\n**Where the server's time went: %s** (CPU profile, `go tool pprof -top`)\n\n```\n%s\n```\n", p.Phase, strings.TrimSpace(p.Top))
	}
	b.WriteString(end(r.Dialect) + "\n")
	return b.String()
}

func esc(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
