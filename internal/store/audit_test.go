package store_test

import (
	"context"
	"errors"
	"testing"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// A read that fails shows nothing, so Viewed records nothing; a read that
// succeeds is in the audit log before its value is handed on.
func TestViewed_RecordsOnlyAReadThatHappened(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		views := func() int {
			n := 0
			for e, err := range db.AuditEntries(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Action == "test.view" {
					n++
				}
			}
			return n
		}
		e := audit.Entry{Actor: "coordinator-1", Action: "test.view", SubjectType: "report", SubjectID: "r1"}
		if _, err := store.Viewed(ctx, db, e, "secret", scheme.ErrNotFound); !errors.Is(err, scheme.ErrNotFound) {
			t.Fatalf("failed read: %v, want its error", err)
		}
		if n := views(); n != 0 {
			t.Fatalf("a failed read left %d audit entries", n)
		}
		v, err := store.Viewed(ctx, db, e, "secret", nil)
		if err != nil || v != "secret" {
			t.Fatalf("read: %q, %v", v, err)
		}
		if n := views(); n != 1 {
			t.Fatalf("a read left %d audit entries, want 1", n)
		}
	})
}
