// Package alert holds the rules for alerts: the draft a coordinator starts
// from (filled from the reports), what an alert must contain, the
// anonymisation check run on every save and before publishing, two-person
// approval, and what members may see and search.
package alert

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"uglymugs/internal/anonymise"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
)

// Service carries out the alert rules over the store.
type Service struct {
	DB  *store.DB
	Loc *time.Location // the scheme's time zone, for dates in drafts
	// Urgent is urgent alerts' rules and review (urgent.go); Rota the
	// on-call rota: who may publish them, and when.
	Urgent *Urgent
	Rota   *Rota
}

// New returns a Service, with the scheme's default office hours in loc.
func New(db *store.DB, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{DB: db, Loc: loc, Urgent: &Urgent{DB: db, Hours: settings.Hours{Fixed: scheme.DefaultWorkingHours(loc)}}, Rota: &Rota{DB: db, Loc: loc}}
}

// Input is an alert as a coordinator sends it. On creation, fields left nil
// are filled from the reports; on an edit, nil fields keep their value.
type Input struct {
	ReportIDs     []string             `json:"report_ids"`
	Title         *string              `json:"title"`
	Body          *string              `json:"body"`
	Area          *string              `json:"area"`
	Severity      *string              `json:"severity"`
	Nationwide    *bool                `json:"nationwide"`
	Regions       *[]string            `json:"regions"`
	Towns         *[]string            `json:"towns"` // within Regions: see the store's targeting rule
	Sectors       *[]string            `json:"sectors"`
	Genders       *[]string            `json:"genders"`
	IncidentTypes *[]string            `json:"incident_types"`
	Identifiers   *[]scheme.Identifier `json:"identifiers"` // a choice among the reports' identifiers
	// Translations, when given, replace the alert's translations (see
	// translations.go).
	Translations   *map[string]scheme.AlertTranslation `json:"translations"`
	OverrideReason string                              `json:"override_reason,omitempty"`
}

const (
	maxTitle   = 120
	maxBody    = 5000
	maxArea    = 100
	maxReports = 20
)

// staffOnly refuses anyone but an active coordinator or admin.
func staffOnly(u scheme.User) error { return scheme.CanCoordinate(u, "can do that") }

// Write starts an alert from reports: a new draft, filled from them where
// in leaves fields out and checked for anything that identifies a
// reporter (created true). But when a draft written from every one of
// these reports already exists, the alert is that draft, as it is: in's
// other fields are not applied (they are an edit, for Update), and
// nothing new is stored (created false). So "Write an alert" pressed
// twice, or by two coordinators, leads to one draft, whichever door it
// came through.
func (s *Service) Write(ctx context.Context, u scheme.User, in Input) (a scheme.Alert, created bool, err error) {
	if err := staffOnly(u); err != nil {
		return a, false, err
	}
	reports, problem := s.reports(ctx, in.ReportIDs)
	if problem != "" {
		return a, false, scheme.Invalid(map[string]string{"report_ids": problem})
	}
	if old, err := s.DB.Alerts.DraftFrom(ctx, in.ReportIDs); scheme.ErrorCode(err) != scheme.CodeNotFound {
		return old, false, err
	}
	if a, err = s.fromReports(ctx, reports); err != nil {
		return a, false, err
	}
	if err := s.apply(ctx, &a, in, reports); err != nil {
		return a, false, err
	}
	if a.Flags, err = s.check(ctx, a, reports); err != nil {
		return a, false, err
	}
	// The store looks again, under lock: another coordinator may have
	// written one since.
	return s.DB.Alerts.CreateDraft(ctx, u.ID, a)
}

// Draft is Write for callers that need not know whether the draft is new.
func (s *Service) Draft(ctx context.Context, u scheme.User, in Input) (scheme.Alert, error) {
	a, _, err := s.Write(ctx, u, in)
	return a, err
}

