package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// directory adds the services of the search tests and returns their ids by
// name; "retired" is retired.
func directory(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, s := range []scheme.SupportService{
		{Name: "Leeds Romanian Health", Kinds: []string{"sexual-health", "general-health"}, Regions: []string{"yorkshire-humber"}, Phone: "+441134960123", Languages: []string{"ro", "en"}},
		{Name: "Yorkshire Housing Desk", Kinds: []string{"housing"}, Regions: []string{"yorkshire-humber", "north-east"}, Email: "desk@example.org", Languages: []string{"en"}},
		{Name: "London Clinic", Kinds: []string{"sexual-health"}, Regions: []string{"london"}, Website: "https://clinic.example.org", Languages: []string{"pt-BR", "es"}},
		{Name: "National Line", Kinds: []string{"isva-idva"}, National: true, Helpline: true, Phone: "+448081570123", Languages: []string{"en", "pt"}},
		{Name: "retired", Kinds: []string{"sexual-health"}, Regions: []string{"yorkshire-humber"}, Phone: "+447700900100", Languages: []string{"ro"}},
	} {
		saved, err := db.Support.SaveService(ctx, "coord", s)
		if err != nil {
			t.Fatalf("SaveService(%s): %v", s.Name, err)
		}
		ids[s.Name] = saved.ID
	}
	if err := db.Support.RetireService(ctx, "coord", ids["retired"], true); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSupport_SearchMatchesRegionOrNationalKindAndBaseLanguageAndLeavesRetiredOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		directory(t, db)
		for _, tc := range []struct {
			name string
			f    scheme.ServiceFilter
			want []string // in order: local before national, then by name
		}{
			{"a region and the national ones", scheme.ServiceFilter{Regions: []string{"yorkshire-humber"}}, []string{"Leeds Romanian Health", "Yorkshire Housing Desk", "National Line"}},
			{"a kind", scheme.ServiceFilter{Regions: []string{"yorkshire-humber"}, Kind: "sexual-health"}, []string{"Leeds Romanian Health"}},
			{"a language", scheme.ServiceFilter{Regions: []string{"yorkshire-humber"}, Language: "ro"}, []string{"Leeds Romanian Health"}},
			{"a regional tag matches its base language", scheme.ServiceFilter{Regions: []string{"london"}, Language: "pt-BR"}, []string{"London Clinic", "National Line"}},
			{"any of several regions", scheme.ServiceFilter{Regions: []string{"london", "north-east"}, Kind: "housing"}, []string{"Yorkshire Housing Desk"}},
			{"helplines", scheme.ServiceFilter{Helpline: true}, []string{"National Line"}},
			{"staff see the retired too", scheme.ServiceFilter{Retired: true, Kind: "sexual-health"}, []string{"Leeds Romanian Health", "London Clinic", "retired"}},
		} {
			got, err := db.Support.Services(context.Background(), tc.f, scheme.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range got.Items {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("%s: got %q, want %q", tc.name, names, tc.want)
			}
		}
	})
}

func TestSupport_SavedServiceReadsBackWithItsListsAndAnEditReplacesThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := directory(t, db)
		s, err := db.Support.Service(ctx, ids["Leeds Romanian Health"])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Kinds, []string{"sexual-health", "general-health"}) || s.MainKind() != "sexual-health" ||
			!slices.Equal(s.Regions, []string{"yorkshire-humber"}) || !slices.Equal(s.Languages, []string{"en", "ro"}) || s.Phone != "+441134960123" {
			t.Fatalf("read back %+v", s)
		}
		s.Kinds, s.Languages, s.Name = []string{"mental-health"}, []string{"hu"}, "Leeds Wellbeing"
		if _, err := db.Support.SaveService(ctx, "coord", s); err != nil {
			t.Fatal(err)
		}
		again, err := db.Support.Service(ctx, s.ID)
		if err != nil || again.Name != "Leeds Wellbeing" || !slices.Equal(again.Kinds, []string{"mental-health"}) || !slices.Equal(again.Languages, []string{"hu"}) {
			t.Fatalf("after the edit: %+v, %v", again, err)
		}
		// A region that does not exist stores nothing.
		bad := scheme.SupportService{Name: "Nowhere", Kinds: []string{"other"}, Regions: []string{"atlantis"}, Phone: "+447700900101"}
		if _, err := db.Support.SaveService(ctx, "coord", bad); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Fatalf("unknown region: %v", err)
		}
		all, err := db.Support.Services(ctx, scheme.ServiceFilter{Retired: true}, scheme.Page{})
		if err != nil || all.Total != 5 {
			t.Fatalf("%d services after a refused save, want 5 (%v)", all.Total, err)
		}
	})
}

// referralCase makes a member in Yorkshire, her report (with the support
// consent given or not) and the directory.
func referralCase(t *testing.T, db *store.DB, support bool) (member string, rep scheme.Report, services map[string]string) {
	t.Helper()
	ids := population(t, db, []person{{name: "ana", kind: "individual", regions: []string{"yorkshire-humber"}, email: "ana@example.org", alertEmail: true},
		{name: "bea", kind: "individual", regions: []string{"yorkshire-humber"}, email: "bea@example.org"}})
	now := time.Now().UTC()
	rep, err := db.Reports.CreateReport(context.Background(), scheme.Report{ReporterID: ids["ana"],
		Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "yorkshire-humber",
		IncidentAt: now.Add(-5 * time.Hour), SubmittedAt: now, Delay: 5 * time.Hour, AcknowledgeBy: now.Add(24 * time.Hour),
		Consents: scheme.Consents{Support: support}, Original: scheme.ReportContent{Account: "He took my bag.", Town: "Leeds"}})
	if err != nil {
		t.Fatal(err)
	}
	return ids["ana"], rep, directory(t, db)
}

