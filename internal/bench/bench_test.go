package bench

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The harness runs end to end at a tiny scale, so that "make bench" keeps
// working; the figures it measures here mean nothing and are not checked
// against targets.
func TestRun_SmallScaleProducesEveryFigure(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "uglymugs")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/uglymugs").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	res, err := Run(context.Background(), Config{Members: 400, Identifiers: 2000, Reports: 60, Seconds: 1, Dir: dir, Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Database size per 1,000 reports", "Check, in the server", "checks over HTTP at 3,000", "as fast as 32 clients",
		"Report submissions", "Alert fan-out to", "Alert email delivery", "Alert push delivery", "alert feed", "report queue", "Statistics", "Server memory"}
	md := res.Markdown()
	for _, w := range want {
		if !strings.Contains(md, w) {
			t.Errorf("no %q figure in:\n%s", w, md)
		}
	}
	for _, f := range res.Figures {
		if f.Value == "" {
			t.Errorf("%s: no value", f.Name)
		}
		// Emails were sent, and every one the sink received was recorded as sent.
		if strings.HasPrefix(f.Name, "Alert email delivery") || strings.HasPrefix(f.Name, "Alert push delivery") {
			m := regexp.MustCompile(`\((\d+) received, (\d+) recorded as sent`).FindStringSubmatch(f.Value)
			if m == nil || m[1] != m[2] || m[1] == "0" {
				t.Errorf("%s: %s", f.Name, f.Value)
			}
		}
	}
}
