package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/vault"
)

func openWith(t *testing.T, src store.Source, v *vault.Vault) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), src, v)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// otherIndexKeys is the test key file with its encryption keys kept and
// its blind-index keys replaced: it opens every ciphertext, but no look-up
// would ever find anything.
func otherIndexKeys(t *testing.T) *vault.Vault {
	t.Helper()
	mine, err := storetest.Vault(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := vault.Generate()
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := fresh.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := json.Unmarshal(mine, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(theirs, &b); err != nil {
		t.Fatal(err)
	}
	a["index"] = b["index"]
	out, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func wantWrongKeys(t *testing.T, what string, err error, reason string) {
	t.Helper()
	var wk *store.WrongKeysError
	if !errors.As(err, &wk) || !strings.Contains(wk.Reason, reason) {
		t.Errorf("%s: %v, want the key file refused because %q", what, err, reason)
	}
}

// TestKeys_AnotherKeyFileIsRefusedBeforeAnythingIsWritten: the database's
// own key file passes the check; another installation's, or one with the
// same encryption keys but other blind-index keys, is refused by both the
// read-only check and EnsureKeys, which leaves the canary as it was.
func TestKeys_AnotherKeyFileIsRefusedBeforeAnythingIsWritten(t *testing.T) {
	ctx := context.Background()
	storetest.EachSource(t, func(t *testing.T, src store.Source) {
		own := openWith(t, src, storetest.Vault(t))
		if err := own.CheckKeys(ctx); err != nil {
			t.Fatalf("the database's own key file: %v", err)
		}
		if err := own.EnsureKeys(ctx); err != nil {
			t.Fatalf("the database's own key file: %v", err)
		}
		stranger, err := vault.Generate()
		if err != nil {
			t.Fatal(err)
		}
		other := openWith(t, src, stranger)
		wantWrongKeys(t, "check with another installation's keys", other.CheckKeys(ctx), "which the key file does not hold")
		wantWrongKeys(t, "ensure with another installation's keys", other.EnsureKeys(ctx), "which the key file does not hold")
		wantWrongKeys(t, "migrate with another installation's keys", func() error { _, err := other.Migrate(ctx); return err }(), "which the key file does not hold")
		half := openWith(t, src, otherIndexKeys(t))
		wantWrongKeys(t, "check with other index keys", half.CheckKeys(ctx), "blind-index key for")
		wantWrongKeys(t, "ensure with other index keys", half.EnsureKeys(ctx), "blind-index key for")
		if err := own.CheckKeys(ctx); err != nil {
			t.Errorf("after the refusals, the own key file: %v", err)
		}
	})
}

// TestKeys_ADatabaseFromBeforeTheCanaryIsCheckedAgainstItsData: with no
// canary yet (a database from before it existed), a key file is checked
// against the users already there before the canary is written, so the
// first start with the wrong key file cannot record the wrong keys.
func TestKeys_ADatabaseFromBeforeTheCanaryIsCheckedAgainstItsData(t *testing.T) {
	ctx := context.Background()
	storetest.EachSource(t, func(t *testing.T, src store.Source) {
		own := openWith(t, src, storetest.Vault(t))
		if _, err := own.Accounts.CreateUser(ctx, "test", store.NewUser{Username: "coord.canary", Role: scheme.RoleCoordinator, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := own.Writer().ExecContext(ctx, `DELETE FROM key_canary`); err != nil {
			t.Fatal(err)
		}
		if err := own.CheckKeys(ctx); !errors.Is(err, store.ErrNoKeyCanary) {
			t.Fatalf("check with no canary: %v", err)
		}
		stranger, err := vault.Generate()
		if err != nil {
			t.Fatal(err)
		}
		wantWrongKeys(t, "another installation's keys", openWith(t, src, stranger).EnsureKeys(ctx), "which the key file does not hold")
		wantWrongKeys(t, "other index keys", openWith(t, src, otherIndexKeys(t)).EnsureKeys(ctx), "blind-index key for usernames")
		if err := own.CheckKeys(ctx); !errors.Is(err, store.ErrNoKeyCanary) {
			t.Errorf("a refused key file wrote a canary: %v", err)
		}
		if err := own.EnsureKeys(ctx); err != nil {
			t.Fatalf("the own key file: %v", err)
		}
		if err := own.CheckKeys(ctx); err != nil {
			t.Errorf("after the own key file recorded it: %v", err)
		}
	})
}

// TestKeys_ARotatedKeyFileStillOpensAndResealsTheCanary: a key file with
// a newer active key still holds the old one, so it belongs; the canary
// is sealed again under the new key, so that the old key can go once the
// data is re-encrypted.
func TestKeys_ARotatedKeyFileStillOpensAndResealsTheCanary(t *testing.T) {
	ctx := context.Background()
	storetest.EachSource(t, func(t *testing.T, src store.Source) {
		b, err := storetest.Vault(t).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		rotated, err := vault.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rotated.Rotate(); err != nil {
			t.Fatal(err)
		}
		db := openWith(t, src, rotated)
		if err := db.EnsureKeys(ctx); err != nil {
			t.Fatal(err)
		}
		var sealed []byte
		if err := db.Writer().QueryRowContext(ctx, `SELECT sealed FROM key_canary`).Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if id, _ := vault.KeyID(sealed); id != rotated.ActiveKeyID() {
			t.Errorf("the canary is sealed with %s, want the active key %s", id, rotated.ActiveKeyID())
		}
	})
}
