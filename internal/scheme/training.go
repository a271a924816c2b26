package scheme

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Training for member organisations (the terms' clause 2): coordinators
// publish events, an organisation's key contact books places for its
// people, coordinators record who attended. An organisation is trained
// once someone it booked attended; until then its training is due, and
// overdue past TrainingDueDays days from joining.

// SettingTrainingDueDays is the setting: within how many days of joining
// an organisation should have attended the scheme's training.
const SettingTrainingDueDays = "training.due_days"

// Limits on training events and the due period.
const (
	DefaultTrainingDueDays = 90
	MaxTrainingDueDays     = 3650
	MaxTrainingTitle       = 120
	MaxTrainingPlaces      = 500
	// MaxTrainingBooking is the most people one booking names at once.
	MaxTrainingBooking = 50
)

// Training event statuses.
const (
	TrainingPublished = "published"
	TrainingCancelled = "cancelled"
)

// TrainingEvent is one session of the scheme's training.
type TrainingEvent struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Online   bool      `json:"online"`
	Town     string    `json:"town,omitempty"` // a town's slug; "" online
	Places   int       `json:"places"`
	Booked   int       `json:"booked"`
	Status   string    `json:"status"`
	// CreatedAt and CancelledAt are the coordinators' record.
	CreatedAt   time.Time `json:"-"`
	CancelledAt time.Time `json:"-"`
}

// PlacesLeft are the places not yet booked.
func (e TrainingEvent) PlacesLeft() int { return max(e.Places-e.Booked, 0) }

// Bookable says whether places on e can be booked (or cancelled) at now:
// published, and not yet started.
func (e TrainingEvent) Bookable(now time.Time) bool {
	return e.Status == TrainingPublished && now.Before(e.StartsAt)
}

// Started says whether e has begun at now, so that attendance can be
// recorded.
func (e TrainingEvent) Started(now time.Time) bool { return !now.Before(e.StartsAt) }

// TrainingEventProblems names what is wrong with an event a coordinator
// publishes, by the form's field names (title, date, places, town), in
// plain words. towns are the scheme's towns; a retired one is refused.
func TrainingEventProblems(e TrainingEvent, now time.Time, towns Towns) map[string]string {
	p := map[string]string{}
	switch title := strings.TrimSpace(e.Title); {
	case title == "":
		p["title"] = "Give the event a title, for example “Safety and reporting: new members”."
	case utf8.RuneCountInString(title) > MaxTrainingTitle || strings.ContainsAny(title, "\r\n\t"):
		p["title"] = fmt.Sprintf("Keep the title to one line of at most %d characters.", MaxTrainingTitle)
	}
	if !e.StartsAt.After(now) {
		p["date"] = "Give a date and time in the future."
	}
	if e.Places < 1 || e.Places > MaxTrainingPlaces {
		p["places"] = fmt.Sprintf("Give the number of places, a whole number from 1 to %d.", MaxTrainingPlaces)
	}
	if !e.Online {
		if t, ok := towns.Find(e.Town); !ok || t.Retired() {
			p["town"] = "Choose the town it is held in, or choose online."
		}
	}
	return p
}

// TrainingBooking is a place booked for one person of an organisation.
type TrainingBooking struct {
	ID             string    `json:"id"`
	EventID        string    `json:"event_id"`
	OrganisationID string    `json:"-"`
	UserID         string    `json:"person_id,omitempty"` // "" once the person has left
	Name           string    `json:"name"`                // the person's name, as her key contact gave it
	BookedAt       time.Time `json:"booked_at"`
	EventTitle     string    `json:"event_title"`
	EventStartsAt  time.Time `json:"event_starts_at"`
	EventStatus    string    `json:"event_status"`
	// Recorded says whether a coordinator has recorded attendance;
	// Attended is what they recorded.
	Recorded bool `json:"recorded"`
	Attended bool `json:"attended"`
	// Organisation is the organisation's name, on the coordinators' pages.
	Organisation string `json:"-"`
}

// TrainingPerson is someone of an organisation its key contact may book
// a place for: herself, or one of its active staff logins.
type TrainingPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TrainingStatus is an organisation's standing with the training.
type TrainingStatus struct {
	Joined     time.Time // approved; zero if not known
	AttendedOn time.Time // the day of the last event someone attended; zero: not yet
	DueDays    int       // the setting in force
}

// Trained says whether someone of the organisation has attended.
func (s TrainingStatus) Trained() bool { return !s.AttendedOn.IsZero() }

// DueBy is when training is due: DueDays after joining (zero if not
// known).
func (s TrainingStatus) DueBy() time.Time {
	if s.Joined.IsZero() {
		return time.Time{}
	}
	return s.Joined.AddDate(0, 0, s.DueDays)
}

// Overdue says whether the organisation is untrained past its due date at
// now.
func (s TrainingStatus) Overdue(now time.Time) bool {
	return !s.Trained() && !s.DueBy().IsZero() && now.After(s.DueBy())
}

// OverdueOrganisation is an organisation not trained within the due
// period, as coordinators see it.
type OverdueOrganisation struct {
	ID         string
	Name       string
	Type       string // project or establishment
	Joined     time.Time
	Booked     bool      // someone is booked on an event still to come
	RemindedAt time.Time // the last reminder; zero: none
}

// TrainingDueDaysProblem checks the setting.
func TrainingDueDaysProblem(days int) string {
	if days < 1 || days > MaxTrainingDueDays {
		return fmt.Sprintf("Give a whole number of days from 1 to %d.", MaxTrainingDueDays)
	}
	return ""
}

// CanBookTraining is the rule a booking is held to, asked by the store
// inside its transaction with the event locked: the event takes bookings,
// it has the places, and each person is of the key contact's organisation
// (people are the ids asked for; allowed those she may book).
func CanBookTraining(e TrainingEvent, now time.Time, people []string, allowed map[string]bool) error {
	if !e.Bookable(now) {
		return Errorf(CodeConflict, "This event is no longer taking bookings.")
	}
	if len(people) == 0 {
		return Invalid(map[string]string{"people": "Choose who will attend."})
	}
	if len(people) > MaxTrainingBooking {
		return Invalid(map[string]string{"people": fmt.Sprintf("Book at most %d people at once.", MaxTrainingBooking)})
	}
	for _, id := range people {
		if !allowed[id] {
			return Invalid(map[string]string{"people": "Choose people of your organisation from the list."})
		}
	}
	if len(people) > e.PlacesLeft() {
		return Invalid(map[string]string{"people": "There are not enough places left on this event for everyone you chose."})
	}
	return nil
}
