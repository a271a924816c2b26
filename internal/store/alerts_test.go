package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// draftFrom stores a draft alert written from reports, as the alert
// service would after validating it.
func draftFrom(t *testing.T, db *store.DB, author string, flags []scheme.AlertFlag, reports ...scheme.Report) scheme.Alert {
	t.Helper()
	a := scheme.Alert{
		AlertContent: scheme.AlertContent{Title: "Robbery — Islington", Body: "A man with red hair took a bag.", Area: "Islington, London",
			Identifiers: []scheme.Identifier{{Kind: "phone", Value: "07700 900123", Normalised: "+447700900123"}}},
		Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-5 * time.Hour),
		Regions: []string{"london"}, Flags: flags,
	}
	for _, r := range reports {
		a.ReportIDs = append(a.ReportIDs, r.ID)
	}
	got, err := db.Alerts.CreateAlert(context.Background(), author, a)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAlerts_ApprovalIsByAnotherCoordinatorAndClearedByAnEdit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := reportWith(t, db)
		a := draftFrom(t, db, "coord-a", nil, r)
		need := store.PublishOptions{RequireApproval: true}

		if err := db.Alerts.ApproveAlert(ctx, "coord-a", a.ID); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Fatalf("the writer approving their own alert: %v, want forbidden", err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, need); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("publishing unapproved: %v, want conflict", err)
		}
		if err := db.Alerts.ApproveAlert(ctx, "coord-b", a.ID); err != nil {
			t.Fatal(err)
		}
		// Coordinator B edits it: the approval was for other words, and B
		// may not approve B's own edit either.
		a.Body = "A man with red hair and a scar took a bag."
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-b", a); err != nil {
			t.Fatal(err)
		}
		got, err := db.Alerts.Alert(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ApprovedBy != "" || got.Body != a.Body {
			t.Fatalf("after an edit: approved by %q, body %q", got.ApprovedBy, got.Body)
		}
		if err := db.Alerts.ApproveAlert(ctx, "coord-b", a.ID); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Fatalf("the last editor approving: %v, want forbidden", err)
		}
		if err := db.Alerts.ApproveAlert(ctx, "coord-c", a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, need); err != nil {
			t.Fatalf("publishing approved: %v", err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, need); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("publishing twice: %v, want conflict", err)
		}
		if err := db.Alerts.ApproveAlert(ctx, "coord-c", a.ID); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("approving a published alert: %v, want conflict", err)
		}
	})
}

