package member

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The reporter's side of reports: writing a report in five short steps,
// each saved as a draft (the JSON of report.Input, the API's body) so that
// nothing typed is lost when someone has to leave in a hurry, and following
// one's own reports afterwards. Everything works without JavaScript: "add
// another" buttons post the form and come back with a blank row.

// rpSteps is how many steps the form has; the last is "check and send".
const rpSteps = 5

// rpStepNames are the steps' topics (index 1 to 5) and their headings.
var (
	rpStepNames    = [rpSteps + 1]string{"", "What happened", "When and where", "Who did it", "Contact and police", "Check and send"}
	rpStepHeadings = [rpSteps + 1]string{"", "What happened?", "When and where did it happen?", "Who did it?", "How they got in touch, and the police", "Check your report and send it"}
)

// rpStepFields are the fields each step holds, in the order the form
// shows them (step 3 holds everything under "offenders").
var rpStepFields = [rpSteps + 1][]string{
	1: {"incident_types", "account", "third_party"},
	2: {"incident_at", "region", "town", "place_kind"},
	4: {"contact_method", "police_reported", "police_reference", "victim_gender", "victim_sector"},
}

// rpStepOf is the step that holds a field.
func rpStepOf(field string) int {
	if field == "offenders" || strings.HasPrefix(field, "offenders.") {
		return 3
	}
	for step, fields := range rpStepFields {
		if slices.Contains(fields, field) {
			return step
		}
	}
	return rpSteps
}

// Words for the reporter: what each status means for them.
var rpStatusWords = map[scheme.ReportStatus]struct{ Name, Text string }{
	scheme.ReportSubmitted: {"Sent", "A coordinator will read it soon."},
	scheme.ReportInReview:  {"Being reviewed", "A coordinator is working on it. If they need to ask you something, their message appears below."},
	scheme.ReportPublished: {"Alert sent", "An anonymised alert from your report has gone to members. Thank you: it helps keep others safe."},
	scheme.ReportIntelligence: {"Kept on file, no alert", "No alert was sent, but your report is kept to link repeat offenders" +
		" and, if you agreed, shared with the police without your details."},
	scheme.ReportRejected: {"Not used", "We could not use this report."},
}

// rpConsents are the four consents, each said in one plain sentence.
var rpConsents = []struct{ Key, Label, Explain string }{
	{"alert", "Warn other members", "We write an anonymised alert from your report, leaving out anything that could identify you or the person it happened to."},
	{"police", "Share it with the police, anonymously", "We pass on what happened and how to recognise the offender, but never your name or contact details."},
	{"support", "Offer me support", "A caseworker or support service may contact you to offer help, such as an advocate or health care."},
	{"police_contact", "Let the police ask to talk", "If the police want to speak to you about it, they ask us and we ask you: you always decide."},
}

// rpIdentKinds are the kinds of identifier, as the form offers them.
var rpIdentKinds = []struct{ Value, Label string }{
	{"phone", "Phone number"}, {"email", "Email address"}, {"vehicle", "Vehicle registration"},
	{"name", "Name they used"}, {"username", "Website or app username"},
}

// rpDescFields are an offender's description, in form order: short
// answers first (two to a row, even on a phone), then the longer ones.
var rpDescFields = []struct {
	Key, Label, Hint string
	Long             bool
}{
	{"gender", "Gender", "", false},
	{"age", "Age", "", false},
	{"height", "Height", "", false},
	{"build", "Build", "", false},
	{"hair", "Hair", "", false},
	{"ethnicity", "Ethnicity", "", false},
	{"accent", "Accent", "", false},
	{"features", "Anything that stands out", "Tattoos, scars, glasses, clothes, a smell, the way they talked.", true},
	{"vehicle", "Vehicle", "Make, model, colour, anything inside it. Put the registration above.", true},
}

func rpDescValue(d *scheme.OffenderDescription, key string) *string {
	switch key {
	case "gender":
		return &d.Gender
	case "age":
		return &d.Age
	case "height":
		return &d.Height
	case "build":
		return &d.Build
	case "ethnicity":
		return &d.Ethnicity
	case "hair":
		return &d.Hair
	case "features":
		return &d.Features
	case "accent":
		return &d.Accent
	case "vehicle":
		return &d.Vehicle
	}
	return nil
}

const (
	rpMaxOffenders = 10 // as report.Validate allows
	rpMaxIdents    = 20
)

// rpRoles may report (report.CanReport also wants an active account).
var rpRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff, scheme.RoleCoordinator}

func (s *server) rpReporter(next func(w http.ResponseWriter, r *http.Request, u scheme.User)) http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		if !report.CanReport(u) {
			s.Fail(w, r, core.ErrForbidden)
			return
		}
		next(w, r, u)
	}, rpRoles...)
}

// rpLocation is the scheme's time zone, in which people give dates.
func (s *server) rpLocation() *time.Location {
	return cmp.Or(s.Accounts.Hours.Location, time.UTC)
}

