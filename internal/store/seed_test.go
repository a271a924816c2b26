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
		prefix, err := db.SeedMembers(ctx, 12, hash, func(n int) { progress = append(progress, n) })
		if err != nil {
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
		u, err := db.Sessions.ActiveMemberByMobile(ctx, "+447700900003")
		if err != nil {
			t.Fatalf("the fourth seeded member's mobile is not found by its blind index: %v", err)
		}
		p, err := db.Accounts.Profile(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(p.Email, "@example.org") || p.Mobile != "+447700900003" || p.WorkName == "" || !p.AlertSMS == (3%4 == 0) {
			t.Errorf("seeded profile %+v", p)
		}
		if u.Username != prefix+"0000003" {
			t.Errorf("the fourth seeded member is %q, want %q", u.Username, prefix+"0000003")
		}
		l, err := db.Sessions.LoginByUsername(ctx, u.Username)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, err := password.Verify(l.PasswordHash, "seed member password", password.Default); !ok || err != nil {
			t.Errorf("a seeded member cannot sign in with the seed password (%v)", err)
		}
	})
}

// Seeded reports and identifiers are found as real ones are: a check of a
// seeded identifier finds its published alert.
func TestSeedReportsAndIdentifiers_AreFoundByTheCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.SeedMembers(ctx, 3, "$argon2id$test", nil); err != nil {
			t.Fatal(err)
		}
		if err := db.SeedReports(ctx, 7, nil); err != nil {
			t.Fatal(err)
		}
		email, username, err := db.SeedIdentifiers(ctx, 25, nil)
		if err != nil {
			t.Fatal(err)
		}
		var reports, alerts, idents int
		w := db.Writer()
		for q, n := range map[string]*int{`SELECT COUNT(*) FROM reports`: &reports, `SELECT COUNT(*) FROM alerts WHERE status = 'published'`: &alerts,
			`SELECT COUNT(*) FROM alert_identifiers`: &idents} {
			if err := w.QueryRowContext(ctx, q).Scan(n); err != nil {
				t.Fatal(err)
			}
		}
		// 7 reports, 3 of them alerts with 2 identifiers; 25 identifiers in 3 alerts.
		if reports != 7 || alerts != 3+3 || idents != 3*2+25 {
			t.Errorf("%d reports, %d published alerts, %d alert identifiers; want 7, 6, 31", reports, alerts, idents)
		}
		var u string
		if err := w.QueryRowContext(ctx, `SELECT id FROM users WHERE role = 'member' LIMIT 1`).Scan(&u); err != nil {
			t.Fatal(err)
		}
		for kind, v := range map[string]string{"email": email, "username": username} {
			out, err := db.Checks.RunCheck(ctx, store.Check{UserID: u, Channel: "web", Kind: kind, Normalised: v, PerDay: 50, PerMinute: 10})
			if err != nil || len(out.AlertIDs) != 1 {
				t.Errorf("check of the seeded %s %q: %+v, %v", kind, v, out, err)
			}
		}
		// The planner has its statistics, but on SQLite not the samples
		// that would make the check's prepared statements prepare again
		// for each value looked up.
		if db.Dialect() == store.SQLite {
			var stat1, stat4 int
			if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1`).Scan(&stat1); err != nil {
				t.Fatal(err)
			}
			if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat4`).Scan(&stat4); err != nil {
				t.Fatal(err)
			}
			if stat1 == 0 || stat4 != 0 {
				t.Errorf("after seeding: %d index summaries (want some), %d samples (want none)", stat1, stat4)
			}
		}
	})
}
