package account

import (
	"context"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/identifier"
	"uglymugs/internal/password"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/town"
)

// ChangePassword checks the current password and sets a new one; every
// session ends, and the caller signs the person in afresh.
func (s *Service) ChangePassword(ctx context.Context, u scheme.User, current, next string) error {
	l, err := s.DB.Sessions.LoginByID(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok, _, err := password.Verify(l.PasswordHash, current, password.Default); err != nil {
		return err
	} else if !ok {
		return scheme.Invalid(map[string]string{"current": "That is not your current password."})
	}
	if msg := PasswordProblem(next, l.User.Username); msg != "" {
		return scheme.Invalid(map[string]string{"password": msg})
	}
	h, err := password.Hash(next, password.Default)
	if err != nil {
		return err
	}
	return s.DB.Accounts.SetPassword(ctx, u.ID, u.ID, h, s.URL)
}

// ResetTTL is how long a password reset code works; ResetTries how many
// wrong codes it survives.
const (
	ResetTTL   = 30 * time.Minute
	ResetTries = 5
)

// ResetAnswerAfter is how long StartReset takes, whoever asks. Every
// username costs one lookup and one transaction that counts the request,
// but for an active account with a contact, within its allowance, that
// transaction also stores the code and queues the message: about half a
// millisecond more on SQLite, which an unknown username would not cost. The
// answer waits until this long after the request came, far more than the
// work takes, so its time says nothing. (Waiting costs no processor time,
// unlike the argon2 verification that used to stand in for it and only
// blurred the difference.)
const ResetAnswerAfter = 50 * time.Millisecond

// StartReset sends a one-time code to the account's email or mobile, if
// the username is an active account with one and has not used up its
// allowance of messages (ResetLimit). It answers the same in every case,
// and after the same time, so it cannot be used to find usernames.
func (s *Service) StartReset(ctx context.Context, username string) error {
	t := time.NewTimer(ResetAnswerAfter)
	defer func() {
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}()
	l, err := s.DB.Sessions.LoginByUsername(ctx, username)
	if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
		return err
	}
	rr := store.ResetRequest{Username: username, TTL: ResetTTL, URL: s.URL}
	if err == nil && l.User.Status == scheme.StatusActive {
		rr.UserID = l.User.ID
	}
	lim := s.ResetLimit.or(DefaultResetLimit)
	rr.Every, rr.Burst = lim.Every, lim.Burst
	rr.Code = newCode(8)
	rr.CodeHash = hashCode(rr.Code)
	_, err = s.DB.Accounts.StartPasswordReset(ctx, rr)
	return err
}

// FinishReset sets a new password with a code from StartReset. The new
// password is hashed before anything is looked up, so that an unknown
// username, a wrong code and a right one cost the same argon2id work.
func (s *Service) FinishReset(ctx context.Context, username, code, next string) error {
	if msg := PasswordProblem(next, username); msg != "" {
		return scheme.Invalid(map[string]string{"password": msg})
	}
	h, err := password.Hash(next, password.Default)
	if err != nil {
		return err
	}
	return s.DB.Accounts.FinishPasswordReset(ctx, username, hashCode(code), ResetTries, h, s.URL)
}

// ResetForMember lets a coordinator set a temporary password for a member
// with no email or mobile (given to them in person); it is audited.
func (s *Service) ResetForMember(ctx context.Context, actor scheme.User, userID, temporary string) error {
	l, err := s.DB.Sessions.LoginByID(ctx, userID)
	if err != nil {
		return err
	}
	if l.User.Role.Staff() {
		return scheme.Errorf(scheme.CodeForbidden, "Staff reset their own passwords.")
	}
	if msg := PasswordProblem(temporary, l.User.Username); msg != "" {
		return scheme.Invalid(map[string]string{"password": msg})
	}
	h, err := password.Hash(temporary, password.Default)
	if err != nil {
		return err
	}
	return s.DB.Accounts.SetPassword(ctx, actor.ID, userID, h, s.URL)
}

// ProfileInput is a member's edit of their own details. Towns narrow her
// alerts within Regions (none in a region: the whole region).
type ProfileInput struct {
	WorkName, RealName, Email, Mobile, Area string
	AlertChannels, Regions, Towns           []string
	Gender, Sector                          string
}

// UpdateProfile validates and saves a member's own details.
func (s *Service) UpdateProfile(ctx context.Context, u scheme.User, in ProfileInput) error {
	up, err := checkProfile(ctx, s, u, in)
	if err != nil {
		return err
	}
	return s.DB.Accounts.UpdateProfile(ctx, u.ID, up)
}

// ProfileRoles may edit their own details: members, and organisations' key
// contacts and staff (scheme staff and applicants have no such page).
var ProfileRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}

