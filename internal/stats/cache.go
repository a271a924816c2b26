package stats

import (
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"
)

// Cache keeps the figures counted for a filter, so that a page everyone
// may read (the public statistics) is not counted again for each reader.
// It suits figures that change rarely: the public ones stop at the start
// of the month, so only a late change to a past month (a report rejected,
// a member leaving) moves them. Figures older than fresh are counted
// again in the background while readers are given the kept ones, so no
// reader waits for a count but the first for a filter, or one after the
// figures have gone unread for longer than stale. Readers who ask at once
// for figures not kept wait for one count between them.
type Cache struct {
	fresh time.Duration
	kept  *expirable.LRU[string, kept]
	group singleflight.Group
}

type kept struct {
	fig Figures
	at  time.Time
}

// NewCache keeps the figures of up to size filters: served as they are
// for fresh, then counted again behind the reader's back; not served at
// all once older than stale.
func NewCache(size int, fresh, stale time.Duration) *Cache {
	return &Cache{fresh: fresh, kept: expirable.NewLRU[string, kept](size, nil, stale)}
}

// Figures returns the figures for f: kept ones, or those count makes
// (kept from then on). The figures are shared between readers: read them,
// never change them. A reader who gives up does not fail the count for
// the others waiting on it.
func (c *Cache) Figures(ctx context.Context, f Filter, count func(context.Context, Filter) (Figures, error)) (Figures, error) {
	key := f.key()
	recount := func() (any, error) {
		fig, err := count(context.WithoutCancel(ctx), f)
		if err == nil {
			c.kept.Add(key, kept{fig: fig, at: time.Now()})
		}
		return fig, err
	}
	if k, ok := c.kept.Get(key); ok {
		if time.Since(k.at) > c.fresh {
			c.group.DoChan(key, recount) // in the background; its answer is kept
		}
		return k.fig, nil
	}
	v, err, _ := c.group.Do(key, recount)
	if err != nil {
		return Figures{}, err
	}
	return v.(Figures), nil
}

// key names the filter: its instants (not their zones), region and
// whether rejected reports are left out.
func (f Filter) key() string {
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	excl := "all"
	if f.ExcludeRejected {
		excl = "accepted"
	}
	return at(f.From) + "|" + at(f.To) + "|" + f.Region + "|" + excl
}
