package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// MembersView is the coordinators' list of who is who, and the requests
// to export revoked members' details for the police.
type MembersView struct {
	Members []scheme.MemberRow
	Pager   core.Pager // of the members
	IsAdmin bool
	Exports []memberExportRow
}

type memberExportRow struct {
	ID, Member, Purpose, By, When, StatusName, DecidedBy string
	CanDecide, CanDownload                               bool
}

var memberExportStatusNames = map[string]string{
	scheme.MemberExportPending:  "Waiting for a second coordinator or admin",
	scheme.MemberExportApproved: "Approved",
	scheme.MemberExportRefused:  "Refused",
	"exported_unapproved":       "Exported (before approval was required)",
}

func (s *server) membersPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderMembers(w, r, u, http.StatusOK, core.FormView{Notice: map[string]string{
		"revoked":          "Membership revoked: their sessions have ended and they have been told.",
		"reset":            "Temporary password set. Give it to them in person; their other sessions have ended.",
		"role":             "Role changed. Their sessions have ended; they sign in again with the new role.",
		"export-requested": "Export requested. Another coordinator or admin must approve it; then you can download the details.",
		"export-approved":  "Export approved. The coordinator who asked can now download the details.",
		"export-refused":   "Export refused. Nothing can be downloaded.",
	}[r.URL.Query().Get("done")]})
}

func (s *server) renderMembers(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) error {
	ms, pager, err := core.ListPage(r, u, "/coordinator/members", s.Accounts.Members)
	if err != nil {
		return err
	}
	exports, err := s.Police.MemberExports(r.Context(), u)
	if err != nil {
		return err
	}
	v := MembersView{Members: ms, Pager: pager, IsAdmin: u.Role == scheme.RoleAdmin}
	names := map[string]string{}
	for _, m := range ms {
		names[m.User.ID] = m.User.Username
		if m.Unreadable["username"] {
			names[m.User.ID] = "(username could not be read)"
		}
	}
	name := s.usernames(r, names)
	for _, e := range exports {
		v.Exports = append(v.Exports, memberExportRow{ID: e.ID, Member: name(e.SubjectID), Purpose: e.Purpose, By: name(e.RequestedBy),
			When: s.Time(e.RequestedAt, core.DateTimeShortComma), StatusName: memberExportStatusNames[e.Status], DecidedBy: name(e.DecidedBy),
			CanDecide:   e.Status == scheme.MemberExportPending && e.RequestedBy != u.ID,
			CanDownload: e.Status == scheme.MemberExportApproved && e.RequestedBy == u.ID})
	}
	f.Extra = v
	s.Render(w, r, status, viewMembers, f)
	return nil
}

// memberAction runs a coordinator's action on one member and goes back to
// the list, or shows the list again with the problem.
func (s *server) memberAction(do func(r *http.Request, u scheme.User, id string) error, done string, roles ...scheme.Role) http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		if err := do(r, u, r.PathValue("id")); err != nil {
			code := scheme.ErrorCode(err)
			if code == scheme.CodeInternal {
				s.ServerError(w, r, err)
				return nil
			}
			return s.renderMembers(w, r, u, core.StatusFor(code), core.FormView{Errors: core.FormErrors(err)})
		}
		core.SeeOther(w, r, "/coordinator/members?done="+done)
		return nil
	}, roles...)
}

func (s *server) revokeMember() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		return s.Accounts.Revoke(r.Context(), u, id, r.PostFormValue("reason"))
	}, "revoked", scheme.RoleCoordinator)
}

func (s *server) resetMember() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		return s.Accounts.ResetForMember(r.Context(), u, id, r.PostFormValue("password"))
	}, "reset", scheme.RoleCoordinator)
}

func (s *server) setRole() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		return s.Accounts.SetRole(r.Context(), u, id, scheme.Role(r.PostFormValue("role")))
	}, "role", scheme.RoleAdmin)
}

// exportRevoked asks for a revoked member's details for the police, with
// the purpose recorded; another coordinator or admin must approve it
// (police/member_export.go).
func (s *server) exportRevoked() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		_, err := s.Police.RequestMemberExport(r.Context(), u, id, r.PostFormValue("purpose"))
		return err
	}, "export-requested", scheme.RoleCoordinator)
}

// decideMemberExport approves or refuses someone else's request.
func (s *server) decideMemberExport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	e, err := s.Police.DecideMemberExport(r.Context(), u, r.PathValue("id"), r.PostFormValue("decision"))
	if err != nil {
		if code := scheme.ErrorCode(err); code == scheme.CodeInvalid || code == scheme.CodeForbidden || code == scheme.CodeConflict {
			return s.renderMembers(w, r, u, core.StatusFor(code), core.FormView{Errors: core.FormErrors(err)})
		}
		return err
	}
	done := "export-refused"
	if e.Status == scheme.MemberExportApproved {
		done = "export-approved"
	}
	core.SeeOther(w, r, "/coordinator/members?done="+done)
	return nil
}

// downloadMemberExport gives the one who asked an approved export's
// details, as a JSON file; the download is audited.
func (s *server) downloadMemberExport(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	e, err := s.Police.DownloadMemberExport(r.Context(), u, r.PathValue("id"))
	if err != nil {
		if code := scheme.ErrorCode(err); code == scheme.CodeConflict || code == scheme.CodeForbidden {
			return s.renderMembers(w, r, u, core.StatusFor(code), core.FormView{Errors: core.FormErrors(err)})
		}
		return err
	}
	core.DownloadJSON(w, "revoked-member.json", e)
	return nil
}