// Update applies an edit to a draft or a published alert (a new version;
// an edit that the check flags needs an override reason).
func (s *Service) Update(ctx context.Context, u scheme.User, id string, in Input) (scheme.Alert, error) {
	if err := staffOnly(u); err != nil {
		return scheme.Alert{}, err
	}
	a, err := s.DB.Alerts.Alert(ctx, id)
	if err != nil {
		return a, err
	}
	old := a
	if in.ReportIDs != nil && !sameSet(in.ReportIDs, a.ReportIDs) {
		return a, scheme.Invalid(map[string]string{"report_ids": "The reports behind an alert cannot change: write a new alert instead."})
	}
	reports, problem := s.reports(ctx, a.ReportIDs)
	if problem != "" && a.Status == scheme.AlertDraft {
		return a, scheme.Invalid(map[string]string{"report_ids": problem})
	}
	if err := s.apply(ctx, &a, in, reports); err != nil {
		return a, err
	}
	if a.Flags, err = s.check(ctx, a, reports); err != nil {
		return a, err
	}
	if a.Status == scheme.AlertPublished && len(a.Flags) > 0 && strings.TrimSpace(in.OverrideReason) == "" {
		return a, &scheme.Error{Code: scheme.CodeInvalid, Message: "This alert has already gone to members: an edit the anonymisation check flags needs a reason to publish it anyway.",
			Fields: map[string]string{"override_reason": "Change the flagged text, or say why it is safe to publish as it is."}}
	}
	a.OverrideReason = strings.TrimSpace(in.OverrideReason)
	if err := scheme.CanEdit(old, a); err != nil {
		return a, err
	}
	return s.DB.Alerts.UpdateAlert(ctx, u.ID, a)
}

// Approve records a second coordinator's approval: of a draft, by someone
// who neither wrote nor last edited it (scheme.CanApprove; the store asks
// again in its transaction, so that two racing requests cannot both pass).
func (s *Service) Approve(ctx context.Context, u scheme.User, id string) error {
	if err := staffOnly(u); err != nil {
		return err
	}
	a, err := s.DB.Alerts.Alert(ctx, id)
	if err != nil {
		return err
	}
	if err := scheme.CanApprove(a, u); err != nil {
		return err
	}
	return s.DB.Alerts.ApproveAlert(ctx, u.ID, id)
}

// RequireApproval reports whether publishing needs a second coordinator
// (the scheme's setting; on unless an admin turned it off). It is read
// afresh each time, never from the settings' few seconds of cache: an
// admin who switches it on must not leave a window in which another
// instance lets one coordinator publish alone.
func (s *Service) RequireApproval(ctx context.Context) (bool, error) {
	v, err := s.DB.Alerts.Setting(ctx, scheme.SettingRequireApproval, "true")
	return v != "false", err
}

// Publish is PublishWith for the usual route, with the override reason
// given (if any).
func (s *Service) Publish(ctx context.Context, u scheme.User, id, override string) (scheme.Audience, error) {
	return s.PublishWith(ctx, u, id, PublishInput{OverrideReason: override})
}

// PublishInput is how a coordinator publishes: the reason to publish
// over the anonymisation check's flags, or Urgent, alone out of hours.
type PublishInput struct {
	OverrideReason string `json:"override_reason"`
	Urgent         bool   `json:"urgent"`
}

// PublishWith runs the check once more and publishes: the one way to
// publish, for every door. Open flags need an override reason; an urgent
// alert goes out only as Urgent allows.
func (s *Service) PublishWith(ctx context.Context, u scheme.User, id string, in PublishInput) (scheme.Audience, error) {
	override := in.OverrideReason
	if err := staffOnly(u); err != nil {
		return scheme.Audience{}, err
	}
	a, err := s.DB.Alerts.Alert(ctx, id)
	if err != nil {
		return scheme.Audience{}, err
	}
	reports, problem := s.reports(ctx, a.ReportIDs)
	if problem != "" {
		return scheme.Audience{}, scheme.Errorf(scheme.CodeConflict, "%s", problem)
	}
	flags, err := s.check(ctx, a, reports)
	if err != nil {
		return scheme.Audience{}, err
	}
	if in.Urgent {
		return s.Urgent.publish(ctx, u, a, flags)
	}
	require, err := s.RequireApproval(ctx)
	if err != nil {
		return scheme.Audience{}, err
	}
	if err := scheme.ReadyToPublish(a, require); err != nil {
		return scheme.Audience{}, err
	}
	if err := scheme.OverrideNeeded(flags, override); err != nil {
		return scheme.Audience{}, err
	}
	return s.DB.Alerts.PublishAlert(ctx, u.ID, id, store.PublishOptions{RequireApproval: require, Flags: flags, OverrideReason: override})
}

