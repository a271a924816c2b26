package member

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"uglymugs/internal/i18n"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// ReportDraftView is one step of the report form.
type ReportDraftView struct {
	ID            string
	Step, Steps   int
	Name, Heading string
	Errors        map[string]string
	Problems      []problemLink // in the order of the form
	FromCheck     bool          // came from "check and send": Continue goes back there
	AfterSubmit   bool          // "Send report" found these problems

	// Step 1
	Types           []choice
	OtherType       string // the name of "other", if the scheme has it
	Account         string
	ThirdParty      bool
	ThirdPartyFixed bool // organisation staff and coordinators always report for someone else
	ForOrganisation bool // the box starts ticked
	// Step 2
	Day, Month, Year string
	Hours            []choice
	Regions, Places  []choice
	Town             core.FieldView
	// Step 3
	Offenders      []offenderForm
	CanAddOffender bool
	// Step 4
	Contacts, Genders, Sectors []choice
	PoliceReported             bool
	PoliceRef                  core.FieldView
	// Step 5
	Questions []consentQuestion
	// Step 6
	Summary  summary
	Consents []consentView
}

// consentQuestion is one consent asked on its own, with her answer
// ("yes", "no" or "" for none yet) and its problem.
type consentQuestion struct {
	report.ConsentQuestion
	Answer, Error string
}

type problemLink struct{ Anchor, Message string }

type choice struct {
	Value, Label string
	Selected     bool
}

type offenderForm struct {
	N, Number   int
	Description []core.FieldView // short answers
	Longer      []core.FieldView
	Identifiers []identForm
	Error       string // offenders.N.identifiers
	CanAdd      bool
}

type identForm struct {
	Prefix                string
	Number                int
	Kinds                 []choice
	Value, Make, Colour   string
	KindError, ValueError string
}

type consentView struct {
	Key, Label, Explain string
	Given               bool
}

// summary is a report in words: the draft on "check and send", or
// what was sent on the report's page.
type summary struct {
	Types                      string
	Account                    string
	ThirdParty                 bool
	When, Region, Town, Place  string
	Offenders                  []offenderSummary
	Contact                    string
	PoliceReported             bool
	PoliceRef                  string
	VictimGender, VictimSector string
}

type offenderSummary struct {
	Number      int
	Description []labelValue
	Identifiers []labelValue
}

type labelValue struct {
	Label, Value string
	Extra        string // a vehicle's colour and make
	Long         bool   // a longer answer, on a line of its own
}

func choices[T any](list []T, selected func(string) bool, get func(T) (string, string)) []choice {
	out := make([]choice, 0, len(list))
	for _, x := range list {
		v, l := get(x)
		out = append(out, choice{Value: v, Label: l, Selected: selected(v)})
	}
	return out
}

func equals(want string) func(string) bool { return func(v string) bool { return v == want } }

func pairOptions(loc *i18n.Localizer, list []struct{ Slug, Name string }, selected string) []choice {
	return choices(list, equals(selected), func(x struct{ Slug, Name string }) (string, string) { return x.Slug, words(loc, x.Name) })
}

func consentViews(c scheme.Consents) []consentView {
	out := make([]consentView, len(report.ConsentQuestions))
	for i, q := range report.ConsentQuestions {
		out[i] = consentView{Key: q.Key, Label: q.Question, Explain: q.Yes, Given: report.Consent(c, q.Key)}
	}
	return out
}

func consentQuestions(in report.Input, problems map[string]string) []consentQuestion {
	out := make([]consentQuestion, len(report.ConsentQuestions))
	for i, q := range report.ConsentQuestions {
		out[i] = consentQuestion{ConsentQuestion: q, Error: problems["consents."+q.Key]}
		if slices.Contains(in.Answered, q.Key) {
			out[i].Answer = map[bool]string{true: "yes", false: "no"}[report.Consent(in.Consents, q.Key)]
		}
	}
	return out
}

