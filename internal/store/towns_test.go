package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// townPeople narrow their alerts to towns (or not); names say how.
var townPeople = []person{
	{name: "ldn-whole", kind: "individual", regions: []string{"london"}, email: "whole@example.org", alertEmail: true},
	{name: "ldn-camden", kind: "individual", regions: []string{"london"}, mobile: "+447700900201", alertSMS: true},
	{name: "ldn-hackney", kind: "individual", regions: []string{"london"}, email: "hackney@example.org", alertEmail: true},
	{name: "ldn-camden-wales-cardiff", kind: "individual", regions: []string{"london", "wales"}, email: "two@example.org", alertEmail: true},
	{name: "ldn-croydon-retired", kind: "individual", regions: []string{"london"}, mobile: "+447700900202", alertSMS: true},
	{name: "ldn-project-hackney", kind: "project", regions: []string{"london"}, email: "team@hackney.example.org", alertEmail: true},
	{name: "ldn-project-hackney-staff", kind: "staff", of: "ldn-project-hackney"},
	{name: "wales-whole", kind: "individual", regions: []string{"wales"}, email: "wales-whole@example.org", alertEmail: true},
}

// townsOf is what each of townPeople chose (the key contact's towns are
// her staff's too).
var townsOf = map[string][]string{
	"ldn-camden":               {"camden"},
	"ldn-hackney":              {"hackney"},
	"ldn-camden-wales-cardiff": {"camden", "cardiff"},
	"ldn-croydon-retired":      {"croydon"},
	"ldn-project-hackney":      {"hackney"},
}

// addTowns adds the towns of the targeting tests and retires Croydon.
func addTowns(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, x := range []struct{ region, name, slug string }{
		{"london", "Camden", "camden"}, {"london", "Hackney", "hackney"}, {"london", "Croydon", "croydon"}, {"wales", "Cardiff", "cardiff"},
	} {
		town, err := db.Towns.AddTown(ctx, "admin", x.region, x.name, x.slug)
		if err != nil || town.Slug != x.slug {
			t.Fatalf("AddTown(%s) = %+v, %v", x.name, town, err)
		}
	}
}

