// Package training is the scheme's training for member organisations
// (the terms' clause 2: organisations attend it). Coordinators publish
// events, an organisation's key contact books places for her own people
// (herself and her organisation's staff logins, never another
// organisation's), coordinators record who attended. An organisation is
// trained once someone it booked attended; until then its training is
// due, and overdue past the setting training.due_days from joining, when
// coordinators see it listed and its key contacts are reminded,
// content-free, once in each such period (Remind, a periodic job).
//
// Every door (the key contact's page and the API, the coordinators'
// desk, the job) calls this one Service.
package training

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
)

// Service is training's one entry point for every door.
type Service struct {
	DB       *store.DB
	Settings *settings.Service // the due period in force
	Location *time.Location    // the scheme's time zone, for an event's date and time
	// SignInURL is where the notices point: the site's sign-in page.
	SignInURL string
}

// New returns the training service over db.
func New(db *store.DB, set *settings.Service, loc *time.Location, signInURL string) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{DB: db, Settings: set, Location: loc, SignInURL: signInURL}
}

// DueDays is the due period in force (the default when the settings
// cannot be read or there is no settings service).
func (s *Service) DueDays(ctx context.Context) int {
	if s.Settings == nil {
		return scheme.DefaultTrainingDueDays
	}
	cur, err := s.Settings.Current(ctx)
	if err != nil || cur.TrainingDueDays < 1 {
		return scheme.DefaultTrainingDueDays
	}
	return cur.TrainingDueDays
}

func coordinators(u scheme.User) error { return scheme.CanCoordinate(u, "run the training") }

// keyContact is the rule for the organisation's side: an active key
// contact of an organisation.
func keyContact(u scheme.User) error {
	if u.Role != scheme.RoleOrgContact || u.Status != scheme.StatusActive || u.OrganisationID == "" {
		return scheme.Errorf(scheme.CodeForbidden, "Only an organisation's key contact can book training.")
	}
	return nil
}

// EventInput is an event as a coordinator typed it.
type EventInput struct {
	Title  string
	Date   string // "2027-01-20"
	Time   string // "10:00", the scheme's time zone
	Online bool
	Town   string // a town's slug, for an event in person
	Places string
}

// Publish publishes a new event: coordinators only; every field checked
// at once (scheme.TrainingEventProblems), nothing stored on a problem.
func (s *Service) Publish(ctx context.Context, u scheme.User, in EventInput) (scheme.TrainingEvent, error) {
	if err := coordinators(u); err != nil {
		return scheme.TrainingEvent{}, err
	}
	e := scheme.TrainingEvent{Title: strings.Join(strings.Fields(in.Title), " "), Online: in.Online, Town: strings.TrimSpace(in.Town)}
	p := map[string]string{}
	day, dayErr := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.Date), s.Location)
	clock, clockErr := scheme.ParseClock(in.Time)
	if dayErr != nil {
		p["date"] = "Give the date written 2027-01-20."
	} else if clockErr != nil || clock >= 24*time.Hour {
		p["time"] = "Give a time on the 24-hour clock, for example 10:00."
	} else {
		// Midnight to the hour and minute on the scheme's clock, across a
		// change of summer time.
		e.StartsAt = time.Date(day.Year(), day.Month(), day.Day(), int(clock/time.Hour), int(clock%time.Hour/time.Minute), 0, 0, s.Location)
	}
	places, err := strconv.Atoi(strings.TrimSpace(in.Places))
	if err != nil {
		p["places"] = "Give the number of places, a whole number."
	}
	e.Places = places
	towns, err := s.DB.Towns.All(ctx)
	if err != nil {
		return e, err
	}
	for field, msg := range scheme.TrainingEventProblems(e, s.DB.Now(), towns) {
		if p[field] == "" && !(field == "date" && p["time"] != "") {
			p[field] = msg
		}
	}
	if len(p) > 0 {
		return e, scheme.Invalid(p)
	}
	return s.DB.Training.PublishTrainingEvent(ctx, u.ID, e)
}

// Events are every event, latest first, a page at a time: coordinators.
func (s *Service) Events(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.TrainingEvent], error) {
	if err := coordinators(u); err != nil {
		return scheme.Listed[scheme.TrainingEvent]{}, err
	}
	return s.DB.Training.TrainingEvents(ctx, p)
}

