package check

import (
	"context"
	"strings"
	"unicode/utf8"

	"uglymugs/internal/scheme"
)

// Partner sites check with a key of their own, which admins make, limit
// and revoke.

// partnerKeysAdmin refuses anyone but an active admin.
func partnerKeysAdmin(u scheme.User) error {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Only admins manage partner keys.")
	}
	return nil
}

// APIKeys lists the partner sites' keys, revoked ones too: admins only.
func (s *Service) APIKeys(ctx context.Context, u scheme.User) ([]scheme.APIKey, error) {
	if err := partnerKeysAdmin(u); err != nil {
		return nil, err
	}
	return s.DB.Sessions.APIKeys(ctx)
}

// CreateAPIKey makes a partner site's key with its allowances, and returns
// it with its token, which is stored only hashed and so is shown once.
func (s *Service) CreateAPIKey(ctx context.Context, u scheme.User, name string, perMinute, perDay int) (scheme.APIKey, string, error) {
	if err := partnerKeysAdmin(u); err != nil {
		return scheme.APIKey{}, "", err
	}
	p := map[string]string{}
	switch name := strings.TrimSpace(name); {
	case name == "":
		p["name"] = "Name the partner, e.g. the advertising site's company."
	case utf8.RuneCountInString(name) > 100:
		p["name"] = "Keep the name under 100 characters."
	}
	if perMinute < 1 || perMinute > 10000 {
		p["per_minute"] = "Give a number of checks a minute from 1 to 10,000."
	}
	if perDay < perMinute || perDay > 10000000 {
		p["per_day"] = "Give a number of checks a day, at least the number a minute."
	}
	if len(p) > 0 {
		return scheme.APIKey{}, "", scheme.Invalid(p)
	}
	return s.DB.Sessions.CreateAPIKey(ctx, u.ID, name, perMinute, perDay)
}

// RevokeAPIKey stops a partner key working, at once.
func (s *Service) RevokeAPIKey(ctx context.Context, u scheme.User, id string) error {
	if err := partnerKeysAdmin(u); err != nil {
		return err
	}
	return s.DB.Sessions.RevokeAPIKey(ctx, u.ID, id)
}

// APIKey returns the partner key a token belongs to; an unknown or
// revoked token is not found.
func (s *Service) APIKey(ctx context.Context, token string) (scheme.APIKey, error) {
	return s.DB.Sessions.APIKeyByToken(ctx, token)
}
