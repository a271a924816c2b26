package scheme_test

import (
	"testing"

	"uglymugs/internal/scheme"
)

func TestPoliceRules_SayWhatIsWrongInTheWordsWeShow(t *testing.T) {
	admin := scheme.User{ID: "admin-b"}
	open := scheme.Enquiry{Status: "open"}
	reported := scheme.Report{ReporterID: "member-1"}
	for _, tc := range []struct {
		name    string
		err     error
		code    scheme.Code
		message string // or the field's, for invalid
	}{
		{"another admin decides a disclosure", scheme.CanDecideDisclosure(scheme.Disclosure{Status: "pending", RequestedBy: "admin-a"}, admin), "", ""},
		{"the recorder decides it", scheme.CanDecideDisclosure(scheme.Disclosure{Status: "pending", RequestedBy: "admin-b"}, admin), scheme.CodeForbidden,
			"Another admin must decide: nobody approves a disclosure they recorded."},
		{"a decided disclosure", scheme.CanDecideDisclosure(scheme.Disclosure{Status: "approved", RequestedBy: "admin-a"}, admin), scheme.CodeConflict,
			"This disclosure was already decided."},
		{"the asker decides an export", scheme.CanDecideMemberExport(scheme.MemberExport{Status: scheme.MemberExportPending, RequestedBy: "admin-b"}, admin),
			scheme.CodeForbidden, "Another coordinator or admin must decide: nobody approves an export they asked for."},
		{"a decided export", scheme.CanDecideMemberExport(scheme.MemberExport{Status: scheme.MemberExportRefused, RequestedBy: "admin-a"}, admin),
			scheme.CodeConflict, "This export request was already decided."},
		{"someone else's export", scheme.CanDownloadMemberExport(scheme.MemberExport{Status: scheme.MemberExportApproved, RequestedBy: "admin-a"}, admin),
			scheme.CodeNotFound, ""},
		{"an export waiting", scheme.CanDownloadMemberExport(scheme.MemberExport{Status: scheme.MemberExportPending, RequestedBy: "admin-b"}, admin),
			scheme.CodeConflict, "This export is waiting for another coordinator or admin to approve it."},
		{"an export refused", scheme.CanDownloadMemberExport(scheme.MemberExport{Status: scheme.MemberExportRefused, RequestedBy: "admin-b"}, admin),
			scheme.CodeConflict, "This export was not approved: there is nothing to download."},
		{"forward to the reporter", scheme.CanForwardEnquiry(open, reported, "reporter"), "", ""},
		{"forward a closed enquiry", scheme.CanForwardEnquiry(scheme.Enquiry{Status: "closed"}, reported, "reporter"), scheme.CodeConflict, "This enquiry is closed."},
		{"forward to a reporter gone", scheme.CanForwardEnquiry(open, scheme.Report{}, "reporter"), scheme.CodeConflict,
			"The reporter has left the scheme: there is nobody to forward it to."},
		{"forward to no organisation", scheme.CanForwardEnquiry(open, reported, "organisation"), scheme.CodeConflict,
			"This report was not made through an organisation."},
		{"forward to the press", scheme.CanForwardEnquiry(open, reported, "press"), scheme.CodeInvalid, "Forward to the reporter or to their organisation."},
		{"answer a closed enquiry", scheme.CanAnswerEnquiry(scheme.Enquiry{Status: "closed"}), scheme.CodeConflict,
			"This enquiry is closed: your answer can no longer change. Contact us if you need to."},
	} {
		if scheme.ErrorCode(tc.err) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.code)
			continue
		}
		if tc.err == nil || tc.message == "" {
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
