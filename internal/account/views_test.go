package account_test

import (
	"context"
	"testing"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// auditCount counts the audit entries of action about subject (none for
// a list) written by actor.
func auditCount(t *testing.T, db *store.DB, action, subject, actor string) int {
	t.Helper()
	n := 0
	for e, err := range db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Action == action && e.SubjectID == subject && e.Actor == actor {
			n++
		}
	}
	return n
}

// The members list and an application show personal data: the service
// writes the view's audit entry itself, once per opening, so that every
// door that opens them leaves one, and refuses members without writing
// any.
func TestViews_OpeningPersonalDataIsAuditedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		if _, err := account.CreateStaff(ctx, db, "cli", "coord.views", pw, scheme.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		coord, err := db.Accounts.UserByUsername(ctx, "coord.views")
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.Apply(ctx, individualInput("viewed"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Decide(ctx, coord.ID, a.ID, scheme.Approve, ""); err != nil {
			t.Fatal(err)
		}
		l, err := db.Sessions.LoginByID(ctx, a.UserID)
		if err != nil {
			t.Fatal(err)
		}
		member := l.User

		for _, c := range []struct {
			action, subject string
			open            func(u scheme.User) error
		}{
			{"members.view", "", func(u scheme.User) error { _, err := s.Members(ctx, u, scheme.PageOf(1)); return err }},
			{"application.view", a.ID, func(u scheme.User) error { _, err := s.Application(ctx, u, a.ID); return err }},
		} {
			if err := c.open(member); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("a member opening it (%s): %v", c.action, err)
			}
			if n := auditCount(t, db, c.action, c.subject, member.ID); n != 0 {
				t.Errorf("%d %s entries for a member refused", n, c.action)
			}
			for want := 1; want <= 2; want++ {
				if err := c.open(coord); err != nil {
					t.Fatalf("%s: %v", c.action, err)
				}
				if n := auditCount(t, db, c.action, c.subject, coord.ID); n != want {
					t.Errorf("%d %s audit entries after %d openings, want %d", n, c.action, want, want)
				}
			}
		}
	})
}
