package police

import (
	"context"
	"strings"
	"unicode/utf8"

	"uglymugs/internal/scheme"
)

// A revoked member's details (work name, contact details, the reason for
// revoking) go to the police only with two people's say (ASVS 2.3.5): a
// coordinator asks, with the purpose and recipient; another coordinator
// or admin approves or refuses; then the one who asked can download them.
// Each step is audited. The second-person rule is checked in the store's
// transaction, where no race can get round it.

// RequestMemberExport records a request to export a revoked member's
// details for the police.
func (s *Service) RequestMemberExport(ctx context.Context, u scheme.User, memberID, purpose string) (scheme.MemberExport, error) {
	if err := scheme.CanCoordinate(u, "ask for a member's details"); err != nil {
		return scheme.MemberExport{}, err
	}
	purpose = strings.TrimSpace(purpose)
	switch {
	case purpose == "":
		return scheme.MemberExport{}, scheme.Invalid(map[string]string{"purpose": "Say why the details are needed and who will receive them."})
	case utf8.RuneCountInString(purpose) > 2000:
		return scheme.MemberExport{}, scheme.Invalid(map[string]string{"purpose": "Keep this under 2,000 characters."})
	}
	return s.DB.Police.RequestMemberExport(ctx, u.ID, memberID, purpose)
}

// DecideMemberExport approves or refuses a request: any coordinator or
// admin but the one who asked.
func (s *Service) DecideMemberExport(ctx context.Context, u scheme.User, id, decision string) (scheme.MemberExport, error) {
	if err := scheme.CanCoordinate(u, "approve exports"); err != nil {
		return scheme.MemberExport{}, err
	}
	if decision != "approve" && decision != "refuse" {
		return scheme.MemberExport{}, scheme.Invalid(map[string]string{"decision": "Choose approve or refuse."})
	}
	return s.DB.Police.DecideMemberExport(ctx, u.ID, id, decision == "approve")
}

// DownloadMemberExport gives the one who asked the details, once another
// person approved.
func (s *Service) DownloadMemberExport(ctx context.Context, u scheme.User, id string) (scheme.RevokedExport, error) {
	if err := scheme.CanCoordinate(u, "export a member's details"); err != nil {
		return scheme.RevokedExport{}, err
	}
	return s.DB.Police.ExportRevoked(ctx, u.ID, id)
}

// MemberExports lists requests to export revoked members' details, pending
// ones first, for coordinators and admins to decide or download.
func (s *Service) MemberExports(ctx context.Context, u scheme.User) ([]scheme.MemberExport, error) {
	if err := scheme.CanCoordinate(u, "see export requests"); err != nil {
		return nil, err
	}
	return s.DB.Police.MemberExports(ctx)
}
