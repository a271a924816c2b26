package store_test

import (
	"context"
	"errors"
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
