package report

import (
	"context"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
)

// Statistics counts the figures of the reports f selects, by the scheme's
// working hours; the caller decides what may be shown to whom (stats
// protects small numbers).
func (s *Service) Statistics(ctx context.Context, f stats.Filter) (stats.Figures, error) {
	hours, err := s.WorkingHours(ctx)
	if err != nil {
		return stats.Figures{}, err
	}
	return s.DB.Reports.Stats(ctx, f, hours)
}

// WorkingHours are the scheme's working hours in force: by them a report
// is to be acknowledged, and times to a decision are counted and said.
func (s *Service) WorkingHours(ctx context.Context) (scheme.WorkingHours, error) {
	return s.Hours.InForce(ctx)
}
