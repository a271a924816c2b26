package staff

import (
	"net/http"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/web/core"
)

// SettingsView is what an admin sets for the scheme, beside the form's
// text fields (core.FormView's Values): the days the office is open, the
// approval switch, and the time zone (not a setting: README says why).
type SettingsView struct {
	Days            []settingsDay
	RequireApproval bool
	TimeZone        string
}

type settingsDay struct {
	Code, Name string
	Checked    bool
}

func (s *server) settingsPage() http.Handler {
	return core.NoIndex(s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		cur, err := s.Settings.Current(r.Context())
		if err != nil {
			return err
		}
		notice := ""
		if r.URL.Query().Get("done") == "saved" {
			notice = "Settings saved. They apply from now on, for everyone; the audit log records what changed."
		}
		return s.renderSettings(w, r, http.StatusOK, settings.InputOf(cur), core.FormView{Notice: notice})
	}, scheme.RoleAdmin))
}

func (s *server) saveSettings(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := r.ParseForm(); err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "We could not read that form.")
	}
	f := r.PostForm
	in := settings.Input{Name: f.Get("name"), ContactEmail: f.Get("contact_email"), QuickExitURL: f.Get("quick_exit_url"),
		Open: f.Get("open"), Close: f.Get("close"), Days: f["days"], ClosedDays: f.Get("closed_days"),
		ChecksPerDay: f.Get("checks_per_day"), ChecksPerMinute: f.Get("checks_per_minute"), RequireApproval: f.Get("require_approval") == "true",
		TrainingDueDays: f.Get("training_due_days")}
	_, err := s.Settings.Update(r.Context(), u, in)
	return s.answer(w, r, err, nil, func(fv core.FormView) error { return s.renderSettings(w, r, http.StatusUnprocessableEntity, in, fv) }, "/admin/settings?done=saved")
}

// renderSettings shows the form with in's values (as typed, when it is
// shown again with problems).
func (s *server) renderSettings(w http.ResponseWriter, r *http.Request, status int, in settings.Input, f core.FormView) error {
	f.Values = map[string]string{"name": in.Name, "contact_email": in.ContactEmail, "quick_exit_url": in.QuickExitURL,
		"open": in.Open, "close": in.Close, "closed_days": in.ClosedDays, "checks_per_day": in.ChecksPerDay, "checks_per_minute": in.ChecksPerMinute,
		"training_due_days": in.TrainingDueDays}
	v := SettingsView{RequireApproval: in.RequireApproval, TimeZone: s.Location().String()}
	checked := map[string]bool{}
	for _, d := range in.Days {
		checked[d] = true
	}
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		code := scheme.WeekdayCodes[d]
		v.Days = append(v.Days, settingsDay{Code: code, Name: d.String(), Checked: checked[code]})
	}
	f.Extra = v
	s.Render(w, r, status, viewSettings, f)
	return nil
}
