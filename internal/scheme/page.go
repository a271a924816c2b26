package scheme

import "strconv"

// PageSize is how many rows a page of a list a person reads shows: about
// two screens of a phone.
const PageSize = 25

// maxPage bounds the page number so that its offset never overflows; any
// page that far is past the end of every list.
const maxPage = 1_000_000

// Page asks for one page of a list: the Number-th run of Size rows,
// counted from 1. Every list that pages is ordered with ties broken by id,
// so pages neither overlap nor skip a row. The zero Page asks for the
// whole list: the JSON API's lists, which keep their own limits, and
// callers that need every row.
type Page struct {
	Number, Size int
}

// PageOf is page number (as read by PageNumber) of PageSize rows.
func PageOf(number int) Page { return Page{Number: min(max(number, 1), maxPage), Size: PageSize} }

// PageNumber reads a "?page=" value: a whole number from 1. Anything else
// (nothing, letters, 0, a negative number) is page 1.
func PageNumber(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxPage)
}

// Whole says the page is the whole list.
func (p Page) Whole() bool { return p.Size <= 0 }

// Offset is how many rows come before the page.
func (p Page) Offset() int {
	if p.Whole() {
		return 0
	}
	return (min(max(p.Number, 1), maxPage) - 1) * p.Size
}

// Listed is one page of a list and how many rows the whole list has.
type Listed[T any] struct {
	Items []T
	Total int
}
