package alert_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// urgentFixture is the alert fixture with one clock for the service, the
// rota and the store, an admin, and coordinator A on call for the week
// (Monday 7 December 2026, 17:00, to Monday 14 December, 09:00, London;
// two shifts).
type urgentFixture struct {
	fixture
	admin scheme.User
	now   time.Time
}

var london = func() *time.Location { l, _ := time.LoadLocation("Europe/London"); return l }()

func at(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, london) }

func urgentSetup(t *testing.T, db *store.DB) *urgentFixture {
	t.Helper()
	ctx := context.Background()
	f := &urgentFixture{fixture: setup(t, db), now: at(7, 16, 0)}
	db.SetClock(func() time.Time { return f.now }) // the service's clock too
	if _, err := account.CreateStaff(ctx, db, "test", "the.admin", "a long test passphrase", scheme.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	f.admin, _ = db.Accounts.UserByUsername(ctx, "the.admin")
	f.admin.Status = scheme.StatusActive
	for _, s := range []alert.ShiftInput{{Starts: "2026-12-07T17:00", Ends: "2026-12-11 09:00"}, {Starts: "2026-12-11T17:00", Ends: "2026-12-14T09:00"}} {
		s.UserID = f.coordA.ID
		if _, err := f.svc.Rota.Add(ctx, f.admin, s); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// draft writes a fresh draft from the consented report.
func (f *urgentFixture) draft(t *testing.T) scheme.Alert {
	t.Helper()
	a, err := f.svc.Draft(context.Background(), f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestUrgent_PublishedOutOfHoursByTheCoordinatorOnCallAloneAndReviewedNextWorkingMorning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := urgentSetup(t, db)
		for _, c := range []struct {
			name     string
			now, due time.Time
		}{
			{"a weekday at 22:00", at(7, 22, 0), at(8, 9, 0)},
			{"Friday night", at(11, 22, 30), at(14, 9, 0)},
			{"early on Saturday", at(12, 6, 0), at(14, 9, 0)},
		} {
			f.now = c.now
			a := f.draft(t)
			aud, err := f.svc.PublishWith(ctx, f.coordA, a.ID, alert.PublishInput{Urgent: true})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if aud.InApp == 0 {
				t.Errorf("%s: reached nobody", c.name)
			}
			got, err := f.svc.Alert(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != scheme.AlertPublished || !got.Urgent || got.ApprovedBy != "" || got.Review == nil ||
				got.Review.State != scheme.ReviewPending || !got.Review.DueAt.Equal(c.due) {
				t.Errorf("%s: status %s, urgent %v, approved by %q, review %+v; want due %v", c.name, got.Status, got.Urgent, got.ApprovedBy, got.Review, c.due)
			}
		}
		// The next working morning, all three wait for review, the first
		// due first; the publisher cannot confirm her own, another can.
		f.now = at(14, 9, 0)
		q, err := f.svc.Urgent.ReviewQueue(ctx, f.coordB, scheme.Page{})
		if err != nil || q.Total != 3 || !q.Items[0].Review.DueAt.Equal(at(8, 9, 0)) {
			t.Fatalf("review queue: %d, %v", q.Total, err)
		}
		first := q.Items[0].ID
		if err := f.svc.Urgent.Confirm(ctx, f.coordA, first); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("the publisher confirming: %v, want forbidden", err)
		}
		if err := f.svc.Urgent.Confirm(ctx, f.coordB, first); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Withdraw(ctx, f.coordB, q.Items[1].ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		if q, _ := f.svc.Urgent.ReviewQueue(ctx, f.coordB, scheme.Page{}); q.Total != 1 {
			t.Errorf("review queue after one confirmed and one withdrawn: %d", q.Total)
		}
	})
}

func TestUrgent_RefusedInOfficeHoursOffCallOrWithFlags(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := urgentSetup(t, db)
		urgent := alert.PublishInput{Urgent: true}
		refused := func(name string, u scheme.User, id string, in alert.PublishInput, code scheme.Code, says string) {
			t.Helper()
			_, err := f.svc.PublishWith(ctx, u, id, in)
			if scheme.ErrorCode(err) != code || !strings.Contains(scheme.ErrorMessage(err), says) {
				t.Errorf("%s: %v, want %s saying %q", name, err, code, says)
			}
			if a, _ := f.svc.Alert(ctx, id); a.Status != scheme.AlertDraft {
				t.Errorf("%s: the alert is %s", name, a.Status)
			}
		}
		a := f.draft(t)

		f.now = at(7, 22, 0)
		refused("a coordinator not on call", f.coordB, a.ID, urgent, scheme.CodeForbidden, "not on call")
		refused("an urgent alert that is not asked for", f.coordA, a.ID, alert.PublishInput{}, scheme.CodeConflict, "approve")

		// A shift under way lets her publish only while it lasts: A's
		// first shift ended at 09:00 on Friday.
		f.now = at(11, 16, 59)
		refused("in office hours, on no shift", f.coordA, a.ID, urgent, scheme.CodeConflict, "office hours")
		if _, err := f.svc.Rota.Add(ctx, f.admin, alert.ShiftInput{UserID: f.coordA.ID, Starts: "2026-12-11T09:00", Ends: "2026-12-11T17:00"}); err != nil {
			t.Fatal(err)
		}
		refused("in office hours, on call", f.coordA, a.ID, urgent, scheme.CodeConflict, "office hours")

		// Out of hours, on call, but the text names the reporter: no
		// reason is enough.
		f.now = at(11, 23, 0)
		body := a.Body + " Coralie saw him first."
		if _, err := f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Body: &body}); err != nil {
			t.Fatal(err)
		}
		refused("with a flag and a reason", f.coordA, a.ID, alert.PublishInput{Urgent: true, OverrideReason: "Coralie is the offender's alias."},
			scheme.CodeInvalid, "cannot go out over a flag")
	})
}

