package town_test

import (
	"testing"

	"uglymugs/internal/town"
)

func TestSlug_PlainLowerCaseASCIIFromTheName(t *testing.T) {
	for _, tc := range []struct{ region, name, want string }{
		{"london", "Camden", "camden"},
		{"london", "Tower Hamlets", "tower-hamlets"},
		{"ireland", "Dún Laoghaire", "dun-laoghaire"},
		{"wales", "  Merthyr   Tydfil!  ", "merthyr-tydfil"},
		{"north-east", "Stockton-on-Tees", "stockton-on-tees"},
		{"london", "King's Cross & St. Pancras", "king-s-cross-st-pancras"},
		{"scotland", "東京", "scotland-town"},
		{"london", "A very long name that goes on and on past forty letters", "a-very-long-name-that-goes-on-and-on-pas"},
	} {
		if got := town.Slug(tc.region, tc.name); got != tc.want {
			t.Errorf("Slug(%q, %q) = %q, want %q", tc.region, tc.name, got, tc.want)
		}
	}
}
