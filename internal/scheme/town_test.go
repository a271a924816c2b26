package scheme

import (
	"strings"
	"testing"
	"time"
)

func TestTownChoiceProblem_TownsOfTheRegionsOfferedOrKept(t *testing.T) {
	all := Towns{
		{Slug: "camden", Region: "london", Name: "Camden"},
		{Slug: "bow", Region: "london", Name: "Bow", RetiredAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Slug: "cardiff", Region: "wales", Name: "Cardiff"},
	}
	london := []string{"london"}
	for _, tc := range []struct {
		name                  string
		regions, chosen, kept []string
		want                  string
	}{
		{"none", london, nil, nil, ""},
		{"a town of her region", london, []string{"camden"}, nil, ""},
		{"towns of two regions", []string{"london", "wales"}, []string{"camden", "cardiff"}, nil, ""},
		{"a town of another region", london, []string{"cardiff"}, nil, "Choose only towns in the regions you chose, or choose their regions too."},
		{"an unknown town", london, []string{"atlantis"}, nil, "Choose towns from the list."},
		{"a retired town newly chosen", london, []string{"bow"}, nil, "A town you chose is no longer offered: choose another, or the whole region."},
		{"a retired town she already had", london, []string{"bow"}, []string{"bow"}, ""},
		{"a retired town she had, her region gone", []string{"wales"}, []string{"bow"}, []string{"bow"}, "Choose only towns in the regions you chose, or choose their regions too."},
	} {
		if got := TownChoiceProblem(all, tc.regions, tc.chosen, tc.kept); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTownNameProblem_OneLineOfAtMost60(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"Camden", true}, {"  ", false}, {"", false}, {strings.Repeat("é", 60), true}, {strings.Repeat("x", 61), false}, {"Camden\nTown", false},
	} {
		if got := TownNameProblem(tc.name) == ""; got != tc.ok {
			t.Errorf("TownNameProblem(%q) accepts: %t, want %t", tc.name, got, tc.ok)
		}
	}
}
