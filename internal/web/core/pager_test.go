package core

import (
	"net/url"
	"testing"

	"uglymugs/internal/scheme"
)

// TestNewPager_SaysWhichRowsAndLinksKeepTheFilters: the count is the rows
// shown of the whole list; Previous and Next keep every filter of the
// query but the page and a notice; page 1's link has no page at all; a
// page past the end shows nothing but leads back to the last page.
func TestNewPager_SaysWhichRowsAndLinksKeepTheFilters(t *testing.T) {
	query := url.Values{"region": {"london"}, "type": {"robbery"}, "page": {"x"}, "done": {"approved"}}
	for _, c := range []struct {
		name               string
		number, total      int
		first, last, pages int
		prev, next         string
		past               bool
	}{
		{"the first of two", 1, 30, 1, 25, 2, "", "/l?page=2&region=london&type=robbery", false},
		{"the last of two", 2, 30, 26, 30, 2, "/l?region=london&type=robbery", "", false},
		{"the middle", 2, 212, 26, 50, 9, "/l?region=london&type=robbery", "/l?page=3&region=london&type=robbery", false},
		{"exactly one page", 1, 25, 1, 25, 1, "", "", false},
		{"past the end", 5, 30, 0, 0, 2, "/l?page=2&region=london&type=robbery", "", true},
		{"past the end of nothing", 3, 0, 0, 0, 1, "/l?region=london&type=robbery", "", true},
		{"nothing", 1, 0, 0, 0, 1, "", "", false},
	} {
		p := NewPager(query, "/l", scheme.PageOf(c.number), c.total)
		if p.First != c.first || p.Last != c.last || p.Total != c.total || p.Pages != c.pages || p.Number != c.number ||
			p.Prev != c.prev || p.Next != c.next || p.Past != c.past {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
	if p := NewPager(url.Values{}, "/l", scheme.PageOf(2), 30); p.Prev != "/l" || p.PrevNumber != 1 {
		t.Errorf("back to page 1 without filters: %q (page %d), want /l", p.Prev, p.PrevNumber)
	}
}
