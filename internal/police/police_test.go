package police_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/police"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// desk is a scheme with a reporter (an individual whose details are
// known), an organisation's key contact who reports too, a coordinator, an
// admin and a second admin.
type desk struct {
	db      *store.DB
	svc     *police.Service
	reports *report.Service
	acc     *account.Service
	people  map[string]scheme.User
}

// The reporters' details: none of these may ever leave in an export.
var secrets = []string{"fern.example", "Fern Example", "fern@example.org", "07700 900456", "+447700900456", "7700900456",
	"Harbour Example Project", "harbour@example.org", "Example Grand Hotel", "Grand Hotel", "canal path by the gasworks", "CRIME 12/34567/26"}

func newDesk(t *testing.T, db *store.DB) *desk {
	t.Helper()
	ctx := context.Background()
	hours := scheme.DefaultWorkingHours(time.UTC)
	acc, err := account.New(db, hours, "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	d := &desk{db: db, svc: police.New(db, hours), reports: report.New(db, hours), acc: acc, people: map[string]scheme.User{}}
	member := func(who string, in account.ApplicationInput) {
		in.Password, in.TermsVersion, in.Regions = "a long test passphrase", 1, []string{"london"}
		a, err := acc.Apply(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
			t.Fatal(err)
		}
		u, err := db.Accounts.UserByUsername(ctx, in.Username)
		if err != nil {
			t.Fatal(err)
		}
		l, err := db.Sessions.LoginByID(ctx, u.ID) // with the organisation
		if err != nil {
			t.Fatal(err)
		}
		d.people[who] = l.User
	}
	member("reporter", account.ApplicationInput{Type: "individual", Username: "fern.example", WorkName: "Fern Example",
		Email: "fern@example.org", Mobile: "07700 900456"})
	member("org", account.ApplicationInput{Type: "project", Username: "harbour.lee",
		Organisation: &account.OrgInput{Name: "Harbour Example Project", Website: "https://example.org", Email: "harbour@example.org",
			KeyContact: "Lee Example", Description: "Outreach for sex workers in town."}})
	for who, role := range map[string]scheme.Role{"coord": scheme.RoleCoordinator, "admin": scheme.RoleAdmin, "admin2": scheme.RoleAdmin} {
		if _, err := account.CreateStaff(ctx, db, "test", "staff."+who, "a long test passphrase", role); err != nil {
			t.Fatal(err)
		}
		u, err := db.Accounts.UserByUsername(ctx, "staff."+who)
		if err != nil {
			t.Fatal(err)
		}
		d.people[who] = u
	}
	return d
}

// file submits a report by who, naming the reporter, her venue and her
// contact details in every free-text field a reporter can fill.
func (d *desk) file(t *testing.T, who string, police bool, days int) scheme.Report {
	t.Helper()
	r, err := d.reports.Submit(context.Background(), d.people[who], report.Input{
		IncidentTypes: []string{"robbery", "threats"}, IncidentAt: time.Now().Add(-time.Duration(days) * 24 * time.Hour).UTC().Format(time.RFC3339),
		Region: "london", Town: "Hackney", PlaceKind: "hotel", ContactMethod: "phone", PoliceReported: true, PoliceReference: "CRIME 12/34567/26",
		Account: "I am Fern Example (fern@example.org, 07700 900456) from Harbour Example Project. He met me at the Example Grand Hotel " +
			"and then on the canal path by the gasworks he took my bag and threatened me.",
		Offenders: []report.OffenderInput{{
			Description: scheme.OffenderDescription{Gender: "man", Age: "40s", Hair: "blond", Features: "scar on his chin, said he knew Fern Example from the Example Grand Hotel",
				Vehicle: "silver estate, seen outside 12 Station Road"},
			Identifiers: []report.IdentifierInput{{Kind: "phone", Value: "07700 900123"}, {Kind: "phone", Value: "07700 90"},
				{Kind: "vehicle", Value: "AB12 CDE", Make: "Ford", Colour: "silver"}}}},
		Consents: scheme.Consents{Police: police, Alert: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExport_OnlyConsentedReportsAndNothingIdentifying(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		yes := d.file(t, "reporter", true, 3)
		no := d.file(t, "reporter", false, 2)
		orgs := d.file(t, "org", true, 1)

		e, err := d.svc.CreateExport(ctx, d.people["coord"], police.ExportInput{ReportIDs: []string{yes.ID + ", " + no.ID, orgs.ID},
			Purpose: "Linked robberies in Hackney: intelligence for the analyst", Recipient: "NCA SCAS, analyst on duty", Format: "csv"})
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Rows) != 2 || len(e.Included) != 2 || len(e.Excluded) != 1 || e.Excluded[0] != no.ID || !strings.HasPrefix(e.Reference, "UMX-") || len(e.Reference) != 12 {
			t.Fatalf("export: %d rows, included %v, excluded %v, reference %q", len(e.Rows), e.Included, e.Excluded, e.Reference)
		}
		r := e.Rows[0]
		if r.Key != "R1" || r.Region != "london" || r.Town != "Hackney" || r.Severity == "" || len(r.Offenders) != 1 ||
			len(r.Offenders[0].Identifiers) != 2 || r.Offenders[0].Identifiers[0].Value != "+447700900123" || r.Offenders[0].ProfileID == "" {
			t.Errorf("row: %+v", r)
		}
		// Every format, scanned for the reporters' details, the venue, the
		// street, the police reference and the scheme's report ids.
		var csvOut, jsonOut bytes.Buffer
		if err := e.WriteCSV(&csvOut); err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(&jsonOut).Encode(e.Document("Test Mugs", time.Now())); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"csv": csvOut.String(), "json": jsonOut.String()} {
			for _, s := range append(slices(secrets), yes.ID, orgs.ID, no.ID, d.people["reporter"].ID, "Station Road") {
				if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
					t.Errorf("the %s export holds %q", name, s)
				}
			}
			if !strings.Contains(out, "+447700900123") || !strings.Contains(out, "AB12CDE") || !strings.Contains(out, "scar on his chin") {
				t.Errorf("the %s export lost the offender's identifiers or description:\n%s", name, out)
			}
		}
		// The record and its audit entry.
		rec, err := db.Police.PoliceExport(ctx, e.ID)
		if err != nil || rec.Purpose != "Linked robberies in Hackney: intelligence for the analyst" || rec.Recipient != "NCA SCAS, analyst on duty" ||
			rec.CreatedBy != d.people["coord"].ID || len(rec.Included) != 2 || len(rec.Excluded) != 1 {
			t.Errorf("record: %+v %v", rec, err)
		}
		if n := auditCount(t, db, "police.export", e.ID); n != 1 {
			t.Errorf("%d audit entries for the export, want 1", n)
		}

		// Withdrawing consent leaves the report out of the download and of
		// every later export.
		if _, err := db.Reports.SetConsents(ctx, d.people["reporter"].ID, yes.ID, scheme.Consents{Alert: true}); err != nil {
			t.Fatal(err)
		}
		again, err := d.svc.Export(ctx, d.people["coord"], e.ID, "json")
		if err != nil || len(again.Rows) != 1 || again.Withdrawn != 1 {
			t.Errorf("download after withdrawal: %d rows, %d withdrawn, %v", len(again.Rows), again.Withdrawn, err)
		}
		if n := auditCount(t, db, "police.export.download", e.ID); n != 1 {
			t.Errorf("%d audit entries for the download, want 1", n)
		}
		later, err := d.svc.CreateExport(ctx, d.people["coord"], police.ExportInput{ReportIDs: []string{yes.ID, orgs.ID},
			Purpose: "Follow-up", Recipient: "Met intelligence hub", Format: "json"})
		if err != nil || len(later.Rows) != 1 || len(later.Excluded) != 1 || later.Excluded[0] != yes.ID {
			t.Errorf("later export: %d rows, excluded %v, %v", len(later.Rows), later.Excluded, err)
		}
	})
}

