package account

import (
	"context"
	"errors"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// Own is a member's changes to her own account that the app makes in one
// request (PATCH /api/v1/me): a type of its own over the Service, so that
// the Service's list of use cases stays short. Each change goes through the
// same rules as the web page that makes it.
type Own struct{ s *Service }

// OwnOf gives the member's own changes over s.
func OwnOf(s *Service) Own { return Own{s: s} }

// MeChange is a partial change to the caller's account: a field left nil
// is left as it is. Problems are named as the API names the fields
// ("profile.email", "language").
type MeChange struct {
	Language *string        `json:"language"`
	Profile  *ProfileChange `json:"profile"`
}

// ProfileChange is a partial change to the details the profile page edits.
// Alert channels are given as the join form gives them ("email", "sms").
type ProfileChange struct {
	WorkName      *string   `json:"work_name"`
	RealName      *string   `json:"real_name"`
	Email         *string   `json:"email"`
	Mobile        *string   `json:"mobile"`
	AlertChannels *[]string `json:"alert_channels"`
	Regions       *[]string `json:"regions"`
	Gender        *string   `json:"gender"`
	Sector        *string   `json:"sector"`
	Area          *string   `json:"area"`
}

// over gives the whole profile edit: p as it is, with c's fields laid on it.
func (c ProfileChange) over(p scheme.Profile) ProfileInput {
	in := ProfileInput{WorkName: p.WorkName, RealName: p.RealName, Email: p.Email, Mobile: p.Mobile, Area: p.Area,
		Regions: p.Regions, Gender: p.Gender, Sector: p.Sector}
	if p.AlertEmail {
		in.AlertChannels = append(in.AlertChannels, "email")
	}
	if p.AlertSMS {
		in.AlertChannels = append(in.AlertChannels, "sms")
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.WorkName, c.WorkName)
	set(&in.RealName, c.RealName)
	set(&in.Email, c.Email)
	set(&in.Mobile, c.Mobile)
	set(&in.Gender, c.Gender)
	set(&in.Sector, c.Sector)
	set(&in.Area, c.Area)
	if c.AlertChannels != nil {
		in.AlertChannels = *c.AlertChannels
	}
	if c.Regions != nil {
		in.Regions = *c.Regions
	}
	return in
}

// Change applies c to u's account and returns the account as it is then.
// Every field is checked first, every problem named at once, and on any
// problem nothing is stored. The profile may be changed by those who have
// the profile page (ProfileRoles); the language by anyone signed in.
func (o Own) Change(ctx context.Context, u scheme.User, c MeChange) (Me, error) {
	problems := map[string]string{}
	if c.Language != nil && *c.Language != "" {
		if _, ok := i18n.Find(*c.Language); !ok {
			problems["language"] = "Choose one of the languages offered."
		}
	}
	var apply func() error
	if c.Profile != nil {
		p, err := o.s.DB.Accounts.Profile(ctx, u.ID)
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			return Me{}, scheme.Errorf(scheme.CodeForbidden, "Your account cannot do that.")
		} else if err != nil {
			return Me{}, err
		}
		up, err := checkProfile(ctx, o.s, u, c.Profile.over(p))
		var se *scheme.Error
		switch {
		case err == nil:
			apply = func() error { return o.s.DB.Accounts.UpdateProfile(ctx, u.ID, up) }
		case scheme.ErrorCode(err) == scheme.CodeInvalid && errors.As(err, &se):
			for k, v := range se.Fields {
				problems["profile."+k] = v
			}
		default:
			return Me{}, err
		}
	}
	if len(problems) > 0 {
		return Me{}, scheme.Invalid(problems)
	}
	if apply != nil {
		if err := apply(); err != nil {
			return Me{}, err
		}
	}
	if c.Language != nil {
		code, err := o.s.SetLanguage(ctx, u, *c.Language)
		if err != nil {
			return Me{}, err
		}
		u.Language = code
	}
	return o.s.Me(ctx, u)
}
