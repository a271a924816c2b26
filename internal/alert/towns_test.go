package alert_test

import (
	"context"
	"slices"
	"testing"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestUpdate_TownsMustBeInTheAlertsRegionsAndOffered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		for _, x := range []struct{ region, name, slug string }{{"london", "Camden", "camden"}, {"london", "Hackney", "hackney"}, {"wales", "Cardiff", "cardiff"}, {"london", "Bow", "bow"}} {
			if _, err := db.Towns.AddTown(ctx, "admin", x.region, x.name, x.slug); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Towns.RetireTown(ctx, "admin", "bow", true); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}, Towns: &[]string{"hackney"}})
		if err != nil || !slices.Equal(a.Towns, []string{"hackney"}) {
			t.Fatalf("a draft for Hackney: towns %v, %v", a.Towns, err)
		}
		for _, tc := range []struct {
			name    string
			in      alert.Input
			problem string
		}{
			{"a town of a region not chosen", alert.Input{Towns: &[]string{"cardiff"}}, "Choose only towns in the regions you chose, or choose their regions too."},
			{"a region dropped, its town kept", alert.Input{Regions: &[]string{"wales"}}, "Choose only towns in the regions you chose, or choose their regions too."},
			{"a town that is not the scheme's", alert.Input{Towns: &[]string{"atlantis"}}, "Choose towns from the list."},
			{"a retired town the alert did not name", alert.Input{Towns: &[]string{"bow"}}, "A town you chose is no longer offered: choose another, or the whole region."},
		} {
			_, err := f.svc.Update(ctx, f.coordA, a.ID, tc.in)
			if got := fields(err)["towns"]; got != tc.problem {
				t.Errorf("%s: towns problem %q (%v), want %q", tc.name, got, err, tc.problem)
			}
		}
		if got, _ := db.Alerts.Alert(ctx, a.ID); !slices.Equal(got.Towns, []string{"hackney"}) || !slices.Equal(got.Regions, []string{"london"}) {
			t.Errorf("refused edits changed the alert: regions %v, towns %v", got.Regions, got.Towns)
		}
		// Two towns, then nationwide: a nationwide alert names no town.
		a, err = f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Towns: &[]string{"camden", "hackney", "camden"}})
		if err != nil || !slices.Equal(a.Towns, []string{"camden", "hackney"}) {
			t.Fatalf("Camden and Hackney: %v, %v", a.Towns, err)
		}
		// A town retired since it was named stays acceptable on the alert.
		if err := db.Towns.RetireTown(ctx, "admin", "camden", true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Title: ptr("Robbery — Camden")}); err != nil {
			t.Errorf("an edit of an alert naming a town retired since: %v", err)
		}
		yes := true
		if a, err = f.svc.Update(ctx, f.coordA, a.ID, alert.Input{Nationwide: &yes}); err != nil || len(a.Towns) != 0 {
			t.Errorf("nationwide: towns %v, %v; want none", a.Towns, err)
		}
		if _, ok := scheme.Towns(nil).Find("camden"); ok {
			t.Error("an empty list finds a town")
		}
	})
}
