package account_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
)

// A rule about what someone sent is the domain's: the service answers with
// the message before it asks the store. It has no database here, so a rule
// left to the store would crash the test instead.
func TestRules_RefusedBeforeTheStoreIsAsked(t *testing.T) {
	s := &account.Service{URL: "http://x/signin"}
	ctx := context.Background()
	coord := scheme.User{ID: "coord-1", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
	admin := scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}
	for _, c := range []struct {
		name, field, message string
		do                   func() error
	}{
		{"revoking without a reason", "reason", "Give the reason for revoking: it is kept on record.",
			func() error { return s.Revoke(ctx, coord, "member-1", " \n") }},
		{"empty terms", "body", "Write the terms: they cannot be empty.",
			func() error { _, err := s.PublishTerms(ctx, admin, "\r\n"); return err }},
		{"a partner key without a name", "name", "Name the partner, e.g. the advertising site's company.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, " ", 60, 100); return err }},
		{"a partner key's name too long", "name", "Keep the name under 100 characters.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, strings.Repeat("n", 101), 60, 100); return err }},
		{"no checks a minute", "per_minute", "Give a number of checks a minute from 1 to 10,000.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, "X", 0, 100); return err }},
		{"fewer a day than a minute", "per_day", "Give a number of checks a day, at least the number a minute.",
			func() error { _, _, err := s.CreateAPIKey(ctx, admin, "X", 60, 59); return err }},
		{"terms too long", "body", "Keep the terms under 50000 characters.",
			func() error {
				_, err := s.PublishTerms(ctx, admin, strings.Repeat("x", scheme.MaxContent+1))
				return err
			}},
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