func (s *server) renderDraft(w http.ResponseWriter, r *http.Request, u scheme.User, status int, id string, step int, in report.Input,
	problems map[string]string, fromCheck, afterSubmit bool) {
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	offered := l.Offered() // the form offers no retired value
	loc := core.Loc(r)
	shown := make(map[string]string, len(problems))
	for k, msg := range problems {
		shown[k] = problemWords(loc, msg)
	}
	problems = shown
	v := ReportDraftView{ID: id, Step: step, Steps: stepCount, Name: loc.T(stepNames[step]), Heading: loc.T(stepHeadings[step]),
		Errors: problems, FromCheck: fromCheck && step < stepCount, AfterSubmit: afterSubmit}
	switch step {
	case 1:
		v.Types = choices(offered.Types, func(slug string) bool { return slices.Contains(in.IncidentTypes, slug) },
			func(t scheme.IncidentType) (string, string) { return t.Slug, words(loc, t.Name) })
		v.OtherType = words(loc, l.TypeName("other"))
		v.Account, v.ThirdParty = in.Account, in.ThirdParty || report.AlwaysThirdParty(u)
		v.ThirdPartyFixed, v.ForOrganisation = report.AlwaysThirdParty(u), u.OrganisationID != ""
	case 2:
		var hour string
		v.Day, v.Month, v.Year, hour = splitDate(in.IncidentAt, s.Location())
		v.Hours = []choice{{Value: "", Label: loc.T("Not sure"), Selected: hour == ""}}
		for h := range 24 {
			v.Hours = append(v.Hours, choice{Value: strconv.Itoa(h), Label: capitalised(hourWords(loc, h)), Selected: hour == strconv.Itoa(h)})
		}
		v.Regions = choices(offered.Regions, equals(in.Region), func(x scheme.Region) (string, string) { return x.Slug, words(loc, x.Name) })
		v.Places = pairOptions(loc, scheme.PlaceKinds, in.PlaceKind)
		v.Town = core.FieldView{Name: "town", Label: loc.T("Town or area"),
			Hint: loc.T("A town or part of a city is enough. You do not need to give an exact address."),
			Type: "text", Autocomplete: "off", Value: in.Town, Error: problems["town"], Optional: true}
	case 3:
		v.Offenders = offenderForms(loc, in.Offenders, problems)
		v.CanAddOffender = len(v.Offenders) < maxOffenders
	case 4:
		v.Contacts = pairOptions(loc, scheme.ContactMethods, in.ContactMethod)
		v.Genders = choices(offered.Genders, equals(in.VictimGender), func(x scheme.Gender) (string, string) { return x.Slug, words(loc, x.Name) })
		v.Sectors = choices(offered.Sectors, equals(in.VictimSector), func(x scheme.Sector) (string, string) { return x.Slug, words(loc, x.Name) })
		v.PoliceReported = in.PoliceReported
		v.PoliceRef = core.FieldView{Name: "police_reference", Label: loc.T("Police reference"), Hint: loc.T("The crime or incident number, if you have one."),
			Type: "text", Autocomplete: "off", Value: in.PoliceReference, Error: problems["police_reference"], Optional: true}
	case consentStep:
		v.Questions = consentQuestions(in, problems)
	case stepCount:
		v.Summary = s.draftSummary(loc, in, l)
		v.Questions = consentQuestions(in, problems)
	}
	v.Problems = orderedProblems(problems, step, len(in.Offenders))
	s.Render(w, r, status, viewReportDraft, v)
}

func offenderForms(loc *i18n.Localizer, offs []report.OffenderInput, problems map[string]string) []offenderForm {
	if len(offs) == 0 {
		offs = []report.OffenderInput{{}}
	}
	out := make([]offenderForm, len(offs))
	for i, o := range offs {
		of := offenderForm{N: i, Number: i + 1, Error: problems[fmt.Sprintf("offenders.%d.identifiers", i)]}
		for _, df := range descFields {
			name := fmt.Sprintf("offenders.%d.description.%s", i, df.Key)
			f := core.FieldView{Name: name, Label: loc.T(df.Label), Hint: words(loc, df.Hint), Type: "text", Autocomplete: "off",
				Value: *o.Description.Field(df.Key), Error: problems[name]}
			if df.Long {
				of.Longer = append(of.Longer, f)
			} else {
				of.Description = append(of.Description, f)
			}
		}
		ids := o.Identifiers
		if len(ids) == 0 {
			ids = blankIdents()
		}
		for j, id := range ids {
			p := fmt.Sprintf("offenders.%d.identifiers.%d", i, j)
			kind := cmp.Or(id.Kind, "phone")
			of.Identifiers = append(of.Identifiers, identForm{Prefix: p, Number: j + 1, Value: id.Value, Make: id.Make, Colour: id.Colour,
				KindError: problems[p+".kind"], ValueError: problems[p+".value"],
				Kinds: choices(identKinds, equals(kind), func(k struct{ Value, Label string }) (string, string) { return k.Value, loc.T(k.Label) })})
		}
		of.CanAdd = len(ids) < maxIdents
		out[i] = of
	}
	return out
}

