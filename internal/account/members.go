package account

import (
	"context"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// activeStaff refuses anyone but an active coordinator or admin.
func activeStaff(u scheme.User) error { return scheme.CanCoordinate(u, "manage members") }

// activeAdmin refuses anyone but an active admin.
func activeAdmin(u scheme.User, what string) error {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Only admins %s.", what)
	}
	return nil
}

// Username returns the username of the user with the given id, to name
// them on staff pages, and whether they are staff (pages that name staff
// may name members only as "a member"). An erased account is not found.
func (s *Service) Username(ctx context.Context, id string) (username string, staff bool, err error) {
	l, err := s.DB.Sessions.LoginByID(ctx, id)
	if err != nil {
		return "", false, err
	}
	return l.User.Username, l.User.Role.Staff(), nil
}

// Members lists page p of every account with its contact details, for
// coordinators, and records the view ("members.view": it shows personal
// data).
func (s *Service) Members(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.MemberRow], error) {
	if err := activeStaff(u); err != nil {
		return scheme.Listed[scheme.MemberRow]{}, err
	}
	ms, err := s.DB.Accounts.Members(ctx, p)
	return store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "members.view"}, ms, err)
}

// Application returns one application with the applicant's details for a
// coordinator, and records who looked ("application.view": personal data).
func (s *Service) Application(ctx context.Context, u scheme.User, id string) (scheme.Application, error) {
	if err := activeStaff(u); err != nil {
		return scheme.Application{}, err
	}
	a, err := s.DB.Accounts.Application(ctx, id)
	return store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "application.view", SubjectType: "application", SubjectID: id}, a, err)
}

// Revoke ends a member's membership for false or malicious reporting, for
// the reason given (kept on record); they are told, with a link to the
// site. Coordinators and admins only.
func (s *Service) Revoke(ctx context.Context, u scheme.User, userID, reason string) error {
	if err := activeStaff(u); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return scheme.Invalid(map[string]string{"reason": "Give the reason for revoking: it is kept on record."})
	}
	return s.DB.Accounts.Revoke(ctx, u.ID, userID, reason, s.URL)
}

// SetRole makes an account a coordinator or admin, or (role "") takes the
// staff role away. Admins only, and never on their own account, so that
// there is always a second person to a change of role.
func (s *Service) SetRole(ctx context.Context, u scheme.User, userID string, role scheme.Role) error {
	if err := activeAdmin(u, "change roles"); err != nil {
		return err
	}
	if role != "" && !role.Staff() {
		return scheme.Invalid(map[string]string{"role": "Choose coordinator, admin, or no staff role."})
	}
	if userID == u.ID {
		return scheme.Errorf(scheme.CodeForbidden, "You cannot change your own role: ask another admin.")
	}
	return s.DB.Accounts.SetRole(ctx, u.ID, userID, role)
}

// OrgStaff lists the staff logins of the key contact's organisation.
func (s *Service) OrgStaff(ctx context.Context, contact scheme.User) ([]scheme.StaffMember, error) {
	if contact.Role != scheme.RoleOrgContact || contact.Status != scheme.StatusActive {
		return nil, scheme.Errorf(scheme.CodeForbidden, "Only an organisation's key contact can manage staff logins.")
	}
	return s.DB.Accounts.OrgStaff(ctx, contact.OrganisationID)
}
