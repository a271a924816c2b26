package stats

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
)

// The coordinators' page does not show every table at once (it once ran
// to 29,000 pixels): first the figures that matter, each against the
// period of the same length just before, then the tables by section,
// folded, with daily series drawn by week. The API and the downloads keep
// every table as Tables makes it.

// Previous is the period of the same number of days that ends where f
// begins, in the same region: what the first screen compares with. An
// open filter has none (ok false).
func (f Filter) Previous(loc *time.Location) (prev Filter, ok bool) {
	if f.From.IsZero() || f.To.IsZero() || !f.To.After(f.From) {
		return f, false
	}
	from := f.From.In(cmp.Or(loc, time.UTC))
	// Whole days, whatever the clocks did in between.
	n := int(math.Round(f.To.Sub(f.From).Hours() / 24))
	prev = f
	prev.From, prev.To = from.AddDate(0, 0, -n), f.From
	return prev, true
}

// Headline is one of the figures that matter most, with the same figure
// for the period before, when there is one to compare with.
type Headline struct {
	Section string // the section with the detail, as in Tables
	Label   string
	Value   Value
	Before  Value
	// Compared says Before is a true figure for the period before.
	Compared bool
	// Text is Value for people ("2 working days" for a time); Change says
	// how it differs from Before, or why there is nothing to compare.
	Text, Change string
}

// InWords says Text is words (a time), not a number.
func (h Headline) InWords() bool { return h.Value.Kind == Hours }

// change says how now differs from before, in plain words: "up 12
// (15%)", "down 3 points", "no change", "2 working hours quicker".
func change(now, before Value, words func(time.Duration) string) string {
	if now.None || before.None {
		return "nothing to compare with"
	}
	d := now.N - before.N
	switch now.Kind {
	case Percent:
		p := int(math.Round(math.Abs(d)))
		if p == 0 {
			return "no change"
		}
		return fmt.Sprintf("%s %d %s", upDown(d), p, plural(p, "point", "points"))
	case Hours:
		if math.Abs(d) < 1 {
			return "about the same"
		}
		w := words(time.Duration(math.Abs(d) * float64(time.Hour)))
		if d < 0 {
			return w + " quicker"
		}
		return w + " slower"
	}
	n := int(math.Round(math.Abs(d)))
	switch {
	case n == 0:
		return "no change"
	case before.N == 0:
		return fmt.Sprintf("up %s, from none", thousands(n))
	}
	return fmt.Sprintf("%s %s (%s%%)", upDown(d), thousands(n), thousands(int(math.Round(100*math.Abs(d)/before.N))))
}