func rpPairName(list []struct{ Slug, Name string }, slug string) string {
	for _, x := range list {
		if x.Slug == slug {
			return x.Name
		}
	}
	return slug
}

// rpDay and rpDayTime write dates in the scheme's time zone.
func (s *server) rpDay(t time.Time) string {
	return t.In(s.rpLocation()).Format("Monday 2 January 2006")
}

func (s *server) rpDayTime(t time.Time) string {
	return t.In(s.rpLocation()).Format("Mon 2 Jan 2006, 15:04")
}

func rpShortDay(t time.Time) string { return t.Format("Mon 2 Jan 2006") }

// rpHourWords says an hour of the day as people say it ("around 10pm").
func rpHourWords(h int) string {
	switch {
	case h == 0:
		return "around midnight"
	case h == 12:
		return "around midday"
	case h < 12:
		return fmt.Sprintf("around %dam", h)
	}
	return fmt.Sprintf("around %dpm", h-12)
}

// rpWhen says when something happened, with the time only if it was given.
func (s *server) rpWhen(t time.Time, known bool) string {
	t = t.In(s.rpLocation())
	if !known {
		return s.rpDay(t)
	}
	return s.rpDay(t) + ", " + rpHourWords(t.Hour())
}

var rpMonthNames = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func rpDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// rpMonth reads a month typed as a number or a name ("3", "March").
// Letters that name no month are kept, so the person sees them again.
func rpMonth(s string) string {
	if d := rpDigits(s); d != "" {
		return d
	}
	letters := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, strings.ToLower(s))
	if len(letters) >= 3 {
		if i := slices.Index(rpMonthNames, letters[:3]); i >= 0 {
			return strconv.Itoa(i + 1)
		}
	}
	return letters
}

func rpPad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// rpJoinDate makes report.Input's incident_at from the boxes: "2026-03-05"
// or "2026-03-05T22:00". What cannot make a date is kept as typed (digits
// only), so that validation can say so and the boxes show it again.
func rpJoinDate(day, month, year, hour string) string {
	d, m, y := rpDigits(day), rpMonth(month), rpDigits(year)
	if len(y) == 2 {
		y = "20" + y
	}
	h := ""
	if n, err := strconv.Atoi(strings.TrimSpace(hour)); err == nil && n >= 0 && n < 24 {
		h = fmt.Sprintf("%02d:00", n)
	}
	if d == "" && m == "" && y == "" && h == "" {
		return ""
	}
	s := y + "-" + rpPad2(m) + "-" + rpPad2(d)
	if h != "" {
		s += "T" + h
	}
	return s
}

// rpSplitDate is the reverse of rpJoinDate, for the boxes.
func rpSplitDate(s string, loc *time.Location) (day, month, year, hour string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if t, known, err := report.ParseIncidentTime(s, loc); err == nil {
		t = t.In(loc)
		if known {
			hour = strconv.Itoa(t.Hour())
		}
		return strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Year()), hour
	}
	date, clock, _ := strings.Cut(s, "T")
	parts := strings.SplitN(date, "-", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	if h, _, ok := strings.Cut(clock, ":"); ok {
		if n, err := strconv.Atoi(h); err == nil {
			hour = strconv.Itoa(n)
		}
	}
	trim := func(s string) string {
		if t := strings.TrimLeft(s, "0"); t != "" || s == "" {
			return t
		}
		return "0"
	}
	return trim(parts[2]), trim(parts[1]), parts[0], hour
}

var rpOffenderFieldRE = regexp.MustCompile(`^offenders\.(\d{1,2})\.(?:description\.([a-z]+)|identifiers\.(\d{1,2})\.(kind|value|make|colour))$`)

// rpReadOffenders reads step 3. Rows left blank are dropped (the form always
// shows at least one), and so are vehicle details of other kinds.
func rpReadOffenders(f url.Values) []report.OffenderInput {
	offs := map[int]*report.OffenderInput{}
	idents := map[int]map[int]*report.IdentifierInput{}
	for k, vs := range f {
		m := rpOffenderFieldRE.FindStringSubmatch(k)
		if m == nil || len(vs) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		v := strings.TrimSpace(vs[0])
		o := offs[i]
		if o == nil {
			o = &report.OffenderInput{}
			offs[i] = o
		}
		if m[2] != "" {
			if p := rpDescValue(&o.Description, m[2]); p != nil {
				*p = v
			}
			continue
		}
		j, _ := strconv.Atoi(m[3])
		if idents[i] == nil {
			idents[i] = map[int]*report.IdentifierInput{}
		}
		id := idents[i][j]
		if id == nil {
			id = &report.IdentifierInput{}
			idents[i][j] = id
		}
		switch m[4] {
		case "kind":
			id.Kind = v
		case "value":
			id.Value = v
		case "make":
			id.Make = v
		case "colour":
			id.Colour = v
		}
	}
	var out []report.OffenderInput
	for _, i := range slices.Sorted(maps.Keys(offs)) {
		o := *offs[i]
		o.Identifiers = nil
		for _, j := range slices.Sorted(maps.Keys(idents[i])) {
			id := *idents[i][j]
			if id.Kind != "vehicle" {
				id.Make, id.Colour = "", ""
			}
			if id.Value == "" && id.Make == "" && id.Colour == "" {
				continue
			}
			o.Identifiers = append(o.Identifiers, id)
		}
		if o.Description == (scheme.OffenderDescription{}) && len(o.Identifiers) == 0 {
			continue
		}
		out = append(out, o)
	}
	return out
}

