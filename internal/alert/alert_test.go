package alert_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

type fixture struct {
	db               *store.DB
	svc              *alert.Service
	reports          *report.Service
	reporter         scheme.User
	coordA, coordB   scheme.User
	consented, other scheme.Report
}

func setup(t *testing.T, db *store.DB) fixture {
	t.Helper()
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	hours := scheme.DefaultWorkingHours(london)
	acc, err := account.New(db, hours, "https://uglymugs.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	a, err := acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "coral.reports", Password: "a long test passphrase",
		WorkName: "Coral", RealName: "Coralie Testname", Email: "coral@example.org", Mobile: "07700 900555", Regions: []string{"london"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Decide(ctx, "coord", a.ID, scheme.Approve, ""); err != nil {
		t.Fatal(err)
	}
	l, _ := db.Sessions.LoginByID(ctx, a.UserID)
	f := fixture{db: db, svc: alert.New(db, london), reports: report.New(db, hours), reporter: l.User}
	for i, name := range []string{"coord.a", "coord.b"} {
		if _, err := account.CreateStaff(ctx, db, "test", name, "a long test passphrase", scheme.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		u, _ := db.Accounts.UserByUsername(ctx, name)
		u.Status = scheme.StatusActive
		if i == 0 {
			f.coordA = u
		} else {
			f.coordB = u
		}
	}
	at := time.Now().Add(-30 * time.Hour)
	in := report.Input{
		IncidentTypes: []string{"robbery", "physical-assault"}, Account: "He grabbed my bag outside the flats and pushed me down the stairs before running off.",
		IncidentAt: at.Format(time.RFC3339), Region: "london", Town: "Hackney", PlaceKind: "street", ContactMethod: "phone",
		PoliceReported: true, PoliceReference: "CAD 4471/23NOV",
		Offenders: []report.OffenderInput{{Description: scheme.OffenderDescription{Gender: "man", Age: "30s", Hair: "blond", Features: "scar on his chin"},
			Identifiers: []report.IdentifierInput{{Kind: "phone", Value: "07700 900123"}, {Kind: "vehicle", Value: "ab12 cde", Make: "Vauxhall", Colour: "red"},
				{Kind: "phone", Value: "07700 90..."}}}},
		Consents: scheme.Consents{Alert: true},
	}
	if f.consented, err = f.reports.Submit(ctx, f.reporter, in); err != nil {
		t.Fatal(err)
	}
	in.Consents.Alert = false
	if f.other, err = f.reports.Submit(ctx, f.reporter, in); err != nil {
		t.Fatal(err)
	}
	return f
}

func ptr[T any](v T) *T { return &v }

func fields(err error) map[string]string {
	var se *scheme.Error
	if errors.As(err, &se) {
		return se.Fields
	}
	return nil
}

func TestDraft_IsFilledFromTheReportsWithoutTheReportersWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		a, err := f.svc.Draft(context.Background(), f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if a.Severity != scheme.SeverityHigh || strings.Join(a.IncidentTypes, ",") != "physical-assault,robbery" || strings.Join(a.Regions, ",") != "london" {
			t.Errorf("codes: %s %v %v", a.Severity, a.IncidentTypes, a.Regions)
		}
		if a.Area != "Hackney, London" || !strings.Contains(a.Title, "Hackney") {
			t.Errorf("area %q, title %q", a.Area, a.Title)
		}
		var ids []string
		for _, id := range a.Identifiers {
			ids = append(ids, id.Kind+":"+id.Normalised)
		}
		if strings.Join(ids, " ") != "phone:+447700900123 vehicle:AB12CDE" {
			t.Errorf("identifiers %v: want the full phone and the plate, not the partial number", ids)
		}
		if !strings.Contains(a.Body, "blond") || !strings.Contains(a.Body, "scar on his chin") {
			t.Errorf("body lacks the description: %q", a.Body)
		}
		if strings.Contains(a.Body, "grabbed my bag") || strings.Contains(a.Body, "CAD 4471") {
			t.Errorf("body copies the reporter's account or police reference: %q", a.Body)
		}
		if len(a.Flags) != 0 {
			t.Errorf("the system's own draft is flagged: %+v", a.Flags)
		}
	})
}

func TestDraft_EachProblemIsNamedAndNothingIsStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		cases := []struct {
			name  string
			in    alert.Input
			field string
		}{
			{"no reports", alert.Input{}, "report_ids"},
			{"unknown report", alert.Input{ReportIDs: []string{"nope"}}, "report_ids"},
			{"reporter withheld consent", alert.Input{ReportIDs: []string{f.other.ID}}, "report_ids"},
			{"empty title", alert.Input{ReportIDs: []string{f.consented.ID}, Title: ptr(" ")}, "title"},
			{"empty body", alert.Input{ReportIDs: []string{f.consented.ID}, Body: ptr("")}, "body"},
			{"no region and not nationwide", alert.Input{ReportIDs: []string{f.consented.ID}, Regions: ptr([]string{})}, "regions"},
			{"unknown region", alert.Input{ReportIDs: []string{f.consented.ID}, Regions: ptr([]string{"atlantis"})}, "regions"},
			{"unknown sector", alert.Input{ReportIDs: []string{f.consented.ID}, Sectors: ptr([]string{"pirate"})}, "sectors"},
			{"unknown gender", alert.Input{ReportIDs: []string{f.consented.ID}, Genders: ptr([]string{"robot"})}, "genders"},
			{"bad severity", alert.Input{ReportIDs: []string{f.consented.ID}, Severity: ptr("extreme")}, "severity"},
			{"identifier not in the reports", alert.Input{ReportIDs: []string{f.consented.ID},
				Identifiers: ptr([]scheme.Identifier{{Kind: "phone", Value: "07700 900999", Normalised: "+447700900999"}})}, "identifiers"},
		}
		for _, c := range cases {
			_, err := f.svc.Draft(ctx, f.coordA, c.in)
			if got := fields(err); got[c.field] == "" {
				t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
			}
		}
		if _, err := f.svc.Draft(ctx, f.reporter, alert.Input{ReportIDs: []string{f.consented.ID}}); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member writing an alert: %v, want forbidden", err)
		}
		as, err := db.Alerts.Alerts(ctx, scheme.AlertFilter{})
		if err != nil || len(as) != 0 {
			t.Errorf("%d alerts stored after refusals (%v)", len(as), err)
		}
		// Nationwide needs no regions.
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}, Nationwide: ptr(true), Regions: ptr([]string{})})
		if err != nil || !a.Nationwide || len(a.Regions) != 0 {
			t.Errorf("nationwide draft: %+v %v", a, err)
		}
	})
}