func TestTowns_TargetingReachesExactlyTheMembersOfThoseTownsAndThoseWhoDidNotNarrow(t *testing.T) {
	// An alert that names towns in a region reaches the members there who
	// chose one of them or chose no town there (staff as their key
	// contact); a region it names no town in reaches all its members; a
	// member whose only towns are retired counts as not narrowed. The
	// audience counted before publishing is the fan-out's.
	for _, tc := range []struct {
		name           string
		regions, towns []string
		inApp          []string
		email, sms     []string
	}{
		{name: "a whole region reaches those who narrowed too", regions: []string{"london"},
			inApp: []string{"ldn-whole", "ldn-camden", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-croydon-retired", "ldn-project-hackney", "ldn-project-hackney-staff"},
			email: []string{"ldn-whole", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-project-hackney"},
			sms:   []string{"ldn-camden", "ldn-croydon-retired"}},
		{name: "one town", regions: []string{"london"}, towns: []string{"camden"},
			inApp: []string{"ldn-whole", "ldn-camden", "ldn-camden-wales-cardiff", "ldn-croydon-retired"},
			email: []string{"ldn-whole", "ldn-camden-wales-cardiff"},
			sms:   []string{"ldn-camden", "ldn-croydon-retired"}},
		{name: "a town in one region, the whole of another", regions: []string{"london", "wales"}, towns: []string{"hackney"},
			inApp: []string{"ldn-whole", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-croydon-retired", "ldn-project-hackney", "ldn-project-hackney-staff", "wales-whole"},
			email: []string{"ldn-whole", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-project-hackney", "wales-whole"},
			sms:   []string{"ldn-croydon-retired"}},
		{name: "a town of the other region only", regions: []string{"london", "wales"}, towns: []string{"cardiff"},
			inApp: []string{"ldn-whole", "ldn-camden", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-croydon-retired", "ldn-project-hackney", "ldn-project-hackney-staff", "wales-whole"},
			email: []string{"ldn-whole", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-project-hackney", "wales-whole"},
			sms:   []string{"ldn-camden", "ldn-croydon-retired"}},
		{name: "towns in both regions", regions: []string{"london", "wales"}, towns: []string{"cardiff", "hackney"},
			inApp: []string{"ldn-whole", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-croydon-retired", "ldn-project-hackney", "ldn-project-hackney-staff", "wales-whole"},
			email: []string{"ldn-whole", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-project-hackney", "wales-whole"},
			sms:   []string{"ldn-croydon-retired"}},
		{name: "a retired town the alert named", regions: []string{"london"}, towns: []string{"croydon"},
			inApp: []string{"ldn-whole", "ldn-croydon-retired"},
			email: []string{"ldn-whole"},
			sms:   []string{"ldn-croydon-retired"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				addTowns(t, db)
				ids := population(t, db, townPeople)
				for name, towns := range townsOf {
					if err := db.Towns.SetMemberTowns(ctx, ids[name], towns); err != nil {
						t.Fatal(err)
					}
				}
				if err := db.Towns.RetireTown(ctx, "admin", "croydon", true); err != nil {
					t.Fatal(err)
				}
				a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
					AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.", Area: "London"},
					Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
					Regions: tc.regions, Towns: tc.towns,
				})
				if err != nil {
					t.Fatal(err)
				}
				if saved, err := db.Alerts.Alert(ctx, a.ID); err != nil || !slices.Equal(saved.Towns, sorted(tc.towns...)) {
					t.Fatalf("saved towns %v, %v; want %v", saved.Towns, err, tc.towns)
				}
				before, err := db.Alerts.Audience(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				aud, err := db.Alerts.PublishAlert(ctx, "coord-b", a.ID, store.PublishOptions{})
				if err != nil {
					t.Fatal(err)
				}
				fanOut(t, db, a.ID, 2)
				got := made(t, db, a.ID, ids)
				want := map[string][]string{"in_app": sorted(tc.inApp...), "email": sorted(tc.email...), "sms": sorted(tc.sms...)}
				for _, ch := range []string{"in_app", "email", "sms"} {
					if !slices.Equal(got[ch], want[ch]) {
						t.Errorf("%s: made for\n  %v\nwant\n  %v", ch, got[ch], want[ch])
					}
				}
				wantAud := scheme.Audience{InApp: len(tc.inApp), Email: len(tc.email), SMS: len(tc.sms)}
				if before != wantAud || aud != wantAud {
					t.Errorf("audience before publishing %+v, at publishing %+v; want %+v", before, aud, wantAud)
				}
			})
		})
	}
}

func TestTowns_NewMembersBackfillFollowsTheTowns(t *testing.T) {
	// The backfill of a member approved after an alert went out uses the
	// same rule: she has chosen no town yet, so a town alert in her
	// region reaches her; a member outside the region gets nothing.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addTowns(t, db)
		population(t, db, townPeople[:1])
		a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
			AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.", Area: "Camden"},
			Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
			Regions: []string{"london"}, Towns: []string{"camden"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-b", a.ID, store.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		late := population(t, db, []person{
			{name: "late-london", kind: "individual", regions: []string{"london"}, email: "late@example.org"},
			{name: "late-wales", kind: "individual", regions: []string{"wales"}, email: "late-wales@example.org"},
		})
		for name, want := range map[string]int{"late-london": 1, "late-wales": 0} {
			feed, err := db.Alerts.MemberAlerts(ctx, late[name], scheme.MemberAlertFilter{})
			if err != nil || len(feed) != want {
				t.Errorf("%s's feed: %d alerts, %v; want %d", name, len(feed), err, want)
			}
		}
	})
}

func TestTowns_AddRenameMoveRetireAreKeptAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addTowns(t, db)
		// A second "Newport" elsewhere gets a slug of its own; the same
		// name twice in one region is refused, in any case.
		if _, err := db.Towns.AddTown(ctx, "admin", "wales", "Newport", "newport"); err != nil {
			t.Fatal(err)
		}
		other, err := db.Towns.AddTown(ctx, "admin", "south-east", "Newport", "newport")
		if err != nil || other.Slug != "newport-2" {
			t.Fatalf("second Newport: %+v, %v", other, err)
		}
		if _, err := db.Towns.AddTown(ctx, "admin", "london", "camden", "camden"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("same name twice in a region: %v, want invalid", err)
		}
		if _, err := db.Towns.AddTown(ctx, "admin", "atlantis", "Nowhere", "nowhere"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("unknown region: %v, want invalid", err)
		}
		if err := db.Towns.RenameTown(ctx, "admin", "hackney", "Hackney Wick"); err != nil {
			t.Fatal(err)
		}
		if err := db.Towns.RenameTown(ctx, "admin", "hackney", "Camden"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("renaming to a name the region has: %v, want invalid", err)
		}
		if err := db.Towns.MoveTown(ctx, "admin", "croydon", true); err != nil {
			t.Fatal(err)
		}
		if err := db.Towns.MoveTown(ctx, "admin", "camden", true); err != nil { // first already: stays
			t.Fatal(err)
		}
		if err := db.Towns.RetireTown(ctx, "admin", "camden", true); err != nil {
			t.Fatal(err)
		}
		if err := db.Towns.RenameTown(ctx, "admin", "nowhere", "X"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("renaming a town that is not there: %v, want not found", err)
		}
		all, err := db.Towns.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var london []string
		for _, x := range all {
			if x.Region == "london" {
				london = append(london, x.Name)
			}
		}
		if want := []string{"Camden", "Croydon", "Hackney Wick"}; !slices.Equal(london, want) {
			t.Errorf("London's towns %v, want %v", london, want)
		}
		if c, _ := all.Find("camden"); !c.Retired() {
			t.Error("Camden is not retired")
		}
		if got := all.Offered("london"); len(got) != 2 || got[0].Slug != "croydon" {
			t.Errorf("offered in London: %+v", got)
		}
		var n int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'town.%' AND subject_type = 'town'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		// 4 + 2 added, 1 rename, 1 move (the other stayed put, unrecorded), 1 retire.
		if n != 9 {
			t.Errorf("%d town audit entries, want 9", n)
		}
	})
}

