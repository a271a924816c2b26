package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestRetention_DeletesWhatIsOlderThanKeptWithAMovedClock files records,
// moves the store's clock on, files more, and applies retention: only the
// old ones go (a report an open police enquiry is about stays), and the
// audit chain still verifies after its oldest entries are purged, twice.
func TestRetention_DeletesWhatIsOlderThanKeptWithAMovedClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		db.SetClock(func() time.Time { return now })
		file := func(phoneE164 string) scheme.Report {
			t.Helper()
			r, err := db.Reports.CreateReport(ctx, scheme.Report{
				Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "london",
				IncidentAt: now.Add(-5 * time.Hour), SubmittedAt: now, AcknowledgeBy: now.Add(24 * time.Hour),
				Consents: scheme.Consents{Alert: true},
				Original: scheme.ReportContent{Account: "He took my bag.", Offenders: []scheme.Offender{{
					Identifiers: []scheme.Identifier{{Kind: "phone", Value: phoneE164, Normalised: phoneE164}}}}},
			})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		old := file("+447700900201")
		kept := file("+447700900202") // an open police enquiry is about it
		if _, err := db.Police.CreateEnquiry(ctx, scheme.Enquiry{Force: "Test Police", Unit: "CID", Reference: "T/1", Request: "Anything more?",
			ReportID: kept.ID, RespondBy: now.Add(240 * time.Hour), CreatedBy: "coord-a"}); err != nil {
			t.Fatal(err)
		}
		members := population(t, db, []person{{name: "both", kind: "individual", email: "both@example.org", mobile: "+447700900203", alertEmail: true, regions: []string{"london"}}})
		if _, err := db.Checks.RunCheck(ctx, store.Check{UserID: members["both"], Channel: "web", Kind: "phone", Normalised: "+447700900201",
			PerDay: 50, PerMinute: 10, DayStart: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		a, _ := publish(t, db, false, []string{"london"}, nil, nil)
		fanOut(t, db, a.ID, 100)
		if _, err := db.Writer().ExecContext(ctx, `UPDATE alert_deliveries SET status = 'sent' WHERE alert_id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		firstAudit := auditSeqs(t, db)

		// A year and a day on, more of everything.
		now = now.Add(366 * 24 * time.Hour)
		fresh := file("+447700900204")
		if _, err := db.Checks.RunCheck(ctx, store.Check{UserID: members["both"], Channel: "web", Kind: "phone", Normalised: "+447700900204",
			PerDay: 50, PerMinute: 10, DayStart: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		b, _ := publish(t, db, false, []string{"london"}, nil, nil)
		fanOut(t, db, b.ID, 100)

		year := 365 * 24 * time.Hour
		p, err := db.ApplyRetention(ctx, store.Retention{Reports: year, Checks: year, Deliveries: year, Audit: year})
		if err != nil {
			t.Fatal(err)
		}
		if p.Reports != 1 || p.Profiles != 1 || p.Checks != 1 || p.Deliveries != 1 || p.AuditEntries < int64(len(firstAudit))-1 {
			t.Errorf("purged %+v; want the old report and its profile, the old check and delivery, the old audit entries", p)
		}
		if _, err := db.Reports.Report(ctx, old.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("the old report: %v, want not found", err)
		}
		for _, r := range []scheme.Report{kept, fresh} {
			if _, err := db.Reports.Report(ctx, r.ID); err != nil {
				t.Errorf("report %s was purged: %v", r.ID, err)
			}
		}
		var ids, checks, deliveries int
		w := db.Writer()
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM offender_identifiers WHERE report_id = $1`, old.ID).Scan(&ids); err != nil || ids != 0 {
			t.Errorf("%d identifiers of the purged report left (%v)", ids, err)
		}
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM checks`).Scan(&checks); err != nil || checks != 1 {
			t.Errorf("%d checks left, want the new one (%v)", checks, err)
		}
		if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = $1`, b.ID).Scan(&deliveries); err != nil || deliveries != 1 {
			t.Errorf("the new alert's delivery: %d (%v)", deliveries, err)
		}
		if _, err := audit.Verify(db.AuditEntries(ctx)); err != nil {
			t.Fatalf("after the purge: %v", err)
		}
		if seqs := auditSeqs(t, db); seqs[0] <= firstAudit[len(firstAudit)-2] {
			t.Errorf("the audit log starts at %d; entries up to %d were a year old", seqs[0], firstAudit[len(firstAudit)-2])
		}

		// Another year: the purge entry itself is purged; still verifies.
		now = now.Add(366 * 24 * time.Hour)
		if err := db.Audit(ctx, audit.Entry{Actor: "system", Action: "test.tick"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApplyRetention(ctx, store.Retention{Audit: year}); err != nil {
			t.Fatal(err)
		}
		if _, err := audit.Verify(db.AuditEntries(ctx)); err != nil {
			t.Fatalf("after the second purge: %v", err)
		}
		// Deleting entries by hand is refused, and if forced, caught.
		seqs := auditSeqs(t, db)
		if _, err := w.ExecContext(ctx, `DELETE FROM audit_log WHERE seq = $1`, seqs[0]); err == nil {
			t.Error("an audit entry was deleted without a purge permit")
		}
		tamper(t, db, fmt.Sprintf(`DELETE FROM audit_log WHERE seq = %d`, seqs[0]))
		if _, err := audit.Verify(db.AuditEntries(ctx)); err == nil {
			t.Error("an entry deleted by hand after a purge went unnoticed")
		}
	})
}

func auditSeqs(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	var out []int64
	for e, err := range db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Seq)
	}
	return out
}
