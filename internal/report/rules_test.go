package report_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
)

// A rule about what someone sent is the domain's: the service answers with
// the message before it asks the store. It has no database here, so a rule
// left to the store would crash the test instead.
func TestRules_RefusedBeforeTheStoreIsAsked(t *testing.T) {
	s := report.New(nil, scheme.DefaultWorkingHours(time.UTC))
	ctx := context.Background()
	coord := scheme.User{ID: "coord-1", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
	member := scheme.User{ID: "member-1", Role: scheme.RoleMember, Status: scheme.StatusActive}
	for _, c := range []struct {
		name, field, message string
		do                   func() error
	}{
		{"a reporter's empty message", "message", "Write your message first.",
			func() error { _, err := s.ReporterMessage(ctx, member, "r1", " \n"); return err }},
		{"a coordinator's empty message", "message", "Write your message first.",
			func() error { _, err := s.SchemeMessage(ctx, coord, "r1", "", "http://x/reports/r1"); return err }},
		{"a rejection without a reason", "reason", "Give the reason for rejecting this report: it is kept with it.",
			func() error { return s.SetStatus(ctx, coord, "r1", scheme.ReportRejected, "  ") }},
		{"an empty note", "note", "Write something first.",
			func() error { return s.AddCaseNote(ctx, coord, "r1", "note", " ") }},
		{"an empty referral", "referral", "Write something first.",
			func() error { return s.AddCaseNote(ctx, coord, "r1", "referral", "") }},
		{"moving an offender without a reason", "reason", "Say why: links change what coordinators believe about a person.",
			func() error { _, err := s.MoveOffender(ctx, coord, "o1", "", " "); return err }},
		{"searching by an unknown kind", "kind", "Choose phone, email, vehicle, name or username.",
			func() error { _, err := s.Search(ctx, coord, "shoe", "size 9"); return err }},
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