// reports loads the reports an alert is written from, or says what is
// wrong with the choice in plain words.
func (s *Service) reports(ctx context.Context, ids []string) ([]scheme.Report, string) {
	ids = compact(ids)
	switch {
	case len(ids) == 0:
		return nil, "Choose at least one report to write the alert from."
	case len(ids) > maxReports:
		return nil, fmt.Sprintf("Write an alert from at most %d reports.", maxReports)
	}
	var out []scheme.Report
	for _, id := range ids {
		r, err := s.DB.Reports.Report(ctx, id)
		if err != nil {
			if scheme.ErrorCode(err) == scheme.CodeNotFound {
				return nil, "One of the reports does not exist (any more)."
			}
			return nil, "The reports could not be read just now: try again."
		}
		if !r.Consents.Alert {
			return nil, "The reporter of one of these reports did not consent to an alert: it cannot be published from."
		}
		if r.Status == scheme.ReportRejected {
			return nil, "One of these reports was rejected: an alert cannot be written from it."
		}
		out = append(out, r)
	}
	return out, ""
}

// fromReports fills a draft from the reports: the highest severity, every
// incident type, the earliest date, their regions, the area at town level
// when they agree on one town, the offender description and every full
// identifier the reporters gave (consenting to an alert is consenting to
// these being published). The body never copies a reporter's own words.
func (s *Service) fromReports(ctx context.Context, rs []scheme.Report) (scheme.Alert, error) {
	a := scheme.Alert{Severity: scheme.SeverityLow}
	typeNames, regionNames, err := s.names(ctx)
	if err != nil {
		return a, err
	}
	towns := map[string]bool{}
	for i, r := range rs {
		a.ReportIDs = append(a.ReportIDs, r.ID)
		if scheme.SeverityRank[r.Severity] > scheme.SeverityRank[a.Severity] {
			a.Severity = r.Severity
		}
		a.IncidentTypes = append(a.IncidentTypes, r.IncidentTypes...)
		a.Regions = append(a.Regions, r.Region)
		if i == 0 || r.IncidentAt.Before(a.IncidentAt) {
			a.IncidentAt = r.IncidentAt
		}
		towns[strings.TrimSpace(r.Working.Town)] = true
		for _, o := range r.Working.Offenders {
			for _, id := range o.Identifiers {
				if !id.Partial && id.Normalised != "" && !hasIdentifier(a.Identifiers, id) {
					a.Identifiers = append(a.Identifiers, scheme.Identifier{Kind: id.Kind, Value: id.Value, Normalised: id.Normalised, Make: id.Make, Colour: id.Colour})
				}
			}
		}
	}
	a.IncidentTypes, a.Regions = compact(a.IncidentTypes), compact(a.Regions)
	var regions []string
	for _, r := range a.Regions {
		regions = append(regions, regionNames[r])
	}
	a.Area = strings.Join(regions, ", ")
	if len(towns) == 1 {
		for t := range towns {
			if t != "" {
				a.Area = t + ", " + a.Area
			}
		}
	}
	var types []string
	for _, t := range a.IncidentTypes {
		types = append(types, typeNames[t])
	}
	what := joinAnd(types)
	a.Title = truncate(what+" — "+strings.SplitN(a.Area, ",", 2)[0], maxTitle)
	a.Body = s.body(rs)
	return a, nil
}

