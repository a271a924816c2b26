package member

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// StaffView is an organisation's staff list for its key contact.
type StaffView struct {
	Staff []scheme.StaffMember
}

func (s *server) staffPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	s.renderStaff(w, r, u, http.StatusOK, core.FormView{Notice: noticeFrom(r)})
	return nil
}

func (s *server) renderStaff(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) {
	staff, err := s.Accounts.OrgStaff(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	f.Extra = StaffView{Staff: staff}
	s.Render(w, r, status, viewStaff, f)
}

func (s *server) addStaff(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	name, username := r.PostFormValue("name"), r.PostFormValue("username")
	_, err := s.Accounts.AddStaff(r.Context(), u, username, r.PostFormValue("password"), name)
	if err != nil {
		if scheme.ErrorCode(err) == scheme.CodeInternal {
			s.ServerError(w, r, err)
			return nil
		}
		s.renderStaff(w, r, u, core.StatusFor(scheme.ErrorCode(err)), core.FormView{Values: map[string]string{"name": name, "username": username}, Errors: core.FormErrors(err)})
		return nil
	}
	core.SeeOther(w, r, "/organisation/staff?done=staff")
	return nil
}

func (s *server) setStaff(active bool) http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		if err := s.Accounts.SetStaffActive(r.Context(), u, r.PathValue("id"), active); err != nil {
			return err
		}
		core.SeeOther(w, r, "/organisation/staff?done=staff")
		return nil
	}, scheme.RoleOrgContact)
}
