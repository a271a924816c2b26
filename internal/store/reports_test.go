package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// reportWith files a minimal report whose one offender has the given
// identifiers (already normalised, as the report service would).
func reportWith(t *testing.T, db *store.DB, ids ...scheme.Identifier) scheme.Report {
	t.Helper()
	now := time.Now().UTC()
	r, err := db.Reports.CreateReport(context.Background(), scheme.Report{
		Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "london",
		IncidentAt: now.Add(-5 * time.Hour), SubmittedAt: now, Delay: 5 * time.Hour, AcknowledgeBy: now.Add(24 * time.Hour),
		Consents: scheme.Consents{Alert: true},
		Original: scheme.ReportContent{Account: "He took my bag and phone by the canal.", Town: "Islington",
			Offenders: []scheme.Offender{{Description: scheme.OffenderDescription{Hair: "red", Features: "scar on chin"}, Identifiers: ids}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func phone(given, e164 string) scheme.Identifier {
	return scheme.Identifier{Kind: "phone", Value: given, Normalised: e164}
}

func TestReports_SharedIdentifierLinksIntoOneProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := reportWith(t, db, phone("07700 900123", "+447700900123"))
		b := reportWith(t, db, phone("+44 7700 900123", "+447700900123"), scheme.Identifier{Kind: "name", Value: "Gaz", Normalised: "gaz"})
		c := reportWith(t, db, phone("447700900123", "+447700900123"))
		other := reportWith(t, db, phone("07700 900999", "+447700900999"))
		// A partial identifier never links by itself.
		partial := reportWith(t, db, scheme.Identifier{Kind: "phone", Value: "07700 90", Partial: true})

		pid := a.Original.Offenders[0].ProfileID
		for _, r := range []scheme.Report{b, c} {
			got, err := db.Reports.Report(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Original.Offenders[0].ProfileID != pid {
				t.Errorf("report %s not linked to the first one's profile", r.ID)
			}
		}
		prof, err := db.Reports.OffenderProfile(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(prof.ReportIDs) != 3 || prof.FirstSeen.IsZero() || len(prof.Regions) != 1 {
			t.Errorf("profile %+v", prof)
		}
		kinds := map[string]int{}
		for _, id := range prof.Identifiers {
			kinds[id.Kind]++
		}
		if kinds["phone"] != 1 || kinds["name"] != 1 {
			t.Errorf("profile identifiers %+v, want one phone and one name", prof.Identifiers)
		}
		for _, r := range []scheme.Report{other, partial} {
			if r.Original.Offenders[0].ProfileID == pid {
				t.Errorf("unrelated report %s linked", r.ID)
			}
		}

		// A coordinator unlinks one by hand; it stays unlinked when a new
		// report with the same phone arrives.
		// Without a reason, report.Service.MoveOffender refuses it
		// (TestRules_RefusedBeforeTheStoreIsAsked).
		own, err := db.Reports.MoveOffender(ctx, "coord", c.Original.Offenders[0].ID, "", "Different man: the reporter says he was much younger.")
		if err != nil {
			t.Fatal(err)
		}
		d := reportWith(t, db, phone("07700900123", "+447700900123"))
		got, _ := db.Reports.Report(ctx, c.ID)
		if got.Original.Offenders[0].ProfileID != own {
			t.Error("a pinned offender was moved by automatic linking")
		}
		if d.Original.Offenders[0].ProfileID != pid {
			t.Error("a new report with the phone did not join the profile")
		}
	})
}

func TestReports_WorkingCopyEditLeavesOriginalIntact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := reportWith(t, db, phone("07700 900321", "+447700900321"))
		full, err := db.Reports.Report(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		w := full.Working
		w.Account = "Anonymised: robbery near a canal in north London."
		w.Town = ""
		if err := db.Reports.UpdateWorkingCopy(ctx, "coord", r.ID, w); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Reports.Report(ctx, r.ID)
		if got.Original.Account != "He took my bag and phone by the canal." || got.Original.Town != "Islington" {
			t.Errorf("original changed: %+v", got.Original)
		}
		if got.Working.Account != w.Account || got.Working.Town != "" {
			t.Errorf("working copy not saved: %+v", got.Working)
		}
	})
}

func TestReports_StatusFlowAndRejectionReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := reportWith(t, db)
		if err := db.Reports.SetReportStatus(ctx, "coord", r.ID, scheme.ReportPublished, ""); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("submitted → published directly: %v", err)
		}
		// A rejection without a reason is refused by report.Service.SetStatus
		// (TestRules_RefusedBeforeTheStoreIsAsked).
		if err := db.Reports.SetReportStatus(ctx, "coord", r.ID, scheme.ReportInReview, ""); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Reports.Report(ctx, r.ID)
		if got.Status != scheme.ReportInReview || got.AcknowledgedAt.IsZero() {
			t.Errorf("in review: %+v", got)
		}
		if err := db.Reports.SetReportStatus(ctx, "coord", r.ID, scheme.ReportRejected, "Not an incident against a sex worker."); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Reports.Report(ctx, r.ID)
		if got.Reason != "Not an incident against a sex worker." {
			t.Errorf("reason %q", got.Reason)
		}
	})
}

