// Package town is the towns or areas within each region: admins add,
// rename, reorder and retire them while the service runs (regions change
// only by migration), and a member narrows her alerts to some towns of
// her regions. An alert's towns are the alert service's (internal/alert);
// who a choice of towns reaches is the store's one targeting rule. No
// town is ever taken from a device's location: members choose them.
package town

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Service is the towns' one entry point for every door.
type Service struct {
	DB *store.DB
}

// New returns the towns' service over db.
func New(db *store.DB) *Service { return &Service{DB: db} }

// All are every town, retired ones too, by region then position. The
// table is small and changes at any time, so it is read each time.
func (s *Service) All(ctx context.Context) (scheme.Towns, error) {
	return s.DB.Towns.All(ctx)
}

func adminOnly(u scheme.User) error {
	if u.Role != scheme.RoleAdmin || u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Only admins change the towns.")
	}
	return nil
}

// Add adds a town at the end of region's list.
func (s *Service) Add(ctx context.Context, u scheme.User, region, name string) (scheme.Town, error) {
	if err := adminOnly(u); err != nil {
		return scheme.Town{}, err
	}
	name = tidy(name)
	if msg := scheme.TownNameProblem(name); msg != "" {
		return scheme.Town{}, scheme.Invalid(map[string]string{"name": msg})
	}
	return s.DB.Towns.AddTown(ctx, u.ID, region, name, Slug(region, name))
}

// Rename gives a town a new name; members' and alerts' choices of it stay.
func (s *Service) Rename(ctx context.Context, u scheme.User, slug, name string) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	name = tidy(name)
	if msg := scheme.TownNameProblem(name); msg != "" {
		return scheme.Invalid(map[string]string{"name": msg})
	}
	return s.DB.Towns.RenameTown(ctx, u.ID, slug, name)
}

// Move moves a town one place up or down its region's list.
func (s *Service) Move(ctx context.Context, u scheme.User, slug string, up bool) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	return s.DB.Towns.MoveTown(ctx, u.ID, slug, up)
}

// Retire stops offering a town (retired true) or offers it again.
// Members who chose it and alerts that named it keep it: the store's
// targeting rule says what that means for who is warned.
func (s *Service) Retire(ctx context.Context, u scheme.User, slug string, retired bool) error {
	if err := adminOnly(u); err != nil {
		return err
	}
	return s.DB.Towns.RetireTown(ctx, u.ID, slug, retired)
}

// SetMine replaces the towns a member narrows her alerts to: towns of
// her regions (CheckMine); none in a region is the whole region. Refused,
// with nothing stored, when one is not.
func (s *Service) SetMine(ctx context.Context, u scheme.User, towns []string) error {
	towns = Compact(towns)
	if err := s.CheckMine(ctx, u, towns); err != nil {
		return err
	}
	return s.DB.Towns.SetMemberTowns(ctx, u.ID, towns)
}

// CheckMine says whether SetMine would take towns, storing nothing: a
// door that changes more than her towns at once asks it first. The rule
// is scheme.TownChoiceProblem, which her profile form asks too.
func (s *Service) CheckMine(ctx context.Context, u scheme.User, towns []string) error {
	if u.Status != scheme.StatusActive || !slices.Contains([]scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}, u.Role) {
		return scheme.Errorf(scheme.CodeForbidden, "Your account cannot do that.")
	}
	p, err := s.DB.Accounts.Profile(ctx, u.ID)
	if err != nil {
		return err
	}
	all, err := s.DB.Towns.All(ctx)
	if err != nil {
		return err
	}
	if msg := scheme.TownChoiceProblem(all, p.Regions, Compact(towns), p.Towns); msg != "" {
		return scheme.Invalid(map[string]string{"towns": msg})
	}
	return nil
}

// Compact trims, sorts and de-duplicates a choice of towns, dropping
// empty ones.
func Compact(towns []string) []string {
	var out []string
	for _, t := range towns {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tidy trims a name and closes up runs of spaces.
func tidy(name string) string { return strings.Join(strings.Fields(name), " ") }

// Slug makes a town's slug from its name: lower-case ASCII letters and
// digits joined by hyphens, accents dropped ("Dún Laoghaire" is
// "dun-laoghaire"); the region's slug when nothing of the name is left
// (a name in another script). The store adds a number when the slug is
// taken (a Newport in Wales and one in the South East).
func Slug(region, name string) string {
	if s := SlugOf(name); s != "" {
		return s
	}
	return region + "-town"
}

// SlugOf is a name as a slug (see Slug); "" when nothing of it is left.
// The scheme's other lists (internal/vocab) make theirs the same way.
func SlugOf(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		case unicode.Is(unicode.Mn, r): // an accent, decomposed
		default:
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	return s
}
