// Package store keeps the scheme's data in SQL: SQLite (embedded, the
// default) or PostgreSQL (to scale out). The SQL is written once where the
// dialects agree and the few differences sit behind Dialect switches. Public
// methods own their transactions; private helpers take a *sql.Tx.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultPath is where the embedded database lives unless told otherwise.
const DefaultPath = "./data/uglymugs.db"

// core is the connection every area shares, with the helpers they all use
// (transactions, sealing and opening fields, the audit chain). On SQLite
// it holds two pools over one file: a single writer connection, because
// SQLite allows one writer at a time and River's SQLite driver wants
// exactly one, and a pool of read-only connections, which WAL lets run
// beside the writer. On PostgreSQL both are the same pool.
type core struct {
	top *DB // the whole, for one area to reach another

	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	jobs    inserter
	vault   *vault.Vault
	keys    *memberKeyCache // members' opened data keys (memberkeys.go)
	checks  *checkQueue     // checks on their way to a group commit (checkgroup.go)
	now     func() time.Time

	sweepMu sync.Mutex // sweepThrottles, once a minute
	sweptAt int64
	parts   int // fan-out parts (SetFanOutParts); 0: by dialect

	listsGen atomic.Uint64             // Vocab.Version
	lists    atomic.Pointer[keptLists] // Content.Lists, kept

	readStmts  sync.Map // query → *sql.Stmt on read: the hottest reads, prepared once (readStmt)
	writeStmts sync.Map // query → *sql.Stmt on write: the senders' claims and marks (writeStmt)

	onUnreadable atomic.Pointer[func(vault.Field)] // OnUnreadable
}

// DB is the scheme's database, in areas over one connection: each area
// is a type of its own holding its part of the persistence, and each of
// its methods starts from the shared connection (db := area.db). DB's own
// methods are what belongs to the database as a whole.
type DB struct {
	db         *core
	Accounts   Accounts
	Sessions   Sessions
	Reports    Reports
	Alerts     Alerts
	Deliveries Deliveries
	Police     Police
	Content    Content
	Checks     Checks
	Settings   Settings
	// Translations holds admins' corrections of the catalogues' words.
	Translations Translations
	// Towns holds the towns within regions and members' choice of them.
	Towns Towns
	Push  Push
	// Support holds the directory of support services and referrals to them.
	Support Support
	// Training holds training events, bookings, attendance and reminders.
	Training Training
	// Vocab holds the scheme's lists as admins keep them.
	Vocab Vocab
}

// Accounts holds applications, members, staff and their credentials.
type Accounts struct{ db *core }

// Sessions holds sign-in sessions, partner API keys, throttles and the keys that sign forms.
type Sessions struct{ db *core }

// Reports holds reports, drafts, their casework and the offender profiles that link them.
type Reports struct{ db *core }

// Alerts holds alerts, their versions, audiences, additions and what members read.
type Alerts struct{ db *core }

// Deliveries holds the queue of what goes out: notifications and alert deliveries.
type Deliveries struct{ db *core }

// Police holds enquiries, disclosures, exports and searches for the police.
type Police struct{ db *core }

// Content holds the public pages, images, terms, reference lists and the newsletter.
type Content struct{ db *core }

// Checks holds the checks members and partners make, and their allowances.
type Checks struct{ db *core }

func newDB(c *core) *DB {
	db := &DB{db: c}
	db.Accounts = Accounts{c}
	db.Sessions = Sessions{c}
	db.Reports = Reports{c}
	db.Alerts = Alerts{c}
	db.Deliveries = Deliveries{c}
	db.Police = Police{c}
	db.Content = Content{c}
	db.Checks = Checks{c}
	db.Settings = Settings{c}
	db.Translations = Translations{c}
	db.Towns = Towns{c}
	db.Push = Push{c}
	db.Support = Support{c}
	db.Training = Training{c}
	db.Vocab = Vocab{c}
	c.top = db
	return db
}

// Source is a parsed --db value.
type Source struct {
	Dialect Dialect
	Path    string // SQLite file
	URL     string // PostgreSQL URL
}

// ParseSource reads a --db value: a file path or "sqlite:PATH" for SQLite, a
// postgres:// or postgresql:// URL for PostgreSQL. Empty means DefaultPath.
func ParseSource(s string) (Source, error) {
	switch {
	case s == "":
		return Source{Dialect: SQLite, Path: DefaultPath}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err != nil {
			return Source{}, fmt.Errorf("the PostgreSQL URL cannot be read: check its spelling")
		}
		return Source{Dialect: Postgres, URL: s}, nil
	case strings.HasPrefix(s, "sqlite:"):
		p := strings.TrimPrefix(strings.TrimPrefix(s, "sqlite:"), "//")
		if p == "" {
			return Source{}, fmt.Errorf("sqlite: needs a file path, e.g. sqlite:./data/uglymugs.db")
		}
		return Source{Dialect: SQLite, Path: p}, nil
	case strings.Contains(s, "://"):
		return Source{}, fmt.Errorf("unsupported database %q: give a file path, sqlite:PATH or a postgres:// URL", strings.SplitN(s, "://", 2)[0]+"://…")
	default:
		return Source{Dialect: SQLite, Path: s}, nil
	}
}

