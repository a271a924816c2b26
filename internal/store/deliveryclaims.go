package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"uglymugs/internal/outbox"
)

// The senders' side of alert delivery: claim a batch, open its addresses,
// mark what went. A claim is one short write transaction that also reads
// the sealed addresses; they are opened after it commits, on every core at
// once, so that SQLite's single writer is not held while they are.

// deliveryDue is the condition for a delivery a sender may claim: $2 is
// now, $3 the time before which a "sending" claim counts as abandoned.
const deliveryDue = `(status = 'queued' OR (status = 'retrying' AND next_attempt_at <= $2) OR (status = 'sending' AND updated_at < $3))`

// pending is the condition of the index alert_deliveries_claim (migration
// 0031), stated so that the claim walks that index in its order and stops
// at its limit, instead of reading and sorting every delivery of the
// channel ever made.
const pending = `status IN ('queued', 'retrying', 'sending')`

// ClaimDeliveries marks up to limit due deliveries of channel "sending",
// counting an attempt, and returns each with the member's current address
// (decrypted), whether the member still wants the channel and whether the
// alert is still published. Urgent alerts' deliveries go first, then the
// oldest due. claimant is the
// claiming process's heartbeat id (see Heartbeat): if that process falls
// silent, RescueOrphanedJobs hands its claims back within seconds. A claim
// with no claimant ("") is taken again only after staleAfter. If an
// address cannot be opened the claims are handed back and the error
// returned.
func (area Deliveries) ClaimDeliveries(ctx context.Context, channel, claimant string, limit int, staleAfter time.Duration) ([]outbox.AlertDelivery, error) {
	db := area.db

	if limit <= 0 {
		limit = 100
	}
	claim, err := db.writeStmt(ctx, db.claimQuery())
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	// One statement, on its own: atomic without a transaction around it,
	// and so without the statement journal SQLite keeps for a statement
	// inside one (for a claim's hundreds of rows, a file written and
	// deleted each time).
	now := db.now().UTC()
	rows, err := claim.QueryContext(ctx, channel, now, now.Add(-staleAfter), limit, nullable(claimant))
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	out := make([]outbox.AlertDelivery, 0, limit)
	err = eachRow(rows, func() error {
		d := outbox.AlertDelivery{Channel: channel}
		if err := rows.Scan(&d.AlertID, &d.UserID, &d.Device, &d.Attempts, &d.Urgent); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	// Read after the claim, on the writer's connection, whose page cache
	// is warm (a reader's is emptied whenever the writer commits, and
	// would read every page again): the claimed rows are this sender's
	// alone, and a member's address or choice read a moment later is only
	// more current.
	sealed, err := db.readDeliveries(ctx, channel, out)
	if err == nil {
		err = db.openDeliveries(channel, out, sealed)
	}
	if err != nil {
		// Not this batch's to keep: back as they were, to be tried again.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return nil, errors.Join(err, db.releaseClaims(rctx, out))
	}
	return out, nil
}

// claimQuery is the claim's statement: the batch is picked once
// (MATERIALIZED: a LIMIT in a subquery that the plan may run again for
// each row would claim more). Two senders on PostgreSQL skip each other's
// rows; the condition is repeated outside so that a row claimed meanwhile
// is not taken twice.
func (db *core) claimQuery() string {
	skip := ""
	if db.dialect == Postgres {
		skip = ` FOR UPDATE SKIP LOCKED`
	}
	return `WITH picked AS MATERIALIZED (
			SELECT alert_id, user_id, device FROM alert_deliveries WHERE channel = $1 AND ` + pending + ` AND ` + deliveryDue + `
			ORDER BY urgent DESC, next_attempt_at, alert_id, user_id, device LIMIT $4` + skip + `)
		UPDATE alert_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $2, claimed_by = $5
		WHERE channel = $1 AND ` + deliveryDue + ` AND (alert_id, user_id, device) IN (SELECT alert_id, user_id, device FROM picked)
		RETURNING alert_id, user_id, device, attempts, urgent`
}

// releaseClaims hands claimed deliveries back undone, their attempt not
// counted, in one statement.
func (db *core) releaseClaims(ctx context.Context, ds []outbox.AlertDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for part := range chunks(ds, markChunk) {
			keys, err := deliveryKeysArg(part)
			if err != nil {
				return err
			}
			// #nosec G202 -- deliveryKeys is a constant fragment with a $n placeholder; the keys are an argument
			if _, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = CASE WHEN attempts <= 1 THEN 'queued' ELSE 'retrying' END,
				attempts = attempts - 1, next_attempt_at = $1, updated_at = $1 WHERE status = 'sending' AND `+db.deliveryKeys(2), db.now().UTC(), keys); err != nil {
				return err
			}
		}
		return nil
	})
}

// sealedMember is a member's row as read for a batch: her address still
// sealed, and her wrapped data key.
type sealedMember struct {
	id, language     string
	wanted, discreet bool
	ct, key          []byte
}

// sealedDevice is a push subscription as read for a batch, still sealed.
type sealedDevice struct {
	id, userID     string
	endpoint, keys []byte
}

// sealedBatch is what readDeliveries read for a batch, for openDeliveries.
type sealedBatch struct {
	column  string
	members []sealedMember
	devices []sealedDevice
	live    map[string]bool
}

// readDeliveries reads, on the write pool, each member's sealed address
// and choice and each alert's status: one query for the members, one for
// the alerts and, for push, one for the devices, each prepared once.
func (db *core) readDeliveries(ctx context.Context, channel string, ds []outbox.AlertDelivery) (*sealedBatch, error) {
	query := func(q string, args ...any) (*sql.Rows, error) {
		st, err := db.writeStmt(ctx, q)
		if err != nil {
			return nil, err
		}
		return st.QueryContext(ctx, args...)
	}
	b := &sealedBatch{live: map[string]bool{}}
	if len(ds) == 0 {
		return b, nil
	}
	users, alerts := map[string]bool{}, map[string]bool{}
	var userArgs, alertArgs []any
	for _, d := range ds {
		if !users[d.UserID] {
			users[d.UserID] = true
			userArgs = append(userArgs, d.UserID)
		}
		if !alerts[d.AlertID] {
			alerts[d.AlertID] = true
			alertArgs = append(alertArgs, d.AlertID)
		}
	}
	column, choice := "email", "p.alert_email"
	switch channel {
	case "sms":
		column, choice = "mobile", "p.alert_sms"
	case "push":
		// Push is chosen per device: a member wants it while the device's
		// subscription exists (the devices' query).
		column, choice = "email", "TRUE"
	}
	b.column = column
	ctCol := "p." + column + "_ct"
	if channel == "push" {
		ctCol = "NULL" // no address of hers is needed: the device's is
	}
	b.members = make([]sealedMember, 0, len(userArgs))
	// #nosec G202 -- constant fragments and column names chosen in code, and $n placeholders; values are arguments
	// Each member's data key comes with her row, so that the batch opens
	// its addresses without a look-up per member.
	rows, err := query(`SELECT u.id, u.status = 'active' AND COALESCE(`+choice+`, FALSE), `+ctCol+`, u.language, COALESCE(p.discreet, FALSE), k.key_ct
		FROM users u LEFT JOIN profiles p ON p.user_id = u.id LEFT JOIN member_keys k ON k.user_id = u.id
		WHERE u.id IN (`+db.jsonList(1)+`)`, jsonArg(userArgs))
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var m sealedMember
		if err := rows.Scan(&m.id, &m.wanted, &m.ct, &m.language, &m.discreet, &m.key); err != nil {
			return err
		}
		b.members = append(b.members, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if channel == "push" {
		seen := map[string]bool{}
		var args []any
		for _, d := range ds {
			if !seen[d.Device] {
				seen[d.Device] = true
				args = append(args, d.Device)
			}
		}
		// #nosec G202 -- placeholders only
		rows, err := query(`SELECT id, user_id, endpoint_ct, keys_ct FROM push_subscriptions WHERE id IN (`+db.jsonList(1)+`)`, jsonArg(args))
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var d sealedDevice
			if err := rows.Scan(&d.id, &d.userID, &d.endpoint, &d.keys); err != nil {
				return err
			}
			b.devices = append(b.devices, d)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// #nosec G202 -- constant fragments and column names chosen in code, and $n placeholders; values are arguments
	rows, err = query(`SELECT id FROM alerts WHERE status = 'published' AND id IN (`+db.jsonList(1)+`)`, jsonArg(alertArgs))
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		b.live[id] = true
		return nil
	})
	return b, err
}

// openDeliveries opens what readDeliveries read, on up to GOMAXPROCS
// goroutines, and fills in ds.
func (db *core) openDeliveries(channel string, ds []outbox.AlertDelivery, b *sealedBatch) error {
	if len(ds) == 0 {
		return nil
	}
	type member struct {
		to, language     string
		wanted, discreet bool
	}
	members := make([]member, len(b.members))
	devices := make([]pushTarget, len(b.devices))
	var firstErr error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		firstErr = cmpErr(firstErr, err)
		mu.Unlock()
	}
	parallel(len(b.members)+len(b.devices), func(i int) {
		if i >= len(b.members) {
			d := b.devices[i-len(b.members)]
			t := pushTarget{userID: d.userID}
			var err error
			if t.endpoint, err = db.open("push_subscriptions", "endpoint", d.id, d.endpoint); err != nil {
				fail(err)
				return
			}
			if err := db.openJSON("push_subscriptions", "keys", d.id, d.keys, &t.keys); err != nil {
				fail(err)
				return
			}
			devices[i-len(b.members)] = t
			return
		}
		m := b.members[i]
		db.warmMemberKey(m.id, m.key)
		var to string
		if len(m.ct) > 0 {
			var err error
			if to, err = db.open("profiles", b.column, m.id, m.ct); err != nil {
				fail(err)
				return
			}
		}
		members[i] = member{to: to, language: m.language, wanted: m.wanted && (to != "" || channel == "push"), discreet: m.discreet}
	})
	if firstErr != nil {
		return firstErr
	}
	byUser := make(map[string]*member, len(members))
	for i := range members {
		byUser[b.members[i].id] = &members[i]
	}
	byDevice := make(map[string]*pushTarget, len(devices))
	for i := range devices {
		byDevice[b.devices[i].id] = &devices[i]
	}
	for i := range ds {
		var m member
		if p := byUser[ds[i].UserID]; p != nil {
			m = *p
		}
		ds[i].To, ds[i].Language, ds[i].Wanted, ds[i].Live = m.to, m.language, m.wanted, b.live[ds[i].AlertID]
		if channel == "push" {
			dev := byDevice[ds[i].Device]
			// A device gone, or taken over by another member, is not hers.
			ds[i].Wanted = m.wanted && dev != nil && dev.userID == ds[i].UserID
			ds[i].To, ds[i].Discreet = "", m.discreet
			if dev != nil {
				ds[i].To, ds[i].Keys = dev.endpoint, dev.keys
			}
		}
	}
	return nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// parallel calls fn(0) … fn(n-1) on up to GOMAXPROCS goroutines.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for from := 0; from < n; from += per {
		to := min(from+per, n)
		wg.Go(func() {
			for i := from; i < to; i++ {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// pushTarget is a subscription's endpoint and keys, decrypted for sending.
type pushTarget struct {
	userID, endpoint string
	keys             outbox.PushKeys
}

// markChunk is the most deliveries one statement names.
const markChunk = 1000

// chunks yields s in parts of at most n.
func chunks[T any](s []T, n int) func(func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// deliveryKeys is the condition that picks deliveries by their keys, given
// as one JSON array of [alert, user, channel, device] in parameter $n: one
// statement, the same text for any number of them (prepared once, not
// parsed again for each length), that looks each up by the primary key.
func (db *core) deliveryKeys(n int) string {
	from := fmt.Sprintf("json_each($%d)", n)
	if db.dialect == Postgres {
		from = fmt.Sprintf("jsonb_array_elements($%d::jsonb) AS e(value)", n)
	}
	return `(alert_id, user_id, channel, device) IN (SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM ` + from + `)`
}

// jsonList is the strings of the JSON array in parameter $n, for "IN (…)":
// one statement text however many there are.
func (db *core) jsonList(n int) string {
	if db.dialect == Postgres {
		return fmt.Sprintf("SELECT jsonb_array_elements_text($%d::jsonb)", n)
	}
	return fmt.Sprintf("SELECT value FROM json_each($%d)", n)
}

// jsonArg is vs (strings) as a JSON array, for jsonList.
func jsonArg(vs []any) string {
	b, _ := json.Marshal(vs) // strings only: cannot fail
	return string(b)
}

// deliveryKeysArg is ds's keys for deliveryKeys.
func deliveryKeysArg(ds []outbox.AlertDelivery) (string, error) {
	keys := make([][4]string, len(ds))
	for i, d := range ds {
		keys[i] = [4]string{d.AlertID, d.UserID, d.Channel, d.Device}
	}
	b, err := json.Marshal(keys)
	return string(b), err
}

// MarkSent records deliveries as sent, all in one transaction and one
// statement for up to markChunk of them: a sender marks its messages in
// groups as they are accepted, instead of paying a transaction for each.
func (area Deliveries) MarkSent(ctx context.Context, ds []outbox.AlertDelivery) error {
	db := area.db

	if len(ds) == 0 {
		return nil
	}
	now := db.now().UTC()
	// #nosec G202 -- deliveryKeys is a constant fragment with a $n placeholder; the keys are an argument
	mark, err := db.writeStmt(ctx, `UPDATE alert_deliveries SET status = 'sent', sent_at = $1, updated_at = $1, error = ''
		WHERE status <> 'sent' AND `+db.deliveryKeys(2))
	if err != nil {
		return err
	}
	if len(ds) <= markChunk && ds[0].Device == "" {
		// Email and SMS: one statement, on its own (see ClaimDeliveries).
		keys, err := deliveryKeysArg(ds)
		if err != nil {
			return err
		}
		_, err = mark.ExecContext(ctx, now, keys)
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var devices []string
		for part := range chunks(ds, markChunk) {
			keys, err := deliveryKeysArg(part)
			if err != nil {
				return err
			}
			if _, err := tx.StmtContext(ctx, mark).ExecContext(ctx, now, keys); err != nil {
				return err
			}
			for _, d := range part {
				if d.Device != "" {
					devices = append(devices, d.Device)
				}
			}
		}
		for part := range chunks(devices, markChunk) {
			// #nosec G202 -- placeholders only
			if _, err := tx.ExecContext(ctx, `UPDATE push_subscriptions SET last_sent_at = $1 WHERE id IN (`+placeholders(2, len(part))+`)`,
				append([]any{now}, stringsToAny(part)...)...); err != nil {
				return err
			}
		}
		return nil
	})
}
