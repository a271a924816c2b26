package staff

import (
	"net/http"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The on-call rota (admins, under Settings): who may publish an urgent
// alert alone out of office hours, and when. The form adds a shift,
// repeated weekly if asked; each shift under way or to come can be
// removed (one under way ends now).

// OnCallView is the rota page beside the form's fields (core.FormView's
// Values): the shifts under way and to come, and who may be put on call.
type OnCallView struct {
	Shifts     []shiftRow
	Candidates []core.Option
	TimeZone   string
	Pager      core.Pager
}

type shiftRow struct {
	ID, Who, From, To string
	Now               bool
}

func (s *server) onCallPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notice := map[string]string{
		"added":   "Added to the rota. The audit log records it.",
		"removed": "Removed from the rota. A shift under way ended now.",
	}[r.URL.Query().Get("done")]
	return s.renderOnCall(w, r, u, http.StatusOK, alert.ShiftInput{Weeks: "1"}, core.FormView{Notice: notice})
}

func (s *server) addShift(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	in := alert.ShiftInput{UserID: r.PostFormValue("user_id"), Starts: r.PostFormValue("starts"), Ends: r.PostFormValue("ends"), Weeks: r.PostFormValue("weeks")}
	_, err := s.Alerts.Rota.Add(r.Context(), u, in)
	if scheme.ErrorCode(err) == scheme.CodeConflict {
		return s.renderOnCall(w, r, u, http.StatusConflict, in, core.FormView{Errors: core.FormErrors(err)})
	}
	return s.answer(w, r, err, nil, func(fv core.FormView) error {
		return s.renderOnCall(w, r, u, http.StatusUnprocessableEntity, in, fv)
	}, "/admin/on-call?done=added")
}

func (s *server) removeShift(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Alerts.Rota.Remove(r.Context(), u, r.PathValue("id")); err != nil {
		if scheme.ErrorCode(err) == scheme.CodeConflict {
			return s.renderOnCall(w, r, u, http.StatusConflict, alert.ShiftInput{Weeks: "1"}, core.FormView{Errors: core.FormErrors(err)})
		}
		return err
	}
	core.SeeOther(w, r, "/admin/on-call?done=removed")
	return nil
}

// renderOnCall shows the rota and the form with in's values (as typed,
// when it is shown again with problems).
func (s *server) renderOnCall(w http.ResponseWriter, r *http.Request, u scheme.User, status int, in alert.ShiftInput, f core.FormView) error {
	ctx := r.Context()
	page := core.PageFrom(r)
	shifts, err := s.Alerts.Rota.Shifts(ctx, u, page)
	if err != nil {
		return err
	}
	candidates, err := s.Alerts.Rota.Candidates(ctx, u)
	if err != nil {
		return err
	}
	v := OnCallView{TimeZone: s.Location().String(), Pager: core.NewPager(r.URL.Query(), "/admin/on-call", page, shifts.Total)}
	for _, c := range candidates {
		v.Candidates = append(v.Candidates, core.Option{Value: c.ID, Label: c.Username, Selected: c.ID == in.UserID})
	}
	names := s.nameCache(ctx)
	now := s.Alerts.Rota.Time()
	for _, sh := range shifts.Items {
		v.Shifts = append(v.Shifts, shiftRow{ID: sh.ID, Who: names.of(sh.UserID), From: s.caseDayTime(sh.StartsAt), To: s.caseDayTime(sh.EndsAt), Now: sh.Covers(now)})
	}
	f.Values = map[string]string{"starts": in.Starts, "ends": in.Ends, "weeks": in.Weeks}
	f.Extra = v
	s.Render(w, r, status, viewOnCall, f)
	return nil
}
