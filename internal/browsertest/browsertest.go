// Package browsertest starts a real headless Chromium for end-to-end tests.
// Tests skip with a clear message when Chromium is absent, unless
// UGLYMUGS_TEST_BROWSER=required (as .ci/run sets), when they fail instead.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Chromium paths tried in order.
var candidates = []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}

// Executable is the Chromium to run: $UGLYMUGS_CHROMIUM, else the first of
// the usual places that has one ("" if none does).
func Executable() string {
	if p := os.Getenv("UGLYMUGS_CHROMIUM"); p != "" {
		return p
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return c
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// New returns a browser tab's context, closed when the test ends.
func New(t *testing.T) context.Context {
	t.Helper()
	exe := Executable()
	if exe == "" {
		if os.Getenv("UGLYMUGS_TEST_BROWSER") == "required" {
			t.Fatal("Chromium is required (UGLYMUGS_TEST_BROWSER=required) but not installed: apt-get install chromium")
		}
		t.Skip("Chromium not installed: browser tests skipped (apt-get install chromium; .ci/run installs it)")
	}
	// Chromium now and then fails to start on a loaded machine (it gives
	// up waiting for its own DevTools socket): try again, twice.
	var ctx context.Context
	var err error
	for try := 0; try < 3; try++ {
		if ctx, err = launch(t, exe); err == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// launch starts one Chromium with a fresh profile and a tab.
func launch(t *testing.T, exe string) (context.Context, error) {
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), Options(exe, t.TempDir())...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	cancel := func() { cancelTimeout(); cancelTab(); cancelAlloc() }
	// Record Content-Security-Policy violations on every page, so a test
	// can assert that nothing was blocked.
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });`})
		return err
	}))
	if err != nil {
		cancel()
		return nil, err
	}
	t.Cleanup(cancel)
	return ctx, nil
}

// Options are how every headless Chromium of ours runs: without sandbox or
// GPU, trying nothing on the network, with a fresh profile in dir.
func Options(exe, dir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(dir),
	)
}

// CSPViolations returns what the page's Content-Security-Policy blocked.
func CSPViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Screenshot saves a full-page PNG (quality 100 means PNG) under $UGLYMUGS_SCREENSHOTS, when set,
// for people to look at; it asserts nothing.
func Screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("UGLYMUGS_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	// #nosec G301 G703 -- a test artefact directory the person running the tests chose ($UGLYMUGS_SCREENSHOTS), to be read by them
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// #nosec G306 G703 -- a screenshot of made-up test data, in that directory
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// axeSource is axe-core's script, read once from $UGLYMUGS_AXE (the path of
// axe.min.js; .ci/run installs axe-core from npm and sets it).
var (
	axeOnce   sync.Once
	axeSource string
)

// Violation is one accessibility rule broken on a page.
type Violation struct {
	ID, Impact, Help string
	Targets          []string
}

// Axe runs axe-core on the page in ctx against WCAG 2.0, 2.1 and 2.2 A and
// AA, and returns what it found. Without axe-core it skips the test, or
// fails it when browsers are required (UGLYMUGS_TEST_BROWSER=required).
// DevTools evaluation is not subject to the page's CSP, so the page itself
// never allows the script.
func Axe(t *testing.T, ctx context.Context) []Violation {
	t.Helper()
	axeOnce.Do(func() {
		if p := os.Getenv("UGLYMUGS_AXE"); p != "" {
			// #nosec G304 G703 -- axe.min.js where .ci/run (or the person testing) installed it
			if b, err := os.ReadFile(p); err == nil {
				axeSource = string(b)
			}
		}
	})
	if axeSource == "" {
		if os.Getenv("UGLYMUGS_TEST_BROWSER") == "required" {
			t.Fatal("axe-core not found: set UGLYMUGS_AXE to axe.min.js (.ci/run installs it)")
		}
		t.Skip("axe-core not found: set UGLYMUGS_AXE to axe.min.js")
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatal(err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](`axe.run(document, {runOnly: {type: "tag",
		values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]})
		.then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help,
			Targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return out
}
