package store_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// impactPeople: she reports, another member checks, another reports the
// same man.
var impactPeople = []person{
	{name: "her", kind: "individual", regions: []string{"london"}, email: "her@example.org", alertEmail: true},
	{name: "checker", kind: "individual", regions: []string{"london"}, mobile: "+447700900311", alertSMS: true},
	{name: "other", kind: "individual", regions: []string{"wales"}, email: "other@example.org", alertEmail: true},
}

// reportBy files a report by reporterID naming phone e164.
func reportBy(t *testing.T, db *store.DB, reporterID, e164 string) scheme.Report {
	t.Helper()
	now := db.Now().UTC()
	r, err := db.Reports.CreateReport(context.Background(), scheme.Report{
		ReporterID: reporterID, Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "london",
		IncidentAt: now.Add(-5 * time.Hour), SubmittedAt: now, Delay: 5 * time.Hour, AcknowledgeBy: now.Add(24 * time.Hour),
		Consents: scheme.Consents{Alert: true, Police: true},
		Original: scheme.ReportContent{Account: "He took my bag.",
			Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{phone(e164, e164)}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func checkPhone(t *testing.T, db *store.DB, userID, e164 string) scheme.CheckOutcome {
	t.Helper()
	out, err := db.Checks.RunCheck(context.Background(), store.Check{UserID: userID, Channel: "web", Kind: "phone", Normalised: e164,
		PerDay: 50, PerMinute: 50, DayStart: db.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func impactOf(t *testing.T, db *store.DB, reportID string) scheme.ReportImpact {
	t.Helper()
	im, err := db.Reports.Impact(context.Background(), reportID)
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func impactNotices(t *testing.T, db *store.DB, userID string) int {
	t.Helper()
	var n int
	if err := db.Writer().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND template = $2`,
		userID, outbox.TemplateReportImpact).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Her report's impact counts its published alert and the members it
// reached, other members' checks that found its warning (not hers, not
// those that found nothing), other reports of the same man (not rejected
// ones, never her own report) and the exports that included it.
func TestImpact_CountsWhatHerReportLedTo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, impactPeople)
		const man = "+447700900321"
		mine := reportBy(t, db, ids["her"], man)
		unrelated := reportBy(t, db, ids["her"], "+447700900399")

		if im := impactOf(t, db, mine.ID); len(im.Alerts) != 0 || im.ChecksFound != 0 || im.LinkedReports != 0 || len(im.SharedWithPolice) != 0 || im.Notify || im.Help != nil {
			t.Fatalf("a new report's impact: %+v, want nothing", im)
		}
		// A check before any alert finds nothing and counts nothing.
		if out := checkPhone(t, db, ids["checker"], man); len(out.AlertIDs) != 0 {
			t.Fatalf("a check before the alert found %v", out.AlertIDs)
		}

		linked := reportBy(t, db, ids["other"], man)
		rejected := reportBy(t, db, ids["other"], man)
		if err := db.Reports.SetReportStatus(ctx, "coord", rejected.ID, scheme.ReportRejected, "Not credible."); err != nil {
			t.Fatal(err)
		}
		a := draftFrom(t, db, "coord-a", nil, mine) // names +447700900123
		a.Identifiers = []scheme.Identifier{phone(man, man)}
		if _, err := db.Alerts.UpdateAlert(ctx, "coord-a", a); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		fanOut(t, db, a.ID, 100)

		checkPhone(t, db, ids["checker"], man)             // found: counts
		checkPhone(t, db, ids["her"], man)                 // her own: does not
		checkPhone(t, db, ids["checker"], "+447700900398") // found nothing
		checkPhone(t, db, ids["other"], man)               // found: counts

		if _, err := db.Police.CreatePoliceExport(ctx, scheme.PoliceExport{Format: "csv", Purpose: "Analysis.", Recipient: "Unit.", CreatedBy: "coord",
			Included: []string{mine.ID}, Excluded: []string{linked.ID}}); err != nil {
			t.Fatal(err)
		}

		im := impactOf(t, db, mine.ID)
		if len(im.Alerts) != 1 || im.Alerts[0].Members != 2 || im.Alerts[0].PublishedAt.IsZero() || im.Reached() != 2 {
			t.Errorf("alerts %+v, want one reaching her and the checker in London", im.Alerts)
		}
		if im.ChecksFound != 2 {
			t.Errorf("checks found %d, want 2 (the checker's and the other member's)", im.ChecksFound)
		}
		if im.LinkedReports != 1 {
			t.Errorf("linked to %d other reports, want 1 (the rejected one not counted)", im.LinkedReports)
		}
		if len(im.SharedWithPolice) != 1 {
			t.Errorf("shared with the police %v, want once", im.SharedWithPolice)
		}
		// The other reporter's report was linked and checked too, but
		// excluded from the export; the unrelated report led to nothing.
		if o := impactOf(t, db, linked.ID); o.ChecksFound != 2 || o.LinkedReports != 1 || len(o.SharedWithPolice) != 0 || len(o.Alerts) != 0 {
			t.Errorf("the linked report's impact: %+v", o)
		}
		if u := impactOf(t, db, unrelated.ID); u.Tally() != (scheme.Tally{}) {
			t.Errorf("an unrelated report's impact: %+v", u.Tally())
		}
	})
}

// Only she chooses to be told; she is told of news only (not of what
// she could already see when she chose), at most once a day, once however
// often the job runs, in one message for all her reports.
func TestImpact_NoticesOncePerDayOnlyOfNews(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now().UTC()}
		db.SetClock(c.now)
		ids := population(t, db, impactPeople)
		const man = "+447700900321"
		mine := reportBy(t, db, ids["her"], man)
		second := reportBy(t, db, ids["her"], "+447700900322")
		reportBy(t, db, ids["other"], man) // linked before she chose: not news

		if err := db.Reports.SetImpactNotify(ctx, ids["other"], mine.ID, true); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("another member choosing for her report: %v, want not found", err)
		}
		for _, r := range []scheme.Report{mine, second} {
			if err := db.Reports.SetImpactNotify(ctx, ids["her"], r.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		if !impactOf(t, db, mine.ID).Notify {
			t.Fatal("her choice was not kept")
		}
		notify := func() int {
			t.Helper()
			n, err := db.Reports.NotifyImpact(ctx, "https://example.org/signin")
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := notify(); n != 0 || impactNotices(t, db, ids["her"]) != 0 {
			t.Fatalf("told %d with no news since she chose", n)
		}

		// News on both reports: one message.
		reportBy(t, db, ids["other"], "+447700900322")
		if _, err := db.Police.CreatePoliceExport(ctx, scheme.PoliceExport{Format: "csv", Purpose: "Analysis.", Recipient: "Unit.", CreatedBy: "coord",
			Included: []string{mine.ID}}); err != nil {
			t.Fatal(err)
		}
		if n := notify(); n != 1 || impactNotices(t, db, ids["her"]) != 1 {
			t.Fatalf("told %d members, %d messages; want one", n, impactNotices(t, db, ids["her"]))
		}
		if n := notify(); n != 0 || impactNotices(t, db, ids["her"]) != 1 {
			t.Fatal("the job running again told her again")
		}
		// News within the day waits for the day to pass.
		if _, err := db.Police.CreatePoliceExport(ctx, scheme.PoliceExport{Format: "json", Purpose: "Analysis.", Recipient: "Unit.", CreatedBy: "coord",
			Included: []string{mine.ID}}); err != nil {
			t.Fatal(err)
		}
		c.add(23 * time.Hour)
		if n := notify(); n != 0 {
			t.Fatal("told twice within a day")
		}
		c.add(2 * time.Hour)
		if n := notify(); n != 1 || impactNotices(t, db, ids["her"]) != 2 {
			t.Fatalf("told %d after a day, %d messages; want the second", n, impactNotices(t, db, ids["her"]))
		}
		at, err := db.Reports.LastImpactNotice(ctx, ids["her"])
		if err != nil || at.Sub(c.now()).Abs() > time.Second {
			t.Errorf("last told %v (%v), want %v", at, err, c.now())
		}

		// Turned off: nothing more, whatever happens.
		for _, r := range []scheme.Report{mine, second} {
			if err := db.Reports.SetImpactNotify(ctx, ids["her"], r.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		reportBy(t, db, ids["other"], man)
		c.add(48 * time.Hour)
		if n := notify(); n != 0 {
			t.Fatal("told after she turned it off")
		}
	})
}

// Checks that found its warning are news the first time, then each time
// their number doubles.
func TestImpact_ChecksAreNewsWhenTheyDouble(t *testing.T) {
	for _, c := range []struct {
		told, now int
		news      bool
	}{{0, 0, false}, {0, 1, true}, {1, 1, false}, {1, 2, true}, {2, 3, false}, {2, 4, true}, {4, 7, false}, {4, 8, true}, {8, 100, true}} {
		if got := (scheme.Tally{Checks: c.now}).NewsSince(scheme.Tally{Checks: c.told}); got != c.news {
			t.Errorf("checks %d after %d told: news %v, want %v", c.now, c.told, got, c.news)
		}
	}
}

// Her request for help becomes a task on the case and a line in its
// timeline, once while open; its outcome closes the task, and "reported"
// marks the report reported to the police.
func TestImpact_PoliceHelpIsATaskWithAnOutcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, impactPeople)
		mine := reportBy(t, db, ids["her"], "+447700900321")

		if _, err := db.Reports.RequestPoliceHelp(ctx, ids["other"], mine.ID, ""); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("another member asking about her report: %v, want not found", err)
		}
		h, err := db.Reports.RequestPoliceHelp(ctx, ids["her"], mine.ID, "Evenings are best.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Reports.RequestPoliceHelp(ctx, ids["her"], mine.ID, ""); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("asking twice while open: %v, want conflict", err)
		}
		tasks, err := db.Reports.Tasks(ctx, mine.ID)
		if err != nil || len(tasks) != 1 || tasks[0].Title != scheme.PoliceHelpTaskTitle || !tasks[0].DoneAt.IsZero() {
			t.Fatalf("tasks %+v (%v), want the open help task", tasks, err)
		}
		im := impactOf(t, db, mine.ID)
		if im.Help == nil || im.Help.ID != h.ID || im.Help.Note != "Evenings are best." || !im.Help.Open() {
			t.Fatalf("her page's request: %+v", im.Help)
		}
		if err := db.Reports.RecordPoliceHelpOutcome(ctx, "coord", mine.ID, "no-such", scheme.PoliceHelpReported, ""); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("an outcome for no request: %v", err)
		}
		if err := db.Reports.RecordPoliceHelpOutcome(ctx, "coord", mine.ID, h.ID, scheme.PoliceHelpReported, "CRI-2027-0042"); err != nil {
			t.Fatal(err)
		}
		if err := db.Reports.RecordPoliceHelpOutcome(ctx, "coord", mine.ID, h.ID, scheme.PoliceHelpDeclined, ""); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("a second outcome: %v, want not found (it is closed)", err)
		}
		got, err := db.Reports.Report(ctx, mine.ID)
		if err != nil || !got.PoliceReported {
			t.Fatalf("the report after she reported with help: police_reported %v (%v)", got.PoliceReported, err)
		}
		tasks, _ = db.Reports.Tasks(ctx, mine.ID)
		if len(tasks) != 1 || tasks[0].DoneAt.IsZero() {
			t.Errorf("the task after the outcome: %+v", tasks)
		}
		im = impactOf(t, db, mine.ID)
		if im.Help.Outcome != scheme.PoliceHelpReported || im.Help.CrimeRef != "CRI-2027-0042" || im.Help.OutcomeAt.IsZero() {
			t.Errorf("the request after its outcome: %+v", im.Help)
		}
		events, err := db.Reports.Timeline(ctx, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, e := range events {
			kinds[e.Kind]++
		}
		if kinds["police_help"] != 1 || kinds["police_help_outcome"] != 1 {
			t.Errorf("timeline %v, want the request and its outcome", kinds)
		}
		// Closed, she may ask again.
		if _, err := db.Reports.RequestPoliceHelp(ctx, ids["her"], mine.ID, ""); err != nil {
			t.Errorf("asking again after the first was closed: %v", err)
		}
		// The coordinators' statistics count it: one report of two
		// reported to the police, one request reported and one open.
		reportBy(t, db, ids["other"], "+447700900399")
		f, err := db.Reports.Stats(ctx, stats.Filter{}, scheme.DefaultWorkingHours(time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if f.Reports.Total != 2 || f.Reports.PoliceReported != 1 || f.Reports.PoliceHelp["reported"] != 1 || f.Reports.PoliceHelp["open"] != 1 || len(f.Reports.PoliceHelp) != 2 {
			t.Errorf("statistics: %d reports, %d reported to the police, help %v", f.Reports.Total, f.Reports.PoliceReported, f.Reports.PoliceHelp)
		}
		// The note and the reference are sealed.
		var raw []byte
		if err := db.Writer().QueryRowContext(ctx, `SELECT crime_ref_ct FROM police_help_requests WHERE id = $1`, h.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if len(raw) == 0 || string(raw) == "CRI-2027-0042" {
			t.Errorf("the crime reference is not sealed: %q", raw)
		}
	})
}
