package report_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/i18n"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func setup(t *testing.T, db *store.DB) (*report.Service, scheme.User, *time.Time) {
	t.Helper()
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	hours := scheme.DefaultWorkingHours(london)
	acc, err := account.New(db, hours, "https://uglymugs.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	a, err := acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "reporter", Password: "a long test passphrase",
		WorkName: "Coral", Email: "coral@example.org", Regions: []string{"london"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Decide(ctx, "coord", a.ID, scheme.Approve, ""); err != nil {
		t.Fatal(err)
	}
	l, _ := db.Sessions.LoginByID(ctx, a.UserID)
	now := time.Now().Add(time.Minute)
	s := report.New(db, hours)
	s.Now = func() time.Time { return now }
	return s, l.User, &now
}

func valid(at time.Time) report.Input {
	return report.Input{
		IncidentTypes: []string{"robbery", "physical-assault"}, Account: "He grabbed my bag.", IncidentAt: at.Format(time.RFC3339),
		Region: "london", Town: "Hackney", PlaceKind: "street", ContactMethod: "phone",
		Offenders: []report.OffenderInput{{Description: scheme.OffenderDescription{Hair: "blond"},
			Identifiers: []report.IdentifierInput{{Kind: "phone", Value: "07700 900123"}, {Kind: "vehicle", Value: "ab12 cde", Make: "Vauxhall", Colour: "red"}}}},
		Consents: scheme.Consents{Alert: true},
	}
}

func TestSubmit_StoresANormalisedReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, u, now := setup(t, db)
		r, err := s.Submit(context.Background(), u, valid(now.Add(-3*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(context.Background(), u, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Severity != scheme.SeverityHigh || got.Late || got.ThirdParty || got.Status != scheme.ReportSubmitted || len(got.IncidentTypes) != 2 {
			t.Errorf("report %+v", got)
		}
		ids := got.Original.Offenders[0].Identifiers
		if ids[0].Normalised != "+447700900123" || ids[0].Value != "07700 900123" || ids[1].Normalised != "AB12CDE" || ids[1].Make != "Vauxhall" {
			t.Errorf("identifiers %+v", ids)
		}
		if got.AcknowledgeBy.Before(got.SubmittedAt) {
			t.Errorf("acknowledge by %v before submission %v", got.AcknowledgeBy, got.SubmittedAt)
		}
	})
}

func TestSubmit_LateAfter72Hours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, u, now := setup(t, db)
		for _, tt := range []struct {
			ago  time.Duration
			late bool
		}{{71 * time.Hour, false}, {73 * time.Hour, true}, {30 * 24 * time.Hour, true}} {
			r, err := s.Submit(context.Background(), u, valid(now.Add(-tt.ago)))
			if err != nil {
				t.Fatal(err)
			}
			if r.Late != tt.late {
				t.Errorf("%v after the incident: late = %v, want %v", tt.ago, r.Late, tt.late)
			}
		}
	})
}

func TestSubmit_ThirdPartyRecordedAndForcedForOrganisationStaff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, u, now := setup(t, db)
		in := valid(now.Add(-time.Hour))
		in.ThirdParty = true
		r, err := s.Submit(context.Background(), u, in)
		if err != nil || !r.ThirdParty {
			t.Errorf("member's third-party report: %v %v", r.ThirdParty, err)
		}
		staff := scheme.User{ID: u.ID, Role: scheme.RoleOrgStaff, Status: scheme.StatusActive}
		r, err = s.Submit(context.Background(), staff, valid(now.Add(-time.Hour)))
		if err != nil || !r.ThirdParty {
			t.Errorf("organisation staff's report must be third-party: %v %v", r.ThirdParty, err)
		}
		if _, err := s.Submit(context.Background(), scheme.User{ID: "x", Role: scheme.RoleApplicant, Status: scheme.StatusApplicant}, in); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("an applicant reporting: %v", err)
		}
	})
}