func TestRota_AddIsForAdminsAndNamesEachProblem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := urgentSetup(t, db)
		if _, err := f.svc.Rota.Add(ctx, f.coordB, alert.ShiftInput{UserID: f.coordB.ID, Starts: "2026-12-08T17:00", Ends: "2026-12-09T09:00"}); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a coordinator changing the rota: %v, want forbidden", err)
		}
		for _, c := range []struct {
			name  string
			in    alert.ShiftInput
			field string
		}{
			{"no coordinator", alert.ShiftInput{Starts: "2026-12-08T17:00", Ends: "2026-12-09T09:00"}, "user_id"},
			{"a start that is not a time", alert.ShiftInput{UserID: f.coordB.ID, Starts: "tonight", Ends: "2026-12-09T09:00"}, "starts"},
			{"an end before the start", alert.ShiftInput{UserID: f.coordB.ID, Starts: "2026-12-08T17:00", Ends: "2026-12-08T09:00"}, "ends"},
			{"a week long", alert.ShiftInput{UserID: f.coordB.ID, Starts: "2026-12-08T17:00", Ends: "2026-12-15T17:00"}, "ends"},
			{"over already", alert.ShiftInput{UserID: f.coordB.ID, Starts: "2026-12-01T17:00", Ends: "2026-12-02T09:00"}, "ends"},
			{"too many weeks", alert.ShiftInput{UserID: f.coordB.ID, Starts: "2026-12-08T17:00", Ends: "2026-12-09T09:00", Weeks: "52"}, "weeks"},
			{"a member", alert.ShiftInput{UserID: f.reporter.ID, Starts: "2026-12-08T17:00", Ends: "2026-12-09T09:00"}, "user_id"},
		} {
			if _, err := f.svc.Rota.Add(ctx, f.admin, c.in); scheme.ErrorCode(err) != scheme.CodeInvalid || fields(err)[c.field] == "" {
				t.Errorf("%s: %v, want %s named", c.name, err, c.field)
			}
		}
		// Three weeks of Tuesday nights, on the local clock.
		got, err := f.svc.Rota.Add(ctx, f.admin, alert.ShiftInput{UserID: f.coordB.ID, Starts: "2026-12-08 17:00", Ends: "2026-12-09 09:00", Weeks: "3"})
		if err != nil || len(got) != 3 || !got[2].StartsAt.Equal(at(22, 17, 0)) || !got[2].EndsAt.Equal(at(23, 9, 0)) {
			t.Fatalf("repeated shifts: %+v, %v", got, err)
		}
		list, err := f.svc.Rota.Shifts(ctx, f.coordB, scheme.Page{})
		if err != nil || list.Total != 5 {
			t.Errorf("the rota: %d shifts, %v; want A's two and B's three", list.Total, err)
		}
	})
}