func TestAlerts_PublishingWithFlagsNeedsAReasonAndConsentMustHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := reportWith(t, db)
		flags := []scheme.AlertFlag{{Kind: "name", Field: "body", Text: "Jade", Start: 0, End: 4, Message: "A reporter's name."}}
		a := draftFrom(t, db, "coord-a", flags, r)

		_, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{Flags: flags, OverrideReason: "  "})
		var se *scheme.Error
		if scheme.ErrorCode(err) != scheme.CodeInvalid || !errors.As(err, &se) || se.Fields["override_reason"] == "" {
			t.Fatalf("publishing with flags and no reason: %v, want the override_reason field named", err)
		}

		// The reporter withdraws consent: nothing may be published from it.
		if _, err := db.Reports.SetConsents(ctx, r.ReporterID, r.ID, scheme.Consents{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{Flags: flags, OverrideReason: "Jade is the offender's alias."}); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("publishing without the reporter's consent: %v, want conflict", err)
		}
		if _, err := db.Reports.SetConsents(ctx, r.ReporterID, r.ID, scheme.Consents{Alert: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{Flags: flags, OverrideReason: "Jade is the offender's alias."}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Alerts.Alert(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != scheme.AlertPublished || got.OverrideReason != "Jade is the offender's alias." || len(got.Flags) != 1 || got.PublishedBy != "coord-a" {
			t.Errorf("published alert: %+v", got)
		}
		rep, err := db.Reports.Report(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status != scheme.ReportPublished {
			t.Errorf("report status %q after publishing, want published", rep.Status)
		}
		tl, err := db.Reports.Timeline(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range tl {
			found = found || e.Kind == "alert_published"
		}
		if !found {
			t.Errorf("no alert_published event in the case timeline: %+v", tl)
		}
	})
}

func TestAlerts_EditingAPublishedAlertKeepsItsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := draftFrom(t, db, "coord-a", nil, reportWith(t, db))
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		first := a.Body
		a.Body = "Correction: the man had dark hair."
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-b", a); err != nil {
			t.Fatal(err)
		}
		vs, err := db.Alerts.AlertVersions(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 || vs[0].Version != 2 || vs[0].Content.Body != a.Body || vs[0].EditedBy != "coord-b" || vs[1].Content.Body != first {
			t.Fatalf("versions %+v", vs)
		}
		got, _ := db.Alerts.Alert(ctx, a.ID)
		if got.Version != 2 || got.Body != a.Body || got.Status != scheme.AlertPublished {
			t.Errorf("alert after edit: version %d, %q, %s", got.Version, got.Body, got.Status)
		}
		// Who it goes to cannot change after it has gone.
		a.Regions = []string{"wales"}
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-b", a); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("changing the regions of a published alert: %v, want conflict", err)
		}
		// A withdrawal without a notice is refused by alert.Service.Withdraw
		// (TestRules_RefusedBeforeTheStoreIsAsked).
		if err := db.Alerts.WithdrawAlert(ctx, "coord-b", a.ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Alerts.Alert(ctx, a.ID)
		if got.Status != scheme.AlertWithdrawn || got.Notice != "Sent in error." {
			t.Errorf("withdrawn alert: %s %q", got.Status, got.Notice)
		}
		if m := got.ForMembers(); m.Body != "" || m.Title != "" || len(m.Identifiers) != 0 || m.Notice == "" {
			t.Errorf("members see a withdrawn alert's content: %+v", m)
		}
		a.Body = "too late"
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-b", a); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("editing a withdrawn alert: %v, want conflict", err)
		}
	})
}

func TestAlerts_DraftsCanBeDiscardedAndListedFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pub := draftFrom(t, db, "coord-a", nil, reportWith(t, db))
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", pub.ID, store.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		d := draftFrom(t, db, "coord-a", nil, reportWith(t, db))
		gone := draftFrom(t, db, "coord-a", nil, reportWith(t, db))
		if err := db.Alerts.DiscardAlert(ctx, "coord-a", gone.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.Alerts.DiscardAlert(ctx, "coord-a", pub.ID); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("discarding a published alert: %v", err)
		}
		as, err := db.Alerts.Alerts(ctx, scheme.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 2 || as[0].ID != d.ID || as[1].ID != pub.ID {
			t.Fatalf("alerts listed %v, want the draft then the published one", alertIDs(as))
		}
		if as[1].Title != pub.Title || len(as[1].Regions) != 1 || len(as[1].ReportIDs) != 1 {
			t.Errorf("listed alert lacks content or lists: %+v", as[1])
		}
	})
}

func alertIDs(as []scheme.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestAlerts_SettingsDefaultAndChangeIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		v, err := db.Alerts.Setting(ctx, scheme.SettingRequireApproval, "true")
		if err != nil || v != "true" {
			t.Fatalf("default: %q %v", v, err)
		}
		for _, want := range []string{"false", "true", "false"} {
			if err := db.Alerts.SetSetting(ctx, "admin", scheme.SettingRequireApproval, want); err != nil {
				t.Fatal(err)
			}
			if v, _ := db.Alerts.Setting(ctx, scheme.SettingRequireApproval, "true"); v != want {
				t.Errorf("setting %q, read %q", want, v)
			}
		}
		n := 0
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action == "setting.change" {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%d setting changes audited, want 3", n)
		}
	})
}

func TestAlerts_TextIsNotReadableInTheDatabaseFile(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	flags := []scheme.AlertFlag{{Kind: "name", Field: "body", Text: "Quillonia", Message: "A reporter's name."}}
	a := draftFrom(t, db, "coord-a", flags, reportWith(t, db))
	if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{Flags: flags, OverrideReason: "Override by Zephyrine"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Alerts.WithdrawAlert(ctx, "coord-a", a.ID, "Withdrawn: Marzipanic"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var path string
	db.Writer().QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"red hair", "Islington", "Quillonia", "Zephyrine", "Marzipanic", "900123"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%q readable in the database file", s)
		}
	}
}

