package scheme_test

import (
	"encoding/json"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
)

func TestCanApprove_OnlyADraftAndOnlyBySomeoneElse(t *testing.T) {
	draft := scheme.Alert{Status: scheme.AlertDraft, CreatedBy: "a", UpdatedBy: "b"}
	for _, tc := range []struct {
		name    string
		a       scheme.Alert
		by      string
		code    scheme.Code
		message string
	}{
		{"a third coordinator", draft, "c", "", ""},
		{"the author", draft, "a", scheme.CodeForbidden, "You wrote or last edited this alert, so another coordinator must approve it."},
		{"the last editor", draft, "b", scheme.CodeForbidden, "You wrote or last edited this alert, so another coordinator must approve it."},
		{"a published alert", scheme.Alert{Status: scheme.AlertPublished, CreatedBy: "a", UpdatedBy: "a"}, "c", scheme.CodeConflict, "Only a draft can be approved; this alert is published."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scheme.CanApprove(tc.a, scheme.User{ID: tc.by})
			if scheme.ErrorCode(err) != tc.code || tc.code != "" && err.(*scheme.Error).Message != tc.message {
				t.Fatalf("CanApprove by %s: %v, want %q %q", tc.by, err, tc.code, tc.message)
			}
		})
	}
}

func TestReadyToPublish_NeedsADraftAndAnApprovalWhenRequired(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a       scheme.Alert
		require bool
		code    scheme.Code
		message string
	}{
		{"approved draft", scheme.Alert{Status: scheme.AlertDraft, ApprovedBy: "b"}, true, "", ""},
		{"unapproved draft, approval off", scheme.Alert{Status: scheme.AlertDraft}, false, "", ""},
		{"unapproved draft", scheme.Alert{Status: scheme.AlertDraft}, true, scheme.CodeConflict, "A second coordinator must approve this alert before it is published."},
		{"withdrawn", scheme.Alert{Status: scheme.AlertWithdrawn, ApprovedBy: "b"}, false, scheme.CodeConflict, "This alert is already withdrawn."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := scheme.ReadyToPublish(tc.a, tc.require)
			if scheme.ErrorCode(err) != tc.code || tc.code != "" && err.(*scheme.Error).Message != tc.message {
				t.Fatalf("ReadyToPublish: %v, want %q %q", err, tc.code, tc.message)
			}
		})
	}
}

func TestAlert_WhoLastEditedItIsNotSent(t *testing.T) {
	b, err := json.Marshal(scheme.Alert{UpdatedBy: "coord-secret"})
	if err != nil || strings.Contains(string(b), "coord-secret") {
		t.Fatalf("alert JSON %s (%v) names its last editor", b, err)
	}
}
