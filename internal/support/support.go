// Package support is the scheme's directory of support services (sexual
// health, housing, independent advisers, migrant support…) and the
// referrals caseworkers make to them from a report. Coordinators and
// admins keep the directory; members find services near them by region,
// kind and language; visitors see the national helplines. A referral is
// suggested to the reporter in her report's thread, only with her consent
// to be contacted about support; she answers yes, no or "call me first",
// and the caseworker records how it went (scheme.CanMoveReferral).
//
// A service is the scheme's data (an organisation's public contact
// details), stored as typed; a referral is about the reporter, so it goes
// with her report and is in her own data.
package support

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Service is the directory's and the referrals' one entry point for every
// door.
type Service struct {
	DB *store.DB
}

// New returns the support service over db.
func New(db *store.DB) *Service { return &Service{DB: db} }

// Input is a service as a coordinator types it.
type Input struct {
	Name        string
	Kinds       []string
	National    bool
	Helpline    bool
	Regions     []string
	Towns       []string
	Phone       string
	Website     string
	Email       string
	Hours       string
	Languages   []string // BCP 47 tags
	Description string
	ConfirmedOn string // YYYY-MM-DD, or ""
}

// Limits on what a service's fields hold, in characters.
const (
	maxName        = 200
	maxHours       = 500
	maxDescription = 2000
)

// Check turns in into a service, naming every problem at once (field →
// plain words, for staff). now bounds the confirmation date.
func Check(in Input, now time.Time) (scheme.SupportService, map[string]string) {
	p := map[string]string{}
	s := scheme.SupportService{Name: tidy(in.Name), National: in.National, Helpline: in.Helpline,
		Hours: strings.TrimSpace(in.Hours), Description: strings.TrimSpace(in.Description), Kinds: []string{}, Regions: []string{}, Towns: []string{}, Languages: []string{}}
	switch n := utf8.RuneCountInString(s.Name); {
	case n == 0:
		p["name"] = "Give the service's name."
	case n > maxName:
		p["name"] = "Keep the name to 200 characters."
	}
	for _, k := range compact(in.Kinds) {
		if !KnownKind(k) {
			p["kinds"] = "Choose kinds from the list."
			break
		}
		s.Kinds = append(s.Kinds, k)
	}
	if len(s.Kinds) == 0 && p["kinds"] == "" {
		p["kinds"] = "Choose at least one kind of help."
	}
	s.Regions, s.Towns = compactSorted(in.Regions), compactSorted(in.Towns)
	if !s.National && len(s.Regions) == 0 {
		p["regions"] = "Choose the regions the service covers, or mark it national."
	}
	if s.National {
		s.Regions = []string{} // a national service serves every region
	}
	if s.Helpline && !s.National {
		p["helpline"] = "Only a national service can be shown as a helpline."
	}
	if v := strings.TrimSpace(in.Phone); v != "" {
		e164, err := identifier.Phone(v, "GB")
		if err != nil {
			p["phone"] = "Give a phone number that can be called, for example 0808 157 0123."
		}
		s.Phone = e164
	}
	if v := strings.TrimSpace(in.Website); v != "" {
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			p["website"] = "Give the website's full address, starting https://."
		}
		s.Website = v
	}
	if v := strings.TrimSpace(in.Email); v != "" {
		e, err := identifier.EmailAddress(v)
		if err != nil {
			p["email"] = "Give an email address like name@example.org."
		}
		s.Email = e
	}
	if s.Phone == "" && s.Website == "" && s.Email == "" && p["phone"] == "" && p["website"] == "" && p["email"] == "" {
		p["phone"] = "Give at least one way to reach the service: a phone number, a website or an email address."
	}
	if utf8.RuneCountInString(s.Hours) > maxHours {
		p["hours"] = "Keep the opening hours to 500 characters."
	}
	if utf8.RuneCountInString(s.Description) > maxDescription {
		p["description"] = "Keep this to 2,000 characters."
	}
	for _, l := range compact(in.Languages) {
		tag, err := Tag(l)
		if err != nil {
			p["languages"] = "Give languages as codes such as en, ro or pt-BR, separated by commas."
			break
		}
		if !slices.Contains(s.Languages, tag) {
			s.Languages = append(s.Languages, tag)
		}
	}
	if v := strings.TrimSpace(in.ConfirmedOn); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		switch {
		case err != nil:
			p["confirmed_on"] = "Give the date as year, month and day, for example 2026-05-01."
		case d.After(now):
			p["confirmed_on"] = "That date has not come yet."
		}
		s.ConfirmedOn = v
	}
	if len(p) > 0 {
		return s, p
	}
	return s, nil
}

