package alert_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestAdditions_CheckedHeldForACoordinatorAndShownAsEachMaySee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		if _, err := account.CreateStaff(ctx, db, "test", "the.admin", "a long test passphrase", scheme.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		admin, _ := db.Accounts.UserByUsername(ctx, "the.admin")
		admin.Status = scheme.StatusActive
		// The admin switches approval off on the settings page.
		set := settings.New(db, scheme.DefaultSettings(), time.UTC)
		off := settings.InputOf(scheme.DefaultSettings())
		off.RequireApproval = false
		if _, err := set.Update(ctx, f.coordA, off); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Fatalf("a coordinator changing the setting: %v", err)
		}
		if _, err := set.Update(ctx, admin, off); err != nil {
			t.Fatal(err)
		}
		if on, err := f.svc.RequireApproval(ctx); err != nil || on {
			t.Fatalf("approval still required after the admin switched it off: %v", err)
		}
		a, err := f.svc.Draft(ctx, f.coordA, alert.Input{ReportIDs: []string{f.consented.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Publish(ctx, f.coordA, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		for done := false; !done; { // the fan-out, as the worker would run it
			if done, err = db.Deliveries.FanOutAlert(ctx, a.ID, 50); err != nil {
				t.Fatal(err)
			}
		}

		member := f.reporter // the one London member: the alert reached her
		if n, err := f.svc.Unread(ctx, member); err != nil || n != 1 {
			t.Errorf("unread before opening: %d %v, want 1", n, err)
		}
		if n, err := f.svc.Unread(ctx, f.coordA); err != nil || n != 0 {
			t.Errorf("a coordinator's unread alerts: %d %v, want none", n, err)
		}
		if _, err := f.svc.Open(ctx, member, a.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.svc.Unread(ctx, member); n != 0 {
			t.Errorf("unread after opening: %d, want 0", n)
		}

		for _, body := range []string{"  ", strings.Repeat("x", scheme.MaxAddition+1)} {
			if _, err := f.svc.AddAddition(ctx, member, a.ID, body); fields(err)["body"] == "" {
				t.Errorf("addition of %d characters: %v, want the body named", len(body), err)
			}
		}
		if _, err := f.svc.AddAddition(ctx, f.coordB, a.ID, "I saw him too."); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("an addition by someone the alert did not reach: %v", err)
		}
		ad, err := f.svc.AddAddition(ctx, member, a.ID, "  He texted me on Friday.  ")
		if err != nil {
			t.Fatal(err)
		}
		if ad.Body != "He texted me on Friday." || ad.Status != scheme.AdditionPending {
			t.Errorf("addition %q %s, want trimmed and pending", ad.Body, ad.Status)
		}
		if ads, err := f.svc.Additions(ctx, member, a.ID); err != nil || len(ads) != 1 {
			t.Errorf("the writer's view: %d %v, want her own pending one", len(ads), err)
		}
		if ads, err := f.svc.ApprovedAdditions(ctx, a.ID); err != nil || len(ads) != 0 {
			t.Errorf("on paper before approval: %d %v", len(ads), err)
		}
		if _, err := f.svc.AllAdditions(ctx, member, a.ID); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member reading every addition: %v", err)
		}
		if err := f.svc.ModerateAddition(ctx, member, ad.ID, true); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member moderating: %v", err)
		}
		if err := f.svc.ModerateAddition(ctx, f.coordB, ad.ID, true); err != nil {
			t.Fatal(err)
		}
		if ads, err := f.svc.ApprovedAdditions(ctx, a.ID); err != nil || len(ads) != 1 {
			t.Errorf("on paper after approval: %d %v", len(ads), err)
		}

		d, err := f.svc.Deliveries(ctx, f.coordA, a.ID, scheme.PageOf(1))
		if err != nil || d.Alert.ID != a.ID || d.Counts["in_app"]["read"] != 1 {
			t.Errorf("deliveries: %+v %v", d, err)
		}
		if _, err := f.svc.Deliveries(ctx, member, a.ID, scheme.PageOf(1)); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member reading deliveries: %v", err)
		}
	})
}
