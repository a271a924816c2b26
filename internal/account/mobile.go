package account

import (
	"context"

	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
)

// MemberByMobile finds the active member (not staff) whose registered
// mobile is the given number, as an SMS arrives from it. A sender that is
// not a whole phone number, or a number two members share, is not found:
// a check by SMS must not guess whose phone it is.
func (s *Service) MemberByMobile(ctx context.Context, from string) (scheme.User, error) {
	res, err := identifier.Normalise(identifier.KindPhone, from)
	if err != nil || res.Partial {
		return scheme.User{}, scheme.ErrNotFound
	}
	return s.DB.Sessions.ActiveMemberByMobile(ctx, res.Value)
}
