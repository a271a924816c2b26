package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"uglymugs/internal/account"
	"uglymugs/internal/demo"
	"uglymugs/internal/report"
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
	fmt.Fprintln(stdout, "Demo data is fictional; it is thrown away when the demo stops (Ctrl-C).")
	fmt.Fprintln(stdout, "Demo logins (username / password / role):")
	for _, l := range logins {
		fmt.Fprintf(stdout, "  %-18s %-26s %s\n", l.Username, l.Password, l.Role)
		if l.Note != "" {
			fmt.Fprintf(stdout, "  %-18s (%s)\n", "", l.Note)
		}
		if l.TOTPURI != "" {
			fmt.Fprintf(stdout, "  %-18s second factor: %s\n", "", l.TOTPURI)
		}
	}
	return serve(ctx, db, cfg, true, log, stdout)
}
