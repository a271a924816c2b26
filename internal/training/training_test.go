package training_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/training"
)

var (
	coord = scheme.User{ID: "coord-1", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
	admin = scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}
)

// keyContact makes an approved organisation and returns its key contact
// and the id of its one staff login.
func keyContact(t *testing.T, db *store.DB, user, email string) (scheme.User, string) {
	t.Helper()
	ctx := context.Background()
	a, err := db.Accounts.CreateApplication(ctx, store.NewApplication{Type: scheme.Project, Username: user, PasswordHash: "$argon2id$test",
		Profile: scheme.Profile{WorkName: "Sam " + user, Email: email, Regions: []string{"london"}, TermsVersion: 1},
		Org:     &scheme.Organisation{Name: "Harbour " + user, Website: "https://example.org", Email: email, KeyContact: "Sam", Description: "Drop-in."},
		URL:     "https://uglymugs.example.org/signin"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
		t.Fatal(err)
	}
	org, err := db.Accounts.Organisation(ctx, a.UserID)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := db.Accounts.CreateOrgStaff(ctx, a.UserID, org.ID, user+".staff", "$argon2id$x", "Jo")
	if err != nil {
		t.Fatal(err)
	}
	return scheme.User{ID: a.UserID, Role: scheme.RoleOrgContact, Status: scheme.StatusActive, OrganisationID: org.ID}, staff.ID
}

func service(db *store.DB, change func(*scheme.Settings)) *training.Service {
	def := scheme.DefaultSettings()
	if change != nil {
		change(&def)
	}
	london, _ := time.LoadLocation("Europe/London")
	return training.New(db, settings.New(db, def, london), london, "https://uglymugs.example.org/signin")
}

func TestPublish_ChecksEveryFieldAtOnceAndReadsTheSchemesClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.SetClock(func() time.Time { return time.Date(2027, 6, 1, 8, 0, 0, 0, time.UTC) })
		s := service(db, nil)
		_, err := s.Publish(ctx, coord, training.EventInput{Title: " ", Date: "2027-05-01", Time: "10:00", Places: "0"})
		var se *scheme.Error
		if e, ok := err.(*scheme.Error); ok {
			se = e
		}
		if se == nil || se.Fields["title"] == "" || se.Fields["date"] == "" || se.Fields["places"] == "" || se.Fields["town"] == "" {
			t.Fatalf("bad event: %v", err)
		}
		for _, in := range []training.EventInput{
			{Title: "T", Date: "1 July", Time: "10:00", Online: true, Places: "5"},
			{Title: "T", Date: "2027-07-01", Time: "25:00", Online: true, Places: "5"},
			{Title: "T", Date: "2027-07-01", Time: "10:00", Online: true, Places: "lots"},
			{Title: "T", Date: "2027-07-01", Time: "10:00", Town: "nowhere", Places: "5"},
		} {
			if _, err := s.Publish(ctx, coord, in); scheme.ErrorCode(err) != scheme.CodeInvalid {
				t.Errorf("%+v: %v, want invalid", in, err)
			}
		}
		if l, _ := db.Training.TrainingEvents(ctx, scheme.Page{}); l.Total != 0 {
			t.Fatalf("refused events were stored: %d", l.Total)
		}
		// 10:00 in London in July is 09:00 UTC (summer time).
		e, err := s.Publish(ctx, admin, training.EventInput{Title: "  Safety   and reporting ", Date: "2027-07-01", Time: "10:00", Online: true, Places: "12"})
		if err != nil || e.Title != "Safety and reporting" || !e.StartsAt.Equal(time.Date(2027, 7, 1, 9, 0, 0, 0, time.UTC)) || e.Places != 12 {
			t.Fatalf("published: %+v %v", e, err)
		}
		if _, err := db.Towns.AddTown(ctx, "admin", "london", "Camden", "camden"); err != nil {
			t.Fatal(err)
		}
		if e, err := s.Publish(ctx, coord, training.EventInput{Title: "In person", Date: "2027-07-02", Time: "14:30", Town: "camden", Places: "8"}); err != nil || e.Town != "camden" || e.Online {
			t.Errorf("in person: %+v %v", e, err)
		}
	})
}

func TestService_OnlyCoordinatorsRunItAndOnlyKeyContactsBook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := service(db, nil)
		contact, staffID := keyContact(t, db, "harbour", "team@example.org")
		staffUser := scheme.User{ID: staffID, Role: scheme.RoleOrgStaff, Status: scheme.StatusActive, OrganisationID: contact.OrganisationID}
		member := scheme.User{ID: "m", Role: scheme.RoleMember, Status: scheme.StatusActive}
		revoked := contact
		revoked.Status = scheme.StatusRevoked
		in := training.EventInput{Title: "Safety", Date: db.Now().AddDate(0, 0, 7).Format("2006-01-02"), Time: "10:00", Online: true, Places: "3"}
		for _, u := range []scheme.User{contact, staffUser, member} {
			if _, err := s.Publish(ctx, u, in); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s published: %v", u.Role, err)
			}
			if _, _, err := s.Overdue(ctx, u, scheme.Page{}); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s read the overdue list: %v", u.Role, err)
			}
		}
		e, err := s.Publish(ctx, coord, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []scheme.User{staffUser, member, coord, revoked} {
			if _, err := s.Book(ctx, u, e.ID, []string{staffID}); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s (%s) booked: %v", u.Role, u.Status, err)
			}
			if _, err := s.Mine(ctx, u); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s (%s) read an organisation's training: %v", u.Role, u.Status, err)
			}
		}
		made, err := s.Book(ctx, contact, e.ID, []string{staffID, " " + staffID, ""})
		if err != nil || len(made) != 1 || made[0].Name != "Jo" {
			t.Fatalf("booked: %+v %v", made, err)
		}
		m, err := s.Mine(ctx, contact)
		if err != nil || len(m.Events) != 1 || m.Events[0].Booked != 1 || len(m.Bookings) != 1 || len(m.People) != 2 || m.Status.Trained() || m.Status.DueDays != 90 {
			t.Fatalf("mine: %+v %v", m, err)
		}
		// Coordinators reading who is booked is audited.
		if _, b, err := s.Event(ctx, coord, e.ID); err != nil || len(b) != 1 {
			t.Fatalf("event: %v %v", b, err)
		}
		var views int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'training.view' AND subject_id = $1`, e.ID).Scan(&views); err != nil || views != 1 {
			t.Errorf("view audits: %d %v", views, err)
		}
	})
}

func TestDueDays_TheAdminsSettingInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := service(db, func(def *scheme.Settings) { def.TrainingDueDays = 30 })
		if d := s.DueDays(ctx); d != 30 {
			t.Errorf("due days %d, want 30", d)
		}
		in := settings.InputOf(scheme.DefaultSettings())
		in.TrainingDueDays = "45"
		if _, err := s.Settings.Update(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
		if d := s.DueDays(ctx); d != 45 {
			t.Errorf("due days after the admin's change %d, want 45", d)
		}
	})
}
