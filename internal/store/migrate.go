package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/rivermigrate"

	"uglymugs/internal/scheme"
)

//go:embed migrations
var migrationFS embed.FS

func (db *core) goose() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFS, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Two instances started with --migrate at once must not both migrate.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.write, fsys, opts...)
}

func (db *core) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	return rivermigrate.New(db.riverDriver(), nil)
}

// SchemaStatus says whether the database is up to date.
type SchemaStatus struct {
	Current, Target int64 // our own migrations
	JobsPending     bool  // River's tables need migrating
}

// Stale reports whether any migration is pending.
func (s SchemaStatus) Stale() bool { return s.Current != s.Target || s.JobsPending }

// Status reads the schema version without changing anything.
func (d *DB) Status(ctx context.Context) (SchemaStatus, error) {
	db := d.db

	p, err := db.goose()
	if err != nil {
		return SchemaStatus{}, err
	}
	var st SchemaStatus
	if st.Current, st.Target, err = p.GetVersions(ctx); err != nil {
		return st, fmt.Errorf("read schema version: %w", err)
	}
	m, err := db.riverMigrator()
	if err != nil {
		return st, err
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return st, fmt.Errorf("read job queue schema version: %w", err)
	}
	st.JobsPending = !res.OK
	return st, nil
}

// Migrate brings the schema up to date, each migration in its own
// transaction, then fills in the default data of a new scheme (regions,
// sectors, incident types, first terms) if there is none and, when the DB
// was opened with keys, records or checks the key canary (EnsureKeys). It
// returns the number of migrations applied.
func (d *DB) Migrate(ctx context.Context) (int, error) {
	db := d.db

	p, err := db.goose()
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	m, err := db.riverMigrator()
	if err != nil {
		return 0, err
	}
	rres, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("migrate job queue: %w", err)
	}
	if err := db.seedDefaults(ctx); err != nil {
		return 0, fmt.Errorf("default data: %w", err)
	}
	if db.vault != nil {
		// Record (or check) which key file belongs to this database.
		if err := db.top.EnsureKeys(ctx); err != nil {
			return 0, err
		}
	}
	return len(results) + len(rres.Versions), nil
}

// seedDefaults writes the defaults of a new scheme once: an admin may change
// them later, and a later migrate must not bring deleted rows back.
func (db *core) seedDefaults(ctx context.Context) error {
	defer db.listsChanged()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM terms_versions`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for i, r := range scheme.DefaultRegions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO regions (slug, name, phone_region, position) VALUES ($1, $2, $3, $4)`, r.Slug, r.Name, r.Phone, i+1); err != nil {
				return err
			}
		}
		for i, s := range scheme.DefaultSectors {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sectors (slug, name, position) VALUES ($1, $2, $3)`, s.Slug, s.Name, i+1); err != nil {
				return err
			}
		}
		for i, t := range scheme.DefaultIncidentTypes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO incident_types (slug, name, severity, position) VALUES ($1, $2, $3, $4)`, t.Slug, t.Name, string(t.Severity), i+1); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO terms_versions (version, body, published_at) VALUES (1, $1, $2)`,
			scheme.DefaultTerms, db.now().UTC())
		return err
	})
}