func TestReferrals_NeedTheSupportConsentAndALiveService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, rep, svc := referralCase(t, db, false)
		if _, err := db.Support.SuggestReferral(ctx, "coord", rep.ID, svc["Leeds Romanian Health"], "", "/reports/x"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("without consent: %v, want a conflict", err)
		}
		if _, err := db.Reports.SetConsents(ctx, rep.ReporterID, rep.ID, scheme.Consents{Support: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Support.SuggestReferral(ctx, "coord", rep.ID, svc["retired"], "", "/reports/x"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Fatalf("a retired service: %v, want invalid", err)
		}
		if _, err := db.Support.SuggestReferral(ctx, "coord", "no-such-report", svc["Leeds Romanian Health"], "", "/reports/x"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("no report: %v, want not found", err)
		}
		if got, err := db.Support.Referrals(ctx, rep.ID); err != nil || len(got) != 0 {
			t.Fatalf("refused suggestions stored %d referrals (%v)", len(got), err)
		}
	})
}

func TestReferrals_SuggestAnswerAndMoveThroughTheirStatusesOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ana, rep, svc := referralCase(t, db, true)
		f, err := db.Support.SuggestReferral(ctx, "coord", rep.ID, svc["Leeds Romanian Health"], "They speak Romanian and see people the same week.", "/reports/"+rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind != "sexual-health" || f.Status != scheme.ReferralSuggested {
			t.Fatalf("suggested %+v", f)
		}
		// Only the reporter answers; anyone else finds nothing.
		if err := db.Support.AnswerReferral(ctx, "someone-else", rep.ID, f.ID, scheme.AnswerYes); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("someone else's answer: %v, want not found", err)
		}
		if err := db.Support.AnswerReferral(ctx, ana, "another-report", f.ID, scheme.AnswerYes); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Fatalf("through another report: %v, want not found", err)
		}
		if err := db.Support.AnswerReferral(ctx, ana, rep.ID, f.ID, scheme.AnswerCallFirst); err != nil {
			t.Fatal(err)
		}
		got, err := db.Support.Referrals(ctx, rep.ID)
		if err != nil || len(got) != 1 || got[0].Answer != scheme.AnswerCallFirst || got[0].AnsweredAt.IsZero() ||
			got[0].Note != "They speak Romanian and see people the same week." || got[0].Service.Name != "Leeds Romanian Health" {
			t.Fatalf("after her answer: %+v, %v", got, err)
		}
		steps := []struct {
			to scheme.ReferralStatus
			ok bool
		}{
			{scheme.ReferralAccepted, false}, {scheme.ReferralMade, true}, {scheme.ReferralMade, false}, {scheme.ReferralAccepted, true},
			{scheme.ReferralDeclined, false}, {scheme.ReferralClosed, true}, {scheme.ReferralMade, false},
		}
		for _, st := range steps {
			err := db.Support.MoveReferral(ctx, "coord", rep.ID, f.ID, st.to)
			if st.ok != (err == nil) {
				t.Fatalf("move to %s: %v (allowed: %t)", st.to, err, st.ok)
			}
		}
		// Once acted on, her answer is closed.
		if err := db.Support.AnswerReferral(ctx, ana, rep.ID, f.ID, scheme.AnswerNo); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Fatalf("an answer after it was made: %v, want a conflict", err)
		}
		// The statistics count it by kind and outcome (a closed one under the
		// last outcome it reached), in the report's region only.
		hours := scheme.DefaultWorkingHours(time.UTC)
		for region, want := range map[string]int{"": 1, "yorkshire-humber": 1, "london": 0} {
			fig, err := db.Reports.Stats(ctx, stats.Filter{Region: region}, hours)
			if err != nil {
				t.Fatal(err)
			}
			if got := fig.Referrals.ByKind["sexual-health"]["accepted"]; got != want {
				t.Errorf("statistics in %q: %d accepted sexual-health referrals, want %d", region, got, want)
			}
		}
		// The timeline has every step; the audit log every change.
		events, err := db.Reports.Timeline(ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, e := range events {
			kinds[e.Kind]++
		}
		if kinds["referral"] != 1 || kinds["referral_answer"] != 1 || kinds["referral_status"] != 3 {
			t.Errorf("timeline kinds %v", kinds)
		}
		// Her own data holds it; the report's deletion takes it away.
		mine, err := db.Support.ReferralsOf(ctx, ana)
		if err != nil || len(mine) != 1 {
			t.Fatalf("her referrals: %d, %v", len(mine), err)
		}
		exp, err := db.Accounts.ExportUser(ctx, ana)
		if err != nil || len(exp.Referrals) != 1 || exp.Referrals[0].Service.Name != "Leeds Romanian Health" {
			t.Fatalf("export: %+v, %v", exp.Referrals, err)
		}
		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM reports WHERE id = $1`, rep.ID); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM service_referrals`).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d referrals outlived their report (%v)", left, err)
		}
	})
}
