package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// trainingOrg is an approved organisation with its key contact and one
// staff login.
type trainingOrg struct {
	contact scheme.User
	staff   string
}

func newTrainingOrg(t *testing.T, db *store.DB, user, email string) trainingOrg {
	t.Helper()
	ctx := context.Background()
	na := individual(user, email, "")
	na.Type = scheme.Project
	na.Org = &scheme.Organisation{Name: "Outreach " + user, Website: "https://example.org", Email: email, KeyContact: "Sam", Description: "Night outreach van."}
	a := apply(t, db, na)
	if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
		t.Fatal(err)
	}
	org, err := db.Accounts.Organisation(ctx, a.UserID)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := db.Accounts.CreateOrgStaff(ctx, a.UserID, org.ID, user+".staff", "$argon2id$x", "Jo "+user)
	if err != nil {
		t.Fatal(err)
	}
	return trainingOrg{contact: scheme.User{ID: a.UserID, Role: scheme.RoleOrgContact, Status: scheme.StatusActive, OrganisationID: org.ID}, staff: staff.ID}
}

func publishEvent(t *testing.T, db *store.DB, starts time.Time, places int) scheme.TrainingEvent {
	t.Helper()
	e, err := db.Training.PublishTrainingEvent(context.Background(), "coord", scheme.TrainingEvent{Title: "Safety and reporting", StartsAt: starts, Online: true, Places: places})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func queued(t *testing.T, db *store.DB, userID, template string) int {
	t.Helper()
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND template = $2`, userID, template).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTraining_BookOwnPeopleWithinPlacesThenAttendanceMakesTheOrganisationTrained(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		mine, other := newTrainingOrg(t, db, "proj.one", "team@example.org"), newTrainingOrg(t, db, "proj.two", "hello@example.com")
		e := publishEvent(t, db, now.Add(72*time.Hour), 2)

		people, err := db.Training.TrainingPeople(ctx, mine.contact.OrganisationID)
		if err != nil || len(people) != 2 || people[0].ID != mine.contact.ID || people[1].ID != mine.staff || people[1].Name != "Jo proj.one" {
			t.Fatalf("people: %+v %v", people, err)
		}
		// Another organisation's staff, too many people, and nobody are
		// refused; nothing is stored.
		for _, c := range []struct {
			people []string
			code   scheme.Code
		}{
			{[]string{other.staff}, scheme.CodeInvalid},
			{[]string{mine.staff, other.contact.ID}, scheme.CodeInvalid},
			{nil, scheme.CodeInvalid},
		} {
			if _, err := db.Training.BookTraining(ctx, mine.contact, e.ID, c.people); scheme.ErrorCode(err) != c.code {
				t.Errorf("booking %v: %v, want %s", c.people, err, c.code)
			}
		}
		if b, _ := db.Training.EventBookings(ctx, e.ID); len(b) != 0 {
			t.Fatalf("a refused booking stored %d places", len(b))
		}
		ids, err := db.Training.BookTraining(ctx, mine.contact, e.ID, []string{mine.contact.ID, mine.staff})
		if err != nil || len(ids) != 2 {
			t.Fatalf("booking: %v %v", ids, err)
		}
		// The event is full now.
		if _, err := db.Training.BookTraining(ctx, other.contact, e.ID, []string{other.staff}); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("booking past the places: %v", err)
		}
		got, err := db.Training.TrainingEvent(ctx, e.ID)
		if err != nil || got.Booked != 2 || got.PlacesLeft() != 0 {
			t.Errorf("event after booking: %+v %v", got, err)
		}
		// The other organisation cannot cancel her booking; she can.
		if err := db.Training.CancelTrainingBooking(ctx, other.contact, ids[1]); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another organisation cancelled a booking: %v", err)
		}
		if err := db.Training.CancelTrainingBooking(ctx, mine.contact, ids[1]); err != nil {
			t.Fatal(err)
		}
		mineBooked, err := db.Training.OrganisationBookings(ctx, mine.contact.OrganisationID)
		if err != nil || len(mineBooked) != 1 || mineBooked[0].UserID != mine.contact.ID || mineBooked[0].EventTitle != "Safety and reporting" || mineBooked[0].Name != "Ruby proj.one" {
			t.Fatalf("her bookings: %+v %v", mineBooked, err)
		}

		status, err := db.Training.TrainingStatus(ctx, mine.contact.OrganisationID, 90)
		if err != nil || status.Trained() || !status.Joined.Equal(now) || !status.DueBy().Equal(now.AddDate(0, 0, 90)) {
			t.Fatalf("status before: %+v %v", status, err)
		}
		// Attendance waits for the event to begin.
		if err := db.Training.RecordTrainingAttendance(ctx, "coord", e.ID, map[string]bool{ids[0]: true}); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("attendance before the event: %v", err)
		}
		now = e.StartsAt.Add(3 * time.Hour)
		if err := db.Training.CancelTrainingBooking(ctx, mine.contact, ids[0]); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("a booking cancelled after the event began: %v", err)
		}
		if err := db.Training.RecordTrainingAttendance(ctx, "coord", e.ID, map[string]bool{"someone-else": true}); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("attendance of someone not booked: %v", err)
		}
		if err := db.Training.RecordTrainingAttendance(ctx, "coord", e.ID, map[string]bool{ids[0]: true}); err != nil {
			t.Fatal(err)
		}
		status, err = db.Training.TrainingStatus(ctx, mine.contact.OrganisationID, 90)
		if err != nil || !status.Trained() || !status.AttendedOn.Equal(e.StartsAt) {
			t.Errorf("status after: %+v %v", status, err)
		}
		b, _ := db.Training.EventBookings(ctx, e.ID)
		if len(b) != 1 || !b[0].Recorded || !b[0].Attended || b[0].Organisation != "Outreach proj.one" {
			t.Errorf("bookings after attendance: %+v", b)
		}
	})
}

// Key contacts book the last place at once: exactly one gets it. (The
// race is narrow: this does not reliably fail without the event's row
// lock, which PostgreSQL needs and SQLite's one writer makes moot; it
// does hold the count and the all-or-nothing insert to account.)
func TestTraining_TheLastPlaceGoesToOneBookingOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var orgs []trainingOrg
		for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			orgs = append(orgs, newTrainingOrg(t, db, "proj."+name, name+"@example.org"))
		}
		e := publishEvent(t, db, db.Now().Add(48*time.Hour), 1)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(orgs))
		for i, o := range orgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = db.Training.BookTraining(ctx, o.contact, e.ID, []string{o.staff})
			}()
		}
		close(start)
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch scheme.ErrorCode(err) {
			case "":
				won++
			case scheme.CodeInvalid:
			default:
				t.Errorf("booking at once: %v", err)
			}
		}
		b, _ := db.Training.EventBookings(ctx, e.ID)
		if won != 1 || len(b) != 1 {
			t.Errorf("%d bookings succeeded, %d stored; want 1 and 1", won, len(b))
		}
	})
}

func TestTraining_OverdueOrganisationsListedAndRemindedOncePerPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		late := newTrainingOrg(t, db, "proj.late", "late@example.org")
		now = now.AddDate(0, 0, 20)
		recent := newTrainingOrg(t, db, "proj.new", "new@example.org")
		now = now.AddDate(0, 0, 15) // late joined 35 days ago, recent 15

		l, err := db.Training.OverdueOrganisations(ctx, now, 30, scheme.PageOf(1))
		if err != nil || l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != late.contact.OrganisationID || l.Items[0].Name != "Outreach proj.late" || l.Items[0].Booked {
			t.Fatalf("overdue: %+v %v", l, err)
		}
		n, err := db.Training.RemindOverdueTraining(ctx, 30, "https://uglymugs.example.org/signin")
		if err != nil || n != 1 || queued(t, db, late.contact.ID, "training_due") != 1 || queued(t, db, recent.contact.ID, "training_due") != 0 {
			t.Fatalf("first reminder: %d %v", n, err)
		}
		// Run again (a restart, the next day): nothing more within the period.
		now = now.AddDate(0, 0, 1)
		if n, err := db.Training.RemindOverdueTraining(ctx, 30, "u"); err != nil || n != 0 || queued(t, db, late.contact.ID, "training_due") != 1 {
			t.Fatalf("second run: %d %v", n, err)
		}
		// A period later, still untrained: reminded again; recent is overdue too now.
		now = now.AddDate(0, 0, 30)
		if n, err := db.Training.RemindOverdueTraining(ctx, 30, "u"); err != nil || n != 2 || queued(t, db, late.contact.ID, "training_due") != 2 || queued(t, db, recent.contact.ID, "training_due") != 1 {
			t.Fatalf("next period: %d %v", n, err)
		}
		// Booked on an event to come: still listed, marked booked; once
		// attended, no longer listed.
		e := publishEvent(t, db, now.Add(24*time.Hour), 10)
		if _, err := db.Training.BookTraining(ctx, late.contact, e.ID, []string{late.staff}); err != nil {
			t.Fatal(err)
		}
		l, _ = db.Training.OverdueOrganisations(ctx, now, 30, scheme.Page{})
		if len(l.Items) != 2 || !l.Items[0].Booked || l.Items[0].RemindedAt.IsZero() {
			t.Fatalf("overdue with a booking: %+v", l.Items)
		}
		now = now.Add(25 * time.Hour)
		b, _ := db.Training.OrganisationBookings(ctx, late.contact.OrganisationID)
		if err := db.Training.RecordTrainingAttendance(ctx, "coord", e.ID, map[string]bool{b[0].ID: true}); err != nil {
			t.Fatal(err)
		}
		l, _ = db.Training.OverdueOrganisations(ctx, now, 30, scheme.Page{})
		if len(l.Items) != 1 || l.Items[0].ID != recent.contact.OrganisationID {
			t.Errorf("overdue after attendance: %+v", l.Items)
		}
	})
}

func TestTraining_CancellingAnEventTellsTheOrganisationsBookedOnIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		booked, notBooked := newTrainingOrg(t, db, "proj.x", "x@example.org"), newTrainingOrg(t, db, "proj.y", "y@example.org")
		e := publishEvent(t, db, db.Now().Add(48*time.Hour), 5)
		if _, err := db.Training.BookTraining(ctx, booked.contact, e.ID, []string{booked.staff}); err != nil {
			t.Fatal(err)
		}
		if err := db.Training.CancelTrainingEvent(ctx, "coord", e.ID, "https://uglymugs.example.org/signin"); err != nil {
			t.Fatal(err)
		}
		if queued(t, db, booked.contact.ID, "training_cancelled") != 1 || queued(t, db, notBooked.contact.ID, "training_cancelled") != 0 {
			t.Error("the cancellation notice went to the wrong organisations")
		}
		if up, _ := db.Training.UpcomingTrainingEvents(ctx, db.Now()); len(up) != 0 {
			t.Errorf("a cancelled event is still offered: %+v", up)
		}
		if _, err := db.Training.BookTraining(ctx, notBooked.contact, e.ID, []string{notBooked.staff}); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("booking a cancelled event: %v", err)
		}
		if err := db.Training.CancelTrainingEvent(ctx, "coord", e.ID, "u"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("cancelled twice: %v", err)
		}
	})
}
