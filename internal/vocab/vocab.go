// Package vocab is the scheme's own words for things: its regions (each
// with the numbering plan that reads its members' phone numbers), the
// kinds of incident with their severities, the sectors of work and the
// answers to the monitoring question on gender. Admins add, rename,
// reorder and retire values while the service runs (towns, within
// regions, are internal/town's). Nothing is ever deleted: a retired value
// is no longer offered for new reports, alerts or members, and the
// records that hold it keep showing it (statistics keep counting it).
//
// Every door reads the lists afresh (content.Service.Lists), so a change
// made on one instance is seen by the others from their next request.
//
// Names are English, and the catalogue translates the defaults
// (lists.*.toml). A value an admin adds or renames is shown as typed in
// every language until a release brings its translations: admins type
// names members of every language can read, or ask for translations.
package vocab

import (
	"context"
	"strings"

	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/town"
)

// Service is the lists' one entry point for every door.
type Service struct {
	DB *store.DB
}

// New returns the lists' service over db.
func New(db *store.DB) *Service { return &Service{DB: db} }

// Value is what an admin gives a value: its name, and an incident type's
// severity or a region's phone numbering plan (an ISO 3166 code such as
// "GB" or "IE"), which the other lists ignore.
type Value struct {
	Name     string
	Severity scheme.Severity
	Phone    string
}

func adminOnly(u scheme.User) error {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Only admins change the scheme's lists.")
	}
	return nil
}

// check tidies v for list kind and names every problem with it.
func check(kind scheme.ListKind, v Value) (store.ListValue, error) {
	if !kind.Valid() {
		return store.ListValue{}, scheme.ErrNotFound
	}
	out := store.ListValue{Name: strings.Join(strings.Fields(v.Name), " ")}
	p := map[string]string{}
	if msg := scheme.ListNameProblem(out.Name); msg != "" {
		p["name"] = msg
	}
	switch kind {
	case scheme.ListTypes:
		out.Severity = scheme.Severity(strings.TrimSpace(string(v.Severity)))
		if msg := scheme.SeverityProblem(out.Severity); msg != "" {
			p["severity"] = msg
		}
	case scheme.ListRegions:
		out.Phone = strings.ToUpper(strings.TrimSpace(v.Phone))
		if !identifier.KnownPhoneRegion(out.Phone) {
			p["phone"] = "Give the two-letter country code whose phone numbers the region's members use, such as GB or IE."
		}
	}
	if len(p) > 0 {
		return out, scheme.Invalid(p)
	}
	return out, nil
}

// Add adds a value at the end of a list and returns its slug, made from
// its name (a number after it when the list has that slug already).
func (s *Service) Add(ctx context.Context, u scheme.User, kind scheme.ListKind, v Value) (string, error) {
	if err := adminOnly(u); err != nil {
		return "", err
	}
	sv, err := check(kind, v)
	if err != nil {
		return "", err
	}
	base := town.SlugOf(sv.Name)
	if base == "" { // a name in another script
		base = strings.TrimSuffix(string(kind), "s")
	}
	return s.DB.Vocab.AddValue(ctx, u.ID, kind, base, sv)
}

// Edit renames a value and sets an incident type's severity or a region's
// numbering plan. Records that hold it keep it, under its new name; a
// report keeps the severity it was given.
func (s *Service) Edit(ctx context.Context, u scheme.User, kind scheme.ListKind, slug string, v Value) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	sv, err := check(kind, v)
	if err != nil {
		return err
	}
	return s.DB.Vocab.EditValue(ctx, u.ID, kind, slug, sv)
}

// Move moves a value one place up or down its list (an incident type,
// among those of its severity: they are shown most severe first).
func (s *Service) Move(ctx context.Context, u scheme.User, kind scheme.ListKind, slug string, up bool) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	if !kind.Valid() {
		return scheme.ErrNotFound
	}
	return s.DB.Vocab.MoveValue(ctx, u.ID, kind, slug, up)
}

// Retire stops offering a value (retired true) or offers it again.
// Reports, alerts and members that hold it keep it.
func (s *Service) Retire(ctx context.Context, u scheme.User, kind scheme.ListKind, slug string, retired bool) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	if !kind.Valid() {
		return scheme.ErrNotFound
	}
	if retired && (kind == scheme.ListRegions || kind == scheme.ListTypes) {
		// A report needs a region and a kind of incident, a member a region.
		l, err := s.DB.Content.Lists(ctx)
		if err != nil {
			return err
		}
		o := l.Offered()
		if n := map[scheme.ListKind]int{scheme.ListRegions: len(o.Regions), scheme.ListTypes: len(o.Types)}[kind]; n <= 1 {
			return scheme.Invalid(map[string]string{"retired": "This is the last one offered: add another before retiring it."})
		}
	}
	return s.DB.Vocab.RetireValue(ctx, u.ID, kind, slug, retired)
}
