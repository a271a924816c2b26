package scheme

import (
	"time"
	"unicode/utf8"
)

// Role says what a signed-in person may do; see PRODUCT.md "Who uses it".
type Role string

const (
	RoleApplicant   Role = "applicant"
	RoleMember      Role = "member"
	RoleOrgContact  Role = "org_contact"
	RoleOrgStaff    Role = "org_staff"
	RoleCoordinator Role = "coordinator"
	RoleAdmin       Role = "admin"
)

// Staff reports whether r is scheme staff, who must use a second factor.
func (r Role) Staff() bool { return r == RoleCoordinator || r == RoleAdmin }

// CanCoordinate refuses anyone but an active coordinator or admin, saying
// what only they do ("search reports").
func CanCoordinate(u User, what string) error {
	if !u.Role.Staff() || u.Status != StatusActive {
		return Errorf(CodeForbidden, "Only coordinators and admins %s.", what)
	}
	return nil
}

// User is someone who can sign in. Username is the decrypted value.
type User struct {
	ID        string    `json:"id,omitempty"`
	Username  string    `json:"username,omitempty"`
	Role      Role      `json:"role,omitempty"`
	Status    string    `json:"status,omitempty"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// OrganisationID is set for an organisation's key contact and staff.
	OrganisationID string `json:"organisation_id,omitempty"`
	// SecondFactor is true when the user signs in with a TOTP code.
	SecondFactor bool `json:"second_factor"`
	// Language is the one she chose to read the service in ("" until she
	// does): a code of i18n.Languages.
	Language string `json:"language"`
	// Discreet is her choice of discreet mode (the installed app and push
	// notifications look like a notes app's); read with her session.
	Discreet bool `json:"-"`
}

// UsernameProblem returns what is wrong with a chosen username in plain
// words, or "". Usernames are case-sensitive and are not emails or phone
// numbers, so that a username never identifies someone by itself.
func UsernameProblem(u string) string {
	n := utf8.RuneCountInString(u)
	switch {
	case n < 3:
		return "Use at least 3 characters."
	case n > 40:
		return "Use at most 40 characters."
	}
	for _, r := range u {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return "Use only letters, numbers, dots, dashes and underscores, with no spaces."
		}
	}
	return ""
}