// KnownKind reports whether k is one of scheme.SupportKinds.
func KnownKind(k string) bool {
	return slices.ContainsFunc(scheme.SupportKinds, func(x struct{ Slug, Name string }) bool { return x.Slug == k })
}

// Tag reads a BCP 47 language tag ("ro", "pt-BR", "zh-Hans") and gives it
// in its canonical form.
func Tag(s string) (string, error) {
	t, err := language.Parse(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	if b, conf := t.Base(); conf == language.No || b.String() == "und" {
		return "", errUnknownLanguage
	}
	return t.String(), nil
}

var errUnknownLanguage = scheme.Errorf(scheme.CodeInvalid, "unknown language")

func tidy(s string) string { return strings.Join(strings.Fields(s), " ") }

// compact trims and drops empty values, keeping the order and the first
// of each.
func compact(in []string) []string {
	var out []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func compactSorted(in []string) []string {
	out := compact(in)
	slices.Sort(out)
	if out == nil {
		return []string{}
	}
	return out
}

// staffOnly refuses anyone but an active coordinator or admin.
func staffOnly(u scheme.User) error { return scheme.CanCoordinate(u, "keep the support services") }

// Add adds a service to the directory.
func (s *Service) Add(ctx context.Context, u scheme.User, in Input) (scheme.SupportService, error) {
	if err := staffOnly(u); err != nil {
		return scheme.SupportService{}, err
	}
	svc, problems := Check(in, s.DB.Now())
	if problems != nil {
		return svc, scheme.Invalid(problems)
	}
	return s.DB.Support.SaveService(ctx, u.ID, svc)
}

// Update replaces what the directory says of service id.
func (s *Service) Update(ctx context.Context, u scheme.User, id string, in Input) (scheme.SupportService, error) {
	if err := staffOnly(u); err != nil {
		return scheme.SupportService{}, err
	}
	svc, problems := Check(in, s.DB.Now())
	if problems != nil {
		return svc, scheme.Invalid(problems)
	}
	svc.ID = id
	return s.DB.Support.SaveService(ctx, u.ID, svc)
}

// Retire stops offering a service (retired true) or offers it again.
// Referrals already made to it stay.
func (s *Service) Retire(ctx context.Context, u scheme.User, id string, retired bool) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	return s.DB.Support.RetireService(ctx, u.ID, id, retired)
}

// Directory lists page p of every service, retired ones too, for staff.
func (s *Service) Directory(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.SupportService], error) {
	if err := staffOnly(u); err != nil {
		return scheme.Listed[scheme.SupportService]{}, err
	}
	return s.DB.Support.Services(ctx, scheme.ServiceFilter{Retired: true}, p)
}

// Get returns one service for staff, retired or not.
func (s *Service) Get(ctx context.Context, u scheme.User, id string) (scheme.SupportService, error) {
	if err := staffOnly(u); err != nil {
		return scheme.SupportService{}, err
	}
	return s.DB.Support.Service(ctx, id)
}

// Helplines are the national helplines, which anyone may see (the contact
// page).
func (s *Service) Helplines(ctx context.Context) ([]scheme.SupportService, error) {
	l, err := s.DB.Support.Services(ctx, scheme.ServiceFilter{Helpline: true}, scheme.Page{})
	return l.Items, err
}