// rpReadStep puts one step's answers into the draft. Each step owns
// its fields: a box left unticked is false, a field left empty is empty.
func rpReadStep(in *report.Input, step int, f url.Values, u scheme.User) {
	get := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	switch step {
	case 1:
		in.IncidentTypes = slices.DeleteFunc(slices.Clone(f["incident_types"]), func(s string) bool { return s == "" })
		in.Account = strings.TrimSpace(strings.ReplaceAll(f.Get("account"), "\r\n", "\n"))
		in.ThirdParty = f.Get("third_party") != "" || report.AlwaysThirdParty(u)
	case 2:
		in.IncidentAt = rpJoinDate(f.Get("day"), f.Get("month"), f.Get("year"), f.Get("hour"))
		in.Region, in.Town, in.PlaceKind = get("region"), get("town"), get("place_kind")
	case 3:
		in.Offenders = rpReadOffenders(f)
	case 4:
		in.ContactMethod = get("contact_method")
		in.PoliceReported = f.Get("police_reported") != ""
		in.PoliceReference = get("police_reference")
		in.VictimGender, in.VictimSector = get("victim_gender"), get("victim_sector")
	case 5:
		in.Consents = scheme.Consents{Alert: f.Get("consents.alert") != "", Police: f.Get("consents.police") != "",
			Support: f.Get("consents.support") != "", PoliceContact: f.Get("consents.police_contact") != ""}
	}
}

var rpErrUnreadable = scheme.Errorf(scheme.CodeInvalid, "We could not read what you sent: the connection may have dropped. Go back and press the button again.")

func rpStepFrom(r *http.Request) (int, bool) {
	n, err := strconv.Atoi(r.PathValue("step"))
	return n, err == nil && n >= 1 && n <= rpSteps && strconv.Itoa(n) == r.PathValue("step")
}

func (s *server) newDraft() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id, err := s.Reports.StartDraft(r.Context(), u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/reports/draft/"+id+"/1")
	})
}

func (s *server) draftStep() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		step, ok := rpStepFrom(r)
		if !ok {
			s.Fail(w, r, scheme.ErrNotFound)
			return
		}
		d, in, err := s.Reports.Draft(r.Context(), u, r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.rpRenderDraft(w, r, u, http.StatusOK, d.ID, step, in, nil, r.URL.Query().Get("from") == "check", false)
	})
}

// saveDraftStep saves the step's answers, then acts on the button pressed.
// Someone whose session ended while typing gets what they typed back,
// instead of a sign-in page that would lose it.
func (s *server) saveDraftStep() http.Handler {
	save := s.rpReporter(s.rpSaveStep)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := core.UserFrom(r); !ok {
			s.rpSignedOut(w, r)
			return
		}
		save.ServeHTTP(w, r)
	})
}

