package store_test

import (
	"context"
	"slices"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestVocab_ANewSchemeHasTheDefaultListsWithIrelandReadAsIE(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l, err := db.Content.Lists(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Regions) != len(scheme.DefaultRegions) || len(l.Sectors) != len(scheme.DefaultSectors) ||
			len(l.Types) != len(scheme.DefaultIncidentTypes) || !slices.Equal(l.Genders, scheme.DefaultGenders) {
			t.Fatalf("lists %d regions, %d sectors, %d types, genders %v", len(l.Regions), len(l.Sectors), len(l.Types), l.Genders)
		}
		for _, r := range l.Regions {
			want := "GB"
			if r.Slug == "ireland" {
				want = "IE"
			}
			if r.Phone != want || r.Retired {
				t.Errorf("region %+v: want phone plan %s, offered", r, want)
			}
		}
		if got := l.PhoneRegion([]string{"ireland"}, "GB"); got != "IE" {
			t.Errorf("Ireland's members read by %s, want IE", got)
		}
	})
}

func TestVocab_AddEditMoveRetireAreKeptAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		lists := func() scheme.Lists {
			t.Helper()
			l, err := db.Content.Lists(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		// A new incident type goes at the end of its severity; a second of
		// the same slug gets a number; a name the list has (in any case,
		// retired or not) is refused.
		slug, err := db.Vocab.AddValue(ctx, "admin", scheme.ListTypes, "spiking", store.ListValue{Name: "Spiking", Severity: scheme.SeverityHighest})
		if err != nil || slug != "spiking" {
			t.Fatalf("AddValue = %q, %v", slug, err)
		}
		if slug, err := db.Vocab.AddValue(ctx, "admin", scheme.ListTypes, "spiking", store.ListValue{Name: "Spiking by drink", Severity: scheme.SeverityHigh}); err != nil || slug != "spiking-2" {
			t.Errorf("second spiking = %q, %v; want spiking-2", slug, err)
		}
		if _, err := db.Vocab.AddValue(ctx, "admin", scheme.ListTypes, "robbery-x", store.ListValue{Name: "robbery or THEFT", Severity: scheme.SeverityLow}); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("a name the list has: %v, want invalid", err)
		}
		if _, err := db.Vocab.AddValue(ctx, "admin", scheme.ListKind("towns"), "x", store.ListValue{Name: "X"}); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("an unknown list: %v, want not found", err)
		}
		l := lists()
		highest := []string{}
		for _, ty := range l.Types {
			if ty.Severity == scheme.SeverityHighest {
				highest = append(highest, ty.Slug)
			}
		}
		if want := []string{"rape-sexual-assault", "kidnap-confinement", "spiking"}; !slices.Equal(highest, want) {
			t.Errorf("highest types %v, want %v", highest, want)
		}
		// Moving up swaps with the one before among its severity.
		if err := db.Vocab.MoveValue(ctx, "admin", scheme.ListTypes, "spiking", true); err != nil {
			t.Fatal(err)
		}
		if err := db.Vocab.MoveValue(ctx, "admin", scheme.ListTypes, "rape-sexual-assault", true); err != nil { // first already: stays
			t.Fatal(err)
		}
		l = lists()
		if got := []string{l.Types[0].Slug, l.Types[1].Slug, l.Types[2].Slug}; !slices.Equal(got, []string{"rape-sexual-assault", "spiking", "kidnap-confinement"}) {
			t.Errorf("after moving spiking up: %v", got)
		}
		// Renaming and a new severity keep the slug; a region's plan changes.
		if err := db.Vocab.EditValue(ctx, "admin", scheme.ListTypes, "time-wasting", store.ListValue{Name: "Wasting time", Severity: scheme.SeverityMedium}); err != nil {
			t.Fatal(err)
		}
		if err := db.Vocab.EditValue(ctx, "admin", scheme.ListTypes, "time-wasting", store.ListValue{Name: "Threats or intimidation", Severity: scheme.SeverityMedium}); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("renaming to a name the list has: %v, want invalid", err)
		}
		if err := db.Vocab.EditValue(ctx, "admin", scheme.ListRegions, "northern-ireland", store.ListValue{Name: "Northern Ireland", Phone: "IE"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Vocab.EditValue(ctx, "admin", scheme.ListSectors, "nowhere", store.ListValue{Name: "X"}); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("editing a value that is not there: %v, want not found", err)
		}
		// Retiring keeps the value, marked; offering it again unmarks it.
		for _, x := range []struct {
			kind scheme.ListKind
			slug string
		}{{scheme.ListTypes, "time-wasting"}, {scheme.ListRegions, "wales"}, {scheme.ListSectors, "street"}, {scheme.ListGenders, "man"}} {
			if err := db.Vocab.RetireValue(ctx, "admin", x.kind, x.slug, true); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Vocab.RetireValue(ctx, "admin", scheme.ListGenders, "man", false); err != nil {
			t.Fatal(err)
		}
		l = lists()
		tw, _ := l.Type("time-wasting")
		if tw.Name != "Wasting time" || tw.Severity != scheme.SeverityMedium || !tw.Retired {
			t.Errorf("time-wasting is %+v", tw)
		}
		if ni, _ := l.Region("northern-ireland"); ni.Phone != "IE" {
			t.Errorf("Northern Ireland's plan %q, want IE", ni.Phone)
		}
		o := l.Offered()
		if _, ok := o.Type("time-wasting"); ok || o.HasRegion("wales") || o.HasSector("street") || !o.HasGender("man") {
			t.Errorf("offered: %+v", o)
		}
		if l.RegionName("wales") != "Wales" || l.SectorName("street") != "Street" {
			t.Error("a retired value lost its name")
		}
		got := auditActions(t, db, "")
		// 2 added; 1 move (the other stayed put, unrecorded); 2 edits; 4
		// retired, 1 offered again.
		want := map[string]int{"list.add": 2, "list.move": 1, "list.edit": 2, "list.retire": 4, "list.restore": 1}
		for action, n := range want {
			if got[action] != n {
				t.Errorf("%d %s audit entries, want %d", got[action], action, n)
			}
		}
	})
}

