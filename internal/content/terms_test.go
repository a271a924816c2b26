package content_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/content"
	"uglymugs/internal/scheme"
)

// The terms' text is checked by the service, with the message, before it
// asks the store; with no database here, a rule left to the store would
// crash the test instead.
func TestTerms_RefusedBeforeTheStoreIsAsked(t *testing.T) {
	s, _ := content.New(context.Background(), nil) // no database: no lists to read
	ctx := context.Background()
	admin := scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}
	for _, c := range []struct {
		name, field, message string
		do                   func() error
	}{
		{"empty terms", "body", "Write the terms: they cannot be empty.",
			func() error { _, err := s.PublishTerms(ctx, admin, "\r\n"); return err }},
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