func (s *server) rpSaveStep(w http.ResponseWriter, r *http.Request, u scheme.User) {
	ctx := r.Context()
	step, ok := rpStepFrom(r)
	if !ok {
		s.Fail(w, r, scheme.ErrNotFound)
		return
	}
	d, in, err := s.Reports.Draft(ctx, u, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		// A body cut short must not overwrite the step with blanks.
		s.Fail(w, r, rpErrUnreadable)
		return
	}
	f := r.PostForm
	rpReadStep(&in, step, f, u)
	fromCheck := f.Get("from") == "check"
	base := "/reports/draft/" + d.ID + "/"
	action := f.Get("action")
	save := func(at int) bool {
		if err := s.Reports.SaveDraft(ctx, u, d.ID, at, in); err != nil {
			s.Fail(w, r, err)
			return false
		}
		return true
	}
	switch {
	case step == 3 && (action == "add-identifier" || strings.HasPrefix(action, "add-identifier:")):
		i := len(in.Offenders) - 1
		if n, err := strconv.Atoi(strings.TrimPrefix(action, "add-identifier:")); err == nil {
			i = n
		}
		i = max(0, min(i, rpMaxOffenders-1))
		for len(in.Offenders) <= i {
			in.Offenders = append(in.Offenders, report.OffenderInput{})
		}
		o := &in.Offenders[i]
		if len(o.Identifiers) == 0 {
			o.Identifiers = rpBlankIdents()
		}
		if len(o.Identifiers) < rpMaxIdents {
			o.Identifiers = append(o.Identifiers, report.IdentifierInput{Kind: "phone"})
		}
		if save(3) {
			core.SeeOther(w, r, base+"3"+rpCheckQuery(fromCheck)+fmt.Sprintf("#offenders.%d.identifiers.%d.kind", i, len(o.Identifiers)-1))
		}
	case step == 3 && action == "add-offender":
		if len(in.Offenders) == 0 {
			in.Offenders = append(in.Offenders, report.OffenderInput{})
		}
		if len(in.Offenders) < rpMaxOffenders {
			in.Offenders = append(in.Offenders, report.OffenderInput{Identifiers: rpBlankIdents()})
		}
		if save(3) {
			core.SeeOther(w, r, base+"3"+rpCheckQuery(fromCheck)+fmt.Sprintf("#offender-%d", len(in.Offenders)-1))
		}
	case action == "back":
		if step == 1 {
			if save(1) {
				core.SeeOther(w, r, "/reports?done=draft")
			}
			return
		}
		if save(step - 1) {
			core.SeeOther(w, r, base+strconv.Itoa(step-1))
		}
	case strings.HasPrefix(action, "change:"):
		to, err := strconv.Atoi(strings.TrimPrefix(action, "change:"))
		if err != nil || to < 1 || to > rpSteps {
			to = step
		}
		if save(to) {
			core.SeeOther(w, r, base+strconv.Itoa(to)+rpCheckQuery(to < rpSteps))
		}
	case action == "submit" || step == rpSteps:
		s.rpSubmit(w, r, u, d.ID, in)
	default: // "next", or Enter in a field
		problems, err := s.rpStepProblems(ctx, in, step)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if len(problems) > 0 {
			if save(step) {
				s.rpRenderDraft(w, r, u, http.StatusUnprocessableEntity, d.ID, step, in, problems, fromCheck, false)
			}
			return
		}
		next := step + 1
		if fromCheck {
			next = rpSteps
		}
		if save(next) {
			core.SeeOther(w, r, base+strconv.Itoa(next))
		}
	}
}

func rpCheckQuery(fromCheck bool) string {
	if fromCheck {
		return "?from=check"
	}
	return ""
}

// rpBlankIdents are the rows a new offender starts with.
func rpBlankIdents() []report.IdentifierInput {
	return []report.IdentifierInput{{Kind: "phone"}, {Kind: "vehicle"}}
}

// rpStepProblems checks the whole draft and keeps the problems of one step.
func (s *server) rpStepProblems(ctx context.Context, in report.Input, step int) (map[string]string, error) {
	_, all, err := s.Reports.Validate(ctx, in)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range all {
		if rpStepOf(k) == step {
			out[k] = v
		}
	}
	return out, nil
}

// rpSubmit files the report. On a problem it shows the first step that
// has one, keeping everything; on success the draft goes and the reporter
// is told what happens next.
func (s *server) rpSubmit(w http.ResponseWriter, r *http.Request, u scheme.User, id string, in report.Input) {
	ctx := r.Context()
	if err := s.Reports.SaveDraft(ctx, u, id, rpSteps, in); err != nil {
		s.Fail(w, r, err)
		return
	}
	in.Draft = id // sending the same draft twice files one report
	rep, err := s.Reports.Submit(ctx, u, in)
	if err != nil {
		if scheme.ErrorCode(err) != scheme.CodeInvalid {
			s.Fail(w, r, err)
			return
		}
		problems := core.FormErrors(err)
		first := rpSteps
		for k := range problems {
			first = min(first, rpStepOf(k))
		}
		shown := map[string]string{}
		for k, v := range problems {
			if rpStepOf(k) == first {
				shown[k] = v
			}
		}
		if err := s.Reports.SaveDraft(ctx, u, id, first, in); err != nil {
			s.Fail(w, r, err)
			return
		}
		s.rpRenderDraft(w, r, u, http.StatusUnprocessableEntity, id, first, in, shown, first < rpSteps, true)
		return
	}
	// The draft went in the report's own transaction (store.CreateReport).
	core.SeeOther(w, r, "/reports/"+rep.ID+"?sent=1")
}

func (s *server) discardDraft() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		if err := s.Reports.DiscardDraft(r.Context(), u, r.PathValue("id")); err != nil {
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/reports?done=discarded")
	})
}

