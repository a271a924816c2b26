package report

import (
	"context"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Offender profiles: what links several reports to one likely person, and
// the coordinators' hand over those links.

// OffenderProfile returns an offender profile for a coordinator, and
// records the view.
func (s *Service) OffenderProfile(ctx context.Context, u scheme.User, id string) (scheme.OffenderProfile, error) {
	if err := coordinator(u); err != nil {
		return scheme.OffenderProfile{}, err
	}
	p, err := s.DB.Reports.OffenderProfile(ctx, id)
	return store.Viewed(ctx, s.DB, audit.Entry{Actor: u.ID, Action: "offender.view", SubjectType: "offender_profile", SubjectID: id}, p, err)
}

// ProfileReports returns the ids of the reports an offender profile links,
// oldest incident first.
func (s *Service) ProfileReports(ctx context.Context, profileID string) ([]string, error) {
	return s.DB.Police.ProfileReports(ctx, profileID)
}

// SuggestedMatches finds partial identifiers in other profiles that fit
// one of this profile's full identifiers: possible links for a coordinator
// to judge, never made automatically. The caller has already read (and so
// audited) the profile.
func (s *Service) SuggestedMatches(ctx context.Context, profileID string) ([]scheme.Suggestion, error) {
	return s.DB.Reports.SuggestedMatches(ctx, profileID)
}

// RankedProfiles ranks offender profiles by how many reports matching f
// name them, for coordinators' intelligence: page p of them.
func (s *Service) RankedProfiles(ctx context.Context, f scheme.IntelFilter, p scheme.Page) (scheme.Listed[scheme.ProfileRank], error) {
	return s.DB.Police.RankedProfiles(ctx, f, p)
}

// MoveOffender links an offender by hand into profile to (or, with to "",
// unlinks them into a profile of their own) with a reason, and returns the
// profile they are now in. The offender must be named, and must not be in
// profile to already.
func (s *Service) MoveOffender(ctx context.Context, u scheme.User, offenderID, to, reason string) (string, error) {
	if err := coordinator(u); err != nil {
		return "", err
	}
	if offenderID == "" {
		return "", scheme.Invalid(map[string]string{"offender": "Give the offender's reference: it is on the report's case page, under each offender."})
	}
	if to != "" && s.inProfile(ctx, offenderID, to) {
		return "", scheme.Invalid(map[string]string{"offender": "That offender is already in this profile."})
	}
	if strings.TrimSpace(reason) == "" {
		return "", scheme.Invalid(map[string]string{"reason": "Say why: links change what coordinators believe about a person."})
	}
	return s.DB.Reports.MoveOffender(ctx, u.ID, offenderID, to, reason)
}

// inProfile reports whether an offender is already in a profile. When it
// cannot tell, it says no and leaves the move to find out.
func (s *Service) inProfile(ctx context.Context, offenderID, profileID string) bool {
	rs, err := s.DB.Reports.Reports(ctx, scheme.ReportFilter{ProfileID: profileID})
	if err != nil {
		return false
	}
	for _, x := range rs {
		full, err := s.DB.Reports.Report(ctx, x.ID)
		if err != nil {
			return false
		}
		for _, o := range full.Working.Offenders {
			if o.ID == offenderID && o.ProfileID == profileID {
				return true
			}
		}
	}
	return false
}
