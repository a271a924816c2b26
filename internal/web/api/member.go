package api

import (
	"net/http"
	"slices"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// What else a member does on the web: the messages about her reports,
// the police's enquiries forwarded to her, and (a key contact) her
// organisation's staff logins.

// reporterRoles may report (report.CanReport: active, and not an applicant).
var reporterRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff, scheme.RoleCoordinator}

// listMessages is the thread of one of her reports, oldest first; reading
// it marks the scheme's messages read, as the report's page does.
func (s *server) listMessages(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	rep, err := s.Reports.Own(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	msgs, err := s.Reports.Thread(r.Context(), u, rep)
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": nonNil(msgs)})
	return nil
}

func (s *server) sendMessage() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Message string `json:"message"`
	}) (int, any, error) {
		m, err := s.Reports.ReporterMessage(r.Context(), u, r.PathValue("id"), in.Message)
		return http.StatusCreated, m, err
	}), reporterRoles...)
}

// enquiryJSON is a police enquiry forwarded to her, as she reads it: the
// force, unit and request, never the coordinator's records.
type enquiryJSON struct {
	ID              string `json:"id"`
	ReportID        string `json:"report_id"`
	Force           string `json:"force"`
	Unit            string `json:"unit,omitempty"`
	Request         string `json:"request"`
	ForwardedAt     string `json:"forwarded_at"`
	ForOrganisation bool   `json:"for_organisation"`
	Decision        string `json:"decision,omitempty"`
	DecidedAt       string `json:"decided_at,omitempty"`
	Closed          bool   `json:"closed"`
}

func (s *server) enquiryView(r *http.Request, f scheme.EnquiryForward) (enquiryJSON, error) {
	e, err := s.Police.ForwardedEnquiry(r.Context(), f)
	if err != nil {
		return enquiryJSON{}, err
	}
	out := enquiryJSON{ID: f.ID, ReportID: f.ReportID, Force: e.Force, Unit: e.Unit, Request: e.Request,
		ForwardedAt: f.ForwardedAt.UTC().Format(time.RFC3339), ForOrganisation: f.To == "organisation",
		Decision: f.Decision, Closed: e.Status == "closed"}
	if !f.DecidedAt.IsZero() {
		out.DecidedAt = f.DecidedAt.UTC().Format(time.RFC3339)
	}
	return out, nil
}

func (s *server) listEnquiries(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	fs, err := s.Police.MemberEnquiries(r.Context(), u, "")
	if err != nil {
		return err
	}
	items := make([]enquiryJSON, 0, len(fs))
	for _, f := range fs {
		v, err := s.enquiryView(r, f)
		if err != nil {
			return err
		}
		items = append(items, v)
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *server) writeEnquiry(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	fs, err := s.Police.MemberEnquiries(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		return scheme.ErrNotFound
	}
	v, err := s.enquiryView(r, fs[0])
	if err != nil {
		return err
	}
	core.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (s *server) decideEnquiry() http.Handler {
	return s.tokenAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		var in struct {
			Decision string `json:"decision"`
		}
		if err := decode(r, &in); err != nil {
			return err
		}
		if err := s.Police.DecideEnquiry(r.Context(), u, r.PathValue("id"), in.Decision); err != nil {
			return err
		}
		return s.writeEnquiry(w, r, u)
	}, reporterRoles...)
}

// staffJSON is one of an organisation's staff logins.
type staffJSON struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Status   string `json:"status"`
}

func staffLogin(m scheme.StaffMember) staffJSON {
	return staffJSON{ID: m.User.ID, Username: m.User.Username, Name: m.WorkName, Status: m.User.Status}
}

func (s *server) listStaff(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ms, err := s.Accounts.OrgStaff(r.Context(), u)
	if err != nil {
		return err
	}
	items := make([]staffJSON, len(ms))
	for i, m := range ms {
		items[i] = staffLogin(m)
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *server) addStaff() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		Username string `json:"username"`
		Password string `json:"password"`
		Name     string `json:"name"`
	}) (int, any, error) {
		m, err := s.Accounts.AddStaff(r.Context(), u, in.Username, in.Password, in.Name)
		if err != nil {
			return 0, nil, err
		}
		return s.oneStaff(r, u, http.StatusCreated, m.ID)
	}), scheme.RoleOrgContact)
}

// oneStaff is a staff login of the caller's organisation as it is now.
func (s *server) oneStaff(r *http.Request, u scheme.User, status int, id string) (int, any, error) {
	ms, err := s.Accounts.OrgStaff(r.Context(), u)
	if err != nil {
		return 0, nil, err
	}
	i := slices.IndexFunc(ms, func(m scheme.StaffMember) bool { return m.User.ID == id })
	if i < 0 {
		return 0, nil, scheme.ErrNotFound
	}
	return status, staffLogin(ms[i]), nil
}

func (s *server) setStaff(active bool) http.Handler {
	return s.tokenAuth(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		if err := s.Accounts.SetStaffActive(r.Context(), u, r.PathValue("id"), active); err != nil {
			return err
		}
		status, v, err := s.oneStaff(r, u, http.StatusOK, r.PathValue("id"))
		if err != nil {
			return err
		}
		core.WriteJSON(w, status, v)
		return nil
	}, scheme.RoleOrgContact)
}