// ReportDraftView is one step of the report form.
type ReportDraftView struct {
	ID            string
	Step, Steps   int
	Name, Heading string
	Errors        map[string]string
	Problems      []rpProblem // in the order of the form
	FromCheck     bool        // came from "check and send": Continue goes back there
	AfterSubmit   bool        // "Send report" found these problems

	// Step 1
	Types           []rpOption
	OtherType       string // the name of "other", if the scheme has it
	Account         string
	ThirdParty      bool
	ThirdPartyFixed bool // organisation staff and coordinators always report for someone else
	ForOrganisation bool // the box starts ticked
	// Step 2
	Day, Month, Year string
	Hours            []rpOption
	Regions, Places  []rpOption
	Town             core.FieldView
	// Step 3
	Offenders      []rpOffenderForm
	CanAddOffender bool
	// Step 4
	Contacts, Genders, Sectors []rpOption
	PoliceReported             bool
	PoliceRef                  core.FieldView
	// Step 5
	Summary  rpSummary
	Consents []rpConsentView
}

type rpProblem struct{ Anchor, Message string }

type rpOption struct {
	Value, Label string
	Selected     bool
}

type rpOffenderForm struct {
	N, Number   int
	Description []core.FieldView // short answers
	Longer      []core.FieldView
	Identifiers []rpIdentForm
	Error       string // offenders.N.identifiers
	CanAdd      bool
}

type rpIdentForm struct {
	Prefix                string
	Number                int
	Kinds                 []rpOption
	Value, Make, Colour   string
	KindError, ValueError string
}

type rpConsentView struct {
	Key, Label, Explain string
	Given               bool
}

// rpSummary is a report in words: the draft on "check and send", or
// what was sent on the report's page.
type rpSummary struct {
	Types                      string
	Account                    string
	ThirdParty                 bool
	When, Region, Town, Place  string
	Offenders                  []rpOffenderSummary
	Contact                    string
	PoliceReported             bool
	PoliceRef                  string
	VictimGender, VictimSector string
}

type rpOffenderSummary struct {
	Number      int
	Description []rpLabelValue
	Identifiers []rpLabelValue
}

type rpLabelValue struct {
	Label, Value string
	Extra        string // a vehicle's colour and make
	Long         bool   // a longer answer, on a line of its own
}

func rpOptions[T any](list []T, selected func(string) bool, get func(T) (string, string)) []rpOption {
	out := make([]rpOption, 0, len(list))
	for _, x := range list {
		v, l := get(x)
		out = append(out, rpOption{Value: v, Label: l, Selected: selected(v)})
	}
	return out
}

func rpIs(want string) func(string) bool { return func(v string) bool { return v == want } }

func rpPairOptions(list []struct{ Slug, Name string }, selected string) []rpOption {
	return rpOptions(list, rpIs(selected), func(x struct{ Slug, Name string }) (string, string) { return x.Slug, x.Name })
}

func rpConsentViews(c scheme.Consents) []rpConsentView {
	given := map[string]bool{"alert": c.Alert, "police": c.Police, "support": c.Support, "police_contact": c.PoliceContact}
	out := make([]rpConsentView, len(rpConsents))
	for i, x := range rpConsents {
		out[i] = rpConsentView{Key: x.Key, Label: x.Label, Explain: x.Explain, Given: given[x.Key]}
	}
	return out
}

func (s *server) rpRenderDraft(w http.ResponseWriter, r *http.Request, u scheme.User, status int, id string, step int, in report.Input,
	problems map[string]string, fromCheck, afterSubmit bool) {
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if problems == nil {
		problems = map[string]string{}
	}
	v := ReportDraftView{ID: id, Step: step, Steps: rpSteps, Name: rpStepNames[step], Heading: rpStepHeadings[step],
		Errors: problems, FromCheck: fromCheck && step < rpSteps, AfterSubmit: afterSubmit}
	switch step {
	case 1:
		v.Types = rpOptions(l.Types, func(slug string) bool { return slices.Contains(in.IncidentTypes, slug) },
			func(t scheme.IncidentType) (string, string) { return t.Slug, t.Name })
		v.OtherType = l.TypeName("other")
		v.Account, v.ThirdParty = in.Account, in.ThirdParty || report.AlwaysThirdParty(u)
		v.ThirdPartyFixed, v.ForOrganisation = report.AlwaysThirdParty(u), u.OrganisationID != ""
	case 2:
		var hour string
		v.Day, v.Month, v.Year, hour = rpSplitDate(in.IncidentAt, s.rpLocation())
		v.Hours = []rpOption{{Value: "", Label: "Not sure", Selected: hour == ""}}
		for h := range 24 {
			words := rpHourWords(h)
			v.Hours = append(v.Hours, rpOption{Value: strconv.Itoa(h), Label: strings.ToUpper(words[:1]) + words[1:], Selected: hour == strconv.Itoa(h)})
		}
		v.Regions = rpOptions(l.Regions, rpIs(in.Region), func(x scheme.Region) (string, string) { return x.Slug, x.Name })
		v.Places = rpPairOptions(scheme.PlaceKinds, in.PlaceKind)
		v.Town = core.FieldView{Name: "town", Label: "Town or area", Hint: "A town or part of a city is enough. You do not need to give an exact address.",
			Type: "text", Autocomplete: "off", Value: in.Town, Error: problems["town"], Optional: true}
	case 3:
		v.Offenders = rpOffenderForms(in.Offenders, problems)
		v.CanAddOffender = len(v.Offenders) < rpMaxOffenders
	case 4:
		v.Contacts = rpPairOptions(scheme.ContactMethods, in.ContactMethod)
		v.Genders = rpPairOptions(scheme.Genders, in.VictimGender)
		v.Sectors = rpOptions(l.Sectors, rpIs(in.VictimSector), func(x scheme.Sector) (string, string) { return x.Slug, x.Name })
		v.PoliceReported = in.PoliceReported
		v.PoliceRef = core.FieldView{Name: "police_reference", Label: "Police reference", Hint: "The crime or incident number, if you have one.",
			Type: "text", Autocomplete: "off", Value: in.PoliceReference, Error: problems["police_reference"], Optional: true}
	case 5:
		v.Summary = s.rpDraftSummary(in, l)
		v.Consents = rpConsentViews(in.Consents)
	}
	v.Problems = rpOrderedProblems(problems, step, len(in.Offenders))
	s.Render(w, r, status, "report-draft", v)
}

