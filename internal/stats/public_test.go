package stats

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The public figures must never let anyone work out a count under 10.
// These tests check that in three ways, on random schemes drawn from a
// fixed seed (so a failure can be repeated):
//
//  1. Every published count is "fewer than 10" or a multiple of 5 from 10
//     up, and every share a multiple of 5%.
//  2. The whole published page is the same whatever a "fewer than 10"
//     really is: set any protected count to each of 0 to 9 and not one
//     published figure changes. Anything an attacker can compute — a total
//     minus its parts, all years minus the sum of the years, a share times
//     a total — is computed from the page, so it cannot depend on the
//     count either: no differencing can pin it down.
//  3. An attacker who knows the rule and reads a published table
//     searches every true count that could lie behind it, and finds that
//     each "fewer than 10" could be any of 0 to 9. The same attacker,
//     shown a total rounded from the true count instead, does pin a small
//     count down, which shows the search would catch a leak.

var testLoc = time.FixedZone("scheme", 0)

// randomCount is small as often as large, since small counts are what the
// rule protects.
func randomCount(rng *rand.Rand) int {
	switch rng.IntN(3) {
	case 0:
		return rng.IntN(10)
	case 1:
		return 10 + rng.IntN(10)
	}
	return rng.IntN(200)
}

// randomFigures is a scheme whose records begin in January 2023, counted
// up to the start of November 2026.
func randomFigures(rng *rand.Rand) Figures {
	f := Figures{
		Filter:   Filter{To: time.Date(2026, 11, 1, 0, 0, 0, 0, testLoc), ExcludeRejected: true},
		Location: testLoc, Since: time.Date(2023, 1, 5, 0, 0, 0, 0, testLoc),
		Regions:       []Category{{"north", "North"}, {"south", "South"}, {"east", "East"}, {"west", "West"}},
		IncidentTypes: []Category{{"robbery", "Robbery"}, {"threats", "Threats"}, {"other", "Other"}},
		Members:       MemberFigures{ByType: map[string]int{}, ByRegion: map[string]int{}},
		Reports:       ReportFigures{ByType: map[string]int{}, ByMonth: map[string]ReportMonth{}},
		Alerts:        AlertFigures{ByMonth: map[string]int{}},
	}
	for _, c := range membershipNames {
		f.Members.ByType[c.Key] = randomCount(rng)
	}
	for _, c := range f.Regions {
		f.Members.ByRegion[c.Key] = randomCount(rng)
	}
	for _, c := range f.IncidentTypes {
		f.Reports.ByType[c.Key] = randomCount(rng)
	}
	for _, k := range months(f.Since, f.Filter.To, testLoc) {
		if rng.IntN(3) == 0 {
			continue // a quiet month: no key at all, as the store gives
		}
		n := rng.IntN(12)
		f.Reports.ByMonth[k] = ReportMonth{Reports: n, Within72h: rng.IntN(n + 1)}
		if a := rng.IntN(4); a > 0 {
			f.Alerts.ByMonth[k] = a
		}
	}
	return f
}

