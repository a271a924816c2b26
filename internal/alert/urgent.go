package alert

import (
	"context"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
)

// Urgent alerts (scheme/urgent.go has the rules): out of office hours, a
// coordinator on call publishes alone once the check finds nothing; a
// second coordinator reviews the alert from the start of the next working
// day, and confirms it, edits it (Update) or withdraws it (Withdraw).

// Urgent holds the rules of urgent alerts that need the clock and the
// office hours, and their review.
type Urgent struct {
	DB *store.DB
	// Hours are the office hours, which decide when an alert may be
	// published alone and when its review falls due (serve sets
	// Hours.Settings, so that an admin's hours count).
	Hours settings.Hours
	Now   func() time.Time // nil: the store's clock
}

// Urgency is what decides, now, whether u may publish an alert alone: for
// the editor to offer it (or say why not) before she tries.
type Urgency struct {
	OfficeOpen bool
	OnCall     bool
	ReviewDue  time.Time // when an alert published now would be reviewed; zero in office hours
}

// Urgency says whether the office is open now, whether u is on call, and
// when an urgent alert published now would fall due for review.
func (s *Urgent) Urgency(ctx context.Context, u scheme.User) (Urgency, error) {
	if err := staffOnly(u); err != nil {
		return Urgency{}, err
	}
	hours, err := s.Hours.InForce(ctx)
	if err != nil {
		return Urgency{}, err
	}
	now := s.now()
	out := Urgency{OfficeOpen: hours.IsOpen(now)}
	if !out.OfficeOpen {
		out.ReviewDue = hours.NextOpening(now)
	}
	out.OnCall, err = s.DB.Alerts.OnCall(ctx, u.ID)
	return out, err
}

// publish publishes a alone, as urgent: out of office hours, by a
// coordinator on call now, with nothing flagged (scheme.CanPublishUrgent,
// asked again by the store with the rota as it is then). Its review falls
// due at the next opening of the office.
func (s *Urgent) publish(ctx context.Context, u scheme.User, a scheme.Alert, flags []scheme.AlertFlag) (scheme.Audience, error) {
	now, err := s.Urgency(ctx, u)
	if err != nil {
		return scheme.Audience{}, err
	}
	if err := scheme.CanPublishUrgent(a, scheme.UrgentConditions{OfficeOpen: now.OfficeOpen, OnCall: now.OnCall, Flags: flags}); err != nil {
		return scheme.Audience{}, err
	}
	if now.ReviewDue.IsZero() {
		return scheme.Audience{}, scheme.Errorf(scheme.CodeConflict, "The office hours in the settings never open, so no review could be planned: an admin must set them first.")
	}
	return s.DB.Alerts.PublishAlert(ctx, u.ID, a.ID, store.PublishOptions{Flags: flags, Urgent: &store.UrgentPublish{ReviewDue: now.ReviewDue}})
}

// Confirm is a second coordinator's review of an urgent alert: it
// stands as members have it (scheme.CanReview: not by whoever published
// it; the store asks again in its transaction).
func (s *Urgent) Confirm(ctx context.Context, u scheme.User, id string) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	a, err := s.DB.Alerts.Alert(ctx, id)
	if err != nil {
		return err
	}
	if err := scheme.CanReview(a, u); err != nil {
		return err
	}
	return s.DB.Alerts.ConfirmUrgent(ctx, u.ID, id)
}

// ReviewQueue lists page p of the urgent alerts waiting for review, the
// one due first first.
func (s *Urgent) ReviewQueue(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.Alert], error) {
	if err := staffOnly(u); err != nil {
		return scheme.Listed[scheme.Alert]{}, err
	}
	return s.DB.Alerts.ReviewQueue(ctx, p)
}

func (s *Urgent) now() time.Time {
	if s.Now == nil {
		return s.DB.Now()
	}
	return s.Now()
}
