package content_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/content"
	"uglymugs/internal/scheme"
)

// A page's or a newsletter's text is checked by the service, with the
// message, before it asks the store. It has no database here, so a rule
// left to the store would crash the test instead.
func TestRules_RefusedBeforeTheStoreIsAsked(t *testing.T) {
	svc, _ := content.New(context.Background(), nil) // no database: no lists to read
	ctx := context.Background()
	admin := scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}
	for _, c := range []struct{ subject, body, field, want string }{
		{" ", "Hello.", "subject", "Write a subject line."},
		{"News\nmore", "Hello.", "subject", "Keep the subject to one line under 150 characters."},
		{"News", "\r\n", "body", "Write the newsletter."},
		{"News", strings.Repeat("x", scheme.MaxContent+1), "body", "Keep the newsletter under 50000 characters."},
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("the store was asked: %v", r)
				}
			}()
			_, err := svc.SendIssue(ctx, admin, c.subject, c.body, func(string) string { return "" })
			if se, ok := err.(*scheme.Error); !ok || se.Code != scheme.CodeInvalid || se.Fields[c.field] != c.want {
				t.Errorf("sending %q: %v, want %s: %q", c.subject, err, c.field, c.want)
			}
		}()
	}
	for body, want := range map[string]string{
		" \r\n ":                                 "Write the page: it cannot be empty.",
		strings.Repeat("x", scheme.MaxContent+1): "Keep the page under 50000 characters.",
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("the store was asked: %v", r)
				}
			}()
			_, err := svc.SavePage(ctx, admin, "about", "en-GB", body)
			if se, ok := err.(*scheme.Error); !ok || se.Code != scheme.CodeInvalid || se.Fields["body"] != want {
				t.Errorf("saving %.10q: %v, want %q", body, err, want)
			}
		}()
	}
}