func TestReports_QueueBySeverityThenAge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mk := func(sev scheme.Severity, typ string, age time.Duration) string {
			now := time.Now().UTC()
			r, err := db.Reports.CreateReport(ctx, scheme.Report{Severity: sev, IncidentTypes: []string{typ}, Region: "wales",
				IncidentAt: now.Add(-age - time.Hour), SubmittedAt: now.Add(-age), AcknowledgeBy: now, Original: scheme.ReportContent{}})
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		lowOld := mk(scheme.SeverityLow, "time-wasting", 48*time.Hour)
		highestNew := mk(scheme.SeverityHighest, "rape-sexual-assault", time.Hour)
		highestOld := mk(scheme.SeverityHighest, "kidnap-confinement", 10*time.Hour)
		q, err := db.Reports.Reports(ctx, scheme.ReportFilter{Statuses: []scheme.ReportStatus{scheme.ReportSubmitted}})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{highestOld, highestNew, lowOld}
		for i, id := range want {
			if i >= len(q) || q[i].ID != id {
				t.Fatalf("queue order %v, want %v", ids(q), want)
			}
		}
		if len(q[0].IncidentTypes) != 1 || q[0].IncidentTypes[0] != "kidnap-confinement" {
			t.Errorf("incident types %v", q[0].IncidentTypes)
		}
	})
}

