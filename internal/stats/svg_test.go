package stats

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

// svgElement is the parsed outline of a chart.
type svgElement struct {
	Role       string `xml:"role,attr"`
	LabelledBy string `xml:"aria-labelledby,attr"`
	ViewBox    string `xml:"viewBox,attr"`
	Title      struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"title"`
	Desc struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"desc"`
}

func parseSVG(t *testing.T, s string) svgElement {
	t.Helper()
	var e svgElement
	if err := xml.Unmarshal([]byte(s), &e); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, s)
	}
	// Every element and attribute must be well-formed, not just the root.
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
	return e
}

func TestSVG_EveryChartIsANamedImageWithoutInlineStyles(t *testing.T) {
	f := sampleFigures()
	f.Checks = &CheckFigures{ByDay: map[string]CheckDay{"2026-01-02": {Checks: 3, Hits: 1}}}
	tables := append(All(Tables(f)), Public(f, English)...)
	drawn := 0
	for _, tb := range tables {
		s := SVG(tb, "chart-"+tb.Slug, English)
		if s == "" {
			continue
		}
		drawn++
		e := parseSVG(t, s)
		if e.Role != "img" || e.LabelledBy != "chart-"+tb.Slug+"-title chart-"+tb.Slug+"-desc" {
			t.Errorf("%s: role %q, labelled by %q", tb.Slug, e.Role, e.LabelledBy)
		}
		if e.Title.ID != "chart-"+tb.Slug+"-title" || e.Title.Text != tb.Title || e.Desc.ID != "chart-"+tb.Slug+"-desc" || !strings.Contains(e.Desc.Text, "table") {
			t.Errorf("%s: title %+v, desc %+v", tb.Slug, e.Title, e.Desc)
		}
		if regexp.MustCompile(`\sstyle=|<style|<script|\son[a-z]+=|fill="#|stroke="#`).MatchString(s) {
			t.Errorf("%s: inline style, script, handler or fixed colour:\n%s", tb.Slug, s)
		}
	}
	if drawn < 12 {
		t.Errorf("only %d charts drawn", drawn)
	}
}

func TestSVG_BarsAreInProportionAndSmallCountsAreOutlines(t *testing.T) {
	tb := Table{Slug: "t", Title: "Members", Label: "Membership", Columns: []Column{{"Members", Count}},
		Rows:  []Row{{Label: "A", Values: []Value{Of(40)}}, {Label: "B <&>", Values: []Value{Of(20)}}, {Label: "C", Values: []Value{Protect(3)}}, {Label: "D", Values: []Value{Of(0)}}},
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	s := SVG(tb, "t", English)
	parseSVG(t, s)
	widths := regexp.MustCompile(`<rect class="chart__bar" x="0" y="[0-9.]+" width="([0-9.]+)"`).FindAllStringSubmatch(s, -1)
	if len(widths) != 2 || widths[0][1] != "220" || widths[1][1] != "110" {
		t.Errorf("bar widths %v, want 220 and 110", widths)
	}
	if !strings.Contains(s, `class="chart__bar chart__bar--small"`) || !strings.Contains(s, ">fewer than 10</text>") {
		t.Error("a small count is not drawn as an outline marked fewer than 10")
	}
	if !strings.Contains(s, "B &lt;&amp;&gt;") {
		t.Error("labels not escaped")
	}
	if !strings.Contains(s, "Highest: A, 40.") {
		t.Errorf("description does not name the highest: %s", s)
	}
	// Nothing but noughts and small counts: no chart, the table says it all.
	tb.Rows = tb.Rows[2:]
	if s := SVG(tb, "t", English); s != "" {
		t.Errorf("a chart of nothing: %s", s)
	}
}

func TestSVG_MonthsAndLines(t *testing.T) {
	ts := All(Tables(sampleFigures()))
	months, _ := Find(ts, "reports-month")
	s := SVG(months, "m", English)
	if n := strings.Count(s, `<rect class="chart__bar"`); n != 2 {
		t.Errorf("%d columns for two months with reports", n)
	}
	for _, want := range []string{">Jan</text>", ">Feb</text>", ">Mar</text>", ">2026</text>", "from January 2026 to March 2026"} {
		if !strings.Contains(s, want) {
			t.Errorf("month chart lacks %q", want)
		}
	}
	consent, _ := Find(ts, "consent-month")
	s = SVG(consent, "c", English)
	if n := strings.Count(s, `<g class="chart__series chart__series--`); n != 8 { // four in the legend, four lines
		t.Errorf("%d series groups", n)
	}
	// February has no reports: each line breaks there instead of dropping to 0.
	if n := len(regexp.MustCompile(`<path class="chart__line" d="M[^"L]*M[^"L]*"`).FindAllString(s, -1)); n != 4 {
		t.Errorf("lines do not break over a month without reports:\n%s", s)
	}
}
