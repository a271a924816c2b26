// Package storetest gives tests a fresh, migrated database on every engine:
// SQLite always, PostgreSQL when UGLYMUGS_TEST_POSTGRES holds a URL. Each
// package migrates once into a template and every test gets a copy, so a test
// costs a file copy (SQLite) or a CREATE DATABASE … TEMPLATE (PostgreSQL).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// EnvPostgres names the variable holding the PostgreSQL server URL for tests.
const EnvPostgres = "UGLYMUGS_TEST_POSTGRES"

var (
	once     sync.Once
	onceErr  error
	tmplDir  string // SQLite template file lives here
	pgTmpl   string // PostgreSQL template database name
	testKeys *vault.Vault
)

// Vault returns the key set every test database in this process uses.
func Vault(t testing.TB) *vault.Vault {
	t.Helper()
	prepare(t)
	return testKeys
}

// SkipPostgres is the message for skipping PostgreSQL when it is absent.
const SkipPostgres = "PostgreSQL not configured: set " + EnvPostgres + " to a server URL to run this on PostgreSQL (.ci/run does)"

// HavePostgres reports whether a PostgreSQL server is configured for tests.
func HavePostgres() bool { return os.Getenv(EnvPostgres) != "" }

// Each runs fn once per engine, as subtests named "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	EachDialect(t, func(t *testing.T, d store.Dialect) { fn(t, Open(t, d)) })
}

// EachDialect runs fn once per engine, as subtests named "sqlite" and
// "postgres" (skipped, saying why, where no server is configured).
func EachDialect(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, store.SQLite) })
	t.Run("postgres", func(t *testing.T) {
		if !HavePostgres() {
			t.Skip(SkipPostgres)
		}
		fn(t, store.Postgres)
	})
}

// EachSource is Each for tests that open the database themselves (with
// other keys, say): fn gets a fresh migrated database's source per engine.
func EachSource(t *testing.T, fn func(t *testing.T, src store.Source)) {
	t.Helper()
	EachDialect(t, func(t *testing.T, d store.Dialect) { fn(t, Source(t, d)) })
}

// Source returns a fresh migrated database of the given engine, removed when
// the test ends, without opening it.
func Source(t testing.TB, d store.Dialect) store.Source {
	t.Helper()
	prepare(t)
	switch d {
	case store.SQLite:
		path := filepath.Join(t.TempDir(), "test.db")
		if err := copyFile(filepath.Join(tmplDir, "template.db"), path); err != nil {
			t.Fatal(err)
		}
		return store.Source{Dialect: store.SQLite, Path: path}
	default:
		name := "t_" + strings.ToLower(rand.Text()[:16])
		admin := adminDB(t)
		if _, err := admin.Exec(fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, pgTmpl)); err != nil {
			t.Fatalf("create test database: %v", err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec(fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
				t.Logf("drop test database: %v", err)
			}
			if err := admin.Close(); err != nil {
				t.Logf("close the admin connection: %v", err)
			}
		})
		return store.Source{Dialect: store.Postgres, URL: withDB(os.Getenv(EnvPostgres), name)}
	}
}

// Open returns a fresh migrated database of the given engine, closed and
// removed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	src := Source(t, d)
	db, err := store.Open(context.Background(), src, Vault(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close the database: %v", err)
		}
	})
	return db
}

func prepare(t testing.TB) {
	once.Do(func() { onceErr = build() })
	if onceErr != nil {
		t.Fatalf("storetest: %v", onceErr)
	}
}

func build() error {
	var err error
	if testKeys, err = vault.Generate(); err != nil {
		return err
	}
	ctx := context.Background()
	if tmplDir, err = os.MkdirTemp("", "uglymugs-storetest-"); err != nil {
		return err
	}
	// The template is left for the OS to clean: TestMain-free packages have
	// no hook that runs after the last test.
	if err := migrate(ctx, store.Source{Dialect: store.SQLite, Path: filepath.Join(tmplDir, "template.db")}); err != nil {
		return fmt.Errorf("sqlite template: %w", err)
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return nil
	}
	pgTmpl = "tmpl_" + strings.ToLower(rand.Text()[:16])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + pgTmpl); err != nil {
		return fmt.Errorf("create postgres template (is %s right?): %w", EnvPostgres, err)
	}
	return migrate(ctx, store.Source{Dialect: store.Postgres, URL: withDB(base, pgTmpl)})
}

func migrate(ctx context.Context, src store.Source) error {
	db, err := store.Open(ctx, src, testKeys) // with keys, so the template records its key canary
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Migrate(ctx)
	if err != nil {
		return err
	}
	if src.Dialect == store.SQLite {
		// Fold the WAL into the file so that a plain copy is complete.
		_, err = db.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return err
}

func adminDB(t testing.TB) *sql.DB {
	db, err := sql.Open("pgx", os.Getenv(EnvPostgres))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func copyFile(from, to string) error {
	in, err := os.Open(from) // #nosec G304 -- the test's own template database
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600) // #nosec G304 -- in the test's temporary directory
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		return errors.Join(err, out.Close())
	}
	return out.Close()
}
