package account

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"uglymugs/internal/i18n"
	"uglymugs/internal/identifier"
	"uglymugs/internal/password"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// ApplicationInput is an application to join as typed (web form or JSON).
type ApplicationInput struct {
	Type          string    `json:"type"`
	Username      string    `json:"username"`
	Password      string    `json:"password"`
	WorkName      string    `json:"work_name"`
	RealName      string    `json:"real_name"`
	Email         string    `json:"email"`
	Mobile        string    `json:"mobile"`
	AlertChannels []string  `json:"alert_channels"`
	Regions       []string  `json:"regions"`
	Gender        string    `json:"gender"`
	Sector        string    `json:"sector"`
	Area          string    `json:"area"`
	TermsVersion  int       `json:"terms_version"`
	Organisation  *OrgInput `json:"organisation,omitempty"`
	// Language is the one the application was made in (the page's, or
	// the API request's Accept-Language): the applicant's messages come
	// in it. "" and English leave her language unchosen.
	Language string `json:"-"`
	// kept are the values a member's profile holds already, which stay
	// valid for her when retired (a profile edit sets them).
	kept scheme.Kept
}

// OrgInput is the organisation part of a project's or establishment's
// application.
type OrgInput struct {
	Name        string `json:"name"`
	Website     string `json:"website"`
	Email       string `json:"email"`
	KeyContact  string `json:"key_contact"`
	Description string `json:"description"`
}

