package scheme

import "testing"

// TestPageNumber_AnythingButAWholeNumberFromOneIsPageOne: a bad "?page="
// is read as page 1, never an error; a page too far to count is still a
// page past the end, with an offset that does not overflow.
func TestPageNumber_AnythingButAWholeNumberFromOneIsPageOne(t *testing.T) {
	for _, c := range []struct {
		in     string
		want   int
		offset int
	}{
		{"", 1, 0}, {"2", 2, 25}, {"10", 10, 225}, {"abc", 1, 0}, {"0", 1, 0}, {"-3", 1, 0}, {"2.5", 1, 0}, {" 2", 1, 0},
		{"1e3", 1, 0}, {"99999999999999999999", 1, 0}, {"9223372036854775807", maxPage, (maxPage - 1) * PageSize},
	} {
		p := PageOf(PageNumber(c.in))
		if p.Number != c.want || p.Size != PageSize || p.Offset() != c.offset {
			t.Errorf("?page=%q: page %d of %d from %d, want page %d from %d", c.in, p.Number, p.Size, p.Offset(), c.want, c.offset)
		}
	}
	if whole := (Page{}); !whole.Whole() || whole.Offset() != 0 || PageOf(3).Whole() {
		t.Error("the zero Page is not the whole list, or a numbered page is")
	}
}
