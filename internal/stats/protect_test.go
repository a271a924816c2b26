package stats

import (
	"testing"
	"testing/quick"
)

func TestProtect_FewerThan10OrRoundedToTheNearest5(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "fewer than 10"}, {1, "fewer than 10"}, {9, "fewer than 10"},
		{10, "10"}, {12, "10"}, {13, "15"}, {15, "15"}, {17, "15"}, {18, "20"},
		{22, "20"}, {23, "25"}, {998, "1,000"}, {1002, "1,000"}, {1003, "1,005"},
	} {
		if got := Protect(tc.n).String(); got != tc.want {
			t.Errorf("Protect(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestProtect_NeverFarFromTheTrueCount(t *testing.T) {
	prop := func(u uint16) bool {
		n := int(u)
		v := Protect(n)
		if n < Threshold {
			return v.Small && v.N == 0
		}
		p := int(v.N)
		return !v.Small && p >= Threshold && p%Base == 0 && p-n <= 2 && n-p <= 2
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 5000}); err != nil {
		t.Error(err)
	}
}

func TestSum_AddsPublishedFiguresOnly(t *testing.T) {
	for _, tc := range []struct {
		parts []Value
		want  string
	}{
		{[]Value{Protect(12), Protect(40)}, "50"},
		{[]Value{Protect(12), Protect(3)}, "15"},
		{[]Value{Protect(3)}, "fewer than 10"},
		{[]Value{Protect(0), Protect(9)}, "fewer than 20"},
		{[]Value{Sum(Protect(1), Protect(2)), Protect(4)}, "fewer than 30"},
		{nil, "fewer than 10"},
	} {
		if got := Sum(tc.parts...).String(); got != tc.want {
			t.Errorf("Sum(%v) = %q, want %q", tc.parts, got, tc.want)
		}
	}
}

func TestShare_OfPublishedFiguresToTheNearest5Percent(t *testing.T) {
	for _, tc := range []struct {
		part, rest int
		want       string
	}{
		{70, 30, "70%"}, {72, 28, "70%"}, {40, 20, "65%"}, {3, 50, ""}, {50, 3, ""}, {0, 0, ""}, {100, 10, "90%"},
	} {
		if got := Share(Protect(tc.part), Protect(tc.rest)).String(); got != tc.want {
			t.Errorf("Share(%d, %d) = %q, want %q", tc.part, tc.rest, got, tc.want)
		}
	}
}
