// Package report holds the rules for incident reports: what a report must
// and may contain, how identifiers are normalised before they are indexed,
// how late a report is, and who may see and change what.
package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"uglymugs/internal/audit"
	"uglymugs/internal/i18n"
	"uglymugs/internal/identifier"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
)

// Service carries out the report rules over the store.
type Service struct {
	DB    *store.DB
	Hours settings.Hours // when a report is due, and dates
	Now   func() time.Time

	publicOnce sync.Once
	public     *stats.Cache // the public statistics, counted once a while
}

// New returns a Service.
func New(db *store.DB, hours scheme.WorkingHours) *Service {
	return &Service{DB: db, Hours: settings.Hours{Fixed: hours}, Now: time.Now}
}

// AcknowledgeWithin is the working time within which a report is
// acknowledged (one working day).
const AcknowledgeWithin = 8 * time.Hour

// Input is a report as typed (web form steps or JSON).
type Input struct {
	IncidentTypes   []string        `json:"incident_types"`
	Account         string          `json:"account"`
	IncidentAt      string          `json:"incident_at"`
	Region          string          `json:"region"`
	Town            string          `json:"town"`
	PlaceKind       string          `json:"place_kind"`
	ContactMethod   string          `json:"contact_method"`
	Offenders       []OffenderInput `json:"offenders"`
	VictimGender    string          `json:"victim_gender"`
	VictimSector    string          `json:"victim_sector"`
	PoliceReported  bool            `json:"police_reported"`
	PoliceReference string          `json:"police_reference"`
	Consents        scheme.Consents `json:"consents"`
	ThirdParty      bool            `json:"third_party"`
	// Draft is the web form's draft id (not part of the API): sending the
	// same draft twice files one report.
	Draft string `json:"-"`
	// Answered are the consent questions (ConsentQuestions' keys) the web
	// form's reporter has answered, yes or no: the form sends nothing until
	// she has answered each (UnansweredConsents). It is kept with the draft,
	// not part of the API, whose booleans are answers already.
	Answered []string `json:"-"`
}

// OffenderInput is one offender as typed.
type OffenderInput struct {
	Description scheme.OffenderDescription `json:"description"`
	Identifiers []IdentifierInput          `json:"identifiers"`
}

// IdentifierInput is one identifier as typed.
type IdentifierInput struct {
	Kind   string `json:"kind"`
	Value  string `json:"value"`
	Make   string `json:"make,omitempty"`
	Colour string `json:"colour,omitempty"`
}

const (
	maxAccount   = 20000
	maxShort     = 200
	maxOffenders = 10
	maxIdents    = 20
)

// ParseIncidentTime reads a date ("2026-11-20"), a date and time
// ("2026-11-20T22:30" or "2026-11-20 22:30") in the scheme's time zone, or
// an RFC 3339 instant. It reports whether a time of day was given.
func ParseIncidentTime(s string, loc *time.Location) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true, nil
		}
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return t, false, err
	}
	return t.Add(12 * time.Hour), false, nil // midday: the day is all that is known
}

