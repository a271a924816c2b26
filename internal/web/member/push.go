package member

import (
	"encoding/json"
	"net/http"

	"uglymugs/internal/push"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Alerts on her phone: push on each of her devices, and discreet mode.
// Turning push on needs the browser (its permission, its push service), so
// the page's script does it and posts the subscription here as JSON; the
// rest are plain forms.

// PushView is the page's data.
type PushView struct {
	Available bool   // the service has a push key
	Key       string // the VAPID public key, for the script
	Devices   []pushDevice
	Discreet  bool
}

type pushDevice struct {
	ID, Label, Added, LastSent string
}

func (s *server) pushPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderPush(w, r, u, http.StatusOK, core.FormView{Notice: pushNotice(r)})
}

func pushNotice(r *http.Request) string {
	switch r.URL.Query().Get("done") {
	case "on":
		return "Done: this device will get a notification when a new alert is published for you."
	case "removed":
		return "Removed: that device will get no more notifications."
	case "discreet-on":
		return "Discreet mode is on."
	case "discreet-off":
		return "Discreet mode is off."
	}
	return ""
}

func (s *server) renderPush(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) error {
	v := PushView{}
	if s.Push != nil {
		ctx := r.Context()
		key, err := s.Push.Key()
		v.Available, v.Key = err == nil, key
		ds, err := s.Push.Devices(ctx, u)
		if err != nil {
			return err
		}
		loc := core.Loc(r)
		for _, d := range ds {
			row := pushDevice{ID: d.ID, Label: d.Label, Added: s.Date(loc, d.CreatedAt, core.DateLong)}
			if d.LastSentAt != nil {
				row.LastSent = s.Date(loc, *d.LastSentAt, core.DateLong)
			}
			v.Devices = append(v.Devices, row)
		}
		if v.Discreet, err = s.Push.Discreet(ctx, u); err != nil {
			return err
		}
	}
	f.Extra = v
	s.Render(w, r, status, viewPush, f)
	return nil
}

// subscribePush takes the browser's PushSubscription as JSON and answers
// as the API does: 201 with the device's id, or the problem.
func (s *server) subscribePush(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	fail := func(err error) error {
		s.APIFail(w, r, err)
		return nil
	}
	if s.Push == nil {
		return fail(push.ErrOff)
	}
	var in push.Subscription
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10)).Decode(&in); err != nil {
		return fail(scheme.Invalid(map[string]string{"endpoint": "Your browser sent no subscription we could read. Reload the page and try again."}))
	}
	id, err := s.Push.Subscribe(r.Context(), u, in, push.DeviceName(r.UserAgent()))
	if err != nil {
		return fail(err)
	}
	core.WriteJSON(w, http.StatusCreated, map[string]string{"id": id})
	return nil
}

func (s *server) removePushDevice(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Push == nil {
		return push.ErrOff
	}
	if err := s.Push.Unsubscribe(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	core.SeeOther(w, r, "/account/push?done=removed")
	return nil
}

func (s *server) setDiscreet(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if s.Push == nil {
		return push.ErrOff
	}
	on := r.PostFormValue("discreet") == "on"
	if err := s.Push.SetDiscreet(r.Context(), u, on); err != nil {
		return err
	}
	done := "discreet-off"
	if on {
		done = "discreet-on"
	}
	core.SeeOther(w, r, "/account/push?done="+done)
	return nil
}
