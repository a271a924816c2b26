package report

import (
	"context"
	"encoding/json"
	"fmt"

	"uglymugs/internal/scheme"
)

// A report being written is kept as a draft, step by step, so that a
// reporter can stop and come back; only its writer ever sees it.

// StartDraft starts an empty draft for u and returns its id. Organisations
// and coordinators usually report for someone else, so their draft starts
// with "for someone else" ticked (and it stays so for staff).
func (s *Service) StartDraft(ctx context.Context, u scheme.User) (string, error) {
	data := "{}"
	if u.OrganisationID != "" || u.Role.Staff() {
		data = `{"third_party":true}`
	}
	return s.DB.Reports.SaveDraft(ctx, u.ID, "", 1, data)
}

// Drafts lists u's drafts, newest first.
func (s *Service) Drafts(ctx context.Context, u scheme.User) ([]scheme.Draft, error) {
	return s.DB.Reports.Drafts(ctx, u.ID)
}

// Draft returns one of u's drafts with what it holds so far. Anyone
// else's draft is not found.
func (s *Service) Draft(ctx context.Context, u scheme.User, id string) (scheme.Draft, Input, error) {
	ds, err := s.DB.Reports.Drafts(ctx, u.ID)
	if err != nil {
		return scheme.Draft{}, Input{}, err
	}
	for _, d := range ds {
		if d.ID != id {
			continue
		}
		var in Input
		if err := json.Unmarshal([]byte(d.Data), &in); err != nil {
			return d, in, fmt.Errorf("draft %s: %w", id, err)
		}
		return d, in, nil
	}
	return scheme.Draft{}, Input{}, scheme.ErrNotFound
}

// SaveDraft keeps what u has written so far in their draft id, and the
// step they are at.
func (s *Service) SaveDraft(ctx context.Context, u scheme.User, id string, step int, in Input) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = s.DB.Reports.SaveDraft(ctx, u.ID, id, step, string(b))
	return err
}

// DiscardDraft deletes one of u's drafts. Anyone else's draft is not
// found.
func (s *Service) DiscardDraft(ctx context.Context, u scheme.User, id string) error {
	if _, _, err := s.Draft(ctx, u, id); err != nil {
		return err
	}
	return s.DB.Reports.DeleteDraft(ctx, u.ID, id)
}
