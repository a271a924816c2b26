package stats

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
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

// String is the value as the page shows it.
func (v Value) String() string {
	switch {
	case v.Small:
		return v.smallText()
	case v.None:
		return ""
	}
	switch v.Kind {
	case Percent:
		return strconv.FormatFloat(math.Round(v.N), 'f', 0, 64) + "%"
	case Hours:
		return strconv.FormatFloat(math.Round(v.N*10)/10, 'f', 1, 64)
	default:
		return thousands(int(math.Round(v.N)))
	}
}

// CSV is the value as a spreadsheet wants it: plain digits, one decimal
// for shares and hours, the words for a protected count, empty for none.
func (v Value) CSV() string {
	switch {
	case v.Small:
		return v.smallText()
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
		return json.Marshal(v.smallText())
	case v.None:
		return []byte("null"), nil
	case v.Kind == Count:
		return []byte(strconv.Itoa(int(math.Round(v.N)))), nil
	}
	return []byte(strconv.FormatFloat(math.Round(v.N*10)/10, 'f', -1, 64)), nil
}

func (v Value) smallText() string {
	if v.Bound > Threshold {
		return "fewer than " + thousands(v.Bound)
	}
	return SmallText
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
