package report

import (
	"context"

	"uglymugs/internal/scheme"
)

// SetConsents records the reporter's new consents for one of her reports;
// they take effect at once. Only the reporter may change them: for anyone
// else the report is not found.
func (s *Service) SetConsents(ctx context.Context, u scheme.User, id string, c scheme.Consents) (scheme.Consents, error) {
	return s.DB.Reports.SetConsents(ctx, u.ID, id, c)
}