func TestVocab_StaffReadByTheirKeyContactsRegions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, []person{
			{name: "dublin", kind: "individual", regions: []string{"ireland"}, email: "dublin@example.org"},
			{name: "project", kind: "project", regions: []string{"ireland", "northern-ireland"}, email: "team@project.example.org"},
			{name: "project-staff", kind: "staff", of: "project"},
		})
		for who, want := range map[string][]string{"dublin": {"ireland"}, "project-staff": {"ireland", "northern-ireland"}} {
			got, err := db.Vocab.MemberRegions(ctx, ids[who])
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s's regions %v, want %v", who, got, want)
			}
		}
	})
}

// The lists are kept between reads: what one caller does with its copy
// cannot reach the next, and a change through Vocab is seen at once.
func TestVocab_KeptListsAreCopiesAndAChangeIsSeenAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first, err := db.Content.Lists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		name := first.Regions[0].Name
		first.Regions[0].Name = "Changed by a caller"
		first.Types = first.Types[:0]
		again, err := db.Content.Lists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again.Regions[0].Name != name || len(again.Types) != len(scheme.DefaultIncidentTypes) {
			t.Fatalf("a caller's copy reached the next: region %q, %d types", again.Regions[0].Name, len(again.Types))
		}
		if err := db.Vocab.EditValue(ctx, "admin", scheme.ListRegions, again.Regions[0].Slug, store.ListValue{Name: "Renamed region", Phone: again.Regions[0].Phone}); err != nil {
			t.Fatal(err)
		}
		after, err := db.Content.Lists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.Regions[0].Name != "Renamed region" {
			t.Errorf("after renaming, the region reads %q", after.Regions[0].Name)
		}
	})
}
