package police

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"uglymugs/internal/audit"
	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
)

// SearchInput is a coordinator's search across reports: an identifier,
// whole or in part, and filters.
type SearchInput struct {
	Kind, Value  string
	Region, Type string
	From, To     string // days, YYYY-MM-DD, both included
}

// MinPartial is the fewest letters or digits a partial value may have:
// fewer would match half the scheme, and let a coordinator fish for
// identifiers a character at a time.
const MinPartial = 4

// SearchLimit is the most reports one search shows; past it, the
// coordinator narrows the search.
const SearchLimit = 200

// SearchResult is what a search found.
type SearchResult struct {
	Hits  []scheme.ReportHit
	More  bool   // more than SearchLimit matched
	Match string // "whole", "partial" or "" (filters only)
}

// SearchReports finds reports by identifier (a whole value by blind index,
// a part of one by reading every identifier of the kind in the reports the
// filters allow), narrowed by region, kind of incident and dates. The
// search is audited with the kind and the number found, never the value.
func (s *Service) SearchReports(ctx context.Context, u scheme.User, in SearchInput) (SearchResult, error) {
	if err := staff(u); err != nil {
		return SearchResult{}, err
	}
	p := map[string]string{}
	loc := s.Hours.Location()
	if loc == nil {
		loc = time.UTC
	}
	f := scheme.ReportSearch{Region: in.Region, Type: in.Type, Limit: SearchLimit}
	if in.From != "" {
		if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.From), loc); err != nil {
			p["from"] = "Give a day, e.g. 2026-01-31."
		} else {
			f.From = d
		}
	}
	if in.To != "" {
		if d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(in.To), loc); err != nil {
			p["to"] = "Give a day, e.g. 2026-01-31."
		} else {
			f.To = d.AddDate(0, 0, 1)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		p["to"] = "The last day is before the first: swap them."
	}
	value := strings.TrimSpace(in.Value)
	if value == "" && in.Region == "" && in.Type == "" && in.From == "" && in.To == "" {
		p["value"] = "Type an identifier (or part of one), or choose a region, a kind of incident or dates."
	}
	if value != "" && !slices.Contains(scheme.IdentifierKinds, in.Kind) {
		p["kind"] = "Choose what it is: phone, email, vehicle, name or username."
	}
	if len(p) > 0 {
		return SearchResult{}, scheme.Invalid(p)
	}
	var res SearchResult
	if value != "" {
		f.Kind = in.Kind
		k, _ := identifier.ParseKind(in.Kind)
		norm, nerr := identifier.Normalise(k, value)
		// Names are compared in part even when whole: "Dave" should find
		// "Dave Smith" as well as "Dave".
		if nerr == nil && !norm.Partial && in.Kind != "name" {
			// Normalised, and as typed: a partial value typed the same
			// way was indexed as typed.
			f.Whole, res.Match = []string{norm.Value, value}, "whole"
		} else {
			if significant(in.Kind, value) < MinPartial {
				return SearchResult{}, scheme.Invalid(map[string]string{"value": fmt.Sprintf("Type at least %d letters or digits of a partial value: fewer would match too much.", MinPartial)})
			}
			f.Partial, res.Match = value, "partial"
		}
	}
	var err error
	if res.Hits, res.More, err = s.DB.Police.SearchReports(ctx, f); err != nil {
		return SearchResult{}, err
	}
	// Audited with the kind, the way it matched and the number found,
	// never the value.
	match := res.Match
	if match == "" {
		match = "none"
	}
	return res, s.DB.Audit(ctx, audit.Entry{Actor: u.ID, Action: "intelligence.search",
		Detail: fmt.Sprintf(`{"kind":%q,"match":%q,"found":%d,"more":%t}`, f.Kind, match, len(res.Hits), res.More)})
}

// significant counts what a partial value is compared by: digits for a
// phone, letters and digits otherwise.
func significant(kind, s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) || kind != "phone" && unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
