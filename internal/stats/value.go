package stats

import (
	"encoding/json"
	"math"
	"strconv"
)

// Kind says what a value measures.
type Kind int

const (
	Count   Kind = iota // a number of people, reports, messages…
	Percent             // a share, 0 to 100
	Hours               // working hours
)

// MarshalText names the kind in JSON: count, percent or hours.
func (k Kind) MarshalText() ([]byte, error) {
	switch k {
	case Percent:
		return []byte("percent"), nil
	case Hours:
		return []byte("hours"), nil
	}
	return []byte("count"), nil
}

// Value is one cell of a table.
type Value struct {
	Kind Kind
	N    float64
	// Small marks a protected count under Threshold: published as "fewer
	// than 10", never as a number. A total of several of them is "fewer
	// than" Bound (10 for each).
	Small bool
	Bound int
	// None marks a cell with nothing to show (a median of no decisions, a
	// share of nothing, or a share of a protected count).
	None bool
}

// Of is an exact count.
func Of(n int) Value { return Value{Kind: Count, N: float64(n)} }

// PercentOf is part as a share of whole, or None when whole is 0.
func PercentOf(part, whole int) Value {
	if whole == 0 {
		return Value{Kind: Percent, None: true}
	}
	return Value{Kind: Percent, N: 100 * float64(part) / float64(whole)}
}

// String is the value as the coordinators' pages show it.
func (v Value) String() string { return v.In(English) }

// In is the value as a page in w's language shows it.
func (v Value) In(w Words) string {
	switch {
	case v.Small && v.Bound > Threshold:
		return w.T("fewer than {{.Bound}}", map[string]any{"Bound": w.Number(float64(v.Bound), 0)})
	case v.Small:
		return w.T(SmallText)
	case v.None:
		return ""
	}
	switch v.Kind {
	case Percent:
		return w.Percent(int(math.Round(v.N)))
	case Hours:
		return w.Number(math.Round(v.N*10)/10, 1)
	default:
		return w.Number(math.Round(v.N), 0)
	}
}

// CSV is the value as a spreadsheet wants it: plain digits, one decimal
// for shares and hours, the words for a protected count, empty for none.
func (v Value) CSV() string {
	switch {
	case v.Small:
		return v.String()
	case v.None:
		return ""
	}
	if v.Kind == Count {
		return strconv.Itoa(int(math.Round(v.N)))
	}
	return strconv.FormatFloat(math.Round(v.N*10)/10, 'f', 1, 64)
}

// MarshalJSON writes a number, null for none, or "fewer than 10".
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.Small:
		return json.Marshal(v.String())
	case v.None:
		return []byte("null"), nil
	case v.Kind == Count:
		return []byte(strconv.Itoa(int(math.Round(v.N)))), nil
	}
	return []byte(strconv.FormatFloat(math.Round(v.N*10)/10, 'f', -1, 64)), nil
}
