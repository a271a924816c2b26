package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// SettingsView is the scheme settings admins can change.
type SettingsView struct {
	RequireApproval bool
	Notice          string
}

func (s *server) settingsPage() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		req, err := s.Alerts.RequireApproval(r.Context())
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := SettingsView{RequireApproval: req}
		if r.URL.Query().Get("done") == "saved" {
			v.Notice = "Settings saved."
		}
		s.Render(w, r, http.StatusOK, viewAlertSettings, v)
	}, scheme.RoleAdmin))
}

func (s *server) saveSettings() http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		on := r.PostFormValue("require_approval") == "true"
		if err := s.Alerts.SetRequireApproval(r.Context(), u, on); err != nil {
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/admin/settings?done=saved")
	}, scheme.RoleAdmin)
}
