package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// auditActions counts the audit log's entries by action, for one subject
// ("" for any).
func auditActions(t *testing.T, db *store.DB, subject string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for e, err := range db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if subject == "" || e.SubjectID == subject {
			out[e.Action]++
		}
	}
	return out
}

// monday22 is a Monday, 22:00 UTC: out of office hours.
var monday22 = time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)

func TestOnCall_ShiftsCoverNowRefuseOverlapsAndEndEarly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: monday22}
		db.SetClock(c.now)
		ids := population(t, db, []person{{name: "coord-a", kind: "coordinator"}, {name: "coord-b", kind: "coordinator"},
			{name: "member", kind: "individual", regions: []string{"london"}, email: "m@example.org", alertEmail: true}})
		a, b := ids["coord-a"], ids["coord-b"]

		got, err := db.Alerts.AddShifts(ctx, "admin", []scheme.OnCallShift{{UserID: a, StartsAt: monday22.Add(-time.Hour), EndsAt: monday22.Add(11 * time.Hour)}})
		if err != nil || len(got) != 1 || got[0].ID == "" {
			t.Fatalf("adding a shift: %+v, %v", got, err)
		}
		for who, want := range map[string]bool{a: true, b: false, ids["member"]: false} {
			if on, err := db.Alerts.OnCall(ctx, who); err != nil || on != want {
				t.Errorf("on call %s: %v %v, want %v", who, on, err, want)
			}
		}
		// Coordinator A again, overlapping: refused, and nothing of the
		// two stored (all or none).
		_, err = db.Alerts.AddShifts(ctx, "admin", []scheme.OnCallShift{
			{UserID: b, StartsAt: monday22.Add(24 * time.Hour), EndsAt: monday22.Add(30 * time.Hour)},
			{UserID: a, StartsAt: monday22.Add(10 * time.Hour), EndsAt: monday22.Add(20 * time.Hour)}})
		if scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("an overlapping shift: %v, want conflict", err)
		}
		if _, err := db.Alerts.AddShifts(ctx, "admin", []scheme.OnCallShift{{UserID: ids["member"], StartsAt: monday22, EndsAt: monday22.Add(time.Hour)}}); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Fatalf("a member on call: %v, want invalid", err)
		}
		later, err := db.Alerts.AddShifts(ctx, "admin", []scheme.OnCallShift{{UserID: b, StartsAt: monday22.Add(24 * time.Hour), EndsAt: monday22.Add(30 * time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
		list, err := db.Alerts.Shifts(ctx, monday22, scheme.Page{})
		if err != nil || len(list.Items) != 2 || list.Items[0].UserID != a || list.Items[1].UserID != b {
			t.Fatalf("the rota from now: %+v, %v", list.Items, err)
		}

		// A shift under way ends now; one to come goes; one over stays.
		if err := db.Alerts.RemoveShift(ctx, "admin", got[0].ID); err != nil {
			t.Fatal(err)
		}
		if on, _ := db.Alerts.OnCall(ctx, a); on {
			t.Error("still on call after the shift was ended")
		}
		if err := db.Alerts.RemoveShift(ctx, "admin", got[0].ID); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("removing a shift that is over: %v, want conflict", err)
		}
		if err := db.Alerts.RemoveShift(ctx, "admin", later[0].ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.Alerts.Shifts(ctx, time.Time{}, scheme.Page{}); len(list.Items) != 1 || list.Items[0].ID != got[0].ID || !list.Items[0].EndsAt.Equal(monday22) {
			t.Errorf("the rota after removals: %+v (the ended shift kept, ending at %v)", list.Items, monday22)
		}
		acts := auditActions(t, db, "")
		if acts["oncall.add"] != 2 || acts["oncall.end"] != 1 || acts["oncall.remove"] != 1 {
			t.Errorf("audited: %v", acts)
		}
	})
}

func TestUrgent_PublishedAloneOnCallIsClaimedFirstAndAwaitsReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: monday22.Add(-time.Hour)}
		db.SetClock(c.now)
		ids := population(t, db, append(slices.Clone(people), person{name: "coord-b", kind: "coordinator"}))
		a, b := ids["coordinator"], ids["coord-b"]

		// An ordinary alert, queued first.
		older, _ := publish(t, db, false, []string{"london"}, nil, nil)
		fanOut(t, db, older.ID, 100)

		c.add(time.Hour)
		r := reportWith(t, db)
		urgent := draftFrom(t, db, a, nil, r)
		due := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
		opts := store.PublishOptions{RequireApproval: true, Urgent: &store.UrgentPublish{ReviewDue: due}}
		if _, err := db.Alerts.PublishAlert(ctx, a, urgent.ID, opts); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Fatalf("urgent by a coordinator not on call: %v, want forbidden", err)
		}
		if _, err := db.Alerts.AddShifts(ctx, "admin", []scheme.OnCallShift{{UserID: a, StartsAt: c.t.Add(-4 * time.Hour), EndsAt: due}}); err != nil {
			t.Fatal(err)
		}
		flagged := opts
		flagged.Flags, flagged.OverrideReason = []scheme.AlertFlag{{Kind: "name", Field: "body", Text: "Jade", Message: "A reporter's name."}}, "It is the offender's alias."
		if _, err := db.Alerts.PublishAlert(ctx, a, urgent.ID, flagged); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Fatalf("urgent with a flag and a reason: %v, want invalid", err)
		}
		// On call, nothing flagged, no approval: it goes.
		aud, err := db.Alerts.PublishAlert(ctx, a, urgent.ID, opts)
		if err != nil {
			t.Fatalf("urgent by the coordinator on call: %v", err)
		}
		if aud.SMS != 4 {
			t.Errorf("urgent audience by SMS: %d, want 4", aud.SMS)
		}
		fanOut(t, db, urgent.ID, 100)
		if queuedJobs(t, db, "sms") != 1 {
			t.Error("the SMS sender was not started")
		}

		// Both alerts' SMS are due; the urgent one's are claimed first,
		// though the other's were queued an hour before.
		ds, err := db.Deliveries.ClaimDeliveries(ctx, "sms", "", aud.SMS, time.Minute)
		if err != nil || len(ds) != aud.SMS {
			t.Fatalf("claimed %d, %v", len(ds), err)
		}
		for _, d := range ds {
			if d.AlertID != urgent.ID {
				t.Errorf("claimed %s's delivery before the urgent alert's", d.AlertID)
			}
		}
		if rest, _ := db.Deliveries.ClaimDeliveries(ctx, "sms", "", 100, time.Minute); len(rest) == 0 || rest[0].AlertID != older.ID {
			t.Errorf("then the ordinary alert's: %+v", rest)
		}

		got, err := db.Alerts.Alert(ctx, urgent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Urgent || got.Review == nil || got.Review.State != scheme.ReviewPending || !got.Review.DueAt.Equal(due) || got.ApprovedBy != "" {
			t.Fatalf("published urgent: urgent %v review %+v approved by %q", got.Urgent, got.Review, got.ApprovedBy)
		}
		queue, err := db.Alerts.ReviewQueue(ctx, scheme.Page{})
		if err != nil || queue.Total != 1 || queue.Items[0].ID != urgent.ID {
			t.Fatalf("review queue: %+v, %v", queue, err)
		}

		if err := db.Alerts.ConfirmUrgent(ctx, a, urgent.ID); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("the publisher confirming: %v, want forbidden", err)
		}
		if err := db.Alerts.ConfirmUrgent(ctx, b, urgent.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.Alerts.ConfirmUrgent(ctx, b, urgent.ID); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("confirming twice: %v, want conflict", err)
		}
		if err := db.Alerts.ConfirmUrgent(ctx, b, older.ID); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("confirming an ordinary alert: %v, want conflict", err)
		}
		if queue, _ := db.Alerts.ReviewQueue(ctx, scheme.Page{}); queue.Total != 0 {
			t.Errorf("review queue after confirming: %d", queue.Total)
		}
		got, _ = db.Alerts.Alert(ctx, urgent.ID)
		if got.Review.State != scheme.ReviewConfirmed || got.Review.ReviewedBy != b || !got.Review.ReviewedAt.Equal(c.t) {
			t.Errorf("review after confirming: %+v", got.Review)
		}
		acts := auditActions(t, db, urgent.ID)
		if acts["alert.urgent_publish"] != 1 || acts["alert.publish"] != 0 || acts["alert.urgent_confirm"] != 1 {
			t.Errorf("audited: %v", acts)
		}
	})
}

func TestUrgent_WithdrawingOrEditingWhileUnderReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: monday22}
		db.SetClock(c.now)
		ids := population(t, db, []person{{name: "coord-a", kind: "coordinator"}, {name: "coord-b", kind: "coordinator"}})
		a, b := ids["coord-a"], ids["coord-b"]
		if _, err := db.Alerts.AddShifts(ctx, "admin", []scheme.OnCallShift{{UserID: a, StartsAt: monday22, EndsAt: monday22.Add(11 * time.Hour)}}); err != nil {
			t.Fatal(err)
		}
		opts := store.PublishOptions{Urgent: &store.UrgentPublish{ReviewDue: monday22.Add(11 * time.Hour)}}
		x := draftFrom(t, db, a, nil, reportWith(t, db))
		if _, err := db.Alerts.PublishAlert(ctx, a, x.ID, opts); err != nil {
			t.Fatal(err)
		}
		// The reviewer edits it: a new version, still urgent and waiting.
		x, err := db.Alerts.Alert(ctx, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		x.Body = "A man with red hair took a bag. He drives a blue van."
		if _, err := db.Alerts.UpdateAlert(ctx, b, x); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Alerts.Alert(ctx, x.ID)
		if got.Version != 2 || !got.Urgent || got.Review.State != scheme.ReviewPending {
			t.Fatalf("after the reviewer's edit: version %d, urgent %v, review %+v", got.Version, got.Urgent, got.Review)
		}
		// Then withdraws it: the review is closed as withdrawn.
		if err := db.Alerts.WithdrawAlert(ctx, b, x.ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Alerts.Alert(ctx, x.ID)
		if got.Review.State != scheme.ReviewWithdrawn || got.Review.ReviewedBy != b {
			t.Errorf("review after withdrawing: %+v", got.Review)
		}
		if q, _ := db.Alerts.ReviewQueue(ctx, scheme.Page{}); q.Total != 0 {
			t.Errorf("a withdrawn alert still in the review queue")
		}
		acts := auditActions(t, db, x.ID)
		if acts["alert.urgent_edit"] != 1 || acts["alert.withdraw"] != 1 || acts["alert.urgent_withdraw"] != 1 {
			t.Errorf("audited: %v", acts)
		}
	})
}

func TestFanOut_StartsTheFastChannelsSendersFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		population(t, db, people)
		a, aud := publish(t, db, false, []string{"london"}, nil, nil)
		if aud.Email == 0 || aud.SMS == 0 {
			t.Fatalf("the alert reaches %+v: want email and SMS both", aud)
		}
		fanOut(t, db, a.ID, 100)
		args := `args::text`
		if db.Dialect() == store.SQLite {
			args = `json(args)`
		}
		rows, err := db.Writer().QueryContext(ctx, `SELECT `+args+` FROM river_job WHERE kind = 'alert_deliver' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var order []string
		for rows.Next() {
			var raw string
			if err := rows.Scan(&raw); err != nil {
				t.Fatal(err)
			}
			for _, ch := range []string{"sms", "email", "push"} {
				if strings.Contains(raw, `"`+ch+`"`) {
					order = append(order, ch)
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if len(order) < 2 || order[0] != "sms" || !slices.Contains(order, "email") {
			t.Errorf("senders started in the order %v, want SMS before email", order)
		}
	})
}
