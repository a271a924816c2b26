package content

import (
	"context"

	"uglymugs/internal/scheme"
)

// CurrentTerms returns the terms in force: the newest published version.
func (s *Service) CurrentTerms(ctx context.Context) (scheme.Terms, error) {
	return s.db.Content.CurrentTerms(ctx)
}

// TermsHistory returns page p of the published versions of the terms,
// newest first.
func (s *Service) TermsHistory(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Terms], error) {
	return s.db.Content.TermsHistory(ctx, p)
}

// TermsToAccept returns the version of the terms u has yet to accept, or 0
// when she has accepted the current one or is not asked
// (scheme.AcceptsTerms).
func (s *Service) TermsToAccept(ctx context.Context, u scheme.User) (int, error) {
	if !scheme.AcceptsTerms(u) {
		return 0, nil
	}
	return s.db.Content.TermsToAccept(ctx, u.ID)
}

// AcceptTerms records that u accepts the given version; it must be the
// current one (CodeConflict if a newer one was published meanwhile).
func (s *Service) AcceptTerms(ctx context.Context, u scheme.User, version int) error {
	return s.db.Content.AcceptTerms(ctx, u.ID, version)
}

// PublishTerms publishes a new version of the terms: admins only. Every
// member is then asked to accept it.
func (s *Service) PublishTerms(ctx context.Context, u scheme.User, body string) (scheme.Terms, error) {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Terms{}, scheme.Errorf(scheme.CodeForbidden, "Only admins publish the terms.")
	}
	if err := scheme.TermsProblem(scheme.KeptText(body)); err != nil {
		return scheme.Terms{}, err
	}
	return s.db.Content.PublishTerms(ctx, u.ID, body)
}