func TestCheck_FlagsTheReportersDetailsButNotTheOffenders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		body := "Coral was robbed. Call 07700 900555 for details. His number is 07700 900123."
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}, Body: &body})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]string{}
		for _, fl := range a.Flags {
			kinds[fl.Text] = fl.Kind
			if fl.Message == "" || body[fl.Start:fl.End] != fl.Text {
				t.Errorf("flag %+v: no message, or offsets that do not point at its text", fl)
			}
		}
		if kinds["Coral"] != "name" || kinds["07700 900555"] != "contact" {
			t.Errorf("flags %+v: want the reporter's work name and mobile", a.Flags)
		}
		if _, ok := kinds["07700 900123"]; ok {
			t.Errorf("the offender's published number was flagged: %+v", a.Flags)
		}
		// Editing the text away clears the flags.
		clean := "A man robbed a member. His number is 07700 900123."
		a, err = f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Body: &clean})
		if err != nil || len(a.Flags) != 0 {
			t.Fatalf("after the edit: flags %+v, %v", a.Flags, err)
		}
	})
}

func TestPublish_FollowsTheApprovalSettingAndRechecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.coordA, a.ID, ""); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("publishing without approval (on by default): %v", err)
		}
		if err := f.svc.Approve(ctx, f.coordA, a.ID); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Fatalf("self-approval: %v", err)
		}
		if err := db.Alerts.SetSetting(ctx, "admin", scheme.SettingRequireApproval, "false"); err != nil {
			t.Fatal(err)
		}
		aud, err := f.svc.Publish(ctx, f.coordA, a.ID, "")
		if err != nil {
			t.Fatalf("publishing with approval switched off: %v", err)
		}
		if aud.InApp != 1 || aud.Email != 0 || aud.SMS != 0 {
			t.Errorf("audience %+v, want the one London member in the app only (no alert channels chosen)", aud)
		}
		// An edit of the published alert that brings in the reporter's
		// email needs a reason.
		body := a.Body + " Questions: coral@example.org"
		if _, err := f.svc.Update(ctx, f.coordB, a.ID, alert.Input{Body: &body}); fields(err)["override_reason"] == "" {
			t.Fatalf("flagged edit without a reason: %v", err)
		}
		got, err := f.svc.Update(ctx, f.coordB, a.ID, alert.Input{Body: &body, OverrideReason: "Checked with the reporter, who asked for it."})
		if err != nil || got.Version != 2 || len(got.Flags) != 1 {
			t.Fatalf("flagged edit with a reason: version %d flags %+v, %v", got.Version, got.Flags, err)
		}
	})
}

