package alert

import (
	"context"
	"strings"
	"unicode/utf8"

	"uglymugs/internal/scheme"
)

// Alerts as the members they reached read them: their feed, one alert,
// and what members add to an alert.

// Feed is u's feed: the alerts u received matching f, newest first,
// published or withdrawn (a withdrawn one carries only its notice).
func (s *Service) Feed(ctx context.Context, u scheme.User, f scheme.MemberAlertFilter) ([]scheme.Alert, error) {
	return s.DB.Alerts.MemberAlerts(ctx, u.ID, f)
}

// FeedPage is page p of u's feed, as Feed (without f.Limit), and how many
// alerts match f in all.
func (s *Service) FeedPage(ctx context.Context, u scheme.User, f scheme.MemberAlertFilter, p scheme.Page) (scheme.Listed[scheme.Alert], error) {
	return s.DB.Alerts.MemberAlertPage(ctx, u.ID, f, p)
}

// Open returns one alert as u sees it, if u received it (anyone else gets
// "not found"), and marks it read.
func (s *Service) Open(ctx context.Context, u scheme.User, id string) (scheme.Alert, error) {
	return s.DB.Alerts.MemberAlert(ctx, u.ID, id)
}

// Unread counts the alerts u received and has not opened yet. Only active
// members (and organisations' contacts and staff) receive alerts: anyone
// else has none.
func (s *Service) Unread(ctx context.Context, u scheme.User) (int, error) {
	if u.Status != scheme.StatusActive || (u.Role != scheme.RoleMember && u.Role != scheme.RoleOrgContact && u.Role != scheme.RoleOrgStaff) {
		return 0, nil
	}
	return s.DB.Alerts.UnreadAlerts(ctx, u.ID)
}

// Additions lists what members added to an alert as u may read it: those
// a coordinator approved, and u's own whatever became of them.
func (s *Service) Additions(ctx context.Context, u scheme.User, alertID string) ([]scheme.Addition, error) {
	return s.DB.Alerts.Additions(ctx, alertID, u.ID, false)
}

// ApprovedAdditions lists only the additions a coordinator approved: what
// goes on paper.
func (s *Service) ApprovedAdditions(ctx context.Context, alertID string) ([]scheme.Addition, error) {
	ads, err := s.DB.Alerts.Additions(ctx, alertID, "", false)
	if err != nil {
		return nil, err
	}
	var out []scheme.Addition
	for _, ad := range ads {
		if ad.Status == scheme.AdditionApproved {
			out = append(out, ad)
		}
	}
	return out, nil
}

// AddAddition records what u adds to a published alert u received (anyone
// else gets "not found"): a few words to a few paragraphs, trimmed. It
// waits for a coordinator before anyone else sees it.
func (s *Service) AddAddition(ctx context.Context, u scheme.User, alertID, body string) (scheme.Addition, error) {
	body = strings.TrimSpace(body)
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return scheme.Addition{}, scheme.Invalid(map[string]string{"body": "Write what you want to add, e.g. when and how he contacted you."})
	case n > scheme.MaxAddition:
		return scheme.Addition{}, scheme.Invalid(map[string]string{"body": "Keep it under 4,000 characters."})
	}
	return s.DB.Alerts.AddAddition(ctx, u.ID, alertID, body)
}
