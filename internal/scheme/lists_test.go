package scheme

import (
	"slices"
	"strings"
	"testing"
)

func TestLists_PhoneRegionFollowsTheMembersRegionsElseTheSchemes(t *testing.T) {
	l := Lists{Regions: []Region{{Slug: "london", Phone: "GB"}, {Slug: "ireland", Phone: "IE"}, {Slug: "cork", Phone: "IE", Retired: true},
		{Slug: "northern-ireland", Phone: "GB"}, {Slug: "unset"}}}
	for _, tc := range []struct {
		regions []string
		want    string
	}{
		{[]string{"ireland"}, "IE"},
		{[]string{"ireland", "cork"}, "IE"}, // a retired region she has still counts
		{[]string{"london"}, "GB"},
		{[]string{"ireland", "northern-ireland"}, "XX"}, // they disagree: the scheme's
		{nil, "XX"},
		{[]string{"atlantis"}, "XX"},
		{[]string{"unset", "ireland"}, "IE"},
	} {
		if got := l.PhoneRegion(tc.regions, "XX"); got != tc.want {
			t.Errorf("PhoneRegion(%v) = %s, want %s", tc.regions, got, tc.want)
		}
	}
}

func TestLists_OfferedLeavesOutRetiredValuesExceptThoseKept(t *testing.T) {
	l := Lists{
		Types:   []IncidentType{{Slug: "a"}, {Slug: "b", Retired: true}},
		Regions: []Region{{Slug: "r", Retired: true}, {Slug: "s"}},
		Sectors: []Sector{{Slug: "x", Retired: true}},
		Genders: []Gender{{Slug: "g", Retired: true}, {Slug: "h"}},
	}
	o := l.Offered()
	if len(o.Types) != 1 || o.HasRegion("r") || len(o.Sectors) != 0 || o.HasGender("g") || !o.HasGender("h") {
		t.Errorf("offered %+v", o)
	}
	k := l.OfferedKeeping(Kept{Types: []string{"b"}, Regions: []string{"r"}, Genders: []string{"g"}})
	if _, ok := k.Type("b"); !ok || !k.HasRegion("r") || k.HasSector("x") || !k.HasGender("g") {
		t.Errorf("offered keeping %+v", k)
	}
	if !l.Types[1].Retired || !slices.ContainsFunc(l.Regions, func(r Region) bool { return r.Slug == "r" }) {
		t.Error("Offered changed the lists it was called on")
	}
}

func TestListNameProblem_RefusesEmptyLongAndManyLineNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"Spiking", true}, {"  ", false}, {strings.Repeat("a", MaxListName), true}, {strings.Repeat("é", MaxListName+1), false}, {"Two\nlines", false},
	} {
		if got := ListNameProblem(tc.name) == ""; got != tc.ok {
			t.Errorf("ListNameProblem(%q) ok = %v, want %v", tc.name, got, tc.ok)
		}
	}
	if SeverityProblem(SeverityHigh) != "" || SeverityProblem("severe") == "" {
		t.Error("severity scale")
	}
}