func (s *Service) names(ctx context.Context) (types, regions map[string]string, err error) {
	types, regions = map[string]string{}, map[string]string{}
	l, err := s.DB.Content.Lists(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range l.Types {
		types[t.Slug] = t.Name
	}
	for _, r := range l.Regions {
		regions[r.Slug] = r.Name
	}
	return types, regions, nil
}

// body drafts the alert's text from the reports' descriptions, never from
// a reporter's account. What happened, when and where are the alert's own
// fields and the identifiers its own list, so the text does not repeat
// them. It says "he" or "she" only when every report's description says
// so, and "they" otherwise; each description is given as the reporter
// wrote it, labelled, never turned into words it did not have.
func (s *Service) body(rs []scheme.Report) string {
	var b strings.Builder
	if len(rs) > 1 {
		fmt.Fprintf(&b, "%d members have reported this person.\n", len(rs))
	}
	var genders []string
	for _, r := range rs {
		for _, o := range r.Working.Offenders {
			genders = append(genders, o.Description.Gender)
			if d := describe(o.Description); d != "" {
				fmt.Fprintf(&b, "Described as: %s.\n", d)
			}
			if o.Description.Vehicle != "" {
				fmt.Fprintf(&b, "Vehicle: %s.\n", o.Description.Vehicle)
			}
		}
	}
	p := pronounOf(genders)
	fmt.Fprintf(&b, "If %s contact%s you, or you recognise %s, add what you know to this alert. Trust your instincts, and work with someone nearby if you can.",
		p.subject, p.verbS, p.object)
	return truncate(b.String(), maxBody)
}

// pronoun is how the text speaks of the offender.
type pronoun struct{ subject, object, verbS string }

// pronounOf is "he" or "she" when every description gives that gender,
// else "they": the text never guesses.
func pronounOf(genders []string) pronoun {
	they := pronoun{"they", "them", ""}
	var got string
	for _, g := range genders {
		var p string
		switch strings.ToLower(strings.TrimSpace(g)) {
		case "man", "male", "m", "he":
			p = "he"
		case "woman", "female", "f", "she":
			p = "she"
		default:
			return they
		}
		if got != "" && got != p {
			return they
		}
		got = p
	}
	switch got {
	case "he":
		return pronoun{"he", "him", "s"}
	case "she":
		return pronoun{"she", "her", "s"}
	}
	return they
}

// describe lists what a reporter said of an offender, each with its label.
func describe(d scheme.OffenderDescription) string {
	var parts []string
	for _, p := range []struct{ label, v string }{
		{"gender", d.Gender}, {"age", d.Age}, {"height", d.Height}, {"build", d.Build}, {"ethnicity", d.Ethnicity},
		{"hair", d.Hair}, {"features", d.Features}, {"accent", d.Accent},
	} {
		if v := strings.TrimSpace(p.v); v != "" {
			parts = append(parts, p.label+": "+v)
		}
	}
	return strings.Join(parts, "; ")
}

func joinAnd(ss []string) string {
	switch len(ss) {
	case 0:
		return "Incident"
	case 1:
		return ss[0]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + strings.ToLower(ss[len(ss)-1])
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func hasIdentifier(ids []scheme.Identifier, id scheme.Identifier) bool {
	return slices.ContainsFunc(ids, func(x scheme.Identifier) bool { return x.Kind == id.Kind && x.Normalised == id.Normalised })
}

func compact(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sameSet(a, b []string) bool { return slices.Equal(compact(a), compact(b)) }

// apply sets in's fields on a and validates the result, with every
// problem named in plain words.
func (s *Service) apply(ctx context.Context, a *scheme.Alert, in Input, rs []scheme.Report) error {
	set := func(dst *string, p *string) {
		if p != nil {
			*dst = strings.TrimSpace(*p)
		}
	}
	set(&a.Title, in.Title)
	set(&a.Body, in.Body)
	set(&a.Area, in.Area)
	if in.Severity != nil {
		a.Severity = scheme.Severity(strings.TrimSpace(*in.Severity))
	}
	if in.Nationwide != nil {
		a.Nationwide = *in.Nationwide
	}
	// What the alert holds already stays valid when retired since (its
	// reports' values, or its last version's): it is shown, and may be
	// taken out, but nothing retired is added.
	kept := scheme.Kept{Types: a.IncidentTypes, Regions: a.Regions, Sectors: a.Sectors, Genders: a.Genders}
	if in.Regions != nil {
		a.Regions = compact(*in.Regions)
	}
	keptTowns := a.Towns
	if in.Towns != nil {
		a.Towns = compact(*in.Towns)
	}
	if in.Sectors != nil {
		a.Sectors = compact(*in.Sectors)
	}
	if in.Genders != nil {
		a.Genders = compact(*in.Genders)
	}
	if in.IncidentTypes != nil {
		a.IncidentTypes = compact(*in.IncidentTypes)
	}
	problems := map[string]string{}
	if in.Identifiers != nil {
		available := reportIdentifiers(rs)
		a.Identifiers = nil
		for _, id := range *in.Identifiers {
			i := slices.IndexFunc(available, func(x scheme.Identifier) bool {
				return x.Kind == id.Kind && (x.Normalised == id.Normalised || x.Value == id.Value)
			})
			if i < 0 {
				problems["identifiers"] = "An alert can publish only identifiers the reports give."
				continue
			}
			if !hasIdentifier(a.Identifiers, available[i]) {
				a.Identifiers = append(a.Identifiers, available[i])
			}
		}
	}
	applyTranslations(a, in.Translations, problems)
	if a.Nationwide {
		a.Regions, a.Towns = nil, nil
	}
	switch n := utf8.RuneCountInString(a.Title); {
	case n == 0:
		problems["title"] = "Give the alert a short title, e.g. \"Robbery — Leeds\"."
	case n > maxTitle:
		problems["title"] = fmt.Sprintf("Keep the title under %d characters.", maxTitle)
	}
	switch n := utf8.RuneCountInString(a.Body); {
	case n == 0:
		problems["body"] = "Write what members need to know."
	case n > maxBody:
		problems["body"] = fmt.Sprintf("Keep the alert under %d characters.", maxBody)
	}
	if utf8.RuneCountInString(a.Area) > maxArea {
		problems["area"] = fmt.Sprintf("Keep the area under %d characters: a town or region.", maxArea)
	}
	if _, ok := scheme.SeverityRank[a.Severity]; !ok {
		problems["severity"] = "Choose low, medium, high or highest."
	}
	l, err := s.DB.Content.Lists(ctx)
	if err != nil {
		return err
	}
	l = l.OfferedKeeping(kept)
	regions, sectors, types := slugs(l.Regions, func(x scheme.Region) string { return x.Slug }),
		slugs(l.Sectors, func(x scheme.Sector) string { return x.Slug }), slugs(l.Types, func(x scheme.IncidentType) string { return x.Slug })
	if !a.Nationwide && len(a.Regions) == 0 {
		problems["regions"] = "Choose at least one region, or send it nationwide."
	}
	if bad := unknown(a.Regions, regions); bad != "" {
		problems["regions"] = fmt.Sprintf("%q is not one of the scheme's regions.", bad)
	}
	if len(a.Towns) > 0 {
		all, err := s.DB.Towns.All(ctx)
		if err != nil {
			return err
		}
		if msg := scheme.TownChoiceProblem(all, a.Regions, a.Towns, keptTowns); msg != "" {
			problems["towns"] = msg
		}
	}
	if bad := unknown(a.Sectors, sectors); bad != "" {
		problems["sectors"] = fmt.Sprintf("%q is not one of the sectors.", bad)
	}
	var genders []string
	for _, g := range l.Genders {
		if g.Slug != "prefer-not" {
			genders = append(genders, g.Slug)
		}
	}
	if bad := unknown(a.Genders, genders); bad != "" {
		problems["genders"] = fmt.Sprintf("%q is not one of the genders: use %s.", bad, strings.Join(genders, ", "))
	}
	if len(a.IncidentTypes) == 0 {
		problems["incident_types"] = "Choose at least one incident type."
	} else if bad := unknown(a.IncidentTypes, types); bad != "" {
		problems["incident_types"] = fmt.Sprintf("%q is not one of the incident types.", bad)
	}
	if len(problems) > 0 {
		return scheme.Invalid(problems)
	}
	return nil
}

func unknown(vs, known []string) string {
	for _, v := range vs {
		if !slices.Contains(known, v) {
			return v
		}
	}
	return ""
}

func slugs[T any](list []T, slug func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = slug(x)
	}
	return out
}

// ReportIdentifiers lists the full identifiers the reports give: what an
// alert may publish.
func ReportIdentifiers(rs []scheme.Report) []scheme.Identifier { return reportIdentifiers(rs) }

func reportIdentifiers(rs []scheme.Report) []scheme.Identifier {
	var out []scheme.Identifier
	for _, r := range rs {
		for _, o := range r.Working.Offenders {
			for _, id := range o.Identifiers {
				if !id.Partial && id.Normalised != "" && !hasIdentifier(out, id) {
					out = append(out, id)
				}
			}
		}
	}
	return out
}

// Reports loads the reports behind an alert, for coordinators' pages.
func (s *Service) Reports(ctx context.Context, a scheme.Alert) ([]scheme.Report, error) {
	var out []scheme.Report
	for _, id := range a.ReportIDs {
		r, err := s.DB.Reports.Report(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// check runs the anonymisation check on what members would read, against
// everything the reports and their reporters hold.
func (s *Service) check(ctx context.Context, a scheme.Alert, rs []scheme.Report) ([]scheme.AlertFlag, error) {
	var sens anonymise.Sensitive
	for _, r := range rs {
		for _, c := range []scheme.ReportContent{r.Original, r.Working} {
			sens.Accounts = append(sens.Accounts, c.Account)
			sens.References = append(sens.References, c.PoliceRef)
		}
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	reporters, err := s.DB.Alerts.AlertReporters(ctx, ids)
	if err != nil {
		return nil, err
	}
	sens.AddReporters(reporters)
	for _, id := range a.Identifiers {
		sens.Allowed = append(sens.Allowed, id.Value, id.Normalised)
	}
	found := anonymise.Check(checkedFields(a), sens)
	flags := make([]scheme.AlertFlag, len(found))
	for i, f := range found {
		flags[i] = scheme.AlertFlag{Kind: f.Kind, Field: f.Field, Text: f.Text, Start: f.Start, End: f.End, Message: f.Message}
	}
	return flags, nil
}
