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

func TestAlertRules_SayWhatIsWrongInTheWordsWeShow(t *testing.T) {
	pub := scheme.Alert{Status: scheme.AlertPublished, Regions: []string{"london", "wales"}}
	for _, tc := range []struct {
		name    string
		err     error
		code    scheme.Code
		message string // or the field's, for invalid
	}{
		{"edit a draft's targeting", scheme.CanEdit(scheme.Alert{Status: scheme.AlertDraft}, scheme.Alert{Nationwide: true}), "", ""},
		{"edit a published alert's words", scheme.CanEdit(pub, scheme.Alert{Regions: []string{"wales", "london", "wales"}}), "", ""},
		{"retarget a published alert", scheme.CanEdit(pub, scheme.Alert{Regions: []string{"wales"}}), scheme.CodeConflict,
			"Who an alert goes to cannot change once it is published. Withdraw it and write a new one."},
		{"edit a withdrawn alert", scheme.CanEdit(scheme.Alert{Status: scheme.AlertWithdrawn}, scheme.Alert{}), scheme.CodeConflict,
			"This alert was withdrawn: it can no longer be changed."},
		{"withdraw a draft", scheme.CanWithdraw(scheme.Alert{Status: scheme.AlertDraft}), scheme.CodeConflict,
			"Only a published alert can be withdrawn; this one is draft."},
		{"resend a withdrawn alert", scheme.CanResend(scheme.Alert{Status: scheme.AlertWithdrawn}), scheme.CodeConflict,
			"Only a published alert's messages can be sent again; this alert is withdrawn."},
		{"publish flagged without a reason", scheme.OverrideNeeded([]scheme.AlertFlag{{}, {}}, " "), scheme.CodeInvalid,
			"The anonymisation check found 2 thing(s) that may identify someone. Change the text, or say why it is safe to publish as it is."},
		{"publish flagged with a reason", scheme.OverrideNeeded([]scheme.AlertFlag{{}}, "An alias."), "", ""},
		{"a channel we do not send on", scheme.CheckChannel("fax"), scheme.CodeInvalid, "Choose email, SMS or push."},
	} {
		if scheme.ErrorCode(tc.err) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.code)
			continue
		}
		if tc.err == nil {
			continue
		}
		se := tc.err.(*scheme.Error)
		got := se.Message
		for _, m := range se.Fields {
			got = m
		}
		if got != tc.message {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.message)
		}
	}
}