// limits on free text, in characters.
const (
	maxName = 80
	maxText = 2000
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// validate checks every field and returns the normalised application or a
// field → problem map (all problems at once, in plain words).
func (s *Service) validate(ctx context.Context, in ApplicationInput) (store.NewApplication, map[string]string, error) {
	p := map[string]string{}
	na := store.NewApplication{Type: scheme.MembershipType(in.Type), Username: in.Username}
	if l, ok := i18n.Find(in.Language); ok && l.Code != i18n.English.Code {
		na.Language = l.Code
	}
	if !na.Type.Valid() {
		p["type"] = "Choose individual, project or establishment."
	}
	if msg := scheme.UsernameProblem(in.Username); msg != "" {
		p["username"] = msg
	}
	if msg := PasswordProblem(in.Password, in.Username); msg != "" {
		p["password"] = msg
	}

	prof := scheme.Profile{Gender: in.Gender, Sector: in.Sector, Area: strings.TrimSpace(in.Area),
		WorkName: strings.TrimSpace(in.WorkName), RealName: strings.TrimSpace(in.RealName)}
	if in.Email = strings.TrimSpace(in.Email); in.Email != "" {
		e, err := identifier.EmailAddress(in.Email)
		if err != nil {
			p["email"] = "That does not look like an email address. Check it, for example name@example.org."
		}
		prof.Email = e
	}
	for _, ch := range in.AlertChannels {
		switch ch {
		case "email":
			prof.AlertEmail = true
			if in.Email == "" && !na.Type.Organisational() {
				p["alert_channels"] = "To get alerts by email, give an email address."
			}
		case "sms":
			prof.AlertSMS = true
			if in.Mobile == "" {
				p["alert_channels"] = "To get alerts by text message, give a mobile number."
			}
		default:
			p["alert_channels"] = "Choose email, text message, or neither."
		}
	}

	all, err := s.DB.Content.Lists(ctx)
	if err != nil {
		return na, nil, err
	}
	lists := all.OfferedKeeping(in.kept) // no retired value, unless she has it already
	if in.Mobile = strings.TrimSpace(in.Mobile); in.Mobile != "" {
		m, err := identifier.MobilePhone(in.Mobile, all.PhoneRegion(in.Regions, identifier.DefaultRegion))
		if err != nil {
			p["mobile"] = "That does not look like a mobile number. Check the digits, for example 07700 900123."
		}
		prof.Mobile = m
	}
	if len(in.Regions) == 0 {
		p["regions"] = "Choose at least one region, so we can send you the alerts for it."
	}
	for _, r := range in.Regions {
		if !lists.HasRegion(r) {
			p["regions"] = fmt.Sprintf("We do not know the region %q. Choose from the list.", r)
		}
	}
	slices.Sort(in.Regions)
	prof.Regions = slices.Compact(in.Regions)
	if in.Gender != "" && !lists.HasGender(in.Gender) {
		p["gender"] = "Choose one of the answers, or leave it blank."
	}
	if in.Sector != "" && !lists.HasSector(in.Sector) {
		p["sector"] = "Choose one of the answers, or leave it blank."
	}
	if tooLong(prof.Area, maxName) {
		p["area"] = fmt.Sprintf("Use at most %d characters.", maxName)
	}

	terms, err := s.DB.Content.CurrentTerms(ctx)
	if err != nil {
		return na, nil, err
	}
	switch {
	case in.TermsVersion == 0:
		p["terms_version"] = "Read the terms and conditions and tick to accept them."
	case in.TermsVersion != terms.Version:
		p["terms_version"] = "The terms and conditions have changed: read the current version and accept it."
	}
	prof.TermsVersion = terms.Version

	if na.Type == scheme.Individual {
		switch {
		case prof.WorkName == "":
			p["work_name"] = "Give the name you work under. It does not need to be your real name."
		case tooLong(prof.WorkName, maxName):
			p["work_name"] = fmt.Sprintf("Use at most %d characters.", maxName)
		}
		if tooLong(prof.RealName, maxName) {
			p["real_name"] = fmt.Sprintf("Use at most %d characters.", maxName)
		}
		if in.Email == "" && in.Mobile == "" {
			p["email"] = "Give an email address or a mobile number (or both), so we can tell you about your application."
		}
	}
	if na.Type.Organisational() {
		o := in.Organisation
		if o == nil {
			o = &OrgInput{}
		}
		org := scheme.Organisation{Name: strings.TrimSpace(o.Name), KeyContact: strings.TrimSpace(o.KeyContact),
			Description: strings.TrimSpace(o.Description), Website: strings.TrimSpace(o.Website)}
		if org.Name == "" || tooLong(org.Name, maxName) {
			p["organisation.name"] = "Give the organisation's name (at most 80 characters)."
		}
		domain, err := identifier.Domain(org.Website)
		if org.Website == "" || err != nil {
			p["organisation.website"] = "Give the organisation's official website, for example https://www.example.org."
		}
		org.Email, err = identifier.EmailAddress(strings.TrimSpace(o.Email))
		if err != nil {
			p["organisation.email"] = "Give the organisation's official email address, on its website's domain."
		} else if domain != "" && !identifier.EmailOnDomain(org.Email, domain) {
			na.Flags = append(na.Flags, scheme.FlagEmailDomainMismatch)
		}
		if org.KeyContact == "" || tooLong(org.KeyContact, maxName) {
			p["organisation.key_contact"] = "Give the name of the person we should deal with (at most 80 characters)."
		}
		if utf8.RuneCountInString(org.Description) < 20 || tooLong(org.Description, maxText) {
			p["organisation.description"] = "Tell us in a few sentences what work the organisation does with sex workers."
		}
		// The key contact signs in as the organisation; the official email
		// is how we reach them, unless they gave another.
		prof.WorkName = org.KeyContact
		if prof.Email == "" {
			prof.Email = org.Email
		}
		if prof.AlertEmail && prof.Email == "" {
			p["alert_channels"] = "To get alerts by email, give an email address."
		}
		na.Org = &org
	}
	na.Profile = prof
	if len(p) > 0 {
		return na, p, nil
	}
	hash, err := password.Hash(in.Password, password.Default)
	if err != nil {
		return na, nil, err
	}
	na.PasswordHash = hash
	return na, nil, nil
}

// PasswordProblem applies the password policy (OWASP ASVS 5): long enough,
// not too long, not among the most common passwords, not the username.
func PasswordProblem(pw, username string) string {
	if msg := password.Check(pw); msg != "" {
		return msg
	}
	if password.Common(pw) {
		return "That password is one of the most common, so it is easy to guess. Try a few unrelated words together."
	}
	if username != "" && strings.EqualFold(pw, username) {
		return "Your password must not be your username."
	}
	return ""
}

// Apply validates and stores an application to join. Problems come back as
// a scheme.Error with a message per field, and nothing is stored.
func (s *Service) Apply(ctx context.Context, in ApplicationInput) (scheme.Application, error) {
	na, problems, err := s.validate(ctx, in)
	if err != nil {
		return scheme.Application{}, err
	}
	if len(problems) > 0 {
		return scheme.Application{}, scheme.Invalid(problems)
	}
	na.URL = s.URL
	return s.DB.Accounts.CreateApplication(ctx, na)
}
