package stats

import (
	"cmp"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// Charts are drawn on the server as SVG, for people who would rather look
// than read; the table beside each one holds the same numbers and is its
// accessible alternative. A chart is an image (role="img") named by its
// <title> and summed up by its <desc>. It carries no colours and no style
// attributes: classes pick them in site.css (the CSP allows no inline
// styles), with text in currentColor, so charts follow the light and dark
// themes. Lines differ by dash and marker as well as by colour.

// chartWidth is the width of every chart in SVG units. It is about the
// width of a phone screen, so text drawn at 12 units reads at about 12
// pixels there; wider screens show the chart at most a little larger.
const chartWidth = 320

// SVG draws t's chart in w's words, with ids starting with id; "" when t
// has none, or nothing to draw (every value none, nought or "fewer than
// 10": a chart of that says nothing the table does not).
func SVG(t Table, id string, w Words) string {
	if len(t.Rows) == 0 || len(t.Chart.Series) == 0 || !drawable(t) {
		return ""
	}
	switch t.Chart.Kind {
	case Bars:
		return barChart(t, id, w)
	case Columns:
		return columnChart(t, id, w)
	case Lines:
		return lineChart(t, id, w)
	}
	return ""
}

func drawable(t Table) bool {
	for _, r := range t.Rows {
		for _, c := range t.Chart.Series {
			if v := r.Values[c]; !v.None && !v.Small && v.N > 0 {
				return true
			}
		}
	}
	return false
}

type svg struct {
	strings.Builder
}

// add writes markup as it is (a strings.Builder does not fail).
func (b *svg) add(markup string) { _, _ = b.WriteString(markup) }

func (b *svg) open(id, class string, height int, title, desc string) {
	fmt.Fprintf(b, `<svg class="chart %s" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc" focusable="false" xmlns="http://www.w3.org/2000/svg">`,
		class, chartWidth, height, chartWidth, height, esc(id), esc(id))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(id), esc(title), esc(id), esc(desc))
}

func (b *svg) text(class string, x, y float64, anchor, s string) {
	a := ""
	if anchor != "" {
		a = ` text-anchor="` + anchor + `"`
	}
	fmt.Fprintf(b, `<text class="%s" x="%s" y="%s"%s>%s</text>`, class, num(x), num(y), a, esc(s))
}

func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate with at most one decimal.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// clip shortens a label that would run off the chart; the table has it
// whole.
func clip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// niceStep is a round step (1, 2 or 5 times a power of ten) that cuts max
// into about parts pieces; whole numbers only, as counts are.
func niceStep(max float64, parts int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(parts)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * p
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	return math.Max(1, step)
}

// highest describes the largest value of a column, for the description.
func highest(t Table, col int, w Words) string {
	best, label, value := -1.0, "", ""
	for _, r := range t.Rows {
		v := r.Values[col]
		n := v.N
		if v.Small {
			n = 0
		}
		if !v.None && n > best {
			best, label, value = n, r.Label, v.In(w)
		}
	}
	if best <= 0 {
		return w.T("Nothing to show yet.")
	}
	return w.T("Highest: {{.Label}}, {{.Value}}.", map[string]any{"Label": label, "Value": value})
}

// describe is a chart's description: what it shows, its highest value,
// and where the numbers are.
func describe(w Words, what string, t Table, col int) string {
	return what + " " + highest(t, col, w) + " " + w.T("The numbers are in the table.")
}

const barRow = 40 // the height of one bar with its label

