package settings_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

var admin = scheme.User{ID: "admin-1", Role: scheme.RoleAdmin, Status: scheme.StatusActive}

// clock is a settable time for a Service's Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func instance(db *store.DB, c *clock) *settings.Service {
	s := settings.New(db, scheme.DefaultSettings(), time.UTC)
	s.Now = c.now
	return s
}

// TestService_AChangeReachesEveryInstanceWithinTheTTL: two instances over
// one database: the one that saves sees it at once; the other, which read
// the settings a moment before, within DefaultTTL, with no restart.
func TestService_AChangeReachesEveryInstanceWithinTheTTL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
		a, b := instance(db, c), instance(db, c)
		if cur, err := b.Current(ctx); err != nil || cur.Name != "Ugly Mugs" {
			t.Fatalf("before: %q %v", cur.Name, err)
		}
		in := settings.InputOf(scheme.DefaultSettings())
		in.Name, in.Open = "Harbour Mugs", "8:30"
		if _, err := a.Update(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
		if cur, _ := a.Current(ctx); cur.Name != "Harbour Mugs" || cur.Open != 8*time.Hour+30*time.Minute {
			t.Errorf("the instance that saved: %q from %v", cur.Name, cur.Open)
		}
		c.t = c.t.Add(time.Second)
		if cur, _ := b.Current(ctx); cur.Name != "Ugly Mugs" {
			t.Errorf("the other instance a second later: %q, want its cached read", cur.Name)
		}
		c.t = c.t.Add(settings.DefaultTTL)
		if cur, _ := b.Current(ctx); cur.Name != "Harbour Mugs" {
			t.Errorf("the other instance after the TTL: %q", cur.Name)
		}
		hours, err := b.Hours(ctx, scheme.WorkingHours{})
		if err != nil || hours.Open != 8*time.Hour+30*time.Minute || hours.Location != time.UTC || !hours.Days[time.Monday] {
			t.Errorf("the other instance's working hours: %+v %v", hours, err)
		}
	})
}

// TestService_SeedStoresTheFirstRunAndNeverOverwrites: the flags count on
// the first run only; a later start with other flags keeps what is
// stored and names the settings whose flags no longer count.
func TestService_SeedStoresTheFirstRunAndNeverOverwrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := scheme.DefaultSettings()
		first.Name, first.ChecksPerDay = "First Mugs", 30
		s := settings.New(db, first, time.UTC)
		differ, err := s.Seed(ctx)
		if err != nil || len(differ) != 0 {
			t.Fatalf("first run: %v %v", differ, err)
		}
		stored, err := db.Settings.All(ctx)
		if err != nil || len(stored) != len(first.Values()) || stored[scheme.SettingName] != "First Mugs" {
			t.Fatalf("stored %v %v", stored, err)
		}
		later := scheme.DefaultSettings()
		later.Name, later.ChecksPerDay = "Other Flags", 30
		s2 := settings.New(db, later, time.UTC)
		differ, err = s2.Seed(ctx)
		if err != nil || !slices.Equal(differ, []string{scheme.SettingName}) {
			t.Fatalf("later run: differ %v %v", differ, err)
		}
		if cur, _ := s2.Current(ctx); cur.Name != "First Mugs" || cur.ChecksPerDay != 30 {
			t.Errorf("later run reads %q, %d", cur.Name, cur.ChecksPerDay)
		}
		seeds := 0
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action == "settings.seed" {
				seeds++
			}
		}
		if seeds != 1 {
			t.Errorf("%d settings.seed entries, want 1 (the first run)", seeds)
		}
	})
}

// TestUpdate_NamesEachProblemAndStoresNothing: each field's problem, in
// plain words, and only an active admin may change anything.
func TestUpdate_NamesEachProblemAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := settings.New(db, scheme.DefaultSettings(), time.UTC)
		good := settings.InputOf(scheme.DefaultSettings())
		cases := []struct {
			field  string
			change func(*settings.Input)
		}{
			{"name", func(in *settings.Input) { in.Name = " " }},
			{"name", func(in *settings.Input) { in.Name = "A\tname" }},
			{"contact_email", func(in *settings.Input) { in.ContactEmail = "Help <help@example.org>" }},
			{"contact_email", func(in *settings.Input) { in.ContactEmail = "help@localhost" }},
			{"quick_exit_url", func(in *settings.Input) { in.QuickExitURL = "http://www.example.org" }},
			{"quick_exit_url", func(in *settings.Input) { in.QuickExitURL = "https://user@www.example.org" }},
			{"open", func(in *settings.Input) { in.Open = "9am" }},
			{"close", func(in *settings.Input) { in.Close = "8:00" }},
			{"close", func(in *settings.Input) { in.Close = "24:30" }},
			{"days", func(in *settings.Input) { in.Days = nil }},
			{"days", func(in *settings.Input) { in.Days = []string{"funday"} }},
			{"closed_days", func(in *settings.Input) { in.ClosedDays = "25/12/2026" }},
			{"checks_per_day", func(in *settings.Input) { in.ChecksPerDay = "0" }},
			{"checks_per_day", func(in *settings.Input) { in.ChecksPerDay = "100001" }},
			{"checks_per_minute", func(in *settings.Input) { in.ChecksPerMinute = "51" }},
			{"checks_per_minute", func(in *settings.Input) { in.ChecksPerMinute = "ten" }},
			{"training_due_days", func(in *settings.Input) { in.TrainingDueDays = "0" }},
			{"training_due_days", func(in *settings.Input) { in.TrainingDueDays = "3651" }},
			{"training_due_days", func(in *settings.Input) { in.TrainingDueDays = "ninety" }},
		}
		for _, c := range cases {
			in := good
			c.change(&in)
			_, err := s.Update(ctx, admin, in)
			var se *scheme.Error
			if !errorAs(err, &se) || se.Fields[c.field] == "" {
				t.Errorf("%s: %v, want a problem with it", c.field, err)
			}
		}
		coordinator := scheme.User{ID: "c", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
		revoked := admin
		revoked.Status = scheme.StatusRevoked
		for _, u := range []scheme.User{coordinator, revoked} {
			if _, err := s.Update(ctx, u, good); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s (%s): %v, want forbidden", u.Role, u.Status, err)
			}
		}
		if stored, err := db.Settings.All(ctx); err != nil || len(stored) != 0 {
			t.Errorf("after refusals, stored %v %v", stored, err)
		}
		// Typed loosely, read well.
		loose := good
		loose.Open, loose.Close, loose.ClosedDays, loose.ChecksPerDay = "9.30", "17", " 2026-12-25 ,\n\n2026-12-28 ", " 60 "
		cur, err := s.Update(ctx, admin, loose)
		if err != nil || cur.Open != 9*time.Hour+30*time.Minute || cur.Close != 17*time.Hour || !slices.Equal(cur.ClosedList(), []string{"2026-12-25", "2026-12-28"}) || cur.ChecksPerDay != 60 {
			t.Errorf("loosely typed: %+v %v", cur, err)
		}
	})
}

func TestService_NilGivesTheFixedValues(t *testing.T) {
	var s *settings.Service
	fixed := scheme.DefaultWorkingHours(time.UTC)
	fixed.Open = 7 * time.Hour
	if h, err := s.Hours(context.Background(), fixed); err != nil || h.Open != 7*time.Hour {
		t.Errorf("hours %+v %v", h, err)
	}
	if d, m, err := s.CheckLimits(context.Background(), 12, 3); err != nil || d != 12 || m != 3 {
		t.Errorf("limits %d %d %v", d, m, err)
	}
}

func errorAs(err error, target **scheme.Error) bool { return errors.As(err, target) }
