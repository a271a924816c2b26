package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"uglymugs/internal/vault"
)

// Members' own data keys (table member_keys; see vault.MemberKey). Her
// personal fields — her login, profile, application, devices, drafts and
// the messages addressed to her — are sealed with her key; leaving deletes
// it with her account.
//
// Opened keys are kept a short while in memory (memberKeyCache), so that a
// page or a batch of deliveries does not unwrap one key per field. A key
// is cached only once it is committed, or when it was just made for a new
// account (an id nobody else will ever have), so a rolled-back change
// never leaves a key in memory that the database does not hold.

const (
	memberKeyCacheSize = 20_000
	memberKeyCacheTTL  = 10 * time.Minute
)

type memberKeyCache = expirable.LRU[string, vault.MemberKey]

func newMemberKeyCache() *memberKeyCache {
	return expirable.NewLRU[string, vault.MemberKey](memberKeyCacheSize, nil, memberKeyCacheTTL)
}

// newMemberKey makes a key for an account being made (userID is new):
// seal her first fields with it, then keepMemberKey once her user row is
// in the transaction.
func (db *core) newMemberKey(userID string) (k vault.MemberKey, wrapped []byte, err error) {
	if db.vault == nil {
		return k, nil, errNoVault
	}
	return db.vault.NewMemberKey(userID)
}