// checkProfile applies the rules of a profile edit by u and gives what to
// store, or the problems by field; it stores nothing.
func checkProfile(ctx context.Context, s *Service, u scheme.User, in ProfileInput) (store.ProfileUpdate, error) {
	if !slices.Contains(ProfileRoles, u.Role) || u.Status != scheme.StatusActive {
		return store.ProfileUpdate{}, scheme.Errorf(scheme.CodeForbidden, "Your account cannot do that.")
	}
	// Reuse the application rules for the fields they share.
	ai := ApplicationInput{Type: string(scheme.Individual), Username: u.Username, Password: "valid-placeholder-password",
		WorkName: in.WorkName, RealName: in.RealName, Email: in.Email, Mobile: in.Mobile, AlertChannels: in.AlertChannels,
		Regions: in.Regions, Gender: in.Gender, Sector: in.Sector, Area: in.Area}
	terms, err := s.DB.Content.CurrentTerms(ctx)
	if err != nil {
		return store.ProfileUpdate{}, err
	}
	ai.TermsVersion = terms.Version
	prof, err := s.DB.Accounts.Profile(ctx, u.ID)
	if err != nil {
		return store.ProfileUpdate{}, err
	}
	if prof.Membership != string(scheme.Individual) {
		// Organisations and staff have a name set by the organisation and
		// may have no personal contact: only the shared rules apply.
		ai.WorkName = strings.TrimSpace(in.WorkName)
		if ai.WorkName == "" {
			ai.WorkName = prof.WorkName
		}
		if in.Email == "" && in.Mobile == "" {
			ai.Email = "placeholder@example.org"
		}
	}
	ai.kept = scheme.Kept{Regions: prof.Regions, Sectors: []string{prof.Sector}, Genders: []string{prof.Gender}}
	problems := s.fieldProblems(ctx, ai)
	towns := town.Compact(in.Towns)
	if _, ok := problems["regions"]; !ok {
		all, err := s.DB.Towns.All(ctx)
		if err != nil {
			return store.ProfileUpdate{}, err
		}
		if msg := scheme.TownChoiceProblem(all, in.Regions, towns, prof.Towns); msg != "" {
			if problems == nil {
				problems = map[string]string{}
			}
			problems["towns"] = msg
		}
	}
	if len(problems) > 0 {
		return store.ProfileUpdate{}, scheme.Invalid(problems)
	}
	up := store.ProfileUpdate{WorkName: strings.TrimSpace(in.WorkName), RealName: strings.TrimSpace(in.RealName), Area: strings.TrimSpace(in.Area),
		Regions: in.Regions, Towns: towns, Gender: in.Gender, Sector: in.Sector}
	if in.Email != "" {
		up.Email, _ = identifier.EmailAddress(in.Email)
	}
	if in.Mobile != "" {
		lists, err := s.DB.Content.Lists(ctx)
		if err != nil {
			return store.ProfileUpdate{}, err
		}
		up.Mobile, _ = identifier.MobilePhone(in.Mobile, lists.PhoneRegion(in.Regions, identifier.DefaultRegion))
	}
	for _, c := range in.AlertChannels {
		up.AlertEmail = up.AlertEmail || c == "email"
		up.AlertSMS = up.AlertSMS || c == "sms"
	}
	if up.WorkName == "" {
		up.WorkName = prof.WorkName
	}
	return up, nil
}

// fieldProblems runs the application's field rules and keeps the ones a
// profile edit shares.
func (s *Service) fieldProblems(ctx context.Context, ai ApplicationInput) map[string]string {
	_, problems, err := s.validate(ctx, ai)
	if err != nil {
		return map[string]string{"form": scheme.ErrorMessage(err)}
	}
	for _, k := range []string{"username", "password", "terms_version", "type"} {
		delete(problems, k)
	}
	return problems
}

// AddStaff creates a staff login for the key contact's organisation.
func (s *Service) AddStaff(ctx context.Context, contact scheme.User, username, pw, name string) (scheme.User, error) {
	if contact.Role != scheme.RoleOrgContact || contact.OrganisationID == "" {
		return scheme.User{}, scheme.Errorf(scheme.CodeForbidden, "Only an organisation's key contact can add staff logins.")
	}
	problems := map[string]string{}
	if msg := scheme.UsernameProblem(username); msg != "" {
		problems["username"] = msg
	}
	if msg := PasswordProblem(pw, username); msg != "" {
		problems["password"] = msg
	}
	if name = strings.TrimSpace(name); name == "" || tooLong(name, maxName) {
		problems["name"] = "Give the staff member's name or role, as you will recognise it (at most 80 characters)."
	}
	if len(problems) > 0 {
		return scheme.User{}, scheme.Invalid(problems)
	}
	h, err := password.Hash(pw, password.Default)
	if err != nil {
		return scheme.User{}, err
	}
	return s.DB.Accounts.CreateOrgStaff(ctx, contact.ID, contact.OrganisationID, username, h, name)
}

// SetStaffActive disables or re-enables a staff login of the key contact's
// organisation.
func (s *Service) SetStaffActive(ctx context.Context, contact scheme.User, staffID string, active bool) error {
	if contact.Role != scheme.RoleOrgContact || contact.OrganisationID == "" {
		return scheme.Errorf(scheme.CodeForbidden, "Only an organisation's key contact can manage staff logins.")
	}
	return s.DB.Accounts.SetStaffActive(ctx, contact.ID, contact.OrganisationID, staffID, active)
}
