package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"uglymugs/internal/store/storetest"
)

// The harness runs end to end at a tiny scale, on SQLite and on
// PostgreSQL, so that "make bench" keeps working; the figures it
// measures here mean nothing and are not checked against targets.
func TestRun_SmallScaleProducesEveryFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves the binary")
	}
	bin := filepath.Join(t.TempDir(), "uglymugs")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/uglymugs").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dbs := map[string]string{"SQLite": ""}
	if u := os.Getenv(storetest.EnvPostgres); u != "" {
		dbs["PostgreSQL"] = u
	} else {
		t.Log(storetest.SkipPostgres)
	}
	doc := ""
	for _, dialect := range Dialects {
		url, ok := dbs[dialect]
		if !ok {
			continue
		}
		t.Run(dialect, func(t *testing.T) {
			res, err := Run(context.Background(), Config{Members: 400, Identifiers: 2000, Reports: 60, Seconds: 1, Dir: t.TempDir(), Binary: bin, DB: url})
			if err != nil {
				t.Fatal(err)
			}
			if res.Dialect != dialect {
				t.Errorf("ran on %s, want %s", res.Dialect, dialect)
			}
			want := []string{"Database size per 1,000 reports", "Check, in the server", "checks over HTTP at 4000", "CPU time per check", "as fast as 32 clients",
				"Report submissions", "Public statistics page", "Alert fan-out to", "Alert email delivery", "Alert SMS delivery", "Alert push delivery",
				"Nationwide alert fan-out", "alert feed", "report queue", "Statistics (/coordinator", "Server memory", "Where the server's time went: Checks",
				"Where the server's time went: Sending alert emails"}
			doc = res.Document(doc)
			sec, ok := section(doc, dialect)
			if !ok {
				t.Fatalf("no %s section in:\n%s", dialect, doc)
			}
			for _, w := range want {
				if !strings.Contains(sec, w) {
					t.Errorf("no %q in the %s section:\n%s", w, dialect, sec)
				}
			}
			for _, f := range res.Figures {
				if f.Value == "" {
					t.Errorf("%s: no value", f.Name)
				}
				// Messages were sent, and every one the service received was recorded as sent.
				if strings.HasPrefix(f.Name, "Alert email delivery") || strings.HasPrefix(f.Name, "Alert SMS delivery") || strings.HasPrefix(f.Name, "Alert push delivery") {
					m := regexp.MustCompile(`\((\d+) received, (\d+) recorded as sent`).FindStringSubmatch(f.Value)
					if m == nil || m[1] != m[2] || m[1] == "0" {
						t.Errorf("%s: %s", f.Name, f.Value)
					}
				}
			}
			// Checks, reports, sending emails, SMS and push, the
			// nationwide fan-out.
			if len(res.Profiles) != 6 {
				t.Errorf("%d profiles, want 6", len(res.Profiles))
			}
			for _, p := range res.Profiles {
				if !strings.Contains(p.Top, "flat") || !strings.Contains(p.Ours, "uglymugs/") {
					t.Errorf("profile of %s: %+v", p.Phase, p)
				}
			}
		})
	}
	// Each run kept the other's section.
	if _, ok := dbs["PostgreSQL"]; ok {
		if _, ok := section(doc, "SQLite"); !ok {
			t.Errorf("the PostgreSQL run dropped the SQLite section")
		}
	}
}

func TestDocument_EachDatabaseReplacesItsOwnSection(t *testing.T) {
	sqlite := &Results{Dialect: "SQLite", Config: Config{Members: 10}, Figures: []Figure{{Name: "Check", Value: "first"}}}
	doc := sqlite.Document("")
	if !strings.Contains(doc, "## PostgreSQL\n\nNot measured yet") {
		t.Errorf("no placeholder for PostgreSQL:\n%s", doc)
	}
	pg := &Results{Dialect: "PostgreSQL", Config: Config{Members: 10}, Figures: []Figure{{Name: "Check", Value: "on postgres"}}, Findings: []string{"A finding."}}
	doc = pg.Document(doc)
	sqlite.Figures[0].Value = "second"
	doc = sqlite.Document(doc)
	for _, w := range []string{"| Check | second |", "| Check | on postgres |"} {
		if strings.Count(doc, w) != 1 {
			t.Errorf("%q %d times in:\n%s", w, strings.Count(doc, w), doc)
		}
	}
	if strings.Contains(doc, "first") || strings.Contains(doc, "Not measured yet") {
		t.Errorf("an old section was kept:\n%s", doc)
	}
	if strings.Index(doc, begin("SQLite")) > strings.Index(doc, begin("PostgreSQL")) {
		t.Errorf("sections out of order")
	}
}
