package scheme

import (
	"strings"
	"time"
)

// Urgent alerts. Out of office hours, a coordinator on call may publish an
// alert alone, marked urgent, once the anonymisation check finds nothing;
// a second coordinator reviews it from the start of the next working day:
// confirms it, edits it (a new version members see) or withdraws it.

// OnCallShift is one stretch of time in which a coordinator is on call,
// as an admin put it on the rota.
type OnCallShift struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Covers reports whether the shift includes the instant t (from its start,
// up to but not including its end).
func (s OnCallShift) Covers(t time.Time) bool { return !t.Before(s.StartsAt) && t.Before(s.EndsAt) }

// MaxShift is the longest one shift may be: a long weekend with a bank
// holiday, and a margin. Anything longer is a slip of the date.
const MaxShift = 5 * 24 * time.Hour

// MaxShiftWeeks is how many weeks ahead one entry may repeat a shift.
const MaxShiftWeeks = 12

// CheckShift says what is wrong with a shift before it goes on the rota,
// by field (user_id, starts, ends): it must have a coordinator, end after it starts, last at most
// MaxShift, and not be over already at now.
func CheckShift(s OnCallShift, now time.Time) map[string]string {
	p := map[string]string{}
	if strings.TrimSpace(s.UserID) == "" {
		p["user_id"] = "Choose the coordinator who is on call."
	}
	switch {
	case s.StartsAt.IsZero():
		p["starts"] = "Give the day and time the shift starts."
	case s.EndsAt.IsZero():
		p["ends"] = "Give the day and time the shift ends."
	case !s.EndsAt.After(s.StartsAt):
		p["ends"] = "The shift must end after it starts."
	case s.EndsAt.Sub(s.StartsAt) > MaxShift:
		p["ends"] = "A shift can last at most 5 days: split a longer one."
	case !s.EndsAt.After(now):
		p["ends"] = "That shift is over already: the rota is for now and later."
	}
	return p
}

// Review states of an urgent alert.
const (
	ReviewPending   = "pending"   // published alone; a second coordinator has not reviewed it yet
	ReviewConfirmed = "confirmed" // a second coordinator read it and let it stand
	ReviewWithdrawn = "withdrawn" // withdrawn before or at review
)

// UrgentReview is an urgent alert's review by a second coordinator.
type UrgentReview struct {
	State      string    `json:"state"`  // ReviewPending, ReviewConfirmed or ReviewWithdrawn
	DueAt      time.Time `json:"due_at"` // the start of the next working day after publishing
	ReviewedBy string    `json:"reviewed_by,omitempty"`
	ReviewedAt time.Time `json:"reviewed_at,omitzero"`
}

// UrgentConditions are what decides whether an alert may go out as
// urgent now: whether the office is open, whether the publisher is on
// call, and what the anonymisation check found just now.
type UrgentConditions struct {
	OfficeOpen bool
	OnCall     bool
	Flags      []AlertFlag
}

// CanPublishUrgent says whether a may be published by one coordinator
// alone, as urgent. Only a draft, only out of office hours (in them, the
// usual route with a second coordinator's approval applies), only by a
// coordinator on call now, and only with nothing flagged: an override
// reason is one coordinator's judgement, and an urgent alert has no
// second one before it goes out. The alert service asks it before the
// store is called; the store asks again in the transaction that publishes,
// with the rota read there.
func CanPublishUrgent(a Alert, c UrgentConditions) error {
	if a.Status != AlertDraft {
		return Errorf(CodeConflict, "This alert is already %s.", a.Status)
	}
	if c.OfficeOpen {
		return Errorf(CodeConflict, "It is office hours: publish it the usual way, with a second coordinator's approval. Urgent publishing alone is for out of hours.")
	}
	if !c.OnCall {
		return Errorf(CodeForbidden, "You are not on call now, so you cannot publish an alert alone. Ask the coordinator on call, or have a second coordinator approve it.")
	}
	if n := len(c.Flags); n > 0 {
		return Errorf(CodeInvalid, "The anonymisation check found %d thing(s) that may identify someone. An urgent alert cannot go out over a flag, even with a reason: change the text, save, and publish again.", n)
	}
	return nil
}

// CanReview says whether u may confirm a published urgent alert: one
// still waiting for review, by anyone but whoever published it.
func CanReview(a Alert, u User) error {
	if !a.Urgent || a.Review == nil {
		return Errorf(CodeConflict, "Only an alert published as urgent is reviewed this way.")
	}
	if a.Review.State != ReviewPending {
		return Errorf(CodeConflict, "This urgent alert was reviewed already (%s).", a.Review.State)
	}
	if a.Status != AlertPublished {
		return Errorf(CodeConflict, "This alert is %s: there is nothing to confirm.", a.Status)
	}
	if u.ID == a.PublishedBy {
		return Errorf(CodeForbidden, "You published this alert, so another coordinator must review it.")
	}
	return nil
}
