package vocab_test

import (
	"context"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/vocab"
)

var admin = scheme.User{ID: "admin", Role: scheme.RoleAdmin, Status: scheme.StatusActive}

func TestService_RefusesWhatIsWrongAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := vocab.New(db)
		for _, tc := range []struct {
			name  string
			u     scheme.User
			kind  scheme.ListKind
			v     vocab.Value
			field string // "" for a forbidden or not-found answer
			code  scheme.Code
		}{
			{"a coordinator", scheme.User{ID: "c", Role: scheme.RoleCoordinator, Status: scheme.StatusActive}, scheme.ListSectors, vocab.Value{Name: "Clubs"}, "", scheme.CodeForbidden},
			{"a disabled admin", scheme.User{ID: "a", Role: scheme.RoleAdmin, Status: scheme.StatusDisabled}, scheme.ListSectors, vocab.Value{Name: "Clubs"}, "", scheme.CodeForbidden},
			{"no such list", admin, scheme.ListKind("towns"), vocab.Value{Name: "Clubs"}, "", scheme.CodeNotFound},
			{"no name", admin, scheme.ListSectors, vocab.Value{Name: " \t "}, "name", scheme.CodeInvalid},
			{"too long", admin, scheme.ListSectors, vocab.Value{Name: strings.Repeat("Clubs ", 11)}, "name", scheme.CodeInvalid},
			{"off the scale", admin, scheme.ListTypes, vocab.Value{Name: "Spiking", Severity: "critical"}, "severity", scheme.CodeInvalid},
			{"no plan", admin, scheme.ListRegions, vocab.Value{Name: "Munster"}, "phone", scheme.CodeInvalid},
			{"not a country", admin, scheme.ListRegions, vocab.Value{Name: "Munster", Phone: "UK"}, "phone", scheme.CodeInvalid},
		} {
			_, err := svc.Add(ctx, tc.u, tc.kind, tc.v)
			if scheme.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
				continue
			}
			if tc.field != "" {
				if se, ok := err.(*scheme.Error); !ok || se.Fields[tc.field] == "" {
					t.Errorf("%s: %v names no problem with %s", tc.name, err, tc.field)
				}
			}
		}
		l, err := db.Content.Lists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Sectors) != len(scheme.DefaultSectors) || len(l.Regions) != len(scheme.DefaultRegions) || len(l.Types) != len(scheme.DefaultIncidentTypes) {
			t.Error("a refused value was stored")
		}
		// Names are tidied, plans upper-cased, slugs made from the name.
		slug, err := svc.Add(ctx, admin, scheme.ListRegions, vocab.Value{Name: "  Dún   Laoghaire ", Phone: " ie "})
		if err != nil || slug != "dun-laoghaire" {
			t.Fatalf("Add = %q, %v", slug, err)
		}
		if l, _ = db.Content.Lists(ctx); l.RegionName("dun-laoghaire") != "Dún Laoghaire" || l.PhoneRegion([]string{"dun-laoghaire"}, "GB") != "IE" {
			t.Errorf("Dún Laoghaire is %+v", l.Regions[len(l.Regions)-1])
		}
	})
}

func TestService_TheLastRegionOfferedCannotBeRetired(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := vocab.New(db)
		regions := scheme.DefaultRegions
		for _, r := range regions[:len(regions)-1] {
			if err := svc.Retire(ctx, admin, scheme.ListRegions, r.Slug, true); err != nil {
				t.Fatal(err)
			}
		}
		last := regions[len(regions)-1].Slug
		if err := svc.Retire(ctx, admin, scheme.ListRegions, last, true); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("retiring the last region offered: %v, want invalid", err)
		}
		// Sectors are optional answers: every one may go.
		for _, s := range scheme.DefaultSectors {
			if err := svc.Retire(ctx, admin, scheme.ListSectors, s.Slug, true); err != nil {
				t.Errorf("retiring sector %s: %v", s.Slug, err)
			}
		}
	})
}