// A regional alert's fan-out reads its candidates from the region index
// (and the organisations' people) instead of walking every account: its
// batches count candidates, so it takes far fewer of them than there are
// accounts, and what it makes is exactly what its audience counted — for
// a member in two of its regions one row, for members with and without
// towns as the towns say, for staff reached only through their key
// contact's region — whether in one part or four worked in turn, in
// batches of one.
func TestFanOut_RegionalFollowsTheRegionIndexAndMakesItsAudience(t *testing.T) {
	var far []person // accounts the London alerts should never have to read
	for i := range 30 {
		far = append(far, person{name: fmt.Sprintf("scotland-%02d", i), kind: "individual", regions: []string{"scotland"},
			email: fmt.Sprintf("scot%02d@example.org", i), alertEmail: true})
	}
	for _, tc := range []struct {
		name           string
		regions, towns []string
		sectors        []string
		inApp          []string
	}{
		{name: "two regions, a member in both", regions: []string{"london", "wales"},
			inApp: []string{"ldn-whole", "ldn-camden", "ldn-hackney", "ldn-camden-wales-cardiff", "ldn-croydon-retired", "ldn-project-hackney", "ldn-project-hackney-staff", "wales-whole"}},
		{name: "a town: members there and those who chose none", regions: []string{"london"}, towns: []string{"hackney"},
			inApp: []string{"ldn-whole", "ldn-hackney", "ldn-croydon-retired", "ldn-project-hackney", "ldn-project-hackney-staff"}},
		{name: "a town elsewhere: staff only through their key contact", regions: []string{"london"}, towns: []string{"camden"},
			inApp: []string{"ldn-whole", "ldn-camden", "ldn-camden-wales-cardiff", "ldn-croydon-retired"}},
		{name: "a sector", regions: []string{"wales"}, sectors: []string{"street"},
			inApp: []string{"ldn-camden-wales-cardiff", "wales-whole"}},
	} {
		for _, parts := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s, %d parts", tc.name, parts), func(t *testing.T) {
				storetest.Each(t, func(t *testing.T, db *store.DB) {
					ctx := context.Background()
					addTowns(t, db)
					ids := population(t, db, append(slices.Clone(townPeople), far...))
					for name, towns := range townsOf {
						if err := db.Towns.SetMemberTowns(ctx, ids[name], towns); err != nil {
							t.Fatal(err)
						}
					}
					if err := db.Towns.RetireTown(ctx, "admin", "croydon", true); err != nil {
						t.Fatal(err)
					}
					db.Deliveries.SetFanOutParts(parts)
					a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
						AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.", Area: "London"},
						Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
						Regions: tc.regions, Towns: tc.towns, Sectors: tc.sectors,
					})
					if err != nil {
						t.Fatal(err)
					}
					aud, err := db.Alerts.PublishAlert(ctx, "coord-b", a.ID, store.PublishOptions{})
					if err != nil {
						t.Fatal(err)
					}
					calls := 0
					for part := range parts {
						for done := false; !done; calls++ {
							if done, err = db.Deliveries.FanOutPart(ctx, a.ID, part, parts, 1); err != nil {
								t.Fatal(err)
							}
							if calls > 200 {
								t.Fatal("fan-out never finished")
							}
						}
					}
					// Batches of one: one a candidate (the members of the
					// alert's regions, and the three people of the two
					// organisations), and one more a part to find it done.
					if accounts := len(townPeople) + len(far); calls >= accounts {
						t.Errorf("%d batches of one for %d accounts: the fan-out walked the accounts", calls, accounts)
					}
					got := made(t, db, a.ID, ids)
					if want := sorted(tc.inApp...); !slices.Equal(got["in_app"], want) {
						t.Errorf("made for\n  %v\nwant\n  %v", got["in_app"], want)
					}
					if len(got["in_app"]) != aud.InApp || len(got["email"]) != aud.Email || len(got["sms"]) != aud.SMS {
						t.Errorf("made %d in-app, %d email, %d SMS rows; audience %+v", len(got["in_app"]), len(got["email"]), len(got["sms"]), aud)
					}
					var doneAt sql.NullTime
					if err := db.Writer().QueryRowContext(ctx, `SELECT fanout_done_at FROM alerts WHERE id = $1`, a.ID).Scan(&doneAt); err != nil || !doneAt.Valid {
						t.Errorf("the fan-out is not marked done (%v)", err)
					}
				})
			})
		}
	}
}
