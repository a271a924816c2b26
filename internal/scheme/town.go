package scheme

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Town is a town or area within a region, which admins keep while the
// service runs. Its name is the scheme's data, shown as an admin typed
// it (like a place name on a map, it is not translated). A retired town
// is no longer offered; members and alerts that named it keep it.
type Town struct {
	Slug      string    `json:"slug"`
	Region    string    `json:"region"`
	Name      string    `json:"name"`
	Position  int       `json:"-"`
	RetiredAt time.Time `json:"retired_at,omitzero"`
}

// Retired says whether the town is no longer offered.
func (t Town) Retired() bool { return !t.RetiredAt.IsZero() }

// MaxTownName is the longest town name, in characters.
const MaxTownName = 60

// TownNameProblem says what is wrong with a town's name, "" if nothing:
// one line, 1 to MaxTownName characters.
func TownNameProblem(name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "Give the town or area a name."
	case utf8.RuneCountInString(name) > MaxTownName || strings.ContainsAny(name, "\r\n\t"):
		return fmt.Sprintf("Keep the name to one line of at most %d characters.", MaxTownName)
	}
	return ""
}

// Towns are the scheme's towns in every region.
type Towns []Town

// Find is the town with slug s.
func (ts Towns) Find(s string) (Town, bool) {
	i := slices.IndexFunc(ts, func(t Town) bool { return t.Slug == s })
	if i < 0 {
		return Town{}, false
	}
	return ts[i], true
}

// Name is a town's name; the slug itself if the list lacks it.
func (ts Towns) Name(s string) string {
	if t, ok := ts.Find(s); ok {
		return t.Name
	}
	return s
}

// Offered are the towns of region that are not retired, in order.
func (ts Towns) Offered(region string) Towns {
	var out Towns
	for _, t := range ts {
		if t.Region == region && !t.Retired() {
			out = append(out, t)
		}
	}
	return out
}

// TownChoiceProblem says what is wrong with a choice of towns (slugs)
// for someone or something in regions: each town must be one of the
// scheme's, in one of the regions, and not retired unless it was already
// chosen (kept: the towns before the change, so that a retired town a
// member still has does not stop her saving). "" if nothing. The words
// are fixed, so that every language has them (the form shows which boxes
// are ticked). A member's towns (every door) and an alert's ask it.
func TownChoiceProblem(all Towns, regions, chosen, kept []string) string {
	for _, s := range chosen {
		t, ok := all.Find(s)
		switch {
		case !ok:
			return "Choose towns from the list."
		case t.Retired() && !slices.Contains(kept, s):
			return "A town you chose is no longer offered: choose another, or the whole region."
		case !slices.Contains(regions, t.Region):
			return "Choose only towns in the regions you chose, or choose their regions too."
		}
	}
	return ""
}
