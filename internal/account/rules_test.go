package account_test

import (
	"context"
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
	for _, c := range []struct {
		name, field, message string
		do                   func() error
	}{
		{"revoking without a reason", "reason", "Give the reason for revoking: it is kept on record.",
			func() error { return s.Revoke(ctx, coord, "member-1", " \n") }},
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