func barChart(t Table, id string, w Words) string {
	col := t.Chart.Series[0]
	kind := t.Columns[col].Kind
	max := 0.0
	anySmall := false
	for _, r := range t.Rows {
		v := r.Values[col]
		anySmall = anySmall || v.Small
		if !v.None {
			max = math.Max(max, v.N)
		}
	}
	if anySmall {
		max = math.Max(max, Threshold)
	}
	if kind == Percent {
		max = 100
	}
	if max == 0 {
		max = 1
	}
	const barSpace = 220.0 // the rest is for the value after the bar
	height := len(t.Rows)*barRow + 4
	var b svg
	// A language whose words change with their place in a sentence may
	// name the chart by its title instead.
	b.open(id, "chart--bars", height, t.Title, describe(w, w.T("Bar chart of {{.Values}} by {{.Label}}.", map[string]any{
		"Values": strings.ToLower(t.Columns[col].Name), "Label": strings.ToLower(t.Label), "Title": t.Title}), t, col))
	for i, r := range t.Rows {
		y := float64(i * barRow)
		v := r.Values[col]
		b.text("chart__label", 0, y+14, "", clip(r.Label, 44))
		bar := 0.0
		switch {
		case v.None:
		case v.Small:
			// A count under 10 is somewhere between nothing and 10: an
			// outline as long as 10, not a solid bar.
			bar = barSpace * Threshold / max
			fmt.Fprintf(&b, `<rect class="chart__bar chart__bar--small" x="0.5" y="%s" width="%s" height="13" rx="2"/>`, num(y+20.5), num(bar-1))
		case v.N > 0:
			bar = math.Max(2, barSpace*v.N/max)
			fmt.Fprintf(&b, `<rect class="chart__bar" x="0" y="%s" width="%s" height="14" rx="2"/>`, num(y+20), num(bar))
		default:
			fmt.Fprintf(&b, `<rect class="chart__zero" x="0" y="%s" width="1.5" height="14"/>`, num(y+20))
		}
		text := v.In(w)
		if v.None {
			text = w.T("none")
		}
		b.text("chart__value", bar+6, y+31.5, "", text)
	}
	b.add(`</svg>`)
	return b.String()
}

// frame is the plot area of the time charts.
type frame struct {
	left, top, width, height float64
	max                      float64
	n                        int
}

func (f frame) x(i int) float64 { return f.left + f.width*(float64(i)+.5)/float64(f.n) }
func (f frame) y(v float64) float64 {
	return f.top + f.height*(1-math.Min(v, f.max)/f.max)
}

// grid draws the horizontal lines and their values, of kind.
func (b *svg) grid(f frame, step float64, kind Kind, w Words) {
	for v := 0.0; v <= f.max+step/2; v += step {
		y := f.y(v)
		cls := "chart__grid"
		if v == 0 {
			cls = "chart__axis"
		}
		fmt.Fprintf(b, `<line class="%s" x1="%s" x2="%s" y1="%s" y2="%s"/>`, cls, num(f.left), num(f.left+f.width), num(y), num(y))
		b.text("chart__tick", f.left-5, y+4, "end", Value{Kind: kind, N: v}.In(w))
	}
}

// timeLabels writes the months (or days) under the plot: not all of them
// when there are many, and the year under the first month shown of each
// year (not under the very first when the next year's comes too close).
func (b *svg) timeLabels(f frame, rows []Row, w Words) {
	daily := len(rows) > 0 && len(rows[0].Key) == len("2006-01-02")
	most := 12
	if daily {
		most = 7
	}
	stride := (len(rows) + most - 1) / most
	base := f.top + f.height
	type mark struct {
		x    float64
		year string
	}
	var years []mark
	for i, r := range rows {
		if i%stride != 0 {
			continue
		}
		if daily {
			if t, err := time.Parse(time.DateOnly, r.Key); err == nil {
				b.text("chart__tick", f.x(i), base+15, "middle", w.Date(t, "2 Jan"))
			}
			continue
		}
		t, err := time.Parse("2006-01", r.Key)
		if err != nil {
			continue
		}
		b.text("chart__tick", f.x(i), base+15, "middle", w.Date(t, "Jan"))
		if len(years) == 0 || years[len(years)-1].year != t.Format("2006") {
			years = append(years, mark{f.x(i), t.Format("2006")})
		}
	}
	const room = 34 // a year's width, and a little
	if len(years) > 1 && years[1].x-years[0].x < room {
		years = years[1:]
	}
	for _, y := range years {
		b.text("chart__tick", y.x, base+29, "middle", y.year)
	}
}