func ids(rs []scheme.Report) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestReports_ConsentChangesAreRecordedAndOwnerOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		r, err := db.Reports.CreateReport(ctx, scheme.Report{Severity: scheme.SeverityLow, IncidentTypes: []string{"other"}, Region: "scotland",
			IncidentAt: now, SubmittedAt: now, AcknowledgeBy: now, ReporterID: "",
			Consents: scheme.Consents{Alert: true, Police: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Reports.SetConsents(ctx, "someone-else", r.ID, scheme.Consents{}); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("a stranger changed consents: %v", err)
		}
		// The store-level owner check compares reporter ids; an empty
		// reporter (the report detached) belongs to nobody.
		if _, err := db.Reports.SetConsents(ctx, "", r.ID, scheme.Consents{Alert: true}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Reports.Report(ctx, r.ID)
		if got.Consents.Police || !got.Consents.Alert {
			t.Errorf("consents after withdrawal: %+v", got.Consents)
		}
		var n int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM report_events WHERE report_id = $1 AND kind = 'consent'`, r.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d consent events, want 1 (police withdrawn)", n)
		}
	})
}

func TestReports_NoTextNameOrIdentifierReadableInTheDatabaseFile(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	secrets := []string{"He took my bag and phone by the canal.", "Islington", "scar on chin", "+447700900777", "07700 900777", "Gazza Mcfakename", "gazza mcfakename", "WX21ABC"}
	reportWith(t, db, phone("07700 900777", "+447700900777"),
		scheme.Identifier{Kind: "name", Value: "Gazza Mcfakename", Normalised: "gazza mcfakename"},
		scheme.Identifier{Kind: "vehicle", Value: "WX21 ABC", Normalised: "WX21ABC"})
	if _, err := db.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var path string
	db.Writer().QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path)
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(file) < 4096 {
		t.Fatalf("database file is only %d bytes", len(file))
	}
	for _, s := range secrets {
		if bytes.Contains(file, []byte(s)) {
			t.Errorf("%q is readable in the database file", s)
		}
	}
}

func TestReports_PublishingNeedsTheAlertConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := reportWith(t, db)
		if _, err := db.Reports.SetConsents(ctx, "", r.ID, scheme.Consents{}); err != nil {
			t.Fatal(err)
		}
		if err := db.Reports.SetReportStatus(ctx, "coord", r.ID, scheme.ReportInReview, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.Reports.SetReportStatus(ctx, "coord", r.ID, scheme.ReportPublished, ""); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("published without consent: %v", err)
		}
	})
}

func TestReports_EditingTheWorkingCopyKeepsAHandMadeLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := reportWith(t, db, phone("07700 900611", "+447700900611"))
		b := reportWith(t, db, phone("07700 900611", "+447700900611"))
		own, err := db.Reports.MoveOffender(ctx, "coord", b.Original.Offenders[0].ID, "", "Different person, same shared phone.")
		if err != nil {
			t.Fatal(err)
		}
		full, _ := db.Reports.Report(ctx, b.ID)
		if err := db.Reports.UpdateWorkingCopy(ctx, "coord", b.ID, full.Working); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Reports.Report(ctx, b.ID)
		if got.Working.Offenders[0].ProfileID != own || got.Working.Offenders[0].ProfileID == a.Original.Offenders[0].ProfileID {
			t.Error("editing the working copy undid a coordinator's unlink")
		}
	})
}

func TestReports_PartialIdentifierSuggestedButNotLinked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		full := reportWith(t, db, phone("07700 900123", "+447700900123"))
		part := reportWith(t, db, scheme.Identifier{Kind: "phone", Value: "07700 90…", Partial: true})
		unrelated := reportWith(t, db, scheme.Identifier{Kind: "phone", Value: "07911 12…", Partial: true})
		pid := full.Original.Offenders[0].ProfileID
		if part.Original.Offenders[0].ProfileID == pid {
			t.Fatal("a partial identifier was linked automatically")
		}
		s, err := db.Reports.SuggestedMatches(ctx, pid)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || s[0].ReportID != part.ID || s[0].OffenderID != part.Original.Offenders[0].ID {
			t.Errorf("suggestions %+v, want only the partial 07700 90…", s)
		}
		for _, x := range s {
			if x.ReportID == unrelated.ID {
				t.Error("an unrelated partial number was suggested")
			}
		}
	})
}

// Reports naming the same person, filed at the same moment, are all stored
// and end in one profile. On PostgreSQL two of them could each merge the
// profile the other was linking into, and one was refused (a foreign-key
// error on the deleted profile): 1 or 2 in 200 reports sent at once.
func TestReports_FiledAtOnceAboutOnePersonAllLinkIntoOneProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 40
		now := time.Now().UTC()
		errs := make(chan error, n)
		ready := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-ready
				_, err := db.Reports.CreateReport(ctx, scheme.Report{
					Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "london",
					IncidentAt: now.Add(-5 * time.Hour), SubmittedAt: now, Delay: 5 * time.Hour, AcknowledgeBy: now.Add(24 * time.Hour),
					Original: scheme.ReportContent{Account: "He took my bag by the canal.", Town: "Islington",
						Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{
							phone("07700 900777", "+447700900777"),
							{Kind: "phone", Value: fmt.Sprintf("07700 900%03d", i), Normalised: fmt.Sprintf("+447700900%03d", i)}}}}},
				})
				errs <- err
			})
		}
		close(ready)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a report filed at the same moment was refused: %v", err)
			}
		}
		reps, err := db.Reports.Reports(ctx, scheme.ReportFilter{Statuses: []scheme.ReportStatus{scheme.ReportSubmitted}})
		if err != nil {
			t.Fatal(err)
		}
		profiles := map[string]bool{}
		for _, r := range reps {
			full, err := db.Reports.Report(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			profiles[full.Original.Offenders[0].ProfileID] = true
		}
		if len(reps) != n || len(profiles) != 1 {
			t.Errorf("%d reports in %d profiles, want %d in one", len(reps), len(profiles), n)
		}
	})
}
