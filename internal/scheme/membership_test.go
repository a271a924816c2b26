package scheme_test

import (
	"testing"

	"uglymugs/internal/scheme"
)

func TestMembershipRules_SayWhatIsWrongInTheWordsWeShow(t *testing.T) {
	waiting := scheme.Application{Status: scheme.ApplicationPending}
	member := scheme.User{Role: scheme.RoleMember, Status: scheme.StatusActive}
	for _, tc := range []struct {
		name    string
		err     error
		code    scheme.Code
		message string // or the field's, for invalid
	}{
		{"approve a waiting application", scheme.CanDecide(waiting, scheme.Approve, ""), "", ""},
		{"decide one decided", scheme.CanDecide(scheme.Application{Status: scheme.ApplicationApproved}, scheme.Reject, "No."), scheme.CodeConflict,
			"This application has already been decided."},
		{"reject without a reason", scheme.CanDecide(waiting, scheme.Reject, ""), scheme.CodeInvalid, "Give a reason: the applicant sees it when they sign in."},
		{"ask without a question", scheme.CanDecide(waiting, scheme.RequestInfo, ""), scheme.CodeInvalid, "Write what you need to know."},
		{"an unknown decision", scheme.CanDecide(waiting, "shrug", ""), scheme.CodeInvalid, "Unknown decision."},
		{"answer with no question", scheme.CanAnswer(waiting), scheme.CodeConflict, "There is no question waiting for an answer."},
		{"revoke a member", scheme.CanRevoke(member), "", ""},
		{"revoke staff", scheme.CanRevoke(scheme.User{Role: scheme.RoleCoordinator, Status: scheme.StatusActive}), scheme.CodeForbidden,
			"Staff accounts are not revoked: an admin removes their role."},
		{"revoke twice", scheme.CanRevoke(scheme.User{Role: scheme.RoleMember, Status: scheme.StatusRevoked}), scheme.CodeConflict, "This member is already revoked."},
		{"revoke an applicant", scheme.CanRevoke(scheme.User{Role: scheme.RoleMember, Status: "pending"}), scheme.CodeConflict,
			"Only members can be revoked: reject an application instead."},
		{"publish the same terms", scheme.CanPublishTerms("Be kind.\r\n", "Be kind."), scheme.CodeInvalid,
			"These are the terms already in force: change something, or leave them as they are."},
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