func TestCheck_FlagsEachKindOfIdentifyingDetail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			kind, body, text string
		}{
			{"name", "Coralie Testname met him on Friday.", "Coralie Testname"},
			{"name", "The member (coral.reports) was hurt.", "coral.reports"},
			{"name", "She said: my name is Amethyst and I work alone.", "Amethyst"},
			{"contact", "Reply to coral@example.org with anything.", "coral@example.org"},
			{"contact", "Ring 020 7946 0123 if you see him.", "020 7946 0123"},
			{"contact", "Her profile is at www.example.org/coral-escorts.", "www.example.org/coral-escorts"},
			{"address", "It happened at 14 Mare Street late at night.", "14 Mare Street"},
			{"postcode", "Near E8 1HE, by the canal.", "E8 1HE"},
			{"venue", "He booked a room at the Grand Marlowe Hotel.", "Grand Marlowe Hotel"},
			{"report_text", "Members say he grabbed my bag outside the flats and pushed me down the stairs.", "grabbed my bag outside the flats and pushed me down the stairs"},
			{"reference", "The police log it as CAD 4471/23NOV.", "4471/23NOV"},
		}
		for _, c := range cases {
			body := c.body
			got, err := f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Body: &body})
			if err != nil {
				t.Fatalf("%s: %v", c.kind, err)
			}
			found := false
			for _, fl := range got.Flags {
				found = found || fl.Kind == c.kind && strings.Contains(fl.Text, c.text) || fl.Kind == c.kind && strings.Contains(c.text, fl.Text) && fl.Text != ""
			}
			if !found {
				t.Errorf("%s in %q: flags %+v", c.kind, c.body, got.Flags)
			}
		}
		// The offender's own identifiers, a town and a date are fine.
		body := "He called from 07700 900123 and drove a red Vauxhall, AB12 CDE, in Hackney on 21 November."
		got, err := f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Body: &body})
		if err != nil || len(got.Flags) != 0 {
			t.Errorf("clean body flagged: %+v %v", got.Flags, err)
		}
	})
}

// TestWrite_AReportsDraftIsOpenedAgainNotWrittenTwice: "Write an alert"
// from reports that already have a draft gives that draft, untouched, by
// whichever door; a published alert does not count. (Two at once:
// TestAlerts_CreateDraftAtOnceMakesOneDraft in the store.)
func TestWrite_AReportsDraftIsOpenedAgainNotWrittenTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		drafts := func() int {
			t.Helper()
			as, err := db.Alerts.Alerts(ctx, scheme.AlertFilter{Statuses: []scheme.AlertStatus{scheme.AlertDraft}})
			if err != nil {
				t.Fatal(err)
			}
			return len(as)
		}
		first, created, err := f.svc.Write(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil || !created {
			t.Fatalf("first write: created %t, %v", created, err)
		}
		again, created, err := f.svc.Write(ctx, f.coordB, alert.Input{ReportIDs: []string{f.consented.ID}, Title: ptr("Another title")})
		if err != nil || created || again.ID != first.ID || again.Title != first.Title {
			t.Fatalf("second write: %s %q created %t (%v), want draft %s untouched", again.ID, again.Title, created, err, first.ID)
		}
		if n := drafts(); n != 1 {
			t.Errorf("%d drafts after writing twice, want 1", n)
		}
		// A refusal still comes first: a member cannot reach the draft this way.
		if _, _, err := f.svc.Write(ctx, f.reporter, alert.Input{ReportIDs: []string{f.consented.ID}}); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member writing: %v, want forbidden", err)
		}

		// Once it is published, the next write is a new draft.
		if err := f.svc.Approve(ctx, f.coordB, first.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.coordA, first.ID, ""); err != nil {
			t.Fatal(err)
		}
		if next, created, err := f.svc.Write(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}}); err != nil || !created || next.ID == first.ID {
			t.Fatalf("writing after publishing: %s created %t (%v), want a new draft", next.ID, created, err)
		}
	})
}
