package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the raw lookups on PostgreSQL

	"uglymugs/internal/store"
)

// database is where a run's data lives: a fresh SQLite file in the work
// directory, or a fresh PostgreSQL database made for the run on the
// server Config.DB names (and dropped after it), so that a run never
// touches data it did not make.
type database struct {
	src     store.Source
	serve   string // the --db the server is given
	dialect string // "SQLite" or "PostgreSQL", for the report
	drop    func(context.Context) error
}

func (c Config) database(ctx context.Context) (*database, error) {
	if c.DB == "" {
		p := filepath.Join(c.Dir, "bench.db")
		return &database{src: store.Source{Dialect: store.SQLite, Path: p}, serve: p, dialect: "SQLite",
			drop: func(context.Context) error { return nil }}, nil
	}
	src, err := store.ParseSource(c.DB)
	if err != nil {
		return nil, err
	}
	if src.Dialect != store.Postgres {
		return nil, fmt.Errorf("-db: give a postgres:// URL (SQLite is the default, in a temporary file)")
	}
	u, err := url.Parse(src.URL)
	if err != nil {
		return nil, err
	}
	admin, err := sql.Open("pgx", src.URL)
	if err != nil {
		return nil, err
	}
	name := "uglymugs_bench_" + strings.ToLower(rand.Text()[:10])
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil { // #nosec G202 -- a name made here of base32 letters and digits
		_ = admin.Close()
		return nil, fmt.Errorf("making the benchmark's database (the -db user needs CREATEDB): %w", err)
	}
	u.Path = "/" + name
	return &database{src: store.Source{Dialect: store.Postgres, URL: u.String()}, serve: u.String(), dialect: "PostgreSQL",
		drop: func(ctx context.Context) error {
			defer admin.Close()
			_, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) // #nosec G202 -- as above
			return err
		}}, nil
}

// rawConn opens the database for the raw floors, read-only where the
// driver allows it.
func (d *database) rawConn() (*sql.DB, error) {
	if d.src.Dialect == store.Postgres {
		db, err := sql.Open("pgx", d.src.URL)
		if err == nil {
			db.SetMaxOpenConns(1)
		}
		return db, err
	}
	db, err := sql.Open("sqlite", "file:"+d.src.Path+"?mode=ro&_pragma=query_only(1)")
	if err == nil {
		db.SetMaxOpenConns(1)
	}
	return db, err
}

// settle writes SQLite's log back into the file, so that sizes are the
// data's; PostgreSQL has nothing to do.
func (d *database) settle(ctx context.Context, db *store.DB) error {
	if d.src.Dialect != store.SQLite {
		return nil
	}
	_, err := db.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// size is the data's size in bytes: the SQLite file and its log, or the
// PostgreSQL database.
func (d *database) size(ctx context.Context, db *store.DB) int64 {
	if d.src.Dialect == store.SQLite {
		return fileSize(d.src.Path)
	}
	var n int64
	if err := db.Writer().QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n); err != nil {
		return 0
	}
	return n
}