// orderedProblems lists problems in the order of the step's fields, each
// linking to its field.
func orderedProblems(problems map[string]string, step, offenders int) []problemLink {
	var keys []string
	if step == 3 {
		keys = append(keys, "offenders")
		for i := range max(offenders, 1) {
			keys = append(keys, fmt.Sprintf("offenders.%d.identifiers", i))
			for j := range maxIdents + 1 {
				p := fmt.Sprintf("offenders.%d.identifiers.%d", i, j)
				keys = append(keys, p+".kind", p+".value")
			}
		}
	} else {
		keys = append(keys, report.StepFields[step]...)
	}
	var rest []string
	for k := range problems {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var out []problemLink
	for _, k := range append(keys, rest...) {
		if msg, ok := problems[k]; ok {
			anchor := k
			if k == "form" {
				anchor = ""
			}
			out = append(out, problemLink{Anchor: anchor, Message: msg})
		}
	}
	return out
}

func offenderSummaries(loc *i18n.Localizer, offs []scheme.Offender) []offenderSummary {
	var out []offenderSummary
	for i, o := range offs {
		sum := offenderSummary{Number: i + 1}
		for _, df := range descFields {
			if v := *o.Description.Field(df.Key); v != "" {
				sum.Description = append(sum.Description, labelValue{Label: loc.T(df.Label), Value: v, Long: df.Long})
			}
		}
		for _, id := range o.Identifiers {
			if id.Value == "" {
				continue
			}
			sum.Identifiers = append(sum.Identifiers, labelValue{Label: identKindLabel(loc, id.Kind), Value: id.Value, Extra: strings.TrimSpace(id.Colour + " " + id.Make)})
		}
		if len(sum.Description) > 0 || len(sum.Identifiers) > 0 {
			out = append(out, sum)
		}
	}
	for i := range out {
		out[i].Number = i + 1
	}
	return out
}

func (s *server) draftSummary(loc *i18n.Localizer, in report.Input, l scheme.Lists) summary {
	sum := summary{Types: typeNames(loc, l, in.IncidentTypes), Account: in.Account, ThirdParty: in.ThirdParty, Town: in.Town,
		Region: words(loc, l.RegionName(in.Region)), PoliceReported: in.PoliceReported, PoliceRef: in.PoliceReference}
	// SlugName gives "" for "": nothing was chosen (and words keeps it so).
	sum.Place = words(loc, scheme.SlugName(scheme.PlaceKinds, in.PlaceKind))
	sum.Contact = words(loc, scheme.SlugName(scheme.ContactMethods, in.ContactMethod))
	sum.VictimGender = words(loc, cmp.Or(l.GenderName(in.VictimGender), in.VictimGender))
	sum.VictimSector = words(loc, l.SectorName(in.VictimSector))
	if t, known, err := report.ParseIncidentTime(in.IncidentAt, s.Location()); err == nil {
		sum.When = s.happenedWhen(loc, t, known)
	}
	var offs []scheme.Offender
	for _, o := range in.Offenders {
		so := scheme.Offender{Description: o.Description}
		for _, id := range o.Identifiers {
			so.Identifiers = append(so.Identifiers, scheme.Identifier{Kind: id.Kind, Value: id.Value, Make: id.Make, Colour: id.Colour})
		}
		offs = append(offs, so)
	}
	sum.Offenders = offenderSummaries(loc, offs)
	return sum
}

// signedOut answers a step posted after the session ended:
// nothing can be saved, so the person gets back what they typed to copy.
func (s *server) signedOut(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm() // whatever could be read is shown
	f := r.PostForm
	loc := core.Loc(r)
	var typed []labelValue
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			typed = append(typed, labelValue{Label: label, Value: v})
		}
	}
	add(loc.T("What happened"), strings.ReplaceAll(f.Get("account"), "\r\n", "\n"))
	add(loc.T("Town or area"), f.Get("town"))
	add(loc.T("Police reference"), f.Get("police_reference"))
	for _, o := range readOffenders(f) {
		for _, df := range descFields {
			add(loc.T(df.Label), *o.Description.Field(df.Key))
		}
		for _, id := range o.Identifiers {
			add(identKindLabel(loc, id.Kind), strings.TrimSpace(id.Value+" "+id.Colour+" "+id.Make))
		}
	}
	var text strings.Builder
	for _, t := range typed {
		fmt.Fprintf(&text, "%s:\n%s\n\n", t.Label, t.Value)
	}
	s.Render(w, r, http.StatusUnauthorized, viewReportSignedOut, map[string]any{"Typed": strings.TrimSpace(text.String())})
}
