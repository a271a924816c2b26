package scheme

import "testing"

// Only an active coordinator or admin coordinates; anyone else is told,
// in words, what only they do.
func TestCanCoordinate_OnlyActiveStaff(t *testing.T) {
	for _, c := range []struct {
		role   Role
		status string
		ok     bool
	}{
		{RoleCoordinator, StatusActive, true},
		{RoleAdmin, StatusActive, true},
		{RoleCoordinator, StatusDisabled, false},
		{RoleAdmin, StatusRevoked, false},
		{RoleMember, StatusActive, false},
		{RoleOrgContact, StatusActive, false},
		{RoleOrgStaff, StatusActive, false},
		{RoleApplicant, StatusApplicant, false},
	} {
		err := CanCoordinate(User{ID: "u1", Role: c.role, Status: c.status}, "search reports")
		if c.ok {
			if err != nil {
				t.Errorf("%s, %s: %v, want allowed", c.role, c.status, err)
			}
			continue
		}
		if ErrorCode(err) != CodeForbidden || ErrorMessage(err) != "Only coordinators and admins search reports." {
			t.Errorf("%s, %s: %v, want forbidden with the words", c.role, c.status, err)
		}
	}
}
