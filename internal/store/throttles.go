package store

import (
	"context"
	"database/sql"
	"time"

	"uglymugs/internal/vault"
)

// Throttle reports whether one more try under key (a client address, or a
// username) is allowed: burst tries at once, then one every `every` (the
// generic cell rate algorithm, kept in the database so that every instance
// shares it). The key is stored only as a keyed hash. When refused, it
// also says how long until the next try is allowed; a refused try costs
// nothing, so hammering does not push the next allowed try further away.
func (area Sessions) Throttle(ctx context.Context, key string, every time.Duration, burst int) (ok bool, wait time.Duration, err error) {
	db := area.db

	idx, err := db.throttleIndex(key)
	if err != nil {
		return false, 0, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		ok, wait, err = db.throttleTx(ctx, tx, idx, every, burst)
		return err
	})
	if err != nil {
		return false, 0, err
	}
	db.sweepThrottles(ctx, db.now().UnixMicro())
	return ok, wait, nil
}

// Refund gives back one try that Throttle allowed under key, for a try
// that turned out to be the rightful person's (a correct password): only
// failures use up an allowance.
func (area Sessions) Refund(ctx context.Context, key string, every time.Duration) error {
	db := area.db

	idx, err := db.throttleIndex(key)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE throttles SET tat = tat - $1 WHERE key_idx = $2`, every.Microseconds(), idx)
		return err
	})
}

func (db *core) throttleIndex(key string) ([]byte, error) {
	// The index keys are per kind; a NUL cannot occur in a username, so
	// this domain never meets real usernames.
	return db.index(vault.KindUsername, "throttle\x00"+key)
}

// throttleTx is Throttle inside the caller's transaction, for a try that
// is counted together with what it does.
func (db *core) throttleTx(ctx context.Context, tx *sql.Tx, idx []byte, every time.Duration, burst int) (ok bool, wait time.Duration, err error) {
	now := db.now().UnixMicro()
	step, limit := every.Microseconds(), int64(burst)*every.Microseconds()
	if _, err := tx.ExecContext(ctx, `INSERT INTO throttles (key_idx, tat) VALUES ($1, 0) ON CONFLICT DO NOTHING`, idx); err != nil {
		return false, 0, err
	}
	lock := ""
	if db.dialect == Postgres {
		lock = ` FOR UPDATE`
	}
	var tat int64
	if err := tx.QueryRowContext(ctx, `SELECT tat FROM throttles WHERE key_idx = $1`+lock, idx).Scan(&tat); err != nil {
		return false, 0, err
	}
	next := max(tat, now) + step
	if next-now > limit {
		return false, time.Duration(next-now-limit) * time.Microsecond, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE throttles SET tat = $1 WHERE key_idx = $2`, next, idx)
	return err == nil, 0, err
}

// sweepThrottles deletes, at most once a minute per process, the rows of
// addresses whose allowance is full again: they say nothing a missing row
// would not.
func (db *core) sweepThrottles(ctx context.Context, now int64) {
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
func (area Sessions) Sign(domain, msg string) ([]byte, error) {
	db := area.db

	return db.index(vault.KindUsername, "sign\x00"+domain+"\x00"+msg)
}