func oneOf[T any](list []T, slug string, get func(T) string) bool {
	return slices.ContainsFunc(list, func(x T) bool { return get(x) == slug })
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Validate checks a report and builds it, normalising every identifier. It
// returns every problem at once, keyed by field name (offenders by
// "offenders.N.identifiers.M.value" and so on).
func (s *Service) Validate(ctx context.Context, in Input) (scheme.Report, map[string]string, error) {
	p := map[string]string{}
	loc := s.Hours.Location()
	if loc == nil {
		loc = time.UTC
	}
	now := s.Now()
	r := scheme.Report{ThirdParty: in.ThirdParty, Region: in.Region, PlaceKind: in.PlaceKind, ContactMethod: in.ContactMethod,
		VictimGender: in.VictimGender, VictimSector: in.VictimSector, PoliceReported: in.PoliceReported, Consents: in.Consents,
		SubmittedAt: now.UTC(), DraftID: in.Draft}

	all, err := s.DB.Content.Lists(ctx)
	if err != nil {
		return r, nil, err
	}
	lists := all.Offered() // a new report takes no retired value
	// A phone number written without a country code is read by the plan
	// of the region where it happened (Ireland's: "085 123 4567" is
	// +353 85 123 4567), else the scheme's.
	phonePlan := lists.PhoneRegion([]string{in.Region}, identifier.DefaultRegion)
	types := lists.Types
	sev := scheme.Severity("")
	for _, t := range in.IncidentTypes {
		i := slices.IndexFunc(types, func(x scheme.IncidentType) bool { return x.Slug == t })
		if i < 0 {
			p["incident_types"] = fmt.Sprintf("We do not know %q: choose from the list.", t)
			continue
		}
		if !slices.Contains(r.IncidentTypes, t) {
			r.IncidentTypes = append(r.IncidentTypes, t)
		}
		if scheme.SeverityRank[types[i].Severity] > scheme.SeverityRank[sev] {
			sev = types[i].Severity
		}
	}
	if len(in.IncidentTypes) == 0 {
		p["incident_types"] = "Choose at least one thing that happened, so that an alert can say what to watch for."
	}
	r.Severity = sev

	if strings.TrimSpace(in.IncidentAt) == "" {
		p["incident_at"] = "Give the date it happened, even roughly."
	} else if at, known, err := ParseIncidentTime(in.IncidentAt, loc); err != nil {
		p["incident_at"] = "Give the date as day, month and year."
	} else if at.After(now.Add(time.Hour)) && (known || at.In(loc).Format("2006-01-02") != now.In(loc).Format("2006-01-02")) {
		p["incident_at"] = "That date is in the future. Check the day, month and year."
	} else if at.Before(now.AddDate(-20, 0, 0)) {
		p["incident_at"] = "That date is more than 20 years ago. Check the year."
	} else {
		r.IncidentAt, r.TimeKnown = at.UTC(), known
		if r.IncidentAt.After(now) {
			r.IncidentAt = now.UTC()
		}
		r.Delay = now.Sub(r.IncidentAt)
		r.Late = r.Delay > scheme.LateAfter
	}

	if in.Region == "" {
		p["region"] = "Choose the region where it happened, so that the right members are warned."
	} else if !lists.HasRegion(in.Region) {
		p["region"] = "Choose a region from the list."
	}
	if in.PlaceKind != "" && !oneOf(scheme.PlaceKinds, in.PlaceKind, func(x struct{ Slug, Name string }) string { return x.Slug }) {
		p["place_kind"] = "Choose one of the places, or leave it blank."
	}
	if in.ContactMethod != "" && !oneOf(scheme.ContactMethods, in.ContactMethod, func(x struct{ Slug, Name string }) string { return x.Slug }) {
		p["contact_method"] = "Choose one of the ways, or leave it blank."
	}
	if in.VictimGender != "" && !lists.HasGender(in.VictimGender) {
		p["victim_gender"] = "Choose one of the answers, or leave it blank."
	}
	if in.VictimSector != "" && !lists.HasSector(in.VictimSector) {
		p["victim_sector"] = "Choose one of the answers, or leave it blank."
	}
	content := scheme.ReportContent{Account: strings.TrimSpace(in.Account), Town: strings.TrimSpace(in.Town), PoliceRef: strings.TrimSpace(in.PoliceReference)}
	if tooLong(content.Account, maxAccount) {
		p["account"] = fmt.Sprintf("Please keep it under %d characters. You can add more later in a message.", maxAccount)
	}
	if tooLong(content.Town, maxShort) {
		p["town"] = fmt.Sprintf("Use at most %d characters.", maxShort)
	}
	if tooLong(content.PoliceRef, maxShort) {
		p["police_reference"] = fmt.Sprintf("Use at most %d characters.", maxShort)
	}
	if len(in.Offenders) > maxOffenders {
		p["offenders"] = fmt.Sprintf("At most %d offenders in one report.", maxOffenders)
	}
	content.Offenders = []scheme.Offender{}
	for i, oi := range in.Offenders {
		o := scheme.Offender{Description: trimDescription(oi.Description), Identifiers: []scheme.Identifier{}}
		if len(oi.Identifiers) > maxIdents {
			p[fmt.Sprintf("offenders.%d.identifiers", i)] = fmt.Sprintf("At most %d identifiers per offender.", maxIdents)
		}
		for j, ii := range oi.Identifiers {
			key := fmt.Sprintf("offenders.%d.identifiers.%d", i, j)
			value := strings.TrimSpace(ii.Value)
			if value == "" {
				if strings.TrimSpace(ii.Make) != "" || strings.TrimSpace(ii.Colour) != "" {
					// A make or colour without a registration would be
					// dropped with the empty row: say so rather than lose it.
					p[key+".value"] = "Give the registration, even part of it (type x for what you do not know), or describe the vehicle's make and colour with the offender instead."
				}
				continue // an empty row in a form
			}
			if !slices.Contains(scheme.IdentifierKinds, ii.Kind) {
				p[key+".kind"] = "Choose phone, email, vehicle, name or username."
				continue
			}
			if tooLong(value, maxShort) {
				p[key+".value"] = fmt.Sprintf("Use at most %d characters.", maxShort)
				continue
			}
			res, err := normalise(ii.Kind, value, phonePlan)
			if err != nil {
				p[key+".value"] = err.Error()
				continue
			}
			o.Identifiers = append(o.Identifiers, scheme.Identifier{Kind: ii.Kind, Value: value, Normalised: res.Value, Partial: res.Partial,
				Make: strings.TrimSpace(ii.Make), Colour: strings.TrimSpace(ii.Colour)})
		}
		if o.Description != (scheme.OffenderDescription{}) || len(o.Identifiers) > 0 {
			content.Offenders = append(content.Offenders, o)
		}
	}
	r.Original = content
	if !r.IncidentAt.IsZero() {
		hours, err := s.WorkingHours(ctx)
		if err != nil {
			return r, nil, err
		}
		r.AcknowledgeBy = hours.Add(r.SubmittedAt, AcknowledgeWithin).UTC()
	}
	return r, p, nil
}

func trimDescription(d scheme.OffenderDescription) scheme.OffenderDescription {
	f := func(s string) string {
		s = strings.TrimSpace(s)
		if tooLong(s, maxShort) {
			s = string([]rune(s)[:maxShort])
		}
		return s
	}
	return scheme.OffenderDescription{Gender: f(d.Gender), Age: f(d.Age), Height: f(d.Height), Build: f(d.Build), Ethnicity: f(d.Ethnicity),
		Hair: f(d.Hair), Features: f(d.Features), Accent: f(d.Accent), Vehicle: f(d.Vehicle)}
}

// AlwaysThirdParty reports whether u's reports are always for someone
// else: an organisation's staff report for the people they support, and
// scheme staff for whoever told them.
func AlwaysThirdParty(u scheme.User) bool { return u.Role == scheme.RoleOrgStaff || u.Role.Staff() }

// CanReport reports whether u may file reports.
func CanReport(u scheme.User) bool {
	if u.Status != scheme.StatusActive {
		return false
	}
	switch u.Role {
	case scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff, scheme.RoleCoordinator, scheme.RoleAdmin:
		return true
	}
	return false
}

// Submit validates and stores a report by u. An organisation's staff always
// report for someone else, on behalf of their organisation.
func (s *Service) Submit(ctx context.Context, u scheme.User, in Input) (scheme.Report, error) {
	if !CanReport(u) {
		return scheme.Report{}, scheme.Errorf(scheme.CodeForbidden, "Your account cannot make reports yet.")
	}
	r, problems, err := s.Validate(ctx, in)
	if err != nil {
		return r, err
	}
	if len(problems) > 0 {
		return r, scheme.Invalid(problems)
	}
	r.ReporterID, r.OrganisationID = u.ID, u.OrganisationID
	r.ThirdParty = r.ThirdParty || AlwaysThirdParty(u)
	// The language she wrote in: the page's, or the API request's.
	if l, ok := i18n.FromContext(ctx); ok {
		r.Original.Language = l.Code
	}
	return s.DB.Reports.CreateReport(ctx, r)
}

// Get returns a report for u: its reporter, or a coordinator. Anyone else
// gets "not found", so that report ids reveal nothing.
func (s *Service) Get(ctx context.Context, u scheme.User, id string) (scheme.Report, error) {
	r, err := s.DB.Reports.Report(ctx, id)
	if err != nil {
		return r, err
	}
	if r.ReporterID == u.ID {
		return r, nil
	}
	if !(u.Role.Staff() && u.Status == scheme.StatusActive) {
		return scheme.Report{}, scheme.ErrNotFound
	}
	// A coordinator reading someone's report is a view of personal data.
	return r, s.DB.Audit(ctx, audit.Entry{Actor: u.ID, Action: "report.view", SubjectType: "report", SubjectID: id})
}

// normalise normalises an identifier of one of the report kinds (the API
// words phone, email, vehicle, name, username), reading a phone number
// without a country code by the numbering plan of phoneRegion.
func normalise(kind, value, phoneRegion string) (identifier.Result, error) {
	k, err := identifier.ParseKind(kind)
	if err != nil {
		return identifier.Result{}, err
	}
	return identifier.NormaliseIn(k, value, phoneRegion)
}

// Search finds reports holding an identifier, for coordinators: by its
// normalised form (so any way of writing a phone number finds it) and as
// typed (so a partial value typed the same way is found too). The search
// is audited.
func (s *Service) Search(ctx context.Context, u scheme.User, kind, value string) ([]scheme.Report, error) {
	if err := scheme.CanCoordinate(u, "search reports"); err != nil {
		return nil, err
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, scheme.Invalid(map[string]string{"value": "Type what you are looking for."})
	}
	if !slices.Contains(scheme.IdentifierKinds, kind) {
		return nil, scheme.Invalid(map[string]string{"kind": "Choose phone, email, vehicle, name or username."})
	}
	values := []string{value}
	if res, err := normalise(kind, value, identifier.DefaultRegion); err == nil && res.Value != "" {
		values = append(values, res.Value)
	}
	rs, err := s.DB.Reports.FindReportsByIdentifier(ctx, kind, values...)
	if err != nil {
		return nil, err
	}
	// Audited with the kind and the number found, never the values.
	return rs, s.DB.Audit(ctx, audit.Entry{Actor: u.ID, Action: "identifier.search", Detail: fmt.Sprintf(`{"kind":%q,"found":%d}`, kind, len(rs))})
}