func TestSubmit_EachProblemNamedStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, u, now := setup(t, db)
		tests := []struct {
			field  string
			change func(*report.Input)
		}{
			{"incident_types", func(in *report.Input) { in.IncidentTypes = nil }},
			{"incident_types", func(in *report.Input) { in.IncidentTypes = []string{"jaywalking"} }},
			{"incident_at", func(in *report.Input) { in.IncidentAt = "" }},
			{"incident_at", func(in *report.Input) { in.IncidentAt = "yesterday-ish" }},
			{"incident_at", func(in *report.Input) { in.IncidentAt = now.Add(48 * time.Hour).Format("2006-01-02") }},
			{"region", func(in *report.Input) { in.Region = "" }},
			{"region", func(in *report.Input) { in.Region = "mars" }},
			{"place_kind", func(in *report.Input) { in.PlaceKind = "moon" }},
			{"contact_method", func(in *report.Input) { in.ContactMethod = "pigeon" }},
			{"victim_gender", func(in *report.Input) { in.VictimGender = "x" }},
			{"victim_sector", func(in *report.Input) { in.VictimSector = "x" }},
			{"offenders.0.identifiers.0.value", func(in *report.Input) { in.Offenders[0].Identifiers[0].Value = "07700 900abc" }},
			{"offenders.0.identifiers.1.kind", func(in *report.Input) { in.Offenders[0].Identifiers[1].Kind = "shoe-size" }},
			{"offenders.0.identifiers.0.value", func(in *report.Input) {
				in.Offenders[0].Identifiers[0] = report.IdentifierInput{Kind: "email", Value: "not an email"}
			}},
		}
		for _, tt := range tests {
			in := valid(now.Add(-time.Hour))
			tt.change(&in)
			_, err := s.Submit(context.Background(), u, in)
			var se *scheme.Error
			if !errors.As(err, &se) || se.Fields[tt.field] == "" {
				t.Errorf("%s: %v, want a message for %s", tt.field, err, tt.field)
			}
		}
		rs, err := db.Reports.Reports(context.Background(), scheme.ReportFilter{ReporterID: u.ID})
		if err != nil || len(rs) != 0 {
			t.Errorf("refused reports stored %d rows (%v)", len(rs), err)
		}
	})
}

func TestGet_AnotherMemberGetsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, u, now := setup(t, db)
		r, err := s.Submit(context.Background(), u, valid(now.Add(-time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		other := scheme.User{ID: "someone-else", Role: scheme.RoleMember, Status: scheme.StatusActive}
		if _, err := s.Get(context.Background(), other, r.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member reading a report: %v", err)
		}
		coord := scheme.User{ID: "coord", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}
		if _, err := s.Get(context.Background(), coord, r.ID); err != nil {
			t.Errorf("coordinator reading a report: %v", err)
		}
	})
}

func TestSubmit_ThreeWaysOfWritingAPhoneMakeOneOffenderAndFlagAnApplicant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, u, now := setup(t, db)
		var profiles []string
		for _, p := range []string{"07700 900777", "+44 7700 900777", "447700900777"} {
			in := valid(now.Add(-time.Hour))
			in.Offenders[0].Identifiers = []report.IdentifierInput{{Kind: "phone", Value: p}}
			r, err := s.Submit(ctx, u, in)
			if err != nil {
				t.Fatal(err)
			}
			full, _ := db.Reports.Report(ctx, r.ID)
			profiles = append(profiles, full.Original.Offenders[0].ProfileID)
		}
		if profiles[0] != profiles[1] || profiles[1] != profiles[2] {
			t.Errorf("profiles %v, want one", profiles)
		}
		prof, err := db.Reports.OffenderProfile(ctx, profiles[0])
		if err != nil || len(prof.ReportIDs) != 3 {
			t.Errorf("profile %+v %v", prof, err)
		}
		acc, _ := account.New(db, s.Hours.Fixed, "u")
		a, err := acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "suspicious", Password: "a long test passphrase",
			WorkName: "Nobody", Mobile: "07700-900-777", Regions: []string{"london"}, TermsVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		flagged := false
		for _, f := range a.Flags {
			flagged = flagged || f == scheme.FlagPossibleOffender
		}
		if !flagged {
			t.Errorf("applicant with a reported offender's mobile not flagged: %v", a.Flags)
		}
	})
}

func TestSubmit_SameDraftTwiceFilesOneReport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, u, now := setup(t, db)
		draft, err := db.Reports.SaveDraft(ctx, u.ID, "", 5, "{}")
		if err != nil {
			t.Fatal(err)
		}
		in := valid(now.Add(-time.Hour))
		in.Draft = draft
		first, err := s.Submit(ctx, u, in)
		if err != nil {
			t.Fatal(err)
		}
		second, err := s.Submit(ctx, u, in)
		if err != nil {
			t.Fatal(err)
		}
		if first.ID != second.ID {
			t.Errorf("two reports (%s, %s) from one draft", first.ID, second.ID)
		}
		rs, _ := db.Reports.Reports(ctx, scheme.ReportFilter{ReporterID: u.ID})
		ds, _ := db.Reports.Drafts(ctx, u.ID)
		if len(rs) != 1 || len(ds) != 0 {
			t.Errorf("%d reports and %d drafts, want 1 and 0", len(rs), len(ds))
		}
	})
}

// A report keeps the language it was written in (the request's, which
// the web puts in the context), for coordinators to see.
func TestSubmit_KeepsTheLanguageItWasWrittenIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, u, now := setup(t, db)
		ro, _ := i18n.Find("ro")
		r, err := s.Submit(i18n.NewContext(context.Background(), ro), u, valid(now.Add(-3*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(context.Background(), u, r.ID)
		if err != nil || got.Original.Language != "ro" || got.Working.Language != "ro" {
			t.Errorf("language %q / %q, %v", got.Original.Language, got.Working.Language, err)
		}
		plain, err := s.Submit(context.Background(), u, valid(now.Add(-2*time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(context.Background(), u, plain.ID); got.Original.Language != "" {
			t.Errorf("no language in the request, yet %q", got.Original.Language)
		}
	})
}
