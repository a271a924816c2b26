// Package bench measures the service at scale on one machine and writes
// what it found, each figure beside a floor measured in the same run: the
// raw indexed lookup beside the check, a bare INSERT…SELECT beside the
// alert fan-out, a bare SMTP client beside the alert sender. It builds and
// runs the real binary, seeds a fresh SQLite database with made-up data,
// and loads the server with vegeta over HTTP.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	_ "modernc.org/sqlite" // the raw lookups read the file directly

	"uglymugs/internal/check"
	"uglymugs/internal/password"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// Config is the scale of a run.
type Config struct {
	Members     int    // seeded members (1,000,000 for the figures)
	Identifiers int    // identifiers in published alerts (10,000,000)
	Reports     int    // reports seeded to weigh the database per 1,000
	Seconds     int    // length of each load phase
	Dir         string // work directory (a fresh database is made there)
	// DB is a PostgreSQL server's URL to run on (a fresh database is made
	// there for the run, and dropped after); "" for SQLite in Dir.
	DB     string
	Binary string // the uglymugs binary to run
	Log    io.Writer
}

// Figure is one measurement beside its floor and target.
type Figure struct {
	Name, Value, Floor, Target string
	Met                        bool
	Note                       string
}

// Results is everything a run found.
type Results struct {
	Started  time.Time
	Took     time.Duration
	Machine  string
	Dialect  string // SQLite or PostgreSQL
	Config   Config
	Seeding  []string
	Figures  []Figure
	Profiles []Profile
	Findings []string
}

func (r *Results) add(f Figure) { r.Figures = append(r.Figures, f) }

func (c Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, time.Now().Format("15:04:05 ")+format+"\n", args...)
	}
}

// Run seeds, measures and returns the results.
func Run(ctx context.Context, c Config) (*Results, error) {
	res := &Results{Started: time.Now(), Config: c, Machine: machine()}
	data, err := c.database(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := data.drop(context.WithoutCancel(ctx)); err != nil {
			c.logf("dropping the benchmark's database: %v", err)
		}
	}()
	res.Dialect = data.dialect
	keys := filepath.Join(c.Dir, "bench.keys")
	v, err := vault.Generate()
	if err != nil {
		return nil, err
	}
	if err := vault.WriteNew(keys, v); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, data.src, v)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}

	// Seeding.
	hash, err := password.Hash("seed member password", password.Default)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	prefix, err := db.SeedMembers(ctx, c.Members, hash, nil)
	if err != nil {
		return nil, err
	}
	res.Seeding = append(res.Seeding, fmt.Sprintf("%d members in %s (%.0f a second)", c.Members, since(t0), rate(c.Members, t0)))
	c.logf("seeded %d members", c.Members)
	t0 = time.Now()
	email, username, err := db.SeedIdentifiers(ctx, c.Identifiers, nil)
	if err != nil {
		return nil, err
	}
	res.Seeding = append(res.Seeding, fmt.Sprintf("%d identifiers in %d published alerts in %s (%.0f a second)", c.Identifiers, (c.Identifiers+9)/10, since(t0), rate(c.Identifiers, t0)))
	c.logf("seeded %d identifiers", c.Identifiers)
	if err := data.settle(ctx, db); err != nil {
		return nil, err
	}
	before := data.size(ctx, db)
	t0 = time.Now()
	if err := db.SeedReports(ctx, c.Reports, nil); err != nil {
		return nil, err
	}
	if err := data.settle(ctx, db); err != nil {
		return nil, err
	}
	perK := float64(data.size(ctx, db)-before) / float64(c.Reports) * 1000
	res.Seeding = append(res.Seeding, fmt.Sprintf("%d reports (a third of them published alerts) in %s (%.0f a second)", c.Reports, since(t0), rate(c.Reports, t0)))
	res.add(Figure{Name: "Database size per 1,000 reports", Value: mib(perK),
		Note: "each with its offender and two identifiers, encrypted content, and a third with an alert; measured as the database's growth"})
	res.Seeding = append(res.Seeding, fmt.Sprintf("database: %s", mib(float64(data.size(ctx, db)))))
	c.logf("seeded %d reports", c.Reports)

	// The check: raw lookup, the check in process, then over HTTP.
	hits := []string{email, username}
	raw, err := checkFigures(ctx, c, res, db, data, prefix, hits)
	if err != nil {
		return nil, err
	}
	if err := serverFigures(ctx, c, res, db, data, keys, prefix, hits, raw); err != nil {
		return nil, err
	}
	res.Took = time.Since(res.Started)
	return res, nil
}