// keepMemberKey stores a key newMemberKey made, in the transaction that
// makes her account.
func (db *core) keepMemberKey(ctx context.Context, tx *sql.Tx, k vault.MemberKey, wrapped []byte) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO member_keys (user_id, key_ct, created_at) VALUES ($1, $2, $3)`, k.Subject(), wrapped, db.now().UTC()); err != nil {
		return fmt.Errorf("member key: %w", err)
	}
	db.keys.Add(k.Subject(), k) // a new id: harmless even if the transaction fails
	return nil
}

// sealerOf seals fields of one of userID's rows with her key, looked up
// through q (a transaction, or nil for the pool). An account from before
// members' keys has none until ResealMembers gives her one: hers are
// sealed with the key file's key meanwhile, as before.
func (db *core) sealerOf(ctx context.Context, q queryer, table, id, userID string) *sealer {
	s := &sealer{db: db, table: table, id: id}
	if userID == "" {
		return s
	}
	if q == nil {
		q = db.read
	}
	s.key, _, s.err = db.memberKeyIn(ctx, q, userID)
	return s
}

// memberKeyIn returns userID's key as q sees it; ok is false when she has
// none (an account from before keys, or one that has left).
func (db *core) memberKeyIn(ctx context.Context, q queryer, userID string) (k vault.MemberKey, ok bool, err error) {
	if k, ok := db.keys.Get(userID); ok {
		return k, true, nil
	}
	if db.vault == nil {
		return k, false, errNoVault
	}
	var wrapped []byte
	switch err := q.QueryRowContext(ctx, `SELECT key_ct FROM member_keys WHERE user_id = $1`, userID).Scan(&wrapped); {
	case errors.Is(err, sql.ErrNoRows):
		return k, false, nil
	case err != nil:
		return k, false, err
	}
	if k, err = db.vault.OpenMemberKey(userID, wrapped); err != nil {
		db.reportUnreadable("member_keys", "key", userID)
		return k, false, fmt.Errorf("member_keys.key of %s: %w", userID, err)
	}
	if _, isTx := q.(*sql.Tx); !isTx {
		db.keys.Add(userID, k)
	}
	return k, true, nil
}

// warmMemberKey opens and keeps userID's wrapped key, read with her row
// by a batch, unless it is kept already. One that does not open is left
// for the look-up to report.
func (db *core) warmMemberKey(userID string, wrapped []byte) {
	if len(wrapped) == 0 || db.vault == nil || db.keys.Contains(userID) {
		return
	}
	if k, err := db.vault.OpenMemberKey(userID, wrapped); err == nil {
		db.keys.Add(userID, k)
	}
}

// forgetMemberKey drops userID's key from memory, once she has left.
func (db *core) forgetMemberKey(userID string) { db.keys.Remove(userID) }

// openField opens a value sealed with a member's key or the key file's;
// empty opens to empty. A member key that is gone (she left) makes the
// value unreadable, as a damaged one is.
func (db *core) openField(f vault.Field, ciphertext []byte) ([]byte, error) {
	if len(ciphertext) == 0 {
		return []byte{}, nil
	}
	subject, mine := vault.Subject(ciphertext)
	if !mine {
		return db.vault.Open(f, ciphertext)
	}
	k, ok, err := db.memberKeyIn(context.Background(), db.read, subject)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, vault.Forgotten()
	}
	return k.Open(f, ciphertext)
}

// herColumns are the sealed values that are a member's, by table: where
// the row's id is, how the row is hers (a condition on $1, her id), and
// its sealed columns (column name without _ct).
var herColumns = []struct {
	table, id, mine string
	columns         []string
}{
	{"users", "id", "id = $1", []string{"username", "totp_secret"}},
	{"profiles", "user_id", "user_id = $1", []string{"work_name", "real_name", "email", "mobile", "area"}},
	{"organisations", "id", "id IN (SELECT organisation_id FROM users WHERE id = $1 AND role = 'org_contact')",
		[]string{"name", "website", "email", "key_contact", "description"}},
	{"applications", "id", "user_id = $1", []string{"reason", "question", "answer"}},
	{"push_subscriptions", "id", "user_id = $1", []string{"endpoint", "keys", "label"}},
	{"report_drafts", "id", "user_id = $1", []string{"data"}},
	{"notifications", "id", "user_id = $1", []string{"to", "params"}},
}

// ResealMembers gives each account made before members' keys (one with no
// key) a key of her own and seals what is hers with it, one account per
// transaction, batch accounts at a time until none is left. It returns how
// many accounts it did. Running it again finds nothing to do.
func (d *DB) ResealMembers(ctx context.Context, batch int) (int, error) {
	db := d.db
	if db.vault == nil {
		return 0, errNoVault
	}
	done := 0
	for {
		ids, err := queryStrings(ctx, db.read, `SELECT u.id FROM users u
			WHERE NOT EXISTS (SELECT 1 FROM member_keys k WHERE k.user_id = u.id) ORDER BY u.id LIMIT $1`, batch)
		if err != nil || len(ids) == 0 {
			return done, err
		}
		for _, id := range ids {
			if err := db.resealMember(ctx, id); err != nil {
				return done, fmt.Errorf("member key of %s: %w", id, err)
			}
			done++
		}
	}
}

// resealMember makes userID's key and reseals what is hers with it, in one
// transaction: either all of it moves to her key or none.
func (db *core) resealMember(ctx context.Context, userID string) error {
	k, wrapped, err := db.vault.NewMemberKey(userID)
	if err != nil {
		return err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO member_keys (user_id, key_ct, created_at)
			SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1) ON CONFLICT (user_id) DO NOTHING`, userID, wrapped, db.now().UTC())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNothingToDo // she left, or another process did it
		}
		for _, t := range herColumns {
			for _, c := range t.columns {
				if err := db.resealColumn(ctx, tx, k, t.table, t.id, t.mine, c, userID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if errors.Is(err, errNothingToDo) {
		return nil
	}
	if err == nil {
		db.keys.Add(userID, k)
	}
	return err
}

var errNothingToDo = errors.New("nothing to do")

func (db *core) resealColumn(ctx context.Context, tx *sql.Tx, k vault.MemberKey, table, idColumn, mine, column, userID string) error {
	type value struct {
		id string
		ct []byte
	}
	// #nosec G202 -- constant identifiers from herColumns; her id is an argument
	vals, err := queryRows(ctx, tx, func(rows rowScanner) (v value, err error) {
		return v, rows.Scan(&v.id, &v.ct)
	}, `SELECT `+idColumn+`, `+column+`_ct FROM `+table+` WHERE `+mine+` AND `+column+`_ct IS NOT NULL`, userID)
	if err != nil {
		return err
	}
	for _, v := range vals {
		if _, hers := vault.Subject(v.ct); hers || len(v.ct) == 0 {
			continue
		}
		f := vault.Field{Table: table, Column: column, RowID: v.id}
		pt, err := db.vault.Open(f, v.ct)
		if err != nil {
			if unreadable(err) {
				db.reportUnreadable(table, column, v.id)
				continue // damaged: left as it is, for check-data to list
			}
			return err
		}
		ct, err := k.Seal(f, pt)
		if err != nil {
			return err
		}
		// #nosec G202 -- constant identifiers from herColumns
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+column+`_ct = $1 WHERE `+idColumn+` = $2`, ct, v.id); err != nil {
			return err
		}
	}
	return nil
}