func slices(s []string) []string { return append([]string(nil), s...) }

func auditCount(t *testing.T, db *store.DB, action, subject string) int {
	t.Helper()
	n := 0
	for e, err := range db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Action == action && e.SubjectID == subject {
			n++
		}
	}
	return n
}

func TestExport_ByProfileAndRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		a := d.file(t, "reporter", true, 5)
		b := d.file(t, "org", true, 4) // the same phone: linked to a's profile
		profile := a.Working.Offenders[0].ProfileID
		if profile == "" || b.Working.Offenders[0].ProfileID != profile {
			full, _ := db.Reports.Report(ctx, a.ID)
			profile = full.Working.Offenders[0].ProfileID
		}
		e, err := d.svc.CreateExport(ctx, d.people["coord"], police.ExportInput{OffenderID: profile, Purpose: "Series", Recipient: "NCA SCAS", Format: "print"})
		if err != nil || len(e.Rows) != 2 || e.ProfileID != profile {
			t.Fatalf("profile export: %+v %v", e, err)
		}
		for _, c := range []struct {
			in    police.ExportInput
			field string
		}{
			{police.ExportInput{Purpose: "x", Recipient: "y", Format: "csv"}, "report_ids"},
			{police.ExportInput{ReportIDs: []string{a.ID}, Recipient: "y", Format: "csv"}, "purpose"},
			{police.ExportInput{ReportIDs: []string{a.ID}, Purpose: "x", Recipient: " ", Format: "csv"}, "recipient"},
			{police.ExportInput{ReportIDs: []string{a.ID}, Purpose: "x", Recipient: "y", Format: "pdf"}, "format"},
			{police.ExportInput{ReportIDs: []string{"NOSUCHREPORT"}, Purpose: "x", Recipient: "y", Format: "csv"}, "report_ids"},
			{police.ExportInput{OffenderID: "NOSUCHPROFILE", Purpose: "x", Recipient: "y", Format: "csv"}, "offender_id"},
			{police.ExportInput{ReportIDs: []string{a.ID}, OffenderID: profile, Purpose: "x", Recipient: "y", Format: "csv"}, "report_ids"},
		} {
			_, err := d.svc.CreateExport(ctx, d.people["coord"], c.in)
			var se *scheme.Error
			if !asError(err, &se) || se.Code != scheme.CodeInvalid || se.Fields[c.field] == "" {
				t.Errorf("%+v: %v, want a problem with %s", c.in, err, c.field)
			}
		}
		listed, err := db.Police.PoliceExports(ctx, scheme.PageOf(1))
		if list := listed.Items; err != nil || listed.Total != 1 || len(list) != 1 || list[0].IncludedCount != 2 {
			t.Errorf("nothing but the one export may be recorded: %+v %v", listed, err)
		}
		if _, err := d.svc.CreateExport(ctx, d.people["reporter"], police.ExportInput{ReportIDs: []string{a.ID}, Purpose: "x", Recipient: "y", Format: "csv"}); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member exporting: %v", err)
		}
	})
}

func asError(err error, se **scheme.Error) bool {
	e, ok := err.(*scheme.Error)
	*se = e
	return ok
}

func TestCSV_CellsCannotBeFormulas(t *testing.T) {
	e := police.Export{PoliceExport: scheme.PoliceExport{Reference: "UMX-TEST0000"}, Rows: []police.ExportRow{{Key: "R1",
		Offenders: []police.ExportOffender{{Description: scheme.OffenderDescription{Features: "=HYPERLINK(\"http://x\")", Accent: "+1", Hair: "@x", Age: "-2"}}}}}}
	var b bytes.Buffer
	if err := e.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{",=HYPERLINK", ",+1", ",@x", ",-2"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("a cell starts a formula: %q in\n%s", bad, b.String())
		}
	}
}
