package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// An offender profile and a search by identifier show coordinators what
// reporters told: the service audits each opening once, whichever door
// (page or API) opened it, and refuses members without writing anything.
func TestViews_ProfileAndIdentifierSearchAuditedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, member, now := setup(t, db)
		r, err := s.Submit(ctx, member, valid(now.Add(-3*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		full, err := db.Reports.Report(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		pid := full.Original.Offenders[0].ProfileID
		coord := staffUser(t, db, "staff.views")
		count := func(action, subject, actor string) (n int) {
			for e, err := range db.AuditEntries(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Action == action && e.SubjectID == subject && e.Actor == actor {
					n++
					if strings.Contains(e.Detail, "900123") {
						t.Errorf("the %s entry holds the value: %s", action, e.Detail)
					}
				}
			}
			return n
		}
		for _, c := range []struct {
			action, subject string
			open            func(u scheme.User) error
		}{
			{"offender.view", pid, func(u scheme.User) error { _, err := s.OffenderProfile(ctx, u, pid); return err }},
			{"identifier.search", "", func(u scheme.User) error {
				rs, err := s.Search(ctx, u, "phone", "+44 7700 900123")
				if err == nil && len(rs) != 1 {
					t.Errorf("search found %d reports, want 1", len(rs))
				}
				return err
			}},
		} {
			if err := c.open(member); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("a member opening it (%s): %v", c.action, err)
			}
			if n := count(c.action, c.subject, member.ID); n != 0 {
				t.Errorf("%d %s entries for a member refused", n, c.action)
			}
			for want := 1; want <= 2; want++ {
				if err := c.open(coord); err != nil {
					t.Fatalf("%s: %v", c.action, err)
				}
				if n := count(c.action, c.subject, coord.ID); n != want {
					t.Errorf("%d %s audit entries after %d openings, want %d", n, c.action, want, want)
				}
			}
		}
	})
}
