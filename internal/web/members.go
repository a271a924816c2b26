package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// MembersView is the coordinators' list of who is who.
type MembersView struct {
	Members []store.MemberRow
	IsAdmin bool
}

func (s *Server) membersPage() http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.renderMembers(w, r, u, http.StatusOK, FormView{Notice: map[string]string{
			"revoked": "Membership revoked: their sessions have ended and they have been told.",
			"reset":   "Temporary password set. Give it to them in person; their other sessions have ended.",
			"role":    "Role changed. Their sessions have ended; they sign in again with the new role.",
		}[r.URL.Query().Get("done")]})
	}, scheme.RoleCoordinator)
}

func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f FormView) {
	ms, err := s.db.Members(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Extra = MembersView{Members: ms, IsAdmin: u.Role == scheme.RoleAdmin}
	s.render(w, r, status, "members", f)
}

// memberAction runs a coordinator's action on one member and goes back to
// the list, or shows the list again with the problem.
func (s *Server) memberAction(do func(r *http.Request, u scheme.User, id string) error, done string, roles ...scheme.Role) http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		if err := do(r, u, r.PathValue("id")); err != nil {
			code := scheme.ErrorCode(err)
			if code == scheme.CodeInternal {
				s.serverError(w, r, err)
				return
			}
			s.renderMembers(w, r, u, statusFor(code), FormView{Errors: formErrors(err)})
			return
		}
		seeOther(w, r, "/coordinator/members?done="+done)
	}, roles...)
}

func (s *Server) revokeMember() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		return s.db.Revoke(r.Context(), u.ID, id, strings.TrimSpace(r.PostFormValue("reason")), s.accounts.URL)
	}, "revoked", scheme.RoleCoordinator)
}

func (s *Server) resetMember() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		return s.accounts.ResetForMember(r.Context(), u, id, r.PostFormValue("password"))
	}, "reset", scheme.RoleCoordinator)
}

func (s *Server) setRole() http.Handler {
	return s.memberAction(func(r *http.Request, u scheme.User, id string) error {
		role := scheme.Role(r.PostFormValue("role"))
		if role != "" && !role.Staff() {
			return scheme.Invalid(map[string]string{"role": "Choose coordinator, admin, or no staff role."})
		}
		if id == u.ID {
			return scheme.Errorf(scheme.CodeForbidden, "You cannot change your own role: ask another admin.")
		}
		return s.db.SetRole(r.Context(), u.ID, id, role)
	}, "role", scheme.RoleAdmin)
}

// exportRevoked gives a coordinator a revoked member's details for the
// police, as a JSON file, with the purpose recorded.
func (s *Server) exportRevoked() http.Handler {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		e, err := s.db.ExportRevoked(r.Context(), u.ID, r.PathValue("id"), strings.TrimSpace(r.PostFormValue("purpose")))
		if err != nil {
			if code := scheme.ErrorCode(err); code == scheme.CodeInvalid || code == scheme.CodeForbidden {
				s.renderMembers(w, r, u, statusFor(code), FormView{Errors: formErrors(err)})
				return
			}
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="revoked-member.json"`)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(e) // the client went away
	}, scheme.RoleCoordinator)
}