func clone(f Figures) Figures {
	c := f
	c.Members.ByType = cloneMap(f.Members.ByType)
	c.Members.ByRegion = cloneMap(f.Members.ByRegion)
	c.Reports.ByType = cloneMap(f.Reports.ByType)
	c.Reports.ByMonth = cloneMap(f.Reports.ByMonth)
	c.Alerts.ByMonth = cloneMap(f.Alerts.ByMonth)
	return c
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// baseCell is one protected count the public figures are made from, with
// a way to change it in the figures as the store would have counted it.
type baseCell struct {
	name string
	get  func(Figures) int
	set  func(Figures, int) // on a clone
}

func yearMonths(f Figures, year string) []string {
	var ks []string
	for _, k := range months(f.Since, f.Filter.To, testLoc) {
		if strings.HasPrefix(k, year+"-") {
			ks = append(ks, k)
		}
	}
	return ks
}

// setYear changes a year's total of one kind of report month field to n,
// spreading the change over its months as the store would count them.
func setYear(f Figures, year string, n int, get func(ReportMonth) int, add func(*ReportMonth, int)) {
	cur := 0
	for _, k := range yearMonths(f, year) {
		cur += get(f.Reports.ByMonth[k])
	}
	d := n - cur
	for _, k := range yearMonths(f, year) {
		if d == 0 {
			break
		}
		m := f.Reports.ByMonth[k]
		step := d
		if d < 0 {
			step = -min(-d, get(m))
		}
		add(&m, step)
		d -= step
		if m.Reports == 0 {
			delete(f.Reports.ByMonth, k) // the store has no key for an empty month
		} else {
			f.Reports.ByMonth[k] = m
		}
	}
}

func baseCells(f Figures) []baseCell {
	var cells []baseCell
	for _, c := range membershipNames {
		cells = append(cells, baseCell{"members " + c.Key,
			func(f Figures) int { return f.Members.ByType[c.Key] }, func(f Figures, n int) { f.Members.ByType[c.Key] = n }})
	}
	for _, c := range f.Regions {
		cells = append(cells, baseCell{"members in " + c.Key,
			func(f Figures) int { return f.Members.ByRegion[c.Key] }, func(f Figures, n int) { f.Members.ByRegion[c.Key] = n }})
	}
	for _, c := range f.IncidentTypes {
		cells = append(cells, baseCell{"reports of " + c.Key,
			func(f Figures) int { return f.Reports.ByType[c.Key] }, func(f Figures, n int) { f.Reports.ByType[c.Key] = n }})
	}
	within := func(m ReportMonth) int { return m.Within72h }
	later := func(m ReportMonth) int { return m.Reports - m.Within72h }
	for y := 2023; y <= 2026; y++ {
		year := strconv.Itoa(y)
		sum := func(f Figures, get func(ReportMonth) int) int {
			n := 0
			for _, k := range yearMonths(f, year) {
				n += get(f.Reports.ByMonth[k])
			}
			return n
		}
		cells = append(cells,
			baseCell{"reports within 72 hours in " + year, func(f Figures) int { return sum(f, within) },
				func(f Figures, n int) {
					setYear(f, year, n, within, func(m *ReportMonth, d int) { m.Reports += d; m.Within72h += d })
				}},
			baseCell{"later reports in " + year, func(f Figures) int { return sum(f, later) },
				func(f Figures, n int) { setYear(f, year, n, later, func(m *ReportMonth, d int) { m.Reports += d }) }},
			baseCell{"alerts in " + year, func(f Figures) int {
				n := 0
				for _, k := range yearMonths(f, year) {
					n += f.Alerts.ByMonth[k]
				}
				return n
			}, func(f Figures, n int) {
				for _, k := range yearMonths(f, year) {
					delete(f.Alerts.ByMonth, k)
				}
				if n > 0 {
					f.Alerts.ByMonth[year+"-06"] = n
				}
			}},
		)
	}
	return cells
}

func eachValue(ts []Table, fn func(table, row, col string, v Value)) {
	for _, t := range ts {
		rows := t.Rows
		if t.Total != nil {
			rows = append(slices.Clone(rows), *t.Total)
		}
		for _, r := range rows {
			for i, v := range r.Values {
				fn(t.Slug, r.Label, t.Columns[i].Name, v)
			}
		}
	}
}

func TestPublic_EveryPublishedNumberIsProtected(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2026))
	for range 500 {
		eachValue(Public(randomFigures(rng), English), func(table, row, col string, v Value) {
			switch {
			case v.Kind == Count && !v.Small && (v.N < Threshold || int(v.N)%Base != 0 || v.N != float64(int(v.N))):
				t.Fatalf("%s, %s, %s: published %v", table, row, col, v.N)
			case v.Kind == Count && v.Small && (v.N != 0 || v.Bound != 0 && v.Bound%Threshold != 0):
				t.Fatalf("%s, %s, %s: a small count carries %v (bound %d)", table, row, col, v.N, v.Bound)
			case v.Kind == Percent && !v.None && (int(v.N)%Base != 0 || v.N < 0 || v.N > 100):
				t.Fatalf("%s, %s, %s: share %v%%", table, row, col, v.N)
			}
		})
	}
}

func TestPublic_SmallCountsCanBeAnything0To9WithoutChangingTheNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	checked := 0
	for range 300 {
		f := randomFigures(rng)
		page := Public(f, English)
		for _, cell := range baseCells(f) {
			if cell.get(f) >= Threshold {
				continue
			}
			for v := range Threshold {
				g := clone(f)
				cell.set(g, v)
				if got := cell.get(g); got != v {
					t.Fatalf("test fixture: %s set to %d reads %d", cell.name, v, got)
				}
				if other := Public(g, English); !reflect.DeepEqual(other, page) {
					t.Fatalf("%s: a true count of %d instead of %d changes the page:\n%s", cell.name, v, cell.get(f), diffTables(page, other))
				}
				checked++
			}
		}
	}
	if checked < 10000 {
		t.Errorf("only %d small counts tried: the random schemes are not testing much", checked)
	}
}

func withTotal(t Table) []Row {
	if t.Total == nil {
		return t.Rows
	}
	return append(slices.Clone(t.Rows), *t.Total)
}

func diffTables(a, b []Table) string {
	var out []string
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			out = append(out, fmt.Sprintf("%s: %v\nbecomes %v", a[i].Slug, withTotal(a[i]), withTotal(b[i])))
		}
	}
	return strings.Join(out, "\n")
}

