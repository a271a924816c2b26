package demo

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// seedTraining publishes two events still to come (one online, one in
// person in Leeds) and books Jo of Northern Lights Outreach on the first.
// Northern Lights joined about four months ago and nobody from it has
// attended yet, so it is overdue: coordinators see it listed, and its key
// contact's page says training is due.
func seedTraining(ctx context.Context, db *store.DB, c clock, users map[string]scheme.User, contact scheme.User) error {
	db.SetClock(func() time.Time { return c.daysAgo(6, 11, 20) })
	online, err := db.Training.PublishTrainingEvent(ctx, users["demo-coordinator"].ID, scheme.TrainingEvent{
		Title: "Safety and reporting: new member organisations", StartsAt: c.daysAgo(-10, 10, 0), Online: true, Places: 20})
	if err != nil {
		return fmt.Errorf("demo training: %w", err)
	}
	if _, err := db.Training.PublishTrainingEvent(ctx, users["demo-coordinator"].ID, scheme.TrainingEvent{
		Title: "Alerts, checks and bulletins for front-line staff", StartsAt: c.daysAgo(-24, 14, 0), Town: "leeds", Places: 12}); err != nil {
		return fmt.Errorf("demo training: %w", err)
	}
	people, err := db.Training.TrainingPeople(ctx, contact.OrganisationID)
	if err != nil {
		return err
	}
	db.SetClock(func() time.Time { return c.daysAgo(3, 16, 5) })
	for _, p := range people {
		if p.Name == "Jo, outreach" {
			if _, err := db.Training.BookTraining(ctx, contact, online.ID, []string{p.ID}); err != nil {
				return fmt.Errorf("demo training booking: %w", err)
			}
		}
	}
	return nil
}