// Event is one event with its bookings, for coordinators; reading the
// names of the people booked is audited.
func (s *Service) Event(ctx context.Context, u scheme.User, id string) (scheme.TrainingEvent, []scheme.TrainingBooking, error) {
	if err := coordinators(u); err != nil {
		return scheme.TrainingEvent{}, nil, err
	}
	e, err := s.DB.Training.TrainingEvent(ctx, id)
	if err != nil {
		return e, nil, err
	}
	bookings, err := s.DB.Training.EventBookings(ctx, id)
	bookings, err = store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "training.view", SubjectType: "training_event", SubjectID: id}, bookings, err)
	return e, bookings, err
}

// Cancel cancels an event still to come; the key contacts of the
// organisations with places on it are told, content-free.
func (s *Service) Cancel(ctx context.Context, u scheme.User, id string) error {
	if err := coordinators(u); err != nil {
		return err
	}
	return s.DB.Training.CancelTrainingEvent(ctx, u.ID, id, s.SignInURL)
}

// RecordAttendance records who of those booked attended an event that has
// begun: attended are the bookings' ids; every other booking is recorded
// as not attended.
func (s *Service) RecordAttendance(ctx context.Context, u scheme.User, eventID string, attended []string) error {
	if err := coordinators(u); err != nil {
		return err
	}
	came := map[string]bool{}
	for _, id := range attended {
		came[id] = true
	}
	return s.DB.Training.RecordTrainingAttendance(ctx, u.ID, eventID, came)
}

// Overdue are the organisations not trained within the due period of
// joining, the longest waiting first: coordinators.
func (s *Service) Overdue(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.OverdueOrganisation], int, error) {
	if err := coordinators(u); err != nil {
		return scheme.Listed[scheme.OverdueOrganisation]{}, 0, err
	}
	days := s.DueDays(ctx)
	l, err := s.DB.Training.OverdueOrganisations(ctx, s.DB.Now(), days, p)
	return l, days, err
}

// Mine is what a key contact sees of the training: her organisation's
// standing, the events she can book, her organisation's bookings and the
// people she can book places for.
type Mine struct {
	Status   scheme.TrainingStatus
	Events   []scheme.TrainingEvent
	Bookings []scheme.TrainingBooking
	People   []scheme.TrainingPerson
}

// Mine is the key contact's view of her organisation's training.
func (s *Service) Mine(ctx context.Context, u scheme.User) (Mine, error) {
	var m Mine
	if err := keyContact(u); err != nil {
		return m, err
	}
	var err error
	if m.Status, err = s.DB.Training.TrainingStatus(ctx, u.OrganisationID, s.DueDays(ctx)); err != nil {
		return m, err
	}
	if m.Events, err = s.DB.Training.UpcomingTrainingEvents(ctx, s.DB.Now()); err != nil {
		return m, err
	}
	if m.Bookings, err = s.DB.Training.OrganisationBookings(ctx, u.OrganisationID); err != nil {
		return m, err
	}
	m.People, err = s.DB.Training.TrainingPeople(ctx, u.OrganisationID)
	return m, err
}

// Book books places on an event for people of the key contact's
// organisation (their ids), all or none; it returns the new bookings.
func (s *Service) Book(ctx context.Context, u scheme.User, eventID string, people []string) ([]scheme.TrainingBooking, error) {
	if err := keyContact(u); err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range people {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(ids, p) {
			ids = append(ids, p)
		}
	}
	made, err := s.DB.Training.BookTraining(ctx, u, eventID, ids)
	if err != nil {
		return nil, err
	}
	all, err := s.DB.Training.OrganisationBookings(ctx, u.OrganisationID)
	if err != nil {
		return nil, err
	}
	var out []scheme.TrainingBooking
	for _, b := range all {
		if slices.Contains(made, b.ID) {
			out = append(out, b)
		}
	}
	return out, nil
}

// CancelBooking gives back a place the key contact's organisation booked,
// before the event starts. Another organisation's booking is not found.
func (s *Service) CancelBooking(ctx context.Context, u scheme.User, bookingID string) error {
	if err := keyContact(u); err != nil {
		return err
	}
	return s.DB.Training.CancelTrainingBooking(ctx, u, bookingID)
}

// Remind tells each overdue organisation's key contacts that training is
// due, once in each due period; it returns how many were reminded.
func (s *Service) Remind(ctx context.Context) (int, error) {
	return s.DB.Training.RemindOverdueTraining(ctx, s.DueDays(ctx), s.SignInURL)
}

// Now is the service's clock (the store's), which says whether an event
// is still to come.
func (s *Service) Now() time.Time { return s.DB.Now() }
