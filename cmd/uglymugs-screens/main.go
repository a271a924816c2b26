// Command uglymugs-screens takes the README's pictures from the real demo:
// it builds and starts "uglymugs demo", signs in as the demo's member and
// coordinator in headless Chromium (the staff's second factor from
// "uglymugs demo code"), and saves the first screen of six pages as PNGs.
// Run it from the repository's root:
//
//	go run ./cmd/uglymugs-screens            # writes docs/screens/*.png
//
// It is a command of its own rather than a subcommand of uglymugs so that
// the service's binary carries no browser driver.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
)

// A shot is one picture: whose screen, which page, at what size, and what
// to do on the page first.
type shot struct {
	name          string // file name, without .png
	user          string // the demo login
	path          string
	width, height int64
	then          func(ctx context.Context) error // on the page, before the picture
	caption       string                          // what the README says of it
}

var shots = []shot{
	{"home-360", "demo-member", "/", 360, 800, nil, "A member's home page on a phone."},
	{"check-360", "demo-member", "/check", 360, 800, checkValue("lonely.traveller@example.org"), "The check: an email address reported before, on a phone."},
	{"alert-360", "demo-member", "/alerts", 360, 800, followFirst(`^/alerts/[^/]+$`), "An alert, on a phone."},
	{"report-360", "demo-member", "/reports", 360, 800, submit(`form[action="/reports/new"]`), "The first step of the report form, on a phone."},
	{"queue-1280", "demo-coordinator", "/coordinator/reports", 1280, 1400, nil, "The coordinators' review queue, on a laptop."},
	{"anonymisation-1280", "demo-coordinator", "/coordinator/alerts", 1280, 800, flaggedDraft, "The anonymisation check in the alert editor, on a laptop."},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "uglymugs-screens:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("uglymugs-screens", flag.ContinueOnError)
	out := fs.String("out", "docs/screens", "directory to write the PNGs to")
	bin := fs.String("bin", "", "an uglymugs binary to run (default: build ./cmd/uglymugs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	exe := browsertest.Executable()
	if exe == "" {
		return errors.New("no Chromium found: apt-get install chromium, or set UGLYMUGS_CHROMIUM")
	}
	dir, err := os.MkdirTemp("", "uglymugs-screens-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = filepath.Join(dir, "uglymugs")
		fmt.Fprintln(stderr, "building ./cmd/uglymugs (the first time takes minutes)…")
		if b, err := exec.CommandContext(ctx, "go", "build", "-o", *bin, "./cmd/uglymugs").CombinedOutput(); err != nil { // #nosec G204 -- builds this module into our temporary directory
			return fmt.Errorf("build: %v\n%s", err, b)
		}
	}
	d, err := startDemo(ctx, *bin, stderr)
	if err != nil {
		return err
	}
	defer d.stop()

	actx, cancel := chromedp.NewExecAllocator(ctx, browsertest.Options(exe, filepath.Join(dir, "chromium"))...)
	defer cancel()
	browser, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(browser); err != nil {
		return fmt.Errorf("start Chromium: %w", err)
	}
	// #nosec G301 -- pictures for the README, in the repository
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	tabs := map[string]context.Context{}
	for _, s := range shots {
		tab, ok := tabs[s.user]
		if !ok {
			// Each user in a browser context of their own: cookies apart.
			var cancel context.CancelFunc
			tab, cancel = chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
			defer cancel()
			if err := d.signIn(tab, s.user); err != nil {
				return err
			}
			tabs[s.user] = tab
		}
		b, err := d.take(tab, s)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		file := filepath.Join(*out, s.name+".png")
		// #nosec G306 -- a picture of made-up data, for the README
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s  %3d KB  %s\n", file, (len(b)+512)/1024, s.caption)
	}
	return nil
}

// demo is the running "uglymugs demo".
type demo struct {
	bin    string
	base   string
	logins map[string]string // username → password
	cmd    *exec.Cmd
	errs   *bytes.Buffer
}

var (
	servingRE = regexp.MustCompile(`serving on (http://\S+)`)
	loginRE   = regexp.MustCompile(`^\s+(\S+)\s+"([^"]+)"`)
)

// startDemo runs the demo on a free port and reads its logins and address
// from what it prints.
func startDemo(ctx context.Context, bin string, stderr io.Writer) (*demo, error) {
	d := &demo{bin: bin, logins: map[string]string{}, errs: &bytes.Buffer{}}
	d.cmd = exec.CommandContext(ctx, bin, "demo", "--addr", "127.0.0.1:0") // #nosec G204 -- our own binary
	d.cmd.Stderr = d.errs
	pipe, err := d.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, "starting the demo…")
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			if m := loginRE.FindStringSubmatch(sc.Text()); m != nil {
				d.logins[m[1]] = m[2]
			}
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			d.stop()
			return nil, fmt.Errorf("the demo stopped before serving:\n%s", d.errs)
		}
		d.base = base
		return d, nil
	case <-time.After(3 * time.Minute):
		d.stop()
		return nil, fmt.Errorf("the demo did not start in 3 minutes:\n%s", d.errs)
	}
}

