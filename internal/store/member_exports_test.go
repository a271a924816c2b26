package store_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestMemberExport_NeedsASecondPersonsApproval: a revoked member's
// details for the police are a request first; the coordinator who asked
// cannot approve it, another can; nothing is downloadable before that (or
// after a refusal), only the one who asked downloads it, and every step is
// in the audit log.
func TestMemberExport_NeedsASecondPersonsApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apply(t, db, individual("export.me", "export.me@example.org", "+447700900456"))
		if _, err := db.Accounts.DecideApplication(ctx, "coordA", a.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Police.RequestMemberExport(ctx, "coordA", a.UserID, "Police intelligence hub"); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("an export of a member who is not revoked: %v, want forbidden", err)
		}
		if err := db.Accounts.Revoke(ctx, "coordA", a.UserID, "Probing for offenders' details.", "u"); err != nil {
			t.Fatal(err)
		}
		req, err := db.Police.RequestMemberExport(ctx, "coordA", a.UserID, "Request from a police intelligence hub about false reports")
		if err != nil {
			t.Fatal(err)
		}
		if req.Status != scheme.MemberExportPending {
			t.Errorf("a new request is %q", req.Status)
		}
		wantRefused := func(what string, err error, code scheme.Code, words string) {
			t.Helper()
			if scheme.ErrorCode(err) != code || !strings.Contains(err.Error(), words) {
				t.Errorf("%s: %v, want %s saying %q", what, err, code, words)
			}
		}
		_, err = db.Police.ExportRevoked(ctx, "coordA", req.ID)
		wantRefused("download before approval", err, scheme.CodeConflict, "waiting for another coordinator or admin")
		_, err = db.Police.DecideMemberExport(ctx, "coordA", req.ID, true)
		wantRefused("the requester approving", err, scheme.CodeForbidden, "nobody approves an export they asked for")
		if got, _ := db.Police.MemberExport(ctx, req.ID); got.Status != scheme.MemberExportPending {
			t.Errorf("after the requester tried to approve it, the request is %q", got.Status)
		}
		ok, err := db.Police.DecideMemberExport(ctx, "coordB", req.ID, true)
		if err != nil || ok.Status != scheme.MemberExportApproved || ok.DecidedBy != "coordB" {
			t.Fatalf("a second coordinator approving: %+v, %v", ok, err)
		}
		if _, err := db.Police.DecideMemberExport(ctx, "adminC", req.ID, false); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("deciding twice: %v, want a conflict", err)
		}
		if _, err := db.Police.ExportRevoked(ctx, "coordB", req.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("the approver downloading: %v, want not found (only the one who asked downloads)", err)
		}
		exp, err := db.Police.ExportRevoked(ctx, "coordA", req.ID)
		if err != nil || exp.Profile.Email != "export.me@example.org" || exp.Reason != "Probing for offenders' details." || exp.UserID != a.UserID {
			t.Errorf("the approved export: %+v, %v", exp, err)
		}

		refused, err := db.Police.RequestMemberExport(ctx, "coordA", a.UserID, "A second request")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Police.DecideMemberExport(ctx, "adminC", refused.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = db.Police.ExportRevoked(ctx, "coordA", refused.ID)
		wantRefused("download after a refusal", err, scheme.CodeConflict, "was not approved")

		list, err := db.Police.MemberExports(ctx)
		if err != nil || len(list) != 2 || list[0].Purpose == "" {
			t.Errorf("the list of requests: %+v, %v", list, err)
		}
		var trail []string
		rows, err := db.Writer().QueryContext(ctx, `SELECT actor || ' ' || action FROM audit_log WHERE action LIKE 'user.export%' ORDER BY seq`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			trail = append(trail, s)
		}
		rows.Close()
		want := "coordA user.export_request, coordB user.export_approve, coordA user.export_revoked, coordA user.export_request, adminC user.export_refuse"
		if got := strings.Join(trail, ", "); got != want {
			t.Errorf("audit trail:\n got %s\nwant %s", got, want)
		}
	})
}
