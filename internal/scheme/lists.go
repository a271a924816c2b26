package scheme

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Region, Sector, Gender and IncidentType are the lists a scheme keeps as
// data, which admins add to, rename, reorder and retire while the service
// runs (internal/vocab). A value is never deleted: a retired one is no
// longer offered for new records, and the records that hold it keep
// showing its name (and statistics keep counting it). Names are English,
// the message IDs of their translations in the catalogue (lists.*.toml);
// a name an admin typed that the catalogue lacks is shown as typed in
// every language.
type Region struct {
	Slug, Name string
	// Phone is the ISO 3166 code ("GB", "IE") whose numbering plan reads
	// a phone number written without a country code by a member of the
	// region (see Lists.PhoneRegion).
	Phone   string
	Retired bool
}

// Sector is a sector of work (a monitoring question's answer, and a
// target of alerts).
type Sector struct {
	Slug, Name string
	Retired    bool
}

// Gender is an answer to the monitoring question on gender.
type Gender struct {
	Slug, Name string
	Retired    bool
}

// IncidentType is a kind of incident with its severity.
type IncidentType struct {
	Slug, Name string
	Severity   Severity
	Retired    bool
}

// Lists are the scheme's reference lists, which reports, alerts, members
// and statistics take their codes from: every value, retired ones too
// (Offered leaves those out).
type Lists struct {
	Types   []IncidentType // most severe first
	Regions []Region
	Sectors []Sector
	Genders []Gender
}

// Clone is a copy of the lists that shares nothing with them.
func (l Lists) Clone() Lists {
	return Lists{Types: slices.Clone(l.Types), Regions: slices.Clone(l.Regions), Sectors: slices.Clone(l.Sectors), Genders: slices.Clone(l.Genders)}
}

// Offered are the lists without their retired values: what a form offers
// and what a new record may take.
func (l Lists) Offered() Lists { return l.OfferedKeeping(Kept{}) }

// Kept are the values a record holds already (by slug, per list): a
// retired one stays valid for it, so that a member who chose a region
// since retired can still save her profile.
type Kept struct{ Types, Regions, Sectors, Genders []string }

// OfferedKeeping are the lists without their retired values, except those
// kept.
func (l Lists) OfferedKeeping(k Kept) Lists {
	return Lists{
		Types:   slices.DeleteFunc(slices.Clone(l.Types), func(x IncidentType) bool { return x.Retired && !slices.Contains(k.Types, x.Slug) }),
		Regions: slices.DeleteFunc(slices.Clone(l.Regions), func(x Region) bool { return x.Retired && !slices.Contains(k.Regions, x.Slug) }),
		Sectors: slices.DeleteFunc(slices.Clone(l.Sectors), func(x Sector) bool { return x.Retired && !slices.Contains(k.Sectors, x.Slug) }),
		Genders: slices.DeleteFunc(slices.Clone(l.Genders), func(x Gender) bool { return x.Retired && !slices.Contains(k.Genders, x.Slug) }),
	}
}

// Type is the incident type with slug s.
func (l Lists) Type(s string) (IncidentType, bool) {
	i := slices.IndexFunc(l.Types, func(x IncidentType) bool { return x.Slug == s })
	if i < 0 {
		return IncidentType{}, false
	}
	return l.Types[i], true
}

// Region is the region with slug s.
func (l Lists) Region(s string) (Region, bool) {
	i := slices.IndexFunc(l.Regions, func(x Region) bool { return x.Slug == s })
	if i < 0 {
		return Region{}, false
	}
	return l.Regions[i], true
}

// TypeName is an incident type's name; "" if the list lacks it.
func (l Lists) TypeName(slug string) string {
	t, _ := l.Type(slug)
	return t.Name
}

// RegionName is a region's name; "" if the list lacks it.
func (l Lists) RegionName(slug string) string {
	r, _ := l.Region(slug)
	return r.Name
}

// SectorName is a sector's name; "" if the list lacks it.
func (l Lists) SectorName(slug string) string {
	for _, x := range l.Sectors {
		if x.Slug == slug {
			return x.Name
		}
	}
	return ""
}

// GenderName is a gender's name; "" if the list lacks it.
func (l Lists) GenderName(slug string) string {
	for _, x := range l.Genders {
		if x.Slug == slug {
			return x.Name
		}
	}
	return ""
}

// HasSector, HasGender and HasRegion say whether a list has slug s.
func (l Lists) HasSector(s string) bool {
	return slices.ContainsFunc(l.Sectors, func(x Sector) bool { return x.Slug == s })
}

func (l Lists) HasGender(s string) bool {
	return slices.ContainsFunc(l.Genders, func(x Gender) bool { return x.Slug == s })
}

func (l Lists) HasRegion(s string) bool { _, ok := l.Region(s); return ok }

// TypeNameList names incident types; a slug the list lacks stands for
// itself.
func (l Lists) TypeNameList(slugs []string) []string {
	names := make([]string, 0, len(slugs))
	for _, t := range slugs {
		names = append(names, cmp.Or(l.TypeName(t), t))
	}
	return names
}

// TypeNames names incident types, joined with commas.
func (l Lists) TypeNames(slugs []string) string { return strings.Join(l.TypeNameList(slugs), ", ") }

// PhoneRegion is the numbering plan that reads a phone number written
// without a country code by someone in regions (slugs; retired ones
// count, a member keeps them): their regions' plan when all of them have
// the same one, else def, the scheme's. A member in Ireland reads
// "085 123 4567" as +353 85 123 4567; one in Ireland and Northern Ireland
// is read by the scheme's plan, as is anyone with no region.
func (l Lists) PhoneRegion(regions []string, def string) string {
	plan := ""
	for _, slug := range regions {
		r, ok := l.Region(slug)
		if !ok || r.Phone == "" {
			continue
		}
		if plan != "" && plan != r.Phone {
			return def
		}
		plan = r.Phone
	}
	return cmp.Or(plan, def)
}

// ListKind names one of the lists admins keep.
type ListKind string

const (
	ListRegions ListKind = "regions"
	ListTypes   ListKind = "incident-types"
	ListSectors ListKind = "sectors"
	ListGenders ListKind = "genders"
)

// ListKinds are the lists, in the order the admin pages show them, with
// their titles.
var ListKinds = []struct {
	Kind  ListKind
	Title string
}{
	{ListRegions, "Regions"}, {ListTypes, "Incident types"}, {ListSectors, "Sectors of work"}, {ListGenders, "Genders (monitoring answers)"},
}

// Valid says whether k is one of the lists.
func (k ListKind) Valid() bool {
	return slices.ContainsFunc(ListKinds, func(x struct {
		Kind  ListKind
		Title string
	}) bool {
		return x.Kind == k
	})
}

// MaxListName is the longest name of a list's value, in characters: the
// longest default is 39 ("Kidnap or being held against your will").
const MaxListName = 60

// ListNameProblem says what is wrong with a value's name, "" if nothing:
// one line of 1 to MaxListName characters.
func ListNameProblem(name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "Give it a name."
	case utf8.RuneCountInString(name) > MaxListName || strings.ContainsAny(name, "\r\n\t"):
		return fmt.Sprintf("Keep the name to one line of at most %d characters.", MaxListName)
	}
	return ""
}

// SeverityProblem says what is wrong with an incident type's severity,
// "" if it is one of the scale's.
func SeverityProblem(s Severity) string {
	if _, ok := SeverityRank[s]; !ok {
		return "Choose a severity: low, medium, high or highest."
	}
	return ""
}
