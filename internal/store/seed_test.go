package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"uglymugs/internal/password"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Seeded members are real members: active, their details encrypted and
// indexed as if they had joined (found by their mobile's blind index,
// signed in with the seed password), and made up (example.org, Ofcom's
// drama numbers).
func TestSeedMembers_AreRealMembersWithMadeUpDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hash, err := password.Hash("seed member password", password.Default)
		if err != nil {
			t.Fatal(err)
		}
		var progress []int
		if err := db.SeedMembers(ctx, 12, hash, func(n int) { progress = append(progress, n) }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(progress) != "[12]" {
			t.Errorf("progress %v, want [12]", progress)
		}
		var active, withRegion int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'member' AND status = 'active'`).Scan(&active); err != nil {
			t.Fatal(err)
		}
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM profile_regions`).Scan(&withRegion); err != nil {
			t.Fatal(err)
		}
		if active != 12 || withRegion != 12 {
			t.Fatalf("%d active members, %d with a region; want 12 and 12", active, withRegion)
		}
		u, err := db.ActiveMemberByMobile(ctx, "+447700900003")
		if err != nil {
			t.Fatalf("the fourth seeded member's mobile is not found by its blind index: %v", err)
		}
		p, err := db.Profile(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(p.Email, "@example.org") || p.Mobile != "+447700900003" || p.WorkName == "" || !p.AlertSMS == (3%4 == 0) {
			t.Errorf("seeded profile %+v", p)
		}
		l, err := db.LoginByUsername(ctx, u.Username)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, err := password.Verify(l.PasswordHash, "seed member password", password.Default); !ok || err != nil {
			t.Errorf("a seeded member cannot sign in with the seed password (%v)", err)
		}
	})
}
