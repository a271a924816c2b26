package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/vault"
)

// Her fields are sealed with her own key; a copy of them taken while she
// was a member (as a backup holds them) opens no more once she has left,
// in this process or a fresh one, while another member's still does.
func TestMemberKeys_LeavingMakesACopyOfHerFieldsUnreadable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		people := map[string]string{}
		for _, name := range []string{"leaver", "stayer"} {
			u, err := db.Accounts.CreateUser(ctx, "test", store.NewUser{Username: "keys." + name, Role: scheme.RoleMember, PasswordHash: "x"})
			if err != nil {
				t.Fatal(err)
			}
			people[name] = u.ID
		}
		if err := db.Accounts.SetTOTP(ctx, people["leaver"], "JBSWY3DPEHPK3PXP", nil); err != nil {
			t.Fatal(err)
		}
		type copied struct {
			table, column, id string
			ct                []byte
		}
		copyOf := func(userID string) []copied {
			var out []copied
			for _, c := range []struct{ column, field string }{{"username_ct", "username"}, {"totp_secret_ct", "totp_secret"}} {
				var ct []byte
				if err := db.Writer().QueryRowContext(ctx, `SELECT `+c.column+` FROM users WHERE id = $1`, userID).Scan(&ct); err != nil {
					t.Fatal(err)
				}
				if len(ct) == 0 {
					continue
				}
				if subject, ok := vault.Subject(ct); !ok || subject != userID {
					t.Errorf("users.%s of %s is sealed with %q's key, want hers", c.field, userID, subject)
				}
				out = append(out, copied{"users", c.field, userID, ct})
			}
			return out
		}
		leaverCopy, stayerCopy := copyOf(people["leaver"]), copyOf(people["stayer"])
		if len(leaverCopy) != 2 || len(stayerCopy) != 1 {
			t.Fatalf("copied %d and %d values", len(leaverCopy), len(stayerCopy))
		}
		for _, c := range leaverCopy {
			if _, err := store.OpenField(db, c.table, c.column, c.id, c.ct); err != nil {
				t.Fatalf("before she left, %s.%s does not open: %v", c.table, c.column, err)
			}
		}
		if err := db.Accounts.Leave(ctx, people["leaver"]); err != nil {
			t.Fatal(err)
		}
		var keys int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM member_keys WHERE user_id = $1`, people["leaver"]).Scan(&keys); err != nil || keys != 0 {
			t.Fatalf("her key is still stored (%d, %v)", keys, err)
		}
		for round, fresh := range []bool{false, true} {
			if fresh {
				store.ForgetKeysInMemory(db)
			}
			for _, c := range leaverCopy {
				if s, err := store.OpenField(db, c.table, c.column, c.id, c.ct); !errors.Is(err, vault.ErrDecrypt) || !errors.Is(err, vault.ErrForgotten) || s != "" {
					t.Errorf("round %d: after she left, her copied %s.%s opened: %q, %v", round, c.table, c.column, s, err)
				}
			}
			for _, c := range stayerCopy {
				if s, err := store.OpenField(db, c.table, c.column, c.id, c.ct); err != nil || s != "keys.stayer" {
					t.Errorf("round %d: the other member's %s.%s: %q, %v", round, c.table, c.column, s, err)
				}
			}
		}
	})
}

// An account from before members' keys (her values under the key file's
// key) gets a key of her own from ResealMembers, with everything of hers
// resealed under it and reading as before; a second pass finds nothing to
// do; and once she leaves, the copies open no more.
func TestMemberKeys_ResealGivesAnOlderAccountHerOwnKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.Accounts.CreateUser(ctx, "test", store.NewUser{Username: "keys.older", Role: scheme.RoleMember, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		// As she was before keys: no key, her username under the scheme's key.
		old, err := store.SealWithSchemeKey(db, "users", "username", u.ID, "keys.older")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`DELETE FROM member_keys WHERE user_id = $1`, `UPDATE users SET username_ct = $2 WHERE id = $1`} {
			args := []any{u.ID}
			if strings.Contains(q, "$2") {
				args = append(args, old)
			}
			if _, err := db.Writer().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		store.ForgetKeysInMemory(db)
		// Without a key, what she writes now goes under the scheme's key too.
		draft, err := db.Reports.SaveDraft(ctx, u.ID, "", 1, `{"account":"Older draft"}`)
		if err != nil {
			t.Fatal(err)
		}
		values := func() map[string][]byte {
			out := map[string][]byte{}
			for name, q := range map[string]string{"users.username": `SELECT username_ct FROM users WHERE id = $1`,
				"report_drafts.data": `SELECT data_ct FROM report_drafts WHERE user_id = $1`} {
				var ct []byte
				if err := db.Writer().QueryRowContext(ctx, q, u.ID).Scan(&ct); err != nil {
					t.Fatal(err)
				}
				out[name] = ct
			}
			return out
		}
		for name, ct := range values() {
			if _, hers := vault.Subject(ct); hers {
				t.Fatalf("%s is under a member's key before the pass", name)
			}
		}

		n, err := db.ResealMembers(ctx, 2)
		if err != nil || n != 1 {
			t.Fatalf("the pass did %d accounts (%v), want 1", n, err)
		}
		after := values()
		for name, ct := range after {
			if subject, hers := vault.Subject(ct); !hers || subject != u.ID {
				t.Errorf("%s after the pass: under %q's key", name, subject)
			}
		}
		store.ForgetKeysInMemory(db)
		if s, err := store.OpenField(db, "users", "username", u.ID, after["users.username"]); err != nil || s != "keys.older" {
			t.Errorf("her username after the pass: %q, %v", s, err)
		}
		if s, err := store.OpenField(db, "report_drafts", "data", draft, after["report_drafts.data"]); err != nil || s != `{"account":"Older draft"}` {
			t.Errorf("her draft after the pass: %q, %v", s, err)
		}
		if n, err := db.ResealMembers(ctx, 2); err != nil || n != 0 {
			t.Errorf("a second pass did %d accounts (%v), want none", n, err)
		}
		if err := db.Accounts.Leave(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := store.OpenField(db, "users", "username", u.ID, after["users.username"]); !errors.Is(err, vault.ErrForgotten) {
			t.Errorf("after she left, her username's copy: %v", err)
		}
	})
}