func upDown(d float64) string {
	if d < 0 {
		return "down"
	}
	return "up"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Headlines are the first screen: now's figures, each with before's (the
// period of the same length just before; Compared false when there is
// none). words says a working time in words, for the time to a decision.
func Headlines(now, before Figures, hasBefore bool, words func(time.Duration) string) []Headline {
	type figure struct {
		section, label string
		of             func(Figures) Value
	}
	figs := []figure{
		{"Reports", "Reports received", func(f Figures) Value { return Of(f.Reports.Total) }},
		{"Reports", "Reported within 72 hours", func(f Figures) Value { return PercentOf(f.Reports.Within72h, f.Reports.Total) }},
		{"Alerts and deliveries", "Alerts published", func(f Figures) Value { return Of(f.Alerts.Published) }},
		{"Members", "New members", func(f Figures) Value { return Of(f.Members.Total) }},
		{"Applications", "Applications", func(f Figures) Value { return Of(sumOf(f.Applications.ByStatus)) }},
		{"Applications", "Time to a decision (median)", medianDecision},
		{"Checks", "Checks by members", func(f Figures) Value { return Of(checkTotal(f).Checks) }},
		{"Consent", "Consent to share with the police", func(f Figures) Value {
			var all ReportMonth
			for _, m := range f.Reports.ByMonth {
				all = all.Add(m)
			}
			return PercentOf(all.Police, all.Reports)
		}},
		{"Repeat offenders", "Offenders in two or more reports", func(f Figures) Value { return Of(sumOfInts(f.Offenders.ByReports)) }},
	}
	var out []Headline
	for _, g := range figs {
		if g.section == "Checks" && now.Checks == nil {
			continue
		}
		h := Headline{Section: g.section, Label: g.label, Value: g.of(now), Compared: hasBefore, Change: "no period before to compare with"}
		if hasBefore {
			h.Before = g.of(before)
			if g.section == "Checks" && !checksReach(before) {
				h.Compared, h.Change = false, "the check log does not go back that far"
			}
		}
		if h.Compared {
			h.Change = change(h.Value, h.Before, words)
		}
		switch {
		case h.Value.None && h.Value.Kind == Hours:
			h.Text = "no decisions yet"
		case h.Value.None:
			h.Text = "none to count"
		case h.Value.Kind == Hours:
			h.Text = words(time.Duration(h.Value.N * float64(time.Hour)))
		default:
			h.Text = h.Value.String()
		}
		out = append(out, h)
	}
	return out
}

func medianDecision(f Figures) Value {
	var all []time.Duration
	for _, ds := range f.Applications.Processing {
		all = append(all, ds...)
	}
	slices.Sort(all)
	return hoursValue(median(all), len(all) > 0)
}

func checkTotal(f Figures) CheckDay {
	var all CheckDay
	if f.Checks != nil {
		for _, d := range f.Checks.ByDay {
			all.Checks, all.Hits = all.Checks+d.Checks, all.Hits+d.Hits
		}
	}
	return all
}

// checksReach says whether the check log still holds the whole of f's
// period: it is deleted after some weeks, so an older period would
// count nothing for want of records, not of checks.
func checksReach(f Figures) bool {
	return f.Checks != nil && (f.Checks.Oldest.IsZero() || !f.Checks.Oldest.After(f.Filter.From))
}

func sumOfInts(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// DeskSections are Tables as the coordinators' page shows them: the same,
// but checks by week, not by day (the daily figures stay in the download
// and the API).
func DeskSections(f Figures) []Section {
	sections := Tables(f)
	for i, s := range sections {
		for j, t := range s.Tables {
			if t.Slug == "checks-day" {
				s.Tables = slices.Clone(s.Tables)
				s.Tables[j] = checkWeekTable(f)
				sections[i] = s
			}
		}
	}
	return sections
}

// checkWeekTable is the checks by week, Monday to Sunday: the first and
// last weeks may be part weeks.
func checkWeekTable(f Figures) Table {
	t := Table{Slug: "checks-week", Title: "Checks by week",
		Note:  "Checks of a phone number, email, vehicle or username by members, and how many found a published alert, by the week (from Monday) they were made. The first and last weeks may be part weeks.",
		Label: "Week", Columns: []Column{{"Checks", Count}, {"Found in an alert", Count}, {"Hit rate (%)", Percent}},
		Chart: Chart{Kind: Columns, Series: []int{0}, Per: "week"}}
	if f.Checks == nil {
		return t
	}
	from, to := f.span(slices.Collect(maps.Keys(f.Checks.ByDay)), time.DateOnly)
	weeks := map[string]CheckDay{}
	var order []string
	for _, k := range days(from, to, f.Location) {
		d, _ := time.Parse(time.DateOnly, k)
		week := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(time.DateOnly)
		if _, ok := weeks[week]; !ok {
			order = append(order, week)
		}
		w := weeks[week]
		w.Checks, w.Hits = w.Checks+f.Checks.ByDay[k].Checks, w.Hits+f.Checks.ByDay[k].Hits
		weeks[week] = w
	}
	for _, k := range order {
		w := weeks[k]
		d, _ := time.Parse(time.DateOnly, k)
		t.Rows = append(t.Rows, Row{Key: k, Label: "Week of " + d.Format("2 Jan 2006"), Values: []Value{Of(w.Checks), Of(w.Hits), PercentOf(w.Hits, w.Checks)}})
	}
	all := checkTotal(f)
	t.Total = totalRow("Total", Of(all.Checks), Of(all.Hits), PercentOf(all.Hits, all.Checks))
	return t
}
