package core

import (
	"cmp"
	"html/template"
	"strings"
	"time"

	"uglymugs/internal/i18n"
	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
)

// ServiceCard is a support service as members and visitors see it: its
// name, contact details and description as the scheme typed them, its
// kinds, regions and languages in the reader's language.
type ServiceCard struct {
	ID, Name             string
	Kinds, Where         string
	Phone                string       // as dialled at home
	Tel                  template.URL // tel:+E.164, for tap-to-call
	Website, Email       string
	Hours, Description   string
	Languages, Confirmed string
	National, Helpline   bool
}

// CardOf is s in loc's language; lists name its regions.
func CardOf(loc *i18n.Localizer, l scheme.Lists, s scheme.SupportService) ServiceCard {
	c := ServiceCard{ID: s.ID, Name: s.Name, Website: s.Website, Email: s.Email, Hours: s.Hours, Description: s.Description,
		National: s.National, Helpline: s.Helpline}
	if s.Phone != "" {
		c.Phone = identifier.PhoneForPeople(s.Phone, "GB")
		// The number is E.164 (checked when saved: a plus and digits), so
		// the link is safe to mark as a URL; html/template would otherwise
		// refuse the tel: scheme.
		if strings.TrimLeft(s.Phone, "+0123456789") == "" {
			c.Tel = template.URL("tel:" + s.Phone) // #nosec G203 -- only "+" and digits
		}
	}
	var kinds, where, langs []string
	for _, k := range s.Kinds {
		kinds = append(kinds, loc.T(cmp.Or(scheme.SlugName(scheme.SupportKinds, k), k)))
	}
	for _, r := range s.Regions {
		where = append(where, loc.T(cmp.Or(l.RegionName(r), r)))
	}
	if s.National {
		where = []string{loc.T("Anywhere in the country")}
	}
	for _, tag := range s.Languages {
		// A language the service speaks is named in its own words when it is
		// one of ours; "en" is our English, but "pt" is not only Brazil's,
		// so any other tag shows as given.
		if tag == "en" {
			tag = i18n.English.Code
		}
		if lang, ok := i18n.Find(tag); ok {
			langs = append(langs, lang.Name)
		} else {
			langs = append(langs, tag)
		}
	}
	sep := loc.T(", ")
	c.Kinds, c.Where, c.Languages = strings.Join(kinds, sep), strings.Join(where, sep), strings.Join(langs, sep)
	if d, err := time.Parse(time.DateOnly, s.ConfirmedOn); err == nil {
		c.Confirmed = loc.Date(d, "2 January 2006")
	}
	return c
}

// KindOptions are the kinds of help as a filter's choices: "Any kind of
// help", then each, in loc's language.
func KindOptions(loc *i18n.Localizer, selected string) []Option {
	out := []Option{{Value: "", Label: loc.T("Any kind of help"), Selected: selected == ""}}
	for _, k := range scheme.SupportKinds {
		out = append(out, Option{Value: k.Slug, Label: loc.T(k.Name), Selected: k.Slug == selected})
	}
	return out
}
