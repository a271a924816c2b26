package stats

import (
	"encoding/csv"
	"io"
	"strings"
)

// Table is one published table: labelled rows of values in named columns,
// perhaps a total, and the chart drawn beside it (the table is the chart's
// accessible alternative).
type Table struct {
	Slug    string   `json:"slug"` // names its download: members-type
	Title   string   `json:"title"`
	Note    string   `json:"note,omitempty"` // one plain sentence on what is counted
	Label   string   `json:"label"`          // heading of the label column
	Columns []Column `json:"columns"`
	Rows    []Row    `json:"rows"`
	Total   *Row     `json:"total,omitempty"`
	Chart   Chart    `json:"-"`
}

// Column is a column of values.
type Column struct {
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
}

// Row is one labelled line of a table.
type Row struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Values []Value `json:"values"`
}

// ChartKind says how a table is drawn.
type ChartKind int

const (
	NoChart ChartKind = iota
	Bars              // horizontal bars, one per row
	Columns           // one column per month or day, in time order
	Lines             // shares over time, one line per column
)

// Chart says what to draw of a table.
type Chart struct {
	Kind   ChartKind
	Series []int // the value columns drawn: one for Bars and Columns
	// Per names a Columns chart's step ("week"); by default, a month or a
	// day, read from the rows' keys.
	Per string
}

// Value returns the value of row r in the column named name.
func (t Table) Value(r Row, name string) (Value, bool) {
	for i, c := range t.Columns {
		if c.Name == name && i < len(r.Values) {
			return r.Values[i], true
		}
	}
	return Value{}, false
}

// Find returns the table with slug, if any.
func Find(ts []Table, slug string) (Table, bool) {
	for _, t := range ts {
		if t.Slug == slug {
			return t, true
		}
	}
	return Table{}, false
}

// WriteCSV writes t as CSV: a header, the rows, then the total. Labels
// that a spreadsheet would run as a formula are quoted with a leading
// apostrophe (labels are names admins type, such as region names).
func WriteCSV(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	head := []string{SafeCell(t.Label)}
	for _, c := range t.Columns {
		head = append(head, SafeCell(c.Name))
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows[:len(rows):len(rows)], *t.Total)
	}
	for _, r := range rows {
		line := []string{SafeCell(r.Label)}
		for _, v := range r.Values {
			line = append(line, v.CSV())
		}
		if err := cw.Write(line); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell keeps a spreadsheet from running a cell as a formula (OWASP
// "CSV injection"): a leading = + - @, tab or carriage return gets a '.
// Every CSV the service writes (statistics, police exports) passes its
// cells through it.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
