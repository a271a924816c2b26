package report

import (
	"context"
	"time"

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

// PublicStatisticsFor is how long the public figures are served as
// counted before they are counted again (see stats.Cache), readers being
// given the kept ones meanwhile; PublicStatisticsStale is when kept ones
// are too old to serve at all. They stop at the start of the month, so
// they change rarely, and every visitor reads the same.
const (
	PublicStatisticsFor   = 5 * time.Minute
	PublicStatisticsStale = time.Hour
)

// PublicStatistics counts the figures the public statistics page shows:
// everything before cutoff (the start of this month), rejected reports
// left out, kept so that the page costs its readers no counting.
func (s *Service) PublicStatistics(ctx context.Context, cutoff time.Time) (stats.Figures, error) {
	s.publicOnce.Do(func() { s.public = stats.NewCache(4, PublicStatisticsFor, PublicStatisticsStale) })
	return s.public.Figures(ctx, stats.Filter{To: cutoff, ExcludeRejected: true}, s.Statistics)
}