// TestAlerts_DraftFromFindsTheDraftCoveringEveryReport: a draft counts for
// reports it was written from, all of them (it may have more); published
// alerts do not count, and CreateDraft stores nothing when one is found.
func TestAlerts_DraftFromFindsTheDraftCoveringEveryReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r1, r2, r3 := reportWith(t, db), reportWith(t, db), reportWith(t, db)
		both := draftFrom(t, db, "coord-a", nil, r1, r2)
		cases := []struct {
			name    string
			reports []string
			want    string // "" for not found
		}{
			{"one of its reports", []string{r1.ID}, both.ID},
			{"both, in another order, one twice", []string{r2.ID, r1.ID, r2.ID}, both.ID},
			{"a report it lacks", []string{r1.ID, r3.ID}, ""},
			{"a report without a draft", []string{r3.ID}, ""},
			{"no reports", nil, ""},
		}
		for _, c := range cases {
			got, err := db.Alerts.DraftFrom(ctx, c.reports)
			switch {
			case c.want == "" && scheme.ErrorCode(err) != scheme.CodeNotFound:
				t.Errorf("%s: %s %v, want not found", c.name, got.ID, err)
			case c.want != "" && (err != nil || got.ID != c.want || got.Title == ""):
				t.Errorf("%s: %s %q %v, want %s in full", c.name, got.ID, got.Title, err, c.want)
			}
		}

		// CreateDraft gives the one found and stores nothing; a report set
		// it does not cover gets a new draft.
		a := both
		a.ReportIDs, a.Title = []string{r2.ID}, "Another"
		got, created, err := db.Alerts.CreateDraft(ctx, "coord-b", a)
		if err != nil || created || got.ID != both.ID || got.Title != both.Title {
			t.Fatalf("CreateDraft over an existing draft: %s %q created %t, %v", got.ID, got.Title, created, err)
		}
		a.ReportIDs = []string{r3.ID}
		fresh, created, err := db.Alerts.CreateDraft(ctx, "coord-b", a)
		if err != nil || !created || fresh.ID == both.ID {
			t.Fatalf("CreateDraft for another report: %s created %t, %v", fresh.ID, created, err)
		}

		// Published, it no longer counts.
		if err := db.Alerts.ApproveAlert(ctx, "coord-b", both.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", both.ID, store.PublishOptions{RequireApproval: true}); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Alerts.DraftFrom(ctx, []string{r1.ID}); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("after publishing: %s %v, want not found", got.ID, err)
		}
	})
}

// TestAlerts_CreateDraftAtOnceMakesOneDraft: coordinators writing from the
// same report at the same instant get one draft between them (the reports
// are locked before looking for one).
func TestAlerts_CreateDraftAtOnceMakesOneDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// A race is a matter of chance: several rounds make a lost one
		// (without the lock) all but certain to show.
		for round := range 5 {
			r := reportWith(t, db)
			a := scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag."}, Severity: scheme.SeverityHigh,
				IncidentTypes: []string{"robbery"}, IncidentAt: time.Now(), Regions: []string{"london"}, ReportIDs: []string{r.ID}}
			const racers = 8
			start := make(chan struct{})
			ids, errs := make(chan string, racers), make(chan error, racers)
			for i := range racers {
				go func() {
					<-start
					got, _, err := db.Alerts.CreateDraft(ctx, fmt.Sprintf("coord-%d", i), a)
					ids <- got.ID
					errs <- err
				}()
			}
			close(start)
			seen := map[string]bool{}
			for range racers {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
				seen[<-ids] = true
			}
			stored, err := db.Alerts.Alerts(ctx, scheme.AlertFilter{ReportID: r.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != 1 || len(stored) != 1 {
				t.Fatalf("round %d: %d writers at once got %d drafts, %d stored; want 1", round, racers, len(seen), len(stored))
			}
		}
	})
}
