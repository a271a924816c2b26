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

// sealerOf seals fields of one of userID's rows with her key. In a
// transaction (q is one) it only looks her key up; outside one (q nil) it
// makes it for an account from before keys.
func (db *core) sealerOf(ctx context.Context, q queryer, table, id, userID string) *sealer {
	s := &sealer{db: db, table: table, id: id}
	if userID == "" {
		return s
	}
	if q == nil {
		s.key, s.err = db.memberKey(ctx, userID)
	} else {
		s.key, _, s.err = db.memberKeyIn(ctx, q, userID)
	}
	return s
}

// memberKey returns userID's key, making it (in a transaction of its own)
// for an account from before members had keys. Never call it inside a
// transaction on SQLite: use memberKeyIn.
func (db *core) memberKey(ctx context.Context, userID string) (vault.MemberKey, error) {
	k, ok, err := db.memberKeyIn(ctx, db.read, userID)
	if err != nil || ok {
		return k, err
	}
	if db.vault == nil {
		return k, errNoVault
	}
	k, wrapped, err := db.vault.NewMemberKey(userID)
	if err != nil {
		return k, err
	}
	if err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO member_keys (user_id, key_ct, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO NOTHING`, userID, wrapped, db.now().UTC())
		return err
	}); err != nil {
		return k, fmt.Errorf("member key: %w", err)
	}
	// Another process may have made one first: the stored key wins.
	k, ok, err = db.memberKeyIn(ctx, db.write, userID)
	if err == nil && !ok {
		err = fmt.Errorf("member key of %s: not found after making it", userID)
	}
	return k, err
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