// String describes the source without any password.
func (s Source) String() string {
	if s.Dialect == SQLite {
		return "sqlite:" + s.Path
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// sqlitePragmas are set on every connection. busy_timeout comes first so that
// the switch to WAL itself waits for a lock instead of failing; secure_delete
// overwrites erased data so that leaving members do not linger in free pages.
var sqlitePragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"foreign_keys(1)",
	"synchronous(NORMAL)",
	"secure_delete(1)",
}

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// BEGIN IMMEDIATE takes the write lock up front, so a transaction
		// never fails half-way when it first writes.
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open connects to src and checks the connection. It does not migrate. v
// seals and opens personal fields; it may be nil for commands that touch
// none (migrate, audit verify), and methods that need it then fail.
func Open(ctx context.Context, src Source, v *vault.Vault) (*DB, error) {
	db := newDB(&core{dialect: src.Dialect, vault: v, keys: newMemberKeyCache(), checks: newCheckQueue(), now: time.Now})
	switch src.Dialect {
	case SQLite:
		if dir := filepath.Dir(src.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
		w, err := sql.Open("sqlite", sqliteDSN(src.Path, false))
		if err != nil {
			return nil, err
		}
		w.SetMaxOpenConns(1)
		w.SetConnMaxIdleTime(0)
		r, err := sql.Open("sqlite", sqliteDSN(src.Path, true))
		if err != nil {
			return nil, errors.Join(err, w.Close())
		}
		// Every reader stays open: database/sql keeps two idle by
		// default, and opening a SQLite connection (its pragmas, reading
		// the schema) cost over a quarter of the server's CPU under load.
		r.SetMaxOpenConns(8)
		r.SetMaxIdleConns(8)
		r.SetConnMaxIdleTime(0)
		db.db.write, db.db.read = w, r
		// Create the file, switch it to WAL and restrict it to its owner
		// before any reader opens it.
		if err := w.PingContext(ctx); err != nil {
			return nil, errors.Join(fmt.Errorf("open %s: %w", src, err), db.Close())
		}
		if err := os.Chmod(src.Path, 0o600); err != nil {
			return nil, errors.Join(fmt.Errorf("restrict database file: %w", err), db.Close())
		}
	case Postgres:
		p, err := sql.Open("pgx", src.URL)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", src, err)
		}
		p.SetMaxOpenConns(20)
		p.SetMaxIdleConns(20) // opening one under load costs more than keeping it
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.db.write, db.db.read = p, p
	default:
		return nil, fmt.Errorf("unknown dialect %q", src.Dialect)
	}
	if err := db.db.read.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("connect to %s: %w", src, err), db.Close())
	}
	if err := db.db.initJobs(); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// Close stops the check committers, once they have answered the checks
// they hold, and closes both pools.
func (d *DB) Close() error {
	db := d.db

	err := errors.Join(db.checks.close(), db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// readStmt is query prepared on the read pool, once for the life of the
// database (database/sql prepares it on each connection as it needs it):
// for the reads every request makes, such as its session, whose SQL would
// otherwise be parsed again each time.
func (db *core) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	return prepareOnce(ctx, db.read, &db.readStmts, query)
}

// writeStmt is query prepared on the write pool once for the life of the
// database, for a statement run many times a second (the senders' claims
// and marks). Ask for it before the transaction (SQLite's writer pool has
// one connection, which the transaction holds) and run it there through
// tx.StmtContext, which reuses it on that connection.
func (db *core) writeStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	return prepareOnce(ctx, db.write, &db.writeStmts, query)
}

// prepareOnce is query prepared on pool and kept in kept (query → *sql.Stmt);
// of two callers preparing it at once, one statement is kept.
func prepareOnce(ctx context.Context, pool *sql.DB, kept *sync.Map, query string) (*sql.Stmt, error) {
	if st, ok := kept.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := kept.LoadOrStore(query, st); loaded {
		_ = st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// SetClock replaces the store's clock (tests of expiry use it).
func (d *DB) SetClock(now func() time.Time) {
	db := d.db
	db.now = now
}

// Now is the store's clock: the time its records are stamped with, which
// the domain's rules on time (urgent alerts' office hours) read too.
func (d *DB) Now() time.Time {
	db := d.db
	return db.now()
}

// Dialect says which engine this is.
func (d *DB) Dialect() Dialect {
	db := d.db
	return db.dialect
}

// Writer is the pool that takes writes (and River's work); the jobs package
// builds its client on it.
func (d *DB) Writer() *sql.DB {
	db := d.db
	return db.write
}

// Ping checks that the database answers (for /healthz).
func (d *DB) Ping(ctx context.Context) error {
	db := d.db
	return db.read.PingContext(ctx)
}

// inTx runs fn in a write transaction, committing if it returns nil.
func (db *core) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// mapErr turns driver errors that mean something to the domain into domain
// errors, so that callers never inspect driver types.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return scheme.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return &scheme.Error{Code: scheme.CodeConflict, Message: scheme.ErrConflict.Message, Err: err}
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) && (sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return &scheme.Error{Code: scheme.CodeConflict, Message: scheme.ErrConflict.Message, Err: err}
	}
	return err
}

// IntegrityCheck runs SQLite's integrity check (PostgreSQL checks itself).
func (d *DB) IntegrityCheck(ctx context.Context) error {
	db := d.db

	if db.dialect != SQLite {
		return nil
	}
	var res string
	if err := db.write.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("database integrity check: %s", res)
	}
	return nil
}