// stop ends the demo as Ctrl-C would, so that it removes its database.
func (d *demo) stop() {
	_ = d.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = d.cmd.Process.Kill()
	}
}

// signIn signs in as a demo login, with the second factor from "uglymugs
// demo code" when the site asks for one.
func (d *demo) signIn(ctx context.Context, user string) error {
	pw, ok := d.logins[user]
	if !ok {
		return fmt.Errorf("the demo printed no login %s", user)
	}
	err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(d.base+"/signin"),
		chromedp.SendKeys(`input[name="username"]`, user), chromedp.SendKeys(`input[name="password"]`, pw))
	if err == nil {
		err = follow(ctx, chromedp.Submit(`input[name="password"]`))
	}
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", user, err)
	}
	if where(ctx) == "/signin/code" {
		code, err := exec.CommandContext(ctx, d.bin, "demo", "code", user).Output() // #nosec G204 -- our own binary, a demo login
		if err != nil {
			return fmt.Errorf("demo code %s: %w", user, err)
		}
		err = chromedp.Do(ctx, chromedp.SendKeys(`input[name="code"]`, strings.TrimSpace(string(code))))
		if err == nil {
			err = follow(ctx, chromedp.Submit(`input[name="code"]`))
		}
		if err != nil {
			return fmt.Errorf("second factor of %s: %w", user, err)
		}
	}
	if p := where(ctx); strings.HasPrefix(p, "/signin") {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		return fmt.Errorf("signing in as %s ended at %s:\n%s", user, p, text)
	}
	return nil
}

// take opens the shot's page at its size, does what it says, and returns
// the screen as a PNG, compressed harder than Chromium does.
func (d *demo) take(ctx context.Context, s shot) ([]byte, error) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, s.height), chromedp.Navigate(d.base+s.path)); err != nil {
		return nil, err
	}
	if s.then != nil {
		if err := s.then(ctx); err != nil {
			return nil, err
		}
	}
	raw, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img)
	return b.Bytes(), err
}

// follow runs an action that loads a new page, and waits for it.
func follow(ctx context.Context, a chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.RunResponse(ctx, a)
	return err
}

// where is the path of the page in ctx.
func where(ctx context.Context) string {
	p, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	return p
}

// checkValue checks a value on the check page.
func checkValue(value string) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.SendKeys(`input[name="value"]`, value)); err != nil {
			return err
		}
		if err := follow(ctx, chromedp.Submit(`input[name="value"]`)); err != nil {
			return err
		}
		// The page jumps to the answer; the picture is of the question
		// and the answer together.
		// (Below the sticky exit bar.)
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('main form').scrollIntoView({block: 'start'}), window.scrollBy(0, -70), true)`))
		return err
	}
}

// submit sends a form of the page.
func submit(form string) func(context.Context) error {
	return func(ctx context.Context) error { return follow(ctx, chromedp.Submit(form)) }
}

// followFirst opens the first link of the page's main part whose path
// matches pattern.
func followFirst(pattern string) func(context.Context) error {
	return func(ctx context.Context) error {
		links, err := links(ctx, pattern)
		if err != nil || len(links) == 0 {
			return fmt.Errorf("no link to %s on the page (%v)", pattern, err)
		}
		return chromedp.Do(ctx, chromedp.Navigate(links[0]))
	}
}

// links are the addresses of the main part's links whose path matches
// pattern, in page order.
func links(ctx context.Context, pattern string) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`Array.from(document.querySelectorAll('main a[href]'))
		.filter(a => new RegExp(%q).test(new URL(a.href).pathname)).map(a => a.href)`, pattern)))
}

// flaggedDraft opens the first alert whose editor highlights what the
// anonymisation check found, and scrolls the check into view.
func flaggedDraft(ctx context.Context) error {
	alerts, err := links(ctx, `^/coordinator/alerts/[^/]+$`)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		if err := chromedp.Do(ctx, chromedp.Navigate(a)); err != nil {
			return err
		}
		found, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
			const m = document.querySelector('main mark');
			if (!m) return false;
			(m.closest('section') || m).scrollIntoView({block: 'start'});
			return true;
		})()`))
		if err != nil || found {
			return err
		}
	}
	return fmt.Errorf("none of %d alerts has anything flagged", len(alerts))
}
