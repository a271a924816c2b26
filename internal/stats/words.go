package stats

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Words are the language a table and its chart are written in. Every
// text of the public tables and of the charts goes through T, its English
// the message's ID and values in its {{.Name}} placeholders; numbers and
// month names are written as the language writes them. The public page
// passes the reader's (an i18n.Localizer is one); the coordinators'
// pages, downloads and the API stay in English.
type Words interface {
	T(id string, data ...map[string]any) string
	Number(n float64, decimals int) string // 1,234 or 1 234 or 1.234; 12.5 or 12,5
	Percent(n int) string                  // a whole share: 45%, 45 %
	Date(t time.Time, layout string) string
}

// English writes the coordinators' tables and charts.
var English Words = english{}

type english struct{}

// T is id with data's values in its placeholders: the English of the
// messages here, which are their own IDs.
func (english) T(id string, data ...map[string]any) string {
	for _, d := range data {
		for k, v := range d {
			id = strings.ReplaceAll(id, "{{."+k+"}}", fmt.Sprint(v))
		}
	}
	return id
}

func (english) Number(n float64, decimals int) string {
	if decimals > 0 {
		return strconv.FormatFloat(n, 'f', decimals, 64)
	}
	return thousands(int(math.Round(n)))
}

func (english) Percent(n int) string { return strconv.Itoa(n) + "%" }

func (english) Date(t time.Time, layout string) string { return t.Format(layout) }

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
