package api

import (
	"net/http"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// trainingStatusJSON is an organisation's standing with the training.
type trainingStatusJSON struct {
	Trained    bool      `json:"trained"`
	AttendedOn time.Time `json:"attended_on,omitzero"`
	DueBy      time.Time `json:"due_by,omitzero"`
	Overdue    bool      `json:"overdue"`
	DueDays    int       `json:"due_days"`
}

// eventJSON is an event as a key contact sees it.
type eventJSON struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"starts_at"`
	Online     bool      `json:"online"`
	Town       string    `json:"town,omitempty"`
	PlacesLeft int       `json:"places_left"`
}

// orgTraining is the key contact's view of her organisation's training,
// as the page shows it (member/training.go).
func (s *server) orgTraining(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	m, err := s.Training.Mine(r.Context(), u)
	if err != nil {
		return err
	}
	st := m.Status
	out := struct {
		Status   trainingStatusJSON       `json:"status"`
		Events   []eventJSON              `json:"events"`
		Bookings []scheme.TrainingBooking `json:"bookings"`
		People   []scheme.TrainingPerson  `json:"people"`
	}{Status: trainingStatusJSON{Trained: st.Trained(), AttendedOn: st.AttendedOn, DueBy: st.DueBy(), Overdue: st.Overdue(s.Training.Now()), DueDays: st.DueDays},
		Events: []eventJSON{}, Bookings: m.Bookings, People: m.People}
	for _, e := range m.Events {
		out.Events = append(out.Events, eventJSON{ID: e.ID, Title: e.Title, StartsAt: e.StartsAt, Online: e.Online, Town: e.Town, PlacesLeft: e.PlacesLeft()})
	}
	if out.Bookings == nil {
		out.Bookings = []scheme.TrainingBooking{}
	}
	if out.People == nil {
		out.People = []scheme.TrainingPerson{}
	}
	core.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) bookTraining() http.Handler {
	return s.tokenAuth(withJSON(s, func(r *http.Request, u scheme.User, in struct {
		People []string `json:"people"`
	}) (int, any, error) {
		made, err := s.Training.Book(r.Context(), u, r.PathValue("id"), in.People)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, map[string]any{"items": made}, nil
	}), scheme.RoleOrgContact)
}

func (s *server) cancelTrainingBooking(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Training.CancelBooking(r.Context(), u, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
