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
	"uglymugs/internal/store"
)

// SearchInput is a coordinator's search across reports: an identifier,
// whole or in part, and filters.
type SearchInput struct {
	Kind, Value  string
	Region, Type string
	From, To     string // days, YYYY-MM-DD, both included
}

// MinPartial is the fewest letters or digits a partial value may have:
// fewer would match half the scheme.
const MinPartial = 4

// SearchReports finds reports by identifier (a whole value by blind index,
// a part of one by reading every identifier of the kind), narrowed by
// region, kind of incident and dates. The search is audited with the kind
// and the number found, never the value.
func (s *Service) SearchReports(ctx context.Context, u scheme.User, in SearchInput) ([]scheme.Report, error) {
	if err := staff(u); err != nil {
		return nil, err
	}
	p := map[string]string{}
	loc := s.Hours.Location
	var from, to time.Time
	if in.From != "" {
		d, err := time.ParseInLocation(time.DateOnly, in.From, loc)
		if err != nil {
			p["from"] = "Give a day, e.g. 2026-01-31."
		}
		from = d
	}
	if in.To != "" {
		d, err := time.ParseInLocation(time.DateOnly, in.To, loc)
		if err != nil {
			p["to"] = "Give a day, e.g. 2026-01-31."
		}
		to = d.AddDate(0, 0, 1)
	}
	value := strings.TrimSpace(in.Value)
	if value == "" && in.Region == "" && in.Type == "" && in.From == "" && in.To == "" {
		p["value"] = "Type an identifier (or part of one), or choose a region, a kind of incident or dates."
	}
	if value != "" && !slices.Contains(scheme.IdentifierKinds, in.Kind) {
		p["kind"] = "Choose what it is: phone, email, vehicle, name or username."
	}
	if len(p) > 0 {
		return nil, scheme.Invalid(p)
	}
	var reports []scheme.Report
	var err error
	switch {
	case value == "":
		reports, err = s.DB.Reports(ctx, store.ReportFilter{})
	default:
		k, _ := identifier.ParseKind(in.Kind)
		res, nerr := identifier.Normalise(k, value)
		if nerr == nil && !res.Partial && in.Kind != "name" {
			// A whole value: by blind index (audited by the store).
			reports, err = s.DB.FindReportsByIdentifier(ctx, u.ID, in.Kind, res.Value, value)
			break
		}
		if n := significant(value); n < MinPartial {
			return nil, scheme.Invalid(map[string]string{"value": fmt.Sprintf("Type at least %d letters or digits of a partial value.", MinPartial)})
		}
		var ids []string
		if ids, err = s.DB.ReportsWithPartialIdentifier(ctx, in.Kind, value); err != nil {
			return nil, err
		}
		if err = s.DB.Audit(ctx, audit.Entry{Actor: u.ID, Action: "intelligence.search",
			Detail: fmt.Sprintf(`{"kind":%q,"partial":true,"found":%d}`, in.Kind, len(ids))}); err != nil {
			return nil, err
		}
		if len(ids) > 0 {
			reports, err = s.DB.Reports(ctx, store.ReportFilter{IDs: ids})
		}
	}
	if err != nil {
		return nil, err
	}
	out := reports[:0]
	for _, r := range reports {
		if in.Region != "" && r.Region != in.Region || in.Type != "" && !slices.Contains(r.IncidentTypes, in.Type) ||
			!from.IsZero() && r.IncidentAt.Before(from) || !to.IsZero() && !r.IncidentAt.Before(to) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func significant(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}
