package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Alert fan-out: the in-app rows, and the email, SMS and push deliveries,
// of the members a published alert reaches, made batch by batch, each
// batch one transaction that moves a cursor (the last member id it
// covered), so that a fan-out killed at any point resumes where it
// stopped and one repeated adds nothing (the primary keys hold).
//
// A batch is the next `batch` candidates by id after the cursor, read
// from an index without the targeting: for a nationwide alert every
// account; for a regional one the members of its regions (the region
// index, one range per region) and the people of organisations, whom a
// key contact's regions may bring in (reachable). The targeting
// (targetFrom's rule) is then applied to those candidates alone, so a
// London alert costs what London's members do, not what the scheme's do.
// Whatever the source, every account with an id up to the cursor is done.

// FanOutAlert makes the in-app rows and the email, SMS and push deliveries
// of the members alert alertID reaches among the next batch candidates by
// id after its cursor, and moves the cursor on. When none remains it
// records the fan-out done and enqueues the senders of the channels it
// filled, in that transaction, and reports done. An alert that is no
// longer published (withdrawn) is done too: nothing more is made for it.
func (area Deliveries) FanOutAlert(ctx context.Context, alertID string, batch int) (done bool, err error) {
	db := area.db

	return db.top.Deliveries.FanOutPart(ctx, alertID, 0, 1, batch)
}

// fanOutParts is how many parts an alert's fan-out is split into: on
// SQLite one (its single writer would only make parts take turns), on
// PostgreSQL four, worked at once by whichever workers are free.
func (db *core) fanOutParts() int {
	switch {
	case db.parts > 0:
		return db.parts
	case db.dialect == Postgres:
		return 4
	}
	return 1
}

// SetFanOutParts sets how many parts alerts published from now on are
// fanned out in (0: the default for the database).
func (area Deliveries) SetFanOutParts(n int) {
	db := area.db
	db.parts = n
}

// idOrder is the alphabet of ids (rand.Text's base32) in byte order: the
// fan-out's parts are ranges of it.
const idOrder = "234567ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// partRange is where part of parts begins (inclusive) and ends
// (exclusive; "" for no end). Ids made otherwise still fall in a part: the
// first begins at "" and the last has no end.
func partRange(part, parts int) (lo, hi string) {
	bound := func(i int) string {
		if i <= 0 || i >= parts {
			return ""
		}
		return idOrder[len(idOrder)*i/parts : len(idOrder)*i/parts+1]
	}
	return bound(part), bound(part + 1)
}

// FanOutPart is FanOutAlert for one part of an alert's members (a range of
// ids) when its fan-out is split into parts, each worked by its own job:
// batches of different parts may run at once, on different instances.
// When the last part is done, the alert's fan-out is marked done and the
// senders are started.
func (area Deliveries) FanOutPart(ctx context.Context, alertID string, part, parts, batch int) (done bool, err error) {
	db := area.db

	if batch <= 0 {
		batch = 2000
	}
	if parts < 1 || part < 0 || part >= parts {
		return false, fmt.Errorf("fan-out: part %d of %d", part, parts)
	}
	lo, hi := partRange(part, parts)
	partDone := false
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// On PostgreSQL a shared lock on the alert orders a batch and a
		// withdrawal (which waits for the batches, then cancels what they
		// queued) while letting the other parts' batches run; the part's
		// own row is locked, so one part is worked by one run at a time.
		share, lock := "", ""
		if db.dialect == Postgres {
			share, lock = ` FOR SHARE`, ` FOR UPDATE`
		}
		var status, legacy string
		var doneAt sql.NullTime
		var urgent, nationwide bool
		if err := tx.QueryRowContext(ctx, `SELECT status, fanout_cursor, fanout_done_at, urgent, nationwide FROM alerts WHERE id = $1`+share, alertID).
			Scan(&status, &legacy, &doneAt, &urgent, &nationwide); err != nil {
			return mapErr(err)
		}
		if status != string(scheme.AlertPublished) || doneAt.Valid {
			done = true
			return nil
		}
		// A fan-out begun in one part before parts existed carries on
		// from the alert's own cursor.
		start := ""
		if parts == 1 {
			start = legacy
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_fanout_parts (alert_id, part, cursor) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			alertID, part, start); err != nil {
			return err
		}
		var cursor string
		var partAt sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT cursor, done_at FROM alert_fanout_parts WHERE alert_id = $1 AND part = $2`+lock,
			alertID, part).Scan(&cursor, &partAt); err != nil {
			return err
		}
		if partAt.Valid {
			partDone = true
			return nil
		}
		now := db.now().UTC()
		// One lower bound, so that each index range starts where the
		// batch does: the part's start before its first batch, then the
		// cursor.
		b := fanOutBatch{alertID: alertID, from: ` >= $2`, after: lo, hi: hi, size: batch, nationwide: nationwide}
		b.users, b.profiles = db.fanOutTables()
		if cursor != "" {
			b.from, b.after = ` > $2`, cursor
		}
		last, err := b.end(ctx, tx)
		if err != nil {
			return fmt.Errorf("fan-out batch: %w", err)
		}
		if !last.Valid {
			partDone = true
			_, err := tx.ExecContext(ctx, `UPDATE alert_fanout_parts SET done_at = $1 WHERE alert_id = $2 AND part = $3`, now, alertID, part)
			return err
		}
		if err := b.fill(ctx, tx, last.String, now, urgent); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE alert_fanout_parts SET cursor = $1 WHERE alert_id = $2 AND part = $3`, last.String, alertID, part)
		return err
	})
	if err != nil || done || !partDone {
		return done, err
	}
	return true, db.finishFanOut(ctx, alertID, parts)
}

