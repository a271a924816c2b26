package core

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"uglymugs/internal/scheme"
)

// Pager is one page of a list as the "pager" partial shows it: which rows
// are shown of how many, and plain links (no script) to the pages either
// side that keep the list's filters.
type Pager struct {
	First, Last, Total int    // rows First–Last of Total are shown
	Number, Pages      int    // page Number of Pages
	Prev, Next         string // links to the pages either side; "" at an end
	PrevNumber         int    // the pages Prev and Next lead to
	NextNumber         int

	// Past: the page asked for is past the end (a list that shrank, an
	// old link). The list is empty and Prev leads back to the last page
	// (or the first, for an empty list).
	Past bool
}

// PageFrom is the page a request asks for by "?page=": anything but a whole
// number from 1 is page 1.
func PageFrom(r *http.Request) scheme.Page {
	return scheme.PageOf(scheme.PageNumber(r.URL.Query().Get("page")))
}

// NewPager is page p of a list of total rows shown at path with the query
// query. Its links keep the query (the list's filters) except the page and
// a notice ("done"), which belongs to the moment it was shown.
func NewPager(query url.Values, path string, p scheme.Page, total int) Pager {
	size := max(p.Size, 1)
	v := Pager{Number: max(p.Number, 1), Total: total, Pages: max((total+size-1)/size, 1)}
	q := url.Values{}
	for k, vs := range query {
		if k != "page" && k != "done" {
			q[k] = vs
		}
	}
	link := func(n int) string {
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		} else {
			q.Del("page")
		}
		if len(q) == 0 {
			return path
		}
		return path + "?" + q.Encode()
	}
	if v.Number > v.Pages {
		v.Past, v.Prev, v.PrevNumber = true, link(v.Pages), v.Pages
		return v
	}
	if total > 0 {
		v.First, v.Last = p.Offset()+1, min(p.Offset()+size, total)
	}
	if v.Number > 1 {
		v.Prev, v.PrevNumber = link(v.Number-1), v.Number-1
	}
	if v.Number < v.Pages {
		v.Next, v.NextNumber = link(v.Number+1), v.Number+1
	}
	return v
}

// ListPage reads, for u, the page of a list that r asks for ("?page="),
// and returns its rows and the pager that shows it at path.
func ListPage[T any](r *http.Request, u scheme.User, path string,
	read func(context.Context, scheme.User, scheme.Page) (scheme.Listed[T], error)) ([]T, Pager, error) {
	page := PageFrom(r)
	list, err := read(r.Context(), u, page)
	if err != nil {
		return nil, Pager{}, err
	}
	return list.Items, NewPager(r.URL.Query(), path, page, list.Total), nil
}
