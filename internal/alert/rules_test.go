package alert_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
)

// A rule about what a coordinator sent is the domain's: the service
// answers with the message before it asks the store. It has no database
// here, so a rule left to the store would crash the test instead.
func TestRules_RefusedBeforeTheStoreIsAsked(t *testing.T) {
	s := alert.New(nil, time.UTC)
	ctx := context.Background()
	coord := scheme.User{ID: "coord-1", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
	for _, c := range []struct {
		name, field, message string
		do                   func() error
	}{
		{"withdrawing without a notice", "notice", "Write a short note for members, e.g. \"This alert was sent in error.\"",
			func() error { return s.Withdraw(ctx, coord, "alert-1", "  ") }},
		{"retrying an unknown channel", "channel", "Choose email, SMS or push.",
			func() error { _, err := s.RetryDeliveries(ctx, coord, "alert-1", "fax"); return err }},
		{"resuming an unknown channel", "channel", "Choose email, SMS or push.",
			func() error { return s.ResumeChannel(ctx, coord, "pigeon") }},
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
