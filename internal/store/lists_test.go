package store_test

import (
	"context"
	"slices"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestLists_OneQueryGivesWhatEachListSays: the reference lists read in one
// go are the lists read one by one, in display order, the incident types
// most severe first.
func TestLists_OneQueryGivesWhatEachListSays(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l, err := db.Content.Lists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		regions, err := db.Content.Regions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sectors, err := db.Content.Sectors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		types, err := db.Content.IncidentTypes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(regions) == 0 || len(sectors) == 0 || len(types) == 0 {
			t.Fatalf("a new scheme's lists are empty: %d regions, %d sectors, %d types", len(regions), len(sectors), len(types))
		}
		if !slices.Equal(l.Regions, regions) || !slices.Equal(l.Sectors, sectors) {
			t.Errorf("regions %v, sectors %v; one by one %v, %v", l.Regions, l.Sectors, regions, sectors)
		}
		if len(l.Types) != len(types) {
			t.Fatalf("%d types, one by one %d", len(l.Types), len(types))
		}
		for i, ty := range l.Types {
			if !slices.Contains(types, ty) {
				t.Errorf("type %v is not in the list", ty)
			}
			if i > 0 && scheme.SeverityRank[ty.Severity] > scheme.SeverityRank[l.Types[i-1].Severity] {
				t.Errorf("%s (%s) after %s (%s): not most severe first", ty.Slug, ty.Severity, l.Types[i-1].Slug, l.Types[i-1].Severity)
			}
		}
		if l.RegionName(regions[0].Slug) != regions[0].Name || l.RegionName("nowhere") != "" {
			t.Errorf("region names: %q, %q", l.RegionName(regions[0].Slug), l.RegionName("nowhere"))
		}
	})
}