// fanOutBatch is one batch of a part's fan-out: the candidates with ids
// from `after` (inclusive when from is " >= $2", else exclusive) below hi
// ("" for no end), at most size of them.
type fanOutBatch struct {
	alertID    string
	from       string
	after, hi  string
	size       int
	nationwide bool

	users, profiles string // db.fanOutTables
}

// end finds the id the batch ends at (inclusive): the size-th candidate's,
// or the last one's if fewer remain; none when no candidate remains. Each
// source is an index range read in id order, at most size entries of it.
func (b fanOutBatch) end(ctx context.Context, tx *sql.Tx) (sql.NullString, error) {
	args := []any{b.size, b.after}
	below := func(string) string { return "" }
	if b.hi != "" {
		args = append(args, b.hi)
		below = func(column string) string { return ` AND ` + column + ` < $3` }
	}
	var last sql.NullString
	if b.nationwide {
		// #nosec G202 -- constant fragments and $n placeholders
		err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM users WHERE id`+b.from+below("id")+` ORDER BY id LIMIT $1) b`,
			args...).Scan(&last)
		return last, err
	}
	regions, err := queryStrings(ctx, tx, `SELECT region FROM alert_regions WHERE alert_id = $1 ORDER BY region`, b.alertID)
	if err != nil {
		return last, err
	}
	// The first size ids of each region's members, and of organisations'
	// people; the batch ends at the size-th of them all.
	var sources []string
	for _, r := range regions {
		args = append(args, r)
		sources = append(sources, `SELECT user_id AS id FROM profile_regions WHERE region = $`+strconv.Itoa(len(args))+
			` AND user_id`+b.from+below("user_id")+` ORDER BY user_id LIMIT $1`)
	}
	sources = append(sources, `SELECT id FROM users WHERE organisation_id IS NOT NULL AND id`+b.from+below("id")+` ORDER BY id LIMIT $1`)
	for i, s := range sources {
		sources[i] = `SELECT id FROM (` + s + `) s` + strconv.Itoa(i)
	}
	// #nosec G202 -- constant fragments and $n placeholders; regions are arguments
	err = tx.QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM (`+strings.Join(sources, ` UNION `)+`) c ORDER BY id LIMIT $1) b`,
		args...).Scan(&last)
	return last, err
}

