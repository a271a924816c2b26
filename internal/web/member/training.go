package member

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// TrainingView is an organisation's training as its key contact sees it.
type TrainingView struct {
	Trained  bool
	Attended string // the day of the last event attended
	DueBy    string // when training is due; "" if not known
	Overdue  bool
	Events   []trainingEvent
	Bookings []trainingBooking
	// Failed is the event whose booking form has the problems shown.
	Failed string
}

type trainingEvent struct {
	ID, Title, When, Town string
	Online                bool
	PlacesLeft            int
	// People are those she may still book on it (not booked yet).
	People []trainingChoice
}

type trainingChoice struct {
	ID, Name string
	Checked  bool
}

type trainingBooking struct {
	ID, Title, When, Name string
	Cancelled, Past       bool
	Recorded, Attended    bool
	Cancellable           bool
}

func (s *server) trainingPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notice := map[string]string{"booked": "Places booked.", "cancelled": "Place cancelled: someone else can have it."}[r.URL.Query().Get("done")]
	return s.renderTraining(w, r, u, http.StatusOK, core.FormView{Notice: notice}, "", nil)
}

// renderTraining shows the page; failed and chosen are a booking form
// shown again with its problems and what was ticked.
func (s *server) renderTraining(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView, failed string, chosen []string) error {
	m, err := s.Training.Mine(r.Context(), u)
	if err != nil {
		return err
	}
	loc, now := core.Loc(r), s.Training.Now()
	towns, err := s.Towns.All(r.Context())
	if err != nil {
		return err
	}
	v := TrainingView{Trained: m.Status.Trained(), Overdue: m.Status.Overdue(now), Failed: failed,
		Attended: s.Date(loc, m.Status.AttendedOn, core.DateLong), DueBy: s.Date(loc, m.Status.DueBy(), core.DateLong)}
	booked := map[string]map[string]bool{} // event → people booked
	for _, b := range m.Bookings {
		if booked[b.EventID] == nil {
			booked[b.EventID] = map[string]bool{}
		}
		booked[b.EventID][b.UserID] = true
		v.Bookings = append(v.Bookings, trainingBooking{ID: b.ID, Title: b.EventTitle, When: s.Date(loc, b.EventStartsAt, core.WeekdayTimeShort), Name: b.Name,
			Cancelled: b.EventStatus == scheme.TrainingCancelled, Past: !now.Before(b.EventStartsAt), Recorded: b.Recorded, Attended: b.Attended,
			Cancellable: b.EventStatus == scheme.TrainingPublished && now.Before(b.EventStartsAt)})
	}
	ticked := map[string]bool{}
	for _, id := range chosen {
		ticked[id] = true
	}
	for _, e := range m.Events {
		te := trainingEvent{ID: e.ID, Title: e.Title, When: s.Date(loc, e.StartsAt, core.WeekdayTimeShort), Online: e.Online, Town: towns.Name(e.Town), PlacesLeft: e.PlacesLeft()}
		for _, p := range m.People {
			if !booked[e.ID][p.ID] {
				te.People = append(te.People, trainingChoice{ID: p.ID, Name: p.Name, Checked: e.ID == failed && ticked[p.ID]})
			}
		}
		v.Events = append(v.Events, te)
	}
	f.Extra = v
	s.Render(w, r, status, viewTraining, f)
	return nil
}

func (s *server) bookTraining(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := r.ParseForm(); err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "We could not read that form.")
	}
	id, people := r.PathValue("id"), r.PostForm["people"]
	if _, err := s.Training.Book(r.Context(), u, id, people); err != nil {
		switch scheme.ErrorCode(err) {
		case scheme.CodeInvalid, scheme.CodeConflict:
			return s.renderTraining(w, r, u, core.StatusFor(scheme.ErrorCode(err)), core.FormView{Errors: core.FormErrors(err)}, id, people)
		}
		return err
	}
	core.SeeOther(w, r, "/organisation/training?done=booked")
	return nil
}

func (s *server) cancelTrainingBooking(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Training.CancelBooking(r.Context(), u, r.PathValue("id")); err != nil {
		if scheme.ErrorCode(err) == scheme.CodeConflict {
			return s.renderTraining(w, r, u, http.StatusConflict, core.FormView{Errors: core.FormErrors(err)}, "", nil)
		}
		return err
	}
	core.SeeOther(w, r, "/organisation/training?done=cancelled")
	return nil
}
