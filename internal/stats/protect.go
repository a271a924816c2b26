package stats

import "math"

// The small-number rule for public figures (SECURITY.md "Small numbers",
// the 10-5 rule of UK official statistics):
//
//  1. A count under 10 is published as "fewer than 10", never as a number.
//  2. Every other count is rounded to the nearest 5 (12 → 10, 13 → 15).
//  3. Every other published figure — a total, a share — is worked out from
//     the published figures only, never from the true counts: a total adds
//     the rounded figures, counting each "fewer than 10" as 5 (a total of
//     nothing but "fewer than 10"s is "fewer than" 10 times as many); a
//     share divides rounded figures, and is not given when one of them is
//     "fewer than 10".
//
// Rule 3 is what makes the rule consistent. A total rounded from the true
// count would tell something the parts do not: with parts 12, 12 and 9
// (published 10, 10 and "fewer than 10") and a true total of 33 (published
// 35), the total says the parts add up to at least 33, so the small one
// must be exactly 9. A total worked out from the published parts cannot
// say anything they do not, so no subtraction between published figures
// can pin a small count down: the published page reads the same whatever
// each "fewer than 10" really is, from 0 to 9.

const (
	// Threshold is the smallest count published as a number.
	Threshold = 10
	// Base is what published counts are rounded to.
	Base = 5
	// SmallText is how a count under Threshold is published.
	SmallText = "fewer than 10"
	// smallWeight is what a "fewer than 10" counts for in a total: about
	// the middle of 0 to 9.
	smallWeight = 5
)

// Protect publishes a true count under the rule.
func Protect(n int) Value {
	if n < Threshold {
		return Value{Kind: Count, Small: true}
	}
	return Value{Kind: Count, N: float64((n + Base/2) / Base * Base)}
}

// Sum is the total of published counts: the rounded figures added up, each
// "fewer than 10" counting as 5. It depends on nothing but the published
// figures. When every part is "fewer than 10" there is no figure to add
// up, and the total is "fewer than" 10 for each part.
func Sum(vs ...Value) Value {
	total, small, bound := 0, 0, 0
	for _, v := range vs {
		switch {
		case v.Small:
			total += smallWeight
			small++
			bound += max(v.Bound, Threshold)
		default:
			total += int(math.Round(v.N))
		}
	}
	if small == len(vs) {
		return Value{Kind: Count, Small: true, Bound: max(bound, Threshold)}
	}
	return Value{Kind: Count, N: float64(total)}
}

// Share is part as a percentage of part and rest together, from published
// counts, rounded to the nearest 5%; none when either is "fewer than 10"
// (the share would then rest on a guess) or both are zero.
func Share(part, rest Value) Value {
	if part.Small || rest.Small || part.N+rest.N == 0 {
		return Value{Kind: Percent, None: true}
	}
	return Value{Kind: Percent, N: math.Round(100*part.N/(part.N+rest.N)/Base) * Base}
}
