package account

import (
	"context"
	"strings"
	"time"

	"uglymugs/internal/scheme"
)

// Profile returns u's own details: names, contacts, regions, alerts.
func (s *Service) Profile(ctx context.Context, u scheme.User) (scheme.Profile, error) {
	return s.DB.Accounts.Profile(ctx, u.ID)
}

// ExportData gathers everything held about u, for her to download.
func (s *Service) ExportData(ctx context.Context, u scheme.User) (scheme.MemberData, error) {
	return s.DB.Accounts.ExportUser(ctx, u.ID)
}

// AnswerApplication records an applicant's answer to the question vetting
// asked about her application. An empty answer is refused beside its
// field, by every door.
func (s *Service) AnswerApplication(ctx context.Context, u scheme.User, answer string) error {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return scheme.Invalid(map[string]string{"answer": "Write your answer."})
	}
	return s.DB.Accounts.AnswerApplication(ctx, u.ID, answer)
}

// AddressLimit is the allowance of sign-in, reset and joining tries per
// client address, on top of the per-username ones: 10 at once, then one
// every 6 seconds.
var AddressLimit = Allowance{Burst: 10, Every: 6 * time.Second}

// TryFromAddress uses one try of an address's allowance (AddressLimit),
// or says how long to wait. key names the address (the web counts an IPv6
// address by its /64); it is stored only as a keyed hash, for minutes.
func (s *Service) TryFromAddress(ctx context.Context, key string) (ok bool, wait time.Duration, err error) {
	return s.DB.Sessions.Throttle(ctx, key, AddressLimit.Every, AddressLimit.Burst)
}