// fill makes the batch's rows: the in-app rows of the candidates up to
// last whom the alert reaches, then their email, SMS and push deliveries.
func (b fanOutBatch) fill(ctx context.Context, tx *sql.Tx, last string, now time.Time, urgent bool) error {
	within := func(column string) string { return ` AND ` + column + b.from + ` AND ` + column + ` <= $3` }
	// The targeting, applied once, to the batch's candidates alone (read
	// first: CROSS JOIN keeps SQLite from turning the join round and
	// weighing every account instead): a nationwide alert's place is
	// everywhere.
	from := ` FROM ` + b.users + ` JOIN ` + b.profiles + ` ON p.user_id = u.id WHERE` + targetWho + targetTraits + within("u.id")
	if !b.nationwide {
		from = ` FROM (` + reachable(within) + `) b CROSS JOIN ` + b.users + ` CROSS JOIN ` + b.profiles + `
			WHERE u.id = b.id AND p.user_id = u.id AND` + targetWho + targetPlace + targetTraits
	}
	// A member who could already read it (through a check, say) is now
	// a recipient of the alert itself, and so gets email and SMS.
	// #nosec G202 -- constant fragments and $n placeholders
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_recipients (alert_id, user_id, via, created_at)
		SELECT $1, u.id, 'alert', $4`+from+`
		ON CONFLICT (alert_id, user_id) DO UPDATE SET via = 'alert' WHERE alert_recipients.via <> 'alert'`,
		b.alertID, b.after, last, now); err != nil {
		return fmt.Errorf("fan-out in-app: %w", err)
	}
	// Email and SMS, in one pass, go to the batch's recipients (its range
	// of the alert's, which no other batch has) who chose the channel and
	// gave the address: each recipient read once (CROSS JOIN keeps the
	// channels innermost), her rows made in key order. An urgent alert's
	// carry its mark, so that the senders take them first.
	// #nosec G202 -- constant fragments and $n placeholders
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, status, attempts, next_attempt_at, updated_at, urgent)
		SELECT r.alert_id, r.user_id, c.channel, 'queued', 0, $4, $4, $5 FROM alert_recipients r CROSS JOIN `+b.profiles+`
		CROSS JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms') c
		WHERE p.user_id = r.user_id AND CASE c.channel WHEN 'email' THEN `+wantsEmail+` ELSE `+wantsSMS+` END
			AND r.alert_id = $1 AND r.via = 'alert'`+within("r.user_id")+` ON CONFLICT DO NOTHING`,
		b.alertID, b.after, last, now, urgent); err != nil {
		return fmt.Errorf("fan-out email and SMS: %w", err)
	}
	// Push goes to each of their devices: read from the devices in the
	// batch's range (few members have one), not by asking for each.
	// #nosec G202 -- constant fragments and $n placeholders
	if _, err := tx.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, device, status, attempts, next_attempt_at, updated_at, urgent)
		SELECT r.alert_id, r.user_id, 'push', s.id, 'queued', 0, $4, $4, $5 FROM push_subscriptions s CROSS JOIN alert_recipients r
		WHERE r.alert_id = $1 AND r.user_id = s.user_id AND r.via = 'alert'`+within("s.user_id")+` ON CONFLICT DO NOTHING`,
		b.alertID, b.after, last, now, urgent); err != nil {
		return fmt.Errorf("fan-out push: %w", err)
	}
	return nil
}

// finishFanOut marks the alert's fan-out done, and starts the senders of
// the channels it queued messages on, once every part is done; the part
// that finishes last does it (on PostgreSQL the alert's row lock makes
// parts finishing at once take turns).
func (db *core) finishFanOut(ctx context.Context, alertID string, parts int) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.dialect == Postgres {
			lock = ` FOR UPDATE`
		}
		var doneAt sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT fanout_done_at FROM alerts WHERE id = $1`+lock, alertID).Scan(&doneAt); err != nil {
			return mapErr(err)
		}
		var finished int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_fanout_parts WHERE alert_id = $1 AND done_at IS NOT NULL`, alertID).Scan(&finished); err != nil {
			return err
		}
		if doneAt.Valid || finished < parts {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET fanout_done_at = $1 WHERE id = $2`, db.now().UTC(), alertID); err != nil {
			return err
		}
		channels, err := queryStrings(ctx, tx, `SELECT DISTINCT channel FROM alert_deliveries WHERE alert_id = $1 AND status = 'queued' ORDER BY channel`, alertID)
		if err != nil {
			return err
		}
		return db.startDeliveries(ctx, tx, outbox.StartOrder(channels)...)
	})
}
