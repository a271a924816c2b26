package staff

import (
	"net/http"
	"net/url"

	"uglymugs/internal/scheme"
	"uglymugs/internal/training"
	"uglymugs/internal/web/core"
)

// TrainingDeskView is the coordinators' training page: the events, the
// form to publish one, and how many organisations are overdue.
type TrainingDeskView struct {
	Events  []staffTrainingEvent
	Pager   core.Pager
	Towns   scheme.Towns
	Online  bool // the form's choice
	Overdue int
	DueDays int
}

type staffTrainingEvent struct {
	ID, Title, When, Where, Status string
	Places, Booked                 int
}

func (s *server) trainingEvent(e scheme.TrainingEvent, towns scheme.Towns) staffTrainingEvent {
	where := "Online"
	if !e.Online {
		where = "In person, " + towns.Name(e.Town)
	}
	return staffTrainingEvent{ID: e.ID, Title: e.Title, When: s.Time(e.StartsAt, core.WeekdayTimeThisYear), Where: where,
		Status: e.Status, Places: e.Places, Booked: e.Booked}
}

func (s *server) trainingDesk(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notice := map[string]string{"published": "Event published: key contacts can book places on it now.",
		"cancelled": "Event cancelled. The key contacts of organisations with places on it are being told."}[r.URL.Query().Get("done")]
	return s.renderTrainingDesk(w, r, u, http.StatusOK, core.FormView{Notice: notice, Values: map[string]string{"time": "10:00"}}, true)
}

func (s *server) renderTrainingDesk(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView, online bool) error {
	page := core.PageFrom(r)
	events, err := s.Training.Events(r.Context(), u, page)
	if err != nil {
		return err
	}
	overdue, days, err := s.Training.Overdue(r.Context(), u, scheme.PageOf(1))
	if err != nil {
		return err
	}
	towns, err := s.Towns.All(r.Context())
	if err != nil {
		return err
	}
	var offered scheme.Towns
	for _, t := range towns {
		if !t.Retired() {
			offered = append(offered, t)
		}
	}
	v := TrainingDeskView{Pager: core.NewPager(r.URL.Query(), "/coordinator/training", page, events.Total), Towns: offered,
		Online: online, Overdue: overdue.Total, DueDays: days}
	for _, e := range events.Items {
		v.Events = append(v.Events, s.trainingEvent(e, towns))
	}
	f.Extra = v
	s.Render(w, r, status, viewTrainingDesk, f)
	return nil
}

func (s *server) publishTraining(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	in := training.EventInput{Title: r.PostFormValue("title"), Date: r.PostFormValue("date"), Time: r.PostFormValue("time"),
		Online: r.PostFormValue("where") != "town", Town: r.PostFormValue("town"), Places: r.PostFormValue("places")}
	_, err := s.Training.Publish(r.Context(), u, in)
	vals := core.PostedValues(r, "title", "date", "time", "town", "places")
	return s.answer(w, r, err, vals, func(f core.FormView) error {
		return s.renderTrainingDesk(w, r, u, http.StatusUnprocessableEntity, f, in.Online)
	}, "/coordinator/training?done=published")
}

// TrainingEventView is one event with its bookings and the attendance
// form.
type TrainingEventView struct {
	Event       staffTrainingEvent
	Bookings    []staffBooking
	Started     bool
	Cancellable bool
}

type staffBooking struct {
	ID, Organisation, Name, BookedAt string
	Recorded, Attended               bool
}

func (s *server) trainingEventPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notice := map[string]string{"recorded": "Attendance recorded."}[r.URL.Query().Get("done")]
	return s.renderTrainingEvent(w, r, u, http.StatusOK, core.FormView{Notice: notice})
}

func (s *server) renderTrainingEvent(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) error {
	e, bookings, err := s.Training.Event(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	towns, err := s.Towns.All(r.Context())
	if err != nil {
		return err
	}
	now := s.Training.Now()
	v := TrainingEventView{Event: s.trainingEvent(e, towns), Started: e.Status == scheme.TrainingPublished && e.Started(now), Cancellable: e.Bookable(now)}
	for _, b := range bookings {
		name := b.Name
		if b.UserID == "" {
			name = "(someone who has left)"
		}
		v.Bookings = append(v.Bookings, staffBooking{ID: b.ID, Organisation: b.Organisation, Name: name,
			BookedAt: s.Time(b.BookedAt, core.DateTimeShort), Recorded: b.Recorded, Attended: b.Attended})
	}
	f.Extra = v
	s.Render(w, r, status, viewTrainingEvent, f)
	return nil
}

func (s *server) recordAttendance(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := r.ParseForm(); err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "We could not read that form.")
	}
	id := r.PathValue("id")
	err := s.Training.RecordAttendance(r.Context(), u, id, r.PostForm["attended"])
	if code := scheme.ErrorCode(err); code == scheme.CodeConflict || code == scheme.CodeInvalid {
		return s.renderTrainingEvent(w, r, u, core.StatusFor(code), core.FormView{Errors: core.FormErrors(err)})
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/coordinator/training/"+url.PathEscape(id)+"?done=recorded")
	return nil
}

func (s *server) cancelTraining(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	err := s.Training.Cancel(r.Context(), u, r.PathValue("id"))
	if scheme.ErrorCode(err) == scheme.CodeConflict {
		return s.renderTrainingEvent(w, r, u, http.StatusConflict, core.FormView{Errors: core.FormErrors(err)})
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/coordinator/training?done=cancelled")
	return nil
}

// TrainingOverdueView are the organisations not trained within the due
// period of joining.
type TrainingOverdueView struct {
	Items   []overdueOrg
	Pager   core.Pager
	DueDays int
}

type overdueOrg struct {
	Name, Type, Joined, Reminded string
	Booked                       bool
}

func (s *server) trainingOverdue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	page := core.PageFrom(r)
	l, days, err := s.Training.Overdue(r.Context(), u, page)
	if err != nil {
		return err
	}
	v := TrainingOverdueView{Pager: core.NewPager(r.URL.Query(), "/coordinator/training/overdue", page, l.Total), DueDays: days}
	for _, o := range l.Items {
		reminded := "not yet"
		if !o.RemindedAt.IsZero() {
			reminded = s.Time(o.RemindedAt, core.DateShort)
		}
		v.Items = append(v.Items, overdueOrg{Name: o.Name, Type: o.Type, Joined: s.Time(o.Joined, core.DateShort), Reminded: reminded, Booked: o.Booked})
	}
	s.Render(w, r, http.StatusOK, viewTrainingOverdue, core.FormView{Extra: v})
	return nil
}