func columnChart(t Table, id string, w Words) string {
	col := t.Chart.Series[0]
	max := 0.0
	for _, r := range t.Rows {
		max = math.Max(max, r.Values[col].N)
	}
	step := niceStep(max, 4)
	f := frame{left: 34, top: 20, width: chartWidth - 38, height: 130, n: len(t.Rows)}
	f.max = math.Max(step, math.Ceil(max/step)*step)
	height := int(f.top + f.height + 36)
	per := "month"
	if len(t.Rows[0].Key) == len("2006-01-02") {
		per = "day"
	}
	per = cmp.Or(t.Chart.Per, per)
	var b svg
	b.open(id, "chart--columns", height, t.Title, describe(w, w.T("Column chart of {{.Values}} by {{.Per}} from {{.First}} to {{.Last}}.", map[string]any{
		"Values": strings.ToLower(t.Columns[col].Name), "Per": w.T(per), "First": t.Rows[0].Label, "Last": t.Rows[len(t.Rows)-1].Label, "Title": t.Title}), t, col))
	b.grid(f, step, Count, w)
	slot := f.width / float64(f.n)
	width := math.Min(slot*.7, 30)
	for i, r := range t.Rows {
		v := r.Values[col].N
		if v <= 0 {
			continue
		}
		y := f.y(v)
		fmt.Fprintf(&b, `<rect class="chart__bar" x="%s" y="%s" width="%s" height="%s" rx="1.5"/>`, num(f.x(i)-width/2), num(y), num(width), num(f.top+f.height-y))
		if f.n <= 12 {
			b.text("chart__value", f.x(i), y-5, "middle", r.Values[col].In(w))
		}
	}
	b.timeLabels(f, t.Rows, w)
	b.add(`</svg>`)
	return b.String()
}

// lineMarks are the markers of the lines, in order: each line differs by
// its marker and dash as well as its colour.
var lineMarks = []string{"circle", "square", "triangle", "diamond"}

func marker(kind string, x, y float64) string {
	switch kind {
	case "square":
		return fmt.Sprintf(`<rect class="chart__dot" x="%s" y="%s" width="7" height="7"/>`, num(x-3.5), num(y-3.5))
	case "triangle":
		return fmt.Sprintf(`<path class="chart__dot" d="M%s %sl4.5 7.5h-9z"/>`, num(x), num(y-4.5))
	case "diamond":
		return fmt.Sprintf(`<path class="chart__dot" d="M%s %sl4.5 4.5-4.5 4.5-4.5-4.5z"/>`, num(x), num(y-4.5))
	}
	return fmt.Sprintf(`<circle class="chart__dot" cx="%s" cy="%s" r="3.5"/>`, num(x), num(y))
}

func lineChart(t Table, id string, w Words) string {
	const legendRow = 20
	legendRows := (len(t.Chart.Series) + 1) / 2
	f := frame{left: 40, top: float64(legendRows*legendRow) + 14, width: chartWidth - 46, height: 130, max: 100, n: len(t.Rows)}
	height := int(f.top + f.height + 36)
	var names []string
	for _, c := range t.Chart.Series {
		names = append(names, strings.ToLower(strings.TrimSuffix(t.Columns[c].Name, " (%)")))
	}
	var b svg
	b.open(id, "chart--lines", height, t.Title, w.T("Line chart of the share of reports, by month from {{.First}} to {{.Last}}, with consent to: {{.Lines}}.", map[string]any{
		"First": t.Rows[0].Label, "Last": t.Rows[len(t.Rows)-1].Label, "Lines": strings.Join(names, "; "), "Title": t.Title})+" "+w.T("The numbers are in the table."))
	for i, c := range t.Chart.Series {
		x, y := float64(i%2)*160, float64(i/2*legendRow)+10
		fmt.Fprintf(&b, `<g class="chart__series chart__series--%d">`, i+1)
		fmt.Fprintf(&b, `<line class="chart__line" x1="%s" x2="%s" y1="%s" y2="%s"/>`, num(x), num(x+22), num(y), num(y))
		b.add(marker(lineMarks[i%len(lineMarks)], x+11, y))
		b.add(`</g>`)
		b.text("chart__legend", x+28, y+4, "", clip(strings.TrimSuffix(t.Columns[c].Name, " (%)"), 20))
	}
	b.grid(f, 25, Percent, w)
	for i, c := range t.Chart.Series {
		fmt.Fprintf(&b, `<g class="chart__series chart__series--%d">`, i+1)
		var path strings.Builder
		pen := false
		for j, r := range t.Rows {
			v := r.Values[c]
			if v.None {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&path, "%s%s %s", cmd, num(f.x(j)), num(f.y(v.N)))
			pen = true
		}
		if path.Len() > 0 {
			fmt.Fprintf(&b, `<path class="chart__line" d="%s"/>`, path.String())
		}
		for j, r := range t.Rows {
			if v := r.Values[c]; !v.None {
				b.add(marker(lineMarks[i%len(lineMarks)], f.x(j), f.y(v.N)))
			}
		}
		b.add(`</g>`)
	}
	b.timeLabels(f, t.Rows, w)
	b.add(`</svg>`)
	return b.String()
}