func rpOffenderForms(offs []report.OffenderInput, problems map[string]string) []rpOffenderForm {
	if len(offs) == 0 {
		offs = []report.OffenderInput{{}}
	}
	out := make([]rpOffenderForm, len(offs))
	for i, o := range offs {
		of := rpOffenderForm{N: i, Number: i + 1, Error: problems[fmt.Sprintf("offenders.%d.identifiers", i)]}
		for _, df := range rpDescFields {
			name := fmt.Sprintf("offenders.%d.description.%s", i, df.Key)
			f := core.FieldView{Name: name, Label: df.Label, Hint: df.Hint, Type: "text", Autocomplete: "off",
				Value: *rpDescValue(&o.Description, df.Key), Error: problems[name]}
			if df.Long {
				of.Longer = append(of.Longer, f)
			} else {
				of.Description = append(of.Description, f)
			}
		}
		ids := o.Identifiers
		if len(ids) == 0 {
			ids = rpBlankIdents()
		}
		for j, id := range ids {
			p := fmt.Sprintf("offenders.%d.identifiers.%d", i, j)
			kind := cmp.Or(id.Kind, "phone")
			of.Identifiers = append(of.Identifiers, rpIdentForm{Prefix: p, Number: j + 1, Value: id.Value, Make: id.Make, Colour: id.Colour,
				KindError: problems[p+".kind"], ValueError: problems[p+".value"],
				Kinds: rpOptions(rpIdentKinds, rpIs(kind), func(k struct{ Value, Label string }) (string, string) { return k.Value, k.Label })})
		}
		of.CanAdd = len(ids) < rpMaxIdents
		out[i] = of
	}
	return out
}

