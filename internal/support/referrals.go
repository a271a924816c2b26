package support

import (
	"context"
	"slices"
	"strings"

	"uglymugs/internal/scheme"
)

// The members' search and the referrals.

// Query is a member's search of the directory, as a door receives it:
// codes still to be checked.
type Query struct {
	Region   string // a region's slug; "": her own regions
	Kind     string // a kind's slug; "": any
	Language string // a BCP 47 tag; "": any
}

// memberRoles may search the directory and answer referrals.
var memberRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}

func member(u scheme.User) error {
	if u.Status != scheme.StatusActive || !slices.Contains(memberRoles, u.Role) {
		return scheme.Errorf(scheme.CodeForbidden, "Your account cannot do that.")
	}
	return nil
}

// Near lists page p of the active services matching q for member u: in a
// region (by default, any of her own regions) or national, of a kind,
// speaking a language. A filter that is not one of the scheme's regions,
// not a kind, or not a language tag is refused, naming the field.
func (s *Service) Near(ctx context.Context, u scheme.User, q Query, p scheme.Page) (scheme.Listed[scheme.SupportService], error) {
	if err := member(u); err != nil {
		return scheme.Listed[scheme.SupportService]{}, err
	}
	f, err := s.filter(ctx, u, q)
	if err != nil {
		return scheme.Listed[scheme.SupportService]{}, err
	}
	return s.DB.Support.Services(ctx, f, p)
}

// filter checks q and makes it the store's filter for u, naming every
// problem at once.
func (s *Service) filter(ctx context.Context, u scheme.User, q Query) (scheme.ServiceFilter, error) {
	problems := map[string]string{}
	var f scheme.ServiceFilter
	if r := strings.TrimSpace(q.Region); r != "" {
		regions, err := s.DB.Content.Regions(ctx)
		if err != nil {
			return f, err
		}
		if !slices.ContainsFunc(regions, func(x scheme.Region) bool { return x.Slug == r }) {
			problems["region"] = "Choose one of the scheme's regions."
		}
		f.Regions = []string{r}
	} else {
		p, err := s.DB.Accounts.Profile(ctx, u.ID)
		if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			return f, err
		}
		f.Regions = p.Regions
	}
	if k := strings.TrimSpace(q.Kind); k != "" {
		if !KnownKind(k) {
			problems["kind"] = "Choose one of the kinds of help."
		}
		f.Kind = k
	}
	if l := strings.TrimSpace(q.Language); l != "" {
		tag, err := Tag(l)
		if err != nil {
			problems["language"] = "Give a language as a code such as ro or pt-BR."
		}
		f.Language = tag
	}
	if len(problems) > 0 {
		return f, scheme.Invalid(problems)
	}
	return f, nil
}

// Suggest suggests service serviceID to the reporter of reportID, with an
// optional note to her; she is told a message waits at link. Refused when
// she has not consented to be contacted about support.
func (s *Service) Suggest(ctx context.Context, u scheme.User, reportID, serviceID, note, link string) (scheme.Referral, error) {
	if err := staffOnly(u); err != nil {
		return scheme.Referral{}, err
	}
	if strings.TrimSpace(serviceID) == "" {
		return scheme.Referral{}, scheme.Invalid(map[string]string{"service": "Choose a service from the directory."})
	}
	if utf8Len(note) > scheme.MaxAddition {
		return scheme.Referral{}, scheme.Invalid(map[string]string{"note": "Keep the note to 4,000 characters."})
	}
	return s.DB.Support.SuggestReferral(ctx, u.ID, reportID, serviceID, note, link)
}

func utf8Len(s string) int { return len([]rune(s)) }

// Move records a referral's progress: suggested → made → accepted or
// declined → closed (scheme.CanMoveReferral, asked again by the store on
// the locked row).
func (s *Service) Move(ctx context.Context, u scheme.User, reportID, id, to string) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	st := scheme.ReferralStatus(to)
	if !slices.Contains(scheme.ReferralStatuses, st) || st == scheme.ReferralSuggested {
		return scheme.Invalid(map[string]string{"status": "Choose what happened to the referral."})
	}
	return s.DB.Support.MoveReferral(ctx, u.ID, reportID, id, st)
}

// Answer records u's answer to a service suggested on her own report:
// yes, no, or call me first. Anyone else's report is not found.
func (s *Service) Answer(ctx context.Context, u scheme.User, reportID, id, answer string) error {
	if u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Your account cannot do that.")
	}
	a := scheme.ReferralAnswer(answer)
	if !slices.Contains(scheme.ReferralAnswers, a) {
		return scheme.Invalid(map[string]string{"answer": "Choose yes, no or call me first."})
	}
	return s.DB.Support.AnswerReferral(ctx, u.ID, reportID, id, a)
}

// CaseReferrals lists a report's referrals for staff, oldest first.
func (s *Service) CaseReferrals(ctx context.Context, u scheme.User, reportID string) ([]scheme.Referral, error) {
	if err := staffOnly(u); err != nil {
		return nil, err
	}
	return s.DB.Support.Referrals(ctx, reportID)
}

// Mine lists the referrals on u's own report rep, oldest first. Anyone
// else's report is not found.
func (s *Service) Mine(ctx context.Context, u scheme.User, rep scheme.Report) ([]scheme.Referral, error) {
	if u.ID == "" || rep.ReporterID != u.ID {
		return nil, scheme.ErrNotFound
	}
	return s.DB.Support.Referrals(ctx, rep.ID)
}

// Suggestable lists the active services a caseworker may suggest on a
// report in region: those there, then national ones.
func (s *Service) Suggestable(ctx context.Context, u scheme.User, region string) ([]scheme.SupportService, error) {
	if err := staffOnly(u); err != nil {
		return nil, err
	}
	l, err := s.DB.Support.Services(ctx, scheme.ServiceFilter{Regions: []string{region}}, scheme.Page{})
	return l.Items, err
}
