package store

import (
	"context"
	"database/sql"
	"time"

	"uglymugs/internal/vault"
)

// Throttle reports whether one more try from key (a client address) is
// allowed: burst tries at once, then one every `every` (the generic cell
// rate algorithm, kept in the database so that every instance shares it).
// The key is stored only as a keyed hash. When refused, it also says how
// long until the next try is allowed.
func (db *DB) Throttle(ctx context.Context, key string, every time.Duration, burst int) (ok bool, wait time.Duration, err error) {
	// The index keys are per kind; a NUL cannot occur in a username, so
	// this domain never meets real usernames.
	idx, err := db.index(vault.KindUsername, "throttle\x00"+key)
	if err != nil {
		return false, 0, err
	}
	now := db.now().UnixMicro()
	step, limit := every.Microseconds(), int64(burst)*every.Microseconds()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO throttles (key_idx, tat) VALUES ($1, 0) ON CONFLICT DO NOTHING`, idx); err != nil {
			return err
		}
		lock := ""
		if db.dialect == Postgres {
			lock = ` FOR UPDATE`
		}
		var tat int64
		if err := tx.QueryRowContext(ctx, `SELECT tat FROM throttles WHERE key_idx = $1`+lock, idx).Scan(&tat); err != nil {
			return err
		}
		next := max(tat, now) + step
		if next-now > limit {
			wait = time.Duration(next-now-limit) * time.Microsecond
			return nil
		}
		ok = true
		_, err := tx.ExecContext(ctx, `UPDATE throttles SET tat = $1 WHERE key_idx = $2`, next, idx)
		return err
	})
	if err != nil {
		return false, 0, err
	}
	db.sweepThrottles(ctx, now)
	return ok, wait, nil
}

// sweepThrottles deletes, at most once a minute per process, the rows of
// addresses whose allowance is full again: they say nothing a missing row
// would not.
func (db *DB) sweepThrottles(ctx context.Context, now int64) {
	db.sweepMu.Lock()
	due := now-db.sweptAt > time.Minute.Microseconds()
	if due {
		db.sweptAt = now
	}
	db.sweepMu.Unlock()
	if due {
		_, _ = db.write.ExecContext(ctx, `DELETE FROM throttles WHERE tat < $1`, now) // best effort: the next sweep tries again
	}
}

// Sign returns a keyed hash of msg for a purpose (domain) that every
// instance sharing the key file computes alike: for values the site hands
// out and must recognise later, such as the contact form's timestamp.
func (db *DB) Sign(domain, msg string) ([]byte, error) {
	return db.index(vault.KindUsername, "sign\x00"+domain+"\x00"+msg)
}