// membersTable publishes three counts and a total, the way the public
// members table is made, or with the total rounded from the true count
// (the rule without its third part) when naive.
func membersTable(a, b, c int, naive bool) string {
	parts := []Value{Protect(a), Protect(b), Protect(c)}
	total := Sum(parts...)
	if naive {
		total = Protect(a + b + c)
	}
	return fmt.Sprint(parts, total)
}

// attacker knows the rule and has worked out, for every true count of
// each part from 0 to limit, the table it publishes; reading a published
// table, they learn every true count of each part that fits it.
type attacker map[string][3]map[int]bool

func newAttacker(naive bool, limit int) attacker {
	a := attacker{}
	for x := 0; x <= limit; x++ {
		for y := 0; y <= limit; y++ {
			for z := 0; z <= limit; z++ {
				k := membersTable(x, y, z, naive)
				seen, ok := a[k]
				if !ok {
					seen = [3]map[int]bool{{}, {}, {}}
					a[k] = seen
				}
				seen[0][x], seen[1][y], seen[2][z] = true, true, true
			}
		}
	}
	return a
}

func TestPublic_DifferencingATotalCannotPinASmallCount(t *testing.T) {
	// Every true count up to 40 is searched; the parts drawn stay under 35,
	// so the attacker's search is never cut short by its own limit.
	const limit = 40
	rng := rand.New(rand.NewPCG(3, 2026))
	rule, naiveRule := newAttacker(false, limit), newAttacker(true, limit)
	pinned := 0
	for range 2000 {
		n := [3]int{rng.IntN(35), rng.IntN(35), rng.IntN(12)}
		known := rule[membersTable(n[0], n[1], n[2], false)]
		for i, x := range n {
			if x >= Threshold {
				continue
			}
			if len(known[i]) != Threshold {
				t.Errorf("parts %v: part %d (%d) could only be %v", n, i, x, known[i])
				pinned++
			}
		}
	}
	if pinned > 0 {
		t.Fatalf("%d small counts narrowed down", pinned)
	}

	// The control: with the total rounded from the true count, parts 12,
	// 12 and 9 publish as 10, 10, fewer than 10, total 35 — and the total
	// says the parts add up to 33 at least, so the third must be 9.
	naive := naiveRule[membersTable(12, 12, 9, true)]
	if len(naive[2]) != 1 || !naive[2][9] {
		t.Errorf("the naive total leaves the small count as %v: the attacker search is not working", naive[2])
	}
	// The real rule publishes the same parts and a total of 25 (10 + 10
	// + 5), which fits every small count.
	if real := rule[membersTable(12, 12, 9, false)]; len(real[2]) != Threshold {
		t.Errorf("the rule leaves the small count as %v", real[2])
	}
}

func TestPublic_SmallSchemeShowsNoNumbers(t *testing.T) {
	f := Figures{
		Filter: Filter{To: time.Date(2026, 11, 1, 0, 0, 0, 0, testLoc)}, Location: testLoc, Since: time.Date(2026, 3, 1, 0, 0, 0, 0, testLoc),
		Regions:       []Category{{"london", "London"}},
		IncidentTypes: []Category{{"robbery", "Robbery"}},
		Members:       MemberFigures{ByType: map[string]int{"individual": 4, "project": 1}, ByRegion: map[string]int{"london": 5}},
		Reports:       ReportFigures{ByType: map[string]int{"robbery": 3}, ByMonth: map[string]ReportMonth{"2026-09": {Reports: 3, Within72h: 2}}},
		Alerts:        AlertFigures{ByMonth: map[string]int{"2026-10": 1}},
	}
	ts := Public(f, English)
	eachValue(ts, func(table, row, col string, v Value) {
		if v.Kind == Count && !v.Small {
			t.Errorf("%s, %s, %s: published as %s", table, row, col, v)
		}
		if v.Kind == Percent && !v.None {
			t.Errorf("%s, %s, %s: share %s published", table, row, col, v)
		}
	})
	if r := ts[2].Rows; len(r) != 1 || r[0].Label != "2026 (January to October)" {
		t.Errorf("years %+v", r)
	}
}

func TestPublicCutoff_IsTheStartOfThisMonthOnTheSchemesClock(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	// 31 October 2026, 23:30 UTC is still October in London (GMT again).
	got := PublicCutoff(time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC), loc)
	if want := time.Date(2026, 10, 1, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("cutoff %v, want %v", got, want)
	}
	// 31 May 2026, 23:30 UTC is already June in London (BST).
	got = PublicCutoff(time.Date(2026, 5, 31, 23, 30, 0, 0, time.UTC), loc)
	if want := time.Date(2026, 6, 1, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("cutoff %v, want %v", got, want)
	}
}
