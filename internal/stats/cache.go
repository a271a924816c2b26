package stats

import (
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"
)

// Cache keeps the figures counted for a filter for a while, so that a
// page everyone may read (the public statistics) is not counted again for
// each reader. It suits figures that change rarely: the public ones stop
// at the start of the month, so only a late change to a past month (a
// report rejected, a member leaving) moves them, and a reader sees it at
// most the cache's lifetime late. Readers who ask at once for figures not
// kept wait for one count between them.
type Cache struct {
	kept  *expirable.LRU[string, Figures]
	group singleflight.Group
}

// NewCache keeps the figures of up to size filters, each for ttl.
func NewCache(size int, ttl time.Duration) *Cache {
	return &Cache{kept: expirable.NewLRU[string, Figures](size, nil, ttl)}
}

// Figures returns the figures for f: kept ones, or those count makes
// (kept from then on). The figures are shared between readers: read them,
// never change them. A reader who gives up does not fail the count for
// the others waiting on it.
func (c *Cache) Figures(ctx context.Context, f Filter, count func(context.Context, Filter) (Figures, error)) (Figures, error) {
	key := f.key()
	if fig, ok := c.kept.Get(key); ok {
		return fig, nil
	}
	v, err, _ := c.group.Do(key, func() (any, error) {
		fig, err := count(context.WithoutCancel(ctx), f)
		if err == nil {
			c.kept.Add(key, fig)
		}
		return fig, err
	})
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
