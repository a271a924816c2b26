package check_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
)

// A partner key's name and allowances are checked by the service, with
// the message, before it asks the store; with no database here, a rule left
// to the store would crash the test instead.
func TestPartnerKeys_RefusedBeforeTheStoreIsAsked(t *testing.T) {
	s := &check.Service{}
	ctx := context.Background()
	admin := scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}
	for _, c := range []struct {
		name, field, message string
		do                   func() error
	}{
		{"a partner key without a name", "name", "Name the partner, e.g. the advertising site's company.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, " ", 60, 100); return err }},
		{"a partner key's name too long", "name", "Keep the name under 100 characters.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, strings.Repeat("n", 101), 60, 100); return err }},
		{"no checks a minute", "per_minute", "Give a number of checks a minute from 1 to 10,000.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, "X", 0, 100); return err }},
		{"fewer a day than a minute", "per_day", "Give a number of checks a day, at least the number a minute.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, "X", 60, 59); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("the store was asked: %v", r)
				}
			}()
			err := c.do()
			se, ok := err.(*scheme.Error)
			if !ok || se.Code != scheme.CodeInvalid || se.Fields[c.field] != c.message {
				t.Fatalf("%v, want %s: %q", err, c.field, c.message)
			}
		})
	}
}