// checkFigures measures the raw indexed lookup and the whole check in
// process (counting the allowance and logging it), on the seeded database.
func checkFigures(ctx context.Context, c Config, res *Results, db *store.DB, data *database, prefix string, hits []string) (rawP50 time.Duration, err error) {
	v, err := vault.Load(filepath.Join(c.Dir, "bench.keys"))
	if err != nil {
		return 0, err
	}
	raw, err := data.rawConn()
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	stmt, err := raw.PrepareContext(ctx, `SELECT alert_id FROM alert_identifiers WHERE kind = $1 AND value_idx = $2`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	const n = 20000
	var lat []time.Duration
	for i := range n {
		kind, value := lookupValue(hits, i)
		k := vault.KindEmail
		if kind == "username" {
			k = vault.KindHandle
		}
		idx := v.Index(k, value)
		t := time.Now()
		rows, err := stmt.QueryContext(ctx, kind, idx)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			return 0, err
		}
		lat = append(lat, time.Since(t))
	}
	rawP50, rawP99 := pct(lat, 50), pct(lat, 99)
	c.logf("raw lookup p50 %v p99 %v", rawP50, rawP99)

	// A thousand members in turn: a real member makes at most 50 checks a
	// day, so no one's allowance count runs long.
	var users []scheme.User
	for i := range min(1000, c.Members) {
		u, err := member(ctx, db, prefix, i)
		if err != nil {
			return 0, err
		}
		users = append(users, u)
	}
	svc := check.New(db, time.UTC, check.Limits{PerDay: 1 << 30, PerMinute: 1 << 30})
	lat = lat[:0]
	for i := range n {
		kind, value := lookupValue(hits, i)
		t := time.Now()
		if _, err := svc.Member(ctx, users[i%len(users)], check.ChannelWeb, kind, value); err != nil {
			return 0, err
		}
		lat = append(lat, time.Since(t))
	}
	p50, p99 := pct(lat, 50), pct(lat, 99)
	c.logf("check in process p50 %v p99 %v", p50, p99)
	res.add(Figure{Name: "Check, in the server (allowance counted, check logged), p50 / p99", Value: fmt.Sprintf("%s / %s", dur(p50), dur(p99)),
		Floor:  fmt.Sprintf("raw indexed lookup %s / %s", dur(rawP50), dur(rawP99)),
		Target: "p50 within 20× the raw lookup's", Met: p50 <= 20*rawP50,
		Note: fmt.Sprintf("%.1f× the raw lookup; %d checks by %d members in turn, half of them of seeded values, half of values in no alert", float64(p50)/float64(rawP50), n, len(users))})
	return rawP50, nil
}

// lookupValue alternates seeded values (found) and values in no alert.
func lookupValue(hits []string, i int) (kind, value string) {
	switch i % 4 {
	case 0:
		return "email", hits[0]
	case 1:
		return "username", hits[1]
	case 2:
		return "email", fmt.Sprintf("nobody.%d@example.org", i)
	}
	return "username", fmt.Sprintf("nobody_%d", i)
}

// insertSelectFloor times a bare INSERT…SELECT of n rows into a scratch
// table: the least the fan-out's writes can cost. It runs while the
// server is idle (on SQLite its writes wait for the server's).
func insertSelectFloor(ctx context.Context, db *store.DB, n int) (time.Duration, error) {
	w := db.Writer()
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS bench_floor (alert_id TEXT NOT NULL, user_id TEXT NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (alert_id, user_id))`); err != nil {
		return 0, err
	}
	t := time.Now()
	if _, err := w.ExecContext(ctx, `INSERT INTO bench_floor SELECT 'floor', id, $1 FROM users LIMIT $2`, time.Now().UTC(), n); err != nil {
		return 0, err
	}
	d := time.Since(t)
	_, err := w.ExecContext(ctx, `DROP TABLE bench_floor`)
	return d, err
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func since(t time.Time) string { return time.Since(t).Round(100 * time.Millisecond).String() }

func rate(n int, t time.Time) float64 { return float64(n) / time.Since(t).Seconds() }

func fileSize(p string) int64 {
	var n int64
	for _, f := range []string{p, p + "-wal"} {
		if fi, err := os.Stat(f); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func mib(b float64) string { return fmt.Sprintf("%.2f MiB", b/(1<<20)) }

func dur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	case d < time.Second:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	}
	return d.Round(10 * time.Millisecond).String()
}

// member is a seeded member's user, found by number.
func member(ctx context.Context, db *store.DB, prefix string, n int) (scheme.User, error) {
	return db.Accounts.UserByUsername(ctx, fmt.Sprintf("%s%07d", prefix, n))
}
