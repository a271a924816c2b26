package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boombuler/barcode/qr"

	"uglymugs/internal/account"
	"uglymugs/internal/demo"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// demoCmd serves a fresh database of fictional data, thrown away at exit,
// and prints the demo logins.
type demoCmd struct {
	sf serveFlags
}

func (cmd *demoCmd) flags(f *flags) {
	cmd.sf = newServeFlags(f)
}

func (cmd *demoCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, log, err := cmd.sf.setUp(c, stderr)
	if err != nil {
		return err
	}
	// The address first: a port in use is said before anything is made
	// or printed.
	ln, err := listen(cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	// The demo never touches a real database or key file: it makes its own
	// and removes them when it stops. --db may name a PostgreSQL database to
	// fill instead (it must be empty).
	dir, err := os.MkdirTemp("", "uglymugs-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src := store.Source{Dialect: store.SQLite, Path: filepath.Join(dir, "demo.db")}
	if *c.db != "" {
		if src, err = c.source(); err != nil {
			return err
		}
	}
	db, done, err := openSource(ctx, src, true, vault.Generate)
	if err != nil {
		return err
	}
	defer done()
	if st, err := db.Status(ctx); err != nil {
		return err
	} else if st.Current != 0 {
		return fmt.Errorf("the demo fills a new, empty database: %s already has tables", src)
	}
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	accounts, err := account.New(db, cfg.hours, cfg.siteURL())
	if err != nil {
		return err
	}
	logins, err := demo.Seed(ctx, db, accounts, report.New(db, cfg.hours))
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	printLogins(stdout, logins, isTerminal(stdout))
	return serve(ctx, ln, db, cfg, true, log, stdout)
}

// roleWords are the roles as the logins list says them.
var roleWords = map[scheme.Role]string{
	scheme.RoleAdmin: "admin", scheme.RoleCoordinator: "coordinator", scheme.RoleMember: "member",
	scheme.RoleOrgContact: "organisation's key contact", scheme.RoleOrgStaff: "organisation's staff",
}

// printLogins prints the staff's second factors as QR codes, then the
// logins one a line, each password quoted (they have spaces), so that the
// list is what stays on screen.
func printLogins(w io.Writer, logins []demo.Login, colour bool) {
	fmt.Fprintln(w, "The demo's data is fictional; it is thrown away when the demo stops (Ctrl-C).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Staff sign in with a second factor. Scan a code below into an authenticator app, or type its key,")
	fmt.Fprintln(w, "or get the current code with: go run ./cmd/uglymugs demo code USERNAME")
	for _, l := range logins {
		if l.TOTPSecret == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s (key %s)\n", l.Username, groupKey(l.TOTPSecret))
		for _, line := range qrLines(l.OTPAuthURI(), colour) {
			fmt.Fprintln(w, line)
		}
	}
	nameW, pwW := 0, 0
	for _, l := range logins {
		nameW, pwW = max(nameW, len(l.Username)), max(pwW, len(l.Password)+2)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Demo logins (type the password without the quotes):")
	for _, l := range logins {
		what := roleWords[l.Role]
		if l.Note != "" {
			what += ": " + l.Note
		}
		fmt.Fprintf(w, "  %-*s  %-*s  %s\n", nameW, l.Username, pwW, `"`+l.Password+`"`, what)
	}
	fmt.Fprintln(w)
}

// groupKey writes a base32 key in fours, as authenticator apps show them.
func groupKey(k string) string {
	var parts []string
	for len(k) > 4 {
		parts, k = append(parts, k[:4]), k[4:]
	}
	return strings.Join(append(parts, k), " ")
}

// qrLines draws text as a QR code in a terminal, two rows of modules to a
// line with half blocks, and a quiet zone of two modules. Light modules
// are the drawn ones, so the code is dark on light on a terminal with
// light text on a dark background; with colour, the colours are set so
// that it is on any terminal.
func qrLines(text string, colour bool) []string {
	code, err := qr.Encode(text, qr.L, qr.Auto)
	if err != nil {
		return []string{"(no QR code: " + err.Error() + ")"}
	}
	const quiet = 2
	n := code.Bounds().Dx()
	light := func(x, y int) bool {
		x, y = x-quiet, y-quiet
		if x < 0 || y < 0 || x >= n || y >= n {
			return true
		}
		r, _, _, _ := code.At(x, y).RGBA()
		return r != 0
	}
	var lines []string
	for y := 0; y < n+2*quiet; y += 2 {
		var b strings.Builder
		if colour {
			b.WriteString("\x1b[97;40m") // bright white on black
		}
		for x := 0; x < n+2*quiet; x++ {
			top, bottom := light(x, y), y+1 < n+2*quiet && light(x, y+1)
			b.WriteString(halfBlocks[btoi(top)*2+btoi(bottom)])
		}
		if colour {
			b.WriteString("\x1b[0m")
		}
		lines = append(lines, b.String())
	}
	return lines
}

// halfBlocks draw two modules, top and bottom, by which of them is light.
var halfBlocks = [4]string{" ", "▄", "▀", "█"}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isTerminal says whether w is a terminal (rather than a pipe or a file).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// demoCodeCmd prints the current second-factor code of a demo staff login.
// It knows only the demo's own keys, published in internal/demo, and needs
// no database: a real login's key is never in reach of this command.
type demoCodeCmd struct{ args []string }

func (cmd *demoCodeCmd) flags(f *flags) { f.positional = &cmd.args }

func (cmd *demoCodeCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(cmd.args) != 1 {
		return usagef("give one demo staff login, e.g. uglymugs demo code demo-coordinator")
	}
	now := time.Now()
	code, err := demo.Code(cmd.args[0], now)
	if err != nil {
		return usageError{err.Error()}
	}
	fmt.Fprintln(stdout, code)
	left := 30 - now.Unix()%30
	fmt.Fprintf(stderr, "valid for %d more seconds; each code signs in once\n", left)
	return nil
}

// errPublishedKey is serve's refusal of a database the demo filled.
var errPublishedKey = errors.New("its second-factor key is the demo's, published in the source: this database was filled by \"uglymugs demo\" and must not be served for real")