// rpOrderedProblems lists problems in the order of the step's fields, each
// linking to its field.
func rpOrderedProblems(problems map[string]string, step, offenders int) []rpProblem {
	var keys []string
	if step == 3 {
		keys = append(keys, "offenders")
		for i := range max(offenders, 1) {
			keys = append(keys, fmt.Sprintf("offenders.%d.identifiers", i))
			for j := range rpMaxIdents + 1 {
				p := fmt.Sprintf("offenders.%d.identifiers.%d", i, j)
				keys = append(keys, p+".kind", p+".value")
			}
		}
	} else {
		keys = append(keys, rpStepFields[step]...)
	}
	var rest []string
	for k := range problems {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	var out []rpProblem
	for _, k := range append(keys, rest...) {
		if msg, ok := problems[k]; ok {
			anchor := k
			if k == "form" {
				anchor = ""
			}
			out = append(out, rpProblem{Anchor: anchor, Message: msg})
		}
	}
	return out
}

func rpOffenderSummaries(offs []scheme.Offender) []rpOffenderSummary {
	var out []rpOffenderSummary
	for i, o := range offs {
		sum := rpOffenderSummary{Number: i + 1}
		for _, df := range rpDescFields {
			if v := *rpDescValue(&o.Description, df.Key); v != "" {
				sum.Description = append(sum.Description, rpLabelValue{Label: df.Label, Value: v, Long: df.Long})
			}
		}
		for _, id := range o.Identifiers {
			if id.Value == "" {
				continue
			}
			label := id.Kind
			for _, k := range rpIdentKinds {
				if k.Value == id.Kind {
					label = k.Label
				}
			}
			sum.Identifiers = append(sum.Identifiers, rpLabelValue{Label: label, Value: id.Value, Extra: strings.TrimSpace(id.Colour + " " + id.Make)})
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

func (s *server) rpDraftSummary(in report.Input, l scheme.Lists) rpSummary {
	sum := rpSummary{Types: l.TypeNames(in.IncidentTypes), Account: in.Account, ThirdParty: in.ThirdParty, Town: in.Town,
		Region: l.RegionName(in.Region), PoliceReported: in.PoliceReported, PoliceRef: in.PoliceReference}
	if in.PlaceKind != "" {
		sum.Place = rpPairName(scheme.PlaceKinds, in.PlaceKind)
	}
	if in.ContactMethod != "" {
		sum.Contact = rpPairName(scheme.ContactMethods, in.ContactMethod)
	}
	if in.VictimGender != "" {
		sum.VictimGender = rpPairName(scheme.Genders, in.VictimGender)
	}
	sum.VictimSector = l.SectorName(in.VictimSector)
	if t, known, err := report.ParseIncidentTime(in.IncidentAt, s.rpLocation()); err == nil {
		sum.When = s.rpWhen(t, known)
	}
	var offs []scheme.Offender
	for _, o := range in.Offenders {
		so := scheme.Offender{Description: o.Description}
		for _, id := range o.Identifiers {
			so.Identifiers = append(so.Identifiers, scheme.Identifier{Kind: id.Kind, Value: id.Value, Make: id.Make, Colour: id.Colour})
		}
		offs = append(offs, so)
	}
	sum.Offenders = rpOffenderSummaries(offs)
	return sum
}

// rpSignedOut answers a step posted after the session ended:
// nothing can be saved, so the person gets back what they typed to copy.
func (s *server) rpSignedOut(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm() // whatever could be read is shown
	f := r.PostForm
	var typed []rpLabelValue
	add := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			typed = append(typed, rpLabelValue{Label: label, Value: v})
		}
	}
	add("What happened", strings.ReplaceAll(f.Get("account"), "\r\n", "\n"))
	add("Town or area", f.Get("town"))
	add("Police reference", f.Get("police_reference"))
	for _, o := range rpReadOffenders(f) {
		for _, df := range rpDescFields {
			add(df.Label, *rpDescValue(&o.Description, df.Key))
		}
		for _, id := range o.Identifiers {
			label := id.Kind
			for _, k := range rpIdentKinds {
				if k.Value == id.Kind {
					label = k.Label
				}
			}
			add(label, strings.TrimSpace(id.Value+" "+id.Colour+" "+id.Make))
		}
	}
	var text strings.Builder
	for _, t := range typed {
		fmt.Fprintf(&text, "%s:\n%s\n\n", t.Label, t.Value)
	}
	s.Render(w, r, http.StatusUnauthorized, "report-signed-out", map[string]any{"Typed": strings.TrimSpace(text.String())})
}

// ReporterListView lists the reporter's drafts and reports.
type ReporterListView struct {
	Notice string
	// Enquiries counts police enquiries waiting for the member's answer.
	Enquiries int
	Drafts    []rpDraftRow
	Reports   []rpReportRow
}

type rpDraftRow struct {
	ID, What, Saved string
	Step            int
}

type rpReportRow struct {
	ID, What, Incident, Sent string
	Status                   scheme.ReportStatus
	StatusName               string
	Unread                   int
}

func rpListNotice(r *http.Request) string {
	return map[string]string{
		"discarded": "The unsent report is deleted.",
		"draft":     "Your report is saved. It is not sent yet: continue it below when you are ready.",
	}[r.URL.Query().Get("done")]
}

func (s *server) myReports() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		ctx := r.Context()
		l, err := s.Content.Lists(ctx)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v := ReporterListView{Notice: rpListNotice(r)}
		if v.Enquiries, err = s.waitingEnquiries(r, u); err != nil {
			s.Fail(w, r, err)
			return
		}
		drafts, err := s.Reports.Drafts(ctx, u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, d := range drafts {
			var in report.Input
			_ = json.Unmarshal([]byte(d.Data), &in) // an unreadable draft still lists, so it can be discarded
			row := rpDraftRow{ID: d.ID, Saved: s.rpDayTime(d.UpdatedAt), Step: max(1, min(d.Step, rpSteps)), What: l.TypeNames(in.IncidentTypes)}
			if row.What == "" {
				row.What = "Report started " + d.UpdatedAt.In(s.rpLocation()).Format("2 January")
			}
			v.Drafts = append(v.Drafts, row)
		}
		reports, err := s.Reports.Mine(ctx, u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, rep := range reports {
			unread, err := s.Reports.Unread(ctx, u, rep)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			row := rpReportRow{ID: rep.ID, What: cmp.Or(l.TypeNames(rep.IncidentTypes), "Report"), Incident: rpShortDay(rep.IncidentAt.In(s.rpLocation())),
				Sent: s.rpDayTime(rep.SubmittedAt), Status: rep.Status, StatusName: cmp.Or(rpStatusWords[rep.Status].Name, string(rep.Status)), Unread: unread}
			v.Reports = append(v.Reports, row)
		}
		s.Render(w, r, http.StatusOK, "report-list", v)
	})
}

// ReporterReportView is one of the reporter's reports.
type ReporterReportView struct {
	ID, Title                   string
	Status                      scheme.ReportStatus
	StatusName, StatusText      string
	Reason                      string
	Submitted                   string
	Late, ThirdParty            bool
	Summary                     rpSummary
	Messages                    []rpMessage
	Consents                    []rpConsentView
	MessageNotice, ConsentsDone bool
	Message, MessageError       string
}

type rpMessage struct {
	FromScheme bool
	At, Body   string
}

// ReporterSentView is the confirmation after sending.
type ReporterSentView struct {
	ID, AcknowledgeBy string
	Alert             bool
}

func (s *server) myReport() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		rep, err := s.Reports.Own(r.Context(), u, r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		if r.URL.Query().Get("sent") != "" {
			s.Render(w, r, http.StatusOK, "report-sent", ReporterSentView{ID: rep.ID, AcknowledgeBy: s.rpDayTime(rep.AcknowledgeBy), Alert: rep.Consents.Alert})
			return
		}
		done := r.URL.Query().Get("done")
		s.rpRenderReport(w, r, u, http.StatusOK, rep, ReporterReportView{MessageNotice: done == "message", ConsentsDone: done == "consents"})
	})
}

