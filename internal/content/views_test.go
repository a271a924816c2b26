package content_test

import (
	"context"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Reading the outbox shows messages nobody else sees (one may be a plea
// for help): the service audits each reading once, whichever door opened
// it, and refuses others without writing anything.
func TestOutbox_EachReadingIsAuditedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newContent(t, db)
		views := func(actor string) int {
			n := 0
			for e, err := range db.AuditEntries(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Action == "outbox.view" && e.Actor == actor {
					n++
				}
			}
			return n
		}
		coord := scheme.User{ID: "coord-1", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
		if _, err := c.Outbox(ctx, coord, scheme.PageOf(1)); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a coordinator reading the outbox: %v", err)
		}
		if n := views(coord.ID); n != 0 {
			t.Errorf("%d outbox.view entries for a refusal", n)
		}
		admin := scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}
		for want := 1; want <= 2; want++ {
			if _, err := c.Outbox(ctx, admin, scheme.PageOf(1)); err != nil {
				t.Fatal(err)
			}
			if n := views(admin.ID); n != want {
				t.Errorf("%d outbox.view entries after %d readings", n, want)
			}
		}
	})
}
