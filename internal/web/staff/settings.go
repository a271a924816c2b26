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
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		req, err := s.Alerts.RequireApproval(r.Context())
		if err != nil {
			return err
		}
		v := SettingsView{RequireApproval: req}
		if r.URL.Query().Get("done") == "saved" {
			v.Notice = "Settings saved."
		}
		s.Render(w, r, http.StatusOK, viewAlertSettings, v)
		return nil
	}, scheme.RoleAdmin))
}

func (s *server) saveSettings(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	on := r.PostFormValue("require_approval") == "true"
	if err := s.Alerts.SetRequireApproval(r.Context(), u, on); err != nil {
		return err
	}
	core.SeeOther(w, r, "/admin/settings?done=saved")
	return nil
}