func (s *server) rpRenderReport(w http.ResponseWriter, r *http.Request, u scheme.User, status int, rep scheme.Report, v ReporterReportView) {
	ctx := r.Context()
	l, err := s.Content.Lists(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	words := rpStatusWords[rep.Status]
	v.ID, v.Title, v.Status = rep.ID, cmp.Or(l.TypeNames(rep.IncidentTypes), "Your report"), rep.Status
	v.StatusName, v.StatusText = cmp.Or(words.Name, string(rep.Status)), words.Text
	if rep.Status == scheme.ReportRejected || rep.Status == scheme.ReportIntelligence {
		v.Reason = rep.Reason
	}
	if rep.Status == scheme.ReportSubmitted && rep.AcknowledgedAt.IsZero() && !rep.AcknowledgeBy.IsZero() {
		v.StatusText = "A coordinator will read it by " + s.rpDayTime(rep.AcknowledgeBy) + "."
	}
	v.Submitted, v.Late, v.ThirdParty = s.rpDayTime(rep.SubmittedAt), rep.Late, rep.ThirdParty
	o := rep.Original
	v.Summary = rpSummary{Types: l.TypeNames(rep.IncidentTypes), Account: o.Account, ThirdParty: rep.ThirdParty,
		When: s.rpWhen(rep.IncidentAt, rep.TimeKnown), Region: cmp.Or(l.RegionName(rep.Region), rep.Region), Town: o.Town,
		Offenders: rpOffenderSummaries(o.Offenders), PoliceReported: rep.PoliceReported, PoliceRef: o.PoliceRef, VictimSector: l.SectorName(rep.VictimSector)}
	if rep.PlaceKind != "" {
		v.Summary.Place = rpPairName(scheme.PlaceKinds, rep.PlaceKind)
	}
	if rep.ContactMethod != "" {
		v.Summary.Contact = rpPairName(scheme.ContactMethods, rep.ContactMethod)
	}
	if rep.VictimGender != "" {
		v.Summary.VictimGender = rpPairName(scheme.Genders, rep.VictimGender)
	}
	msgs, err := s.Reports.Thread(ctx, u, rep)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, m := range msgs {
		v.Messages = append(v.Messages, rpMessage{FromScheme: m.FromScheme, At: s.rpDayTime(m.At), Body: m.Body})
	}
	v.Consents = rpConsentViews(rep.Consents)
	s.Render(w, r, status, "report-view", v)
}

func (s *server) reporterMessage() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id := r.PathValue("id")
		body := r.PostFormValue("message")
		_, err := s.Reports.ReporterMessage(r.Context(), u, id, body)
		if err == nil {
			core.SeeOther(w, r, "/reports/"+id+"?done=message#messages")
			return
		}
		if scheme.ErrorCode(err) != scheme.CodeInvalid {
			s.Fail(w, r, err)
			return
		}
		rep, gerr := s.Reports.Own(r.Context(), u, id)
		if gerr != nil {
			s.Fail(w, r, gerr)
			return
		}
		s.rpRenderReport(w, r, u, http.StatusUnprocessableEntity, rep, ReporterReportView{Message: body, MessageError: core.FormErrors(err)["message"]})
	})
}

func (s *server) myConsents() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id := r.PathValue("id")
		if err := r.ParseForm(); err != nil {
			s.Fail(w, r, rpErrUnreadable) // never read a cut-short form as "withdraw everything"
			return
		}
		var c report.Input
		rpReadStep(&c, rpSteps, r.PostForm, u)
		if _, err := s.Reports.SetConsents(r.Context(), u, id, c.Consents); err != nil {
			s.Fail(w, r, err)
			return
		}
		core.SeeOther(w, r, "/reports/"+id+"?done=consents#consents")
	})
}
