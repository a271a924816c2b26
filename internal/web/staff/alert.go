package staff

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"uglymugs/internal/alert"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// AlertEditorView is one alert in the coordinators' editor.
type AlertEditorView struct {
	ID                         string
	Status                     scheme.AlertStatus
	StatusName                 string
	Draft, Published, Gone     bool
	Title                      string // as saved
	Form                       editForm
	Errors                     map[string]string // by field; "form" for the form as a whole
	Problems                   []caseProblem     // the same, in form order
	In                         string            // the form the problems belong to
	Notice                     string
	Flags                      []flagView
	Preview                    []previewField
	Audience                   scheme.Audience
	Reports                    []reportLink
	RequireApproval            bool
	Approved                   bool
	ApprovedBy, ApprovedAt     string
	Writer, Created, Updated   string
	WrittenByMe                bool
	CanPublish                 bool
	PublishedBy, PublishedAt   string
	WithdrawnAt, WithdrawNote  string
	Version                    int
	Versions                   []versionRow
	Additions                  []staffAddition
	Pauses                     []pause
	TargetText, NarrowText     string // published: who it went to
	SeverityName, IncidentText string
	Urgent                     urgentView
}

// editForm is the alert as the form shows it: saved, or as typed.
type editForm struct {
	Title, Area, Body, Severity string
	Nationwide                  bool
	Severities, Types           []core.Option
	Regions, Sectors, Genders   []core.Option
	Towns                       []core.Option // as typed (nil: as saved); shown as TownGroups
	TownGroups                  []townGroup
	Identifiers                 []identChoice
	Translations                []translationForm
	OverrideReason, Notice      string
}

// townGroup is one region's towns in the editor: the towns offered, and
// any retired one the alert names.
type townGroup struct {
	RegionName string
	Towns      []core.Option
}

// identChoice is an identifier from the reports that the alert may
// publish; Value is "kind:normalised".
type identChoice struct {
	Value, Kind, Text string
	Selected          bool
}

type flagView struct {
	N                    int
	Field, Text, Message string
	field                string // as the check names it: "translations.ro.body"
}

// previewField is one field's text cut into pieces, the flagged ones
// marked (the template escapes every piece).
type previewField struct {
	Name   string
	Pieces []textPiece
}

type textPiece struct {
	Text string
	Flag int // the flag's number; 0 for plain text
}

type reportLink struct{ ID, Text string }

type versionRow struct {
	Version          int
	Title, Body      string
	EditedBy, Edited string
	Current          bool
}

type staffAddition struct {
	ID, Body, When, Status string
	Lang, WrittenIn        string // the language it was written in, when not English
}

var fieldNames = map[string]string{"title": "title", "body": "text", "area": "area"}

// editorState carries a failed form back onto the editor.
type editorState struct {
	status int
	in     string // "save", "approve", "publish", "withdraw", "discard"
	errs   map[string]string
	form   *editForm
	notice string
}

func (s *server) alertEditor(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	q := r.URL.Query()
	notice := map[string]string{
		"created":   "Draft written from the report. Read it through, change what it needs, and save.",
		"existing":  "This report already has a draft alert: here it is. Nothing new was written.",
		"saved":     "Saved. The anonymisation check ran again.",
		"approved":  "Approved. It can be published now.",
		"published": "Published. Delivery has started: members see it on the website as the fan-out reaches them.",
		"withdrawn": "Withdrawn. Members see the notice in place of the alert; email and SMS not yet sent are cancelled.",
		"confirmed": "Confirmed: the urgent alert stands as members have it, and has left the review queue.",
	}[q.Get("done")]
	if q.Get("done") == "published" {
		n := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return max(v, 0) }
		members := "members"
		if n("in_app") == 1 {
			members = "member"
		}
		notice = fmt.Sprintf("Published to %d %s: %d on the website, %d by email, %d by SMS, %d devices by push. Delivery has started; see Deliveries for how it goes.",
			n("in_app"), members, n("in_app"), n("email"), n("sms"), n("push"))
	}
	s.renderEditor(w, r, u, editorState{status: http.StatusOK, notice: notice})
	return nil
}

func (s *server) renderEditor(w http.ResponseWriter, r *http.Request, u scheme.User, st editorState) {
	ctx := r.Context()
	a, err := s.Alerts.Alert(ctx, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	names := s.nameCache(ctx)
	v := AlertEditorView{ID: a.ID, Status: a.Status, Draft: a.Status == scheme.AlertDraft, Published: a.Status == scheme.AlertPublished,
		Gone: a.Status == scheme.AlertWithdrawn, Title: a.Title, Errors: st.errs, In: st.in, Notice: st.notice,
		Approved: a.ApprovedBy != "", ApprovedBy: names.of(a.ApprovedBy), Writer: names.of(a.CreatedBy),
		Created: s.caseDayTime(a.CreatedAt), Updated: s.caseDayTime(a.UpdatedAt), WrittenByMe: a.CreatedBy == u.ID,
		PublishedBy: names.of(a.PublishedBy), Version: a.Version, WithdrawNote: a.Notice,
		SeverityName: core.SeverityOf(a.Severity).SeverityName, IncidentText: l.TypeNames(a.IncidentTypes)}
	v.StatusName = map[scheme.AlertStatus]string{scheme.AlertDraft: "Draft", scheme.AlertPublished: "Published", scheme.AlertWithdrawn: "Withdrawn"}[a.Status]
	if !a.ApprovedAt.IsZero() {
		v.ApprovedAt = s.caseDayTime(a.ApprovedAt)
	}
	if !a.PublishedAt.IsZero() {
		v.PublishedAt = s.caseDayTime(a.PublishedAt)
	}
	if !a.WithdrawnAt.IsZero() {
		v.WithdrawnAt = s.caseDayTime(a.WithdrawnAt)
	}
	if v.RequireApproval, err = s.Alerts.RequireApproval(ctx); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.CanPublish = v.Draft && (!v.RequireApproval || v.Approved)

	reports, err := s.Alerts.Reports(ctx, a)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, rep := range reports {
		v.Reports = append(v.Reports, reportLink{ID: rep.ID, Text: fmt.Sprintf("%s, %s, %s",
			cmp.Or(l.TypeNames(rep.IncidentTypes), "Report"), cmp.Or(l.RegionName(rep.Region), rep.Region), s.caseDay(rep.IncidentAt))})
	}
	if st.form != nil {
		v.Form = *st.form
	} else {
		v.Form = formOf(a)
	}
	v.Form.fillChoices(a, l, alert.ReportIdentifiers(reports))
	towns, err := s.Towns.All(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Form.fillTowns(a, l, towns)

	for i, f := range a.Flags {
		v.Flags = append(v.Flags, flagView{N: i + 1, Field: fieldName(f.Field), Text: f.Text, Message: f.Message, field: f.Field})
	}
	v.Form.fillTranslations(a, st.errs, v.Flags)
	v.Preview = previewFields(a)

	if v.Draft {
		if v.Audience, err = s.Alerts.Audience(ctx, a.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
	} else {
		v.TargetText = core.AlertRegions(s.Words.Localizer(i18n.English), a, l)
		if len(a.Towns) > 0 {
			v.TargetText += "; towns: " + townNames(towns, a.Towns)
		}
		var narrow []string
		for _, x := range a.Sectors {
			narrow = append(narrow, cmp.Or(l.SectorName(x), x))
		}
		for _, g := range a.Genders {
			narrow = append(narrow, cmp.Or(l.GenderName(g), g))
		}
		v.NarrowText = strings.Join(narrow, ", ")
		vs, err := s.Alerts.Versions(ctx, a.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, x := range vs {
			v.Versions = append(v.Versions, versionRow{Version: x.Version, Title: x.Content.Title, Body: x.Content.Body,
				EditedBy: names.of(x.EditedBy), Edited: s.caseDayTime(x.EditedAt), Current: x.Version == a.Version})
		}
		ads, err := s.Alerts.AllAdditions(ctx, u, a.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		for _, ad := range ads {
			v.Additions = append(v.Additions, staffAddition{ID: ad.ID, Body: ad.Body, When: s.caseDayTime(ad.CreatedAt), Status: ad.Status, Lang: ad.Language, WrittenIn: writtenIn(ad.Language)})
		}
		if v.Pauses, err = s.pauses(ctx); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if v.Urgent, err = s.urgentOf(r, u, a); err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Problems = editorProblems(st.errs)
	s.Render(w, r, st.status, viewAlertEditor, v)
}

// formOf is a saved alert as the form shows it.
func formOf(a scheme.Alert) editForm {
	return editForm{Title: a.Title, Area: a.Area, Body: a.Body, Severity: string(a.Severity), Nationwide: a.Nationwide,
		Translations: translationsOf(a)}
}

// fillChoices builds the form's boxes: ticked as the form says (what was
// typed) or, for a fresh form, as the alert is saved.
func (f *editForm) fillChoices(a scheme.Alert, l scheme.Lists, available []scheme.Identifier) {
	chosen := func(saved []string, typed []core.Option) map[string]bool {
		m := map[string]bool{}
		if typed != nil {
			for _, o := range typed {
				m[o.Value] = o.Selected
			}
			return m
		}
		for _, x := range saved {
			m[x] = true
		}
		return m
	}
	types, regions, sectors, genders := chosen(a.IncidentTypes, f.Types), chosen(a.Regions, f.Regions), chosen(a.Sectors, f.Sectors), chosen(a.Genders, f.Genders)
	f.Severities = nil
	for _, sv := range []scheme.Severity{scheme.SeverityHighest, scheme.SeverityHigh, scheme.SeverityMedium, scheme.SeverityLow} {
		f.Severities = append(f.Severities, core.Option{Value: string(sv), Label: core.CaseSeverityNames[sv], Selected: string(sv) == f.Severity})
	}
	// Retired values are offered no more, except those the alert holds
	// (marked, so that they can be taken out).
	l = l.OfferedKeeping(scheme.Kept{Types: a.IncidentTypes, Regions: a.Regions, Sectors: a.Sectors, Genders: a.Genders})
	label := func(name string, retired bool) string {
		if retired {
			return name + " (retired)"
		}
		return name
	}
	f.Types = nil
	for _, t := range l.Types {
		f.Types = append(f.Types, core.Option{Value: t.Slug, Label: label(t.Name, t.Retired), Selected: types[t.Slug]})
	}
	f.Regions = nil
	for _, x := range l.Regions {
		f.Regions = append(f.Regions, core.Option{Value: x.Slug, Label: label(x.Name, x.Retired), Selected: regions[x.Slug]})
	}
	f.Sectors = nil
	for _, x := range l.Sectors {
		f.Sectors = append(f.Sectors, core.Option{Value: x.Slug, Label: label(x.Name, x.Retired), Selected: sectors[x.Slug]})
	}
	f.Genders = nil
	for _, g := range l.Genders {
		if g.Slug != "prefer-not" {
			f.Genders = append(f.Genders, core.Option{Value: g.Slug, Label: label(g.Name, g.Retired), Selected: genders[g.Slug]})
		}
	}
	var idsChosen map[string]bool
	if f.Identifiers != nil {
		idsChosen = map[string]bool{}
		for _, c := range f.Identifiers {
			idsChosen[c.Value] = c.Selected
		}
	} else {
		idsChosen = map[string]bool{}
		for _, id := range a.Identifiers {
			idsChosen[id.Kind+":"+id.Normalised] = true
		}
	}
	f.Identifiers = []identChoice{}
	for _, id := range available {
		text := id.Value
		if extra := strings.Join(slices.DeleteFunc([]string{id.Make, id.Colour}, func(s string) bool { return strings.TrimSpace(s) == "" }), ", "); extra != "" {
			text += " (" + extra + ")"
		}
		key := id.Kind + ":" + id.Normalised
		f.Identifiers = append(f.Identifiers, identChoice{Value: key, Kind: core.AlertKindName(id.Kind), Text: text, Selected: idsChosen[key]})
	}
}

// fillTowns builds the towns' boxes, by region: ticked as typed or, for
// a fresh form, as saved.
func (f *editForm) fillTowns(a scheme.Alert, l scheme.Lists, all scheme.Towns) {
	chosen := map[string]bool{}
	if f.Towns != nil {
		for _, o := range f.Towns {
			chosen[o.Value] = o.Selected
		}
	} else {
		for _, t := range a.Towns {
			chosen[t] = true
		}
	}
	f.TownGroups = nil
	for _, region := range l.Regions {
		g := townGroup{RegionName: region.Name}
		for _, t := range all {
			if t.Region != region.Slug || (t.Retired() && !slices.Contains(a.Towns, t.Slug)) {
				continue
			}
			label := t.Name
			if t.Retired() {
				label += " (retired)"
			}
			g.Towns = append(g.Towns, core.Option{Value: t.Slug, Label: label, Selected: chosen[t.Slug]})
		}
		if len(g.Towns) > 0 {
			f.TownGroups = append(f.TownGroups, g)
		}
	}
}

// townNames names towns, joined with commas.
func townNames(all scheme.Towns, slugs []string) string {
	names := make([]string, len(slugs))
	for i, t := range slugs {
		names[i] = all.Name(t)
	}
	return strings.Join(names, ", ")
}

// previewFields cuts the flagged fields into plain and flagged pieces, using
// the flags' byte offsets only where they still fit the saved text.
func previewFields(a scheme.Alert) []previewField {
	order, texts := translationTexts(a)
	texts["title"], texts["area"], texts["body"] = a.Title, a.Area, a.Body
	var out []previewField
	for _, field := range append([]string{"title", "area", "body"}, order...) {
		text := texts[field]
		var pieces []textPiece
		at := 0
		for i, f := range a.Flags {
			if f.Field != field || f.Start < at || f.End > len(text) || f.Start >= f.End || text[f.Start:f.End] != f.Text {
				continue
			}
			if f.Start > at {
				pieces = append(pieces, textPiece{Text: text[at:f.Start]})
			}
			pieces = append(pieces, textPiece{Text: f.Text, Flag: i + 1})
			at = f.End
		}
		if len(pieces) == 0 {
			continue
		}
		if at < len(text) {
			pieces = append(pieces, textPiece{Text: text[at:]})
		}
		out = append(out, previewField{Name: fieldName(field), Pieces: pieces})
	}
	return out
}

// problemOrder is the editor's fields in page order, for the error
// summary.
var problemOrder = []string{"form", "report_ids", "title", "area", "body", "severity", "incident_types", "regions", "towns", "sectors", "genders", "identifiers", "override_reason", "notice"}

func editorProblems(errs map[string]string) []caseProblem {
	var out []caseProblem
	for _, k := range problemOrder {
		if msg, ok := errs[k]; ok {
			field := k
			if k == "form" || k == "report_ids" {
				field = ""
			}
			out = append(out, caseProblem{field, msg})
		}
	}
	var rest []string
	for k := range errs {
		if !slices.Contains(problemOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		field := ""
		if strings.HasPrefix(k, "translations.") && strings.Count(k, ".") == 2 {
			field = k // a translation's title or body
		}
		out = append(out, caseProblem{field, errs[k]})
	}
	return out
}

// formFrom reads the editor's form as typed.
func formFrom(r *http.Request) editForm {
	f := editForm{Title: r.PostFormValue("title"), Area: r.PostFormValue("area"), Body: r.PostFormValue("body"),
		Severity: r.PostFormValue("severity"), Nationwide: r.PostFormValue("target") == "nationwide",
		OverrideReason: r.PostFormValue("override_reason"), Translations: translationsFrom(r)}
	boxes := func(name string) []core.Option {
		out := []core.Option{}
		for _, v := range r.PostForm[name] {
			out = append(out, core.Option{Value: v, Selected: true})
		}
		return out
	}
	f.Types, f.Regions, f.Sectors, f.Genders = boxes("incident_types"), boxes("regions"), boxes("sectors"), boxes("genders")
	f.Towns = boxes("towns")
	f.Identifiers = []identChoice{}
	for _, v := range r.PostForm["identifiers"] {
		f.Identifiers = append(f.Identifiers, identChoice{Value: v, Selected: true})
	}
	return f
}

func optionValues(opts []core.Option) *[]string {
	out := []string{}
	for _, o := range opts {
		if o.Selected {
			out = append(out, o.Value)
		}
	}
	return &out
}

// input turns the form into the service's input. A published alert's
// form holds only its content (who it went to cannot change).
func (f editForm) input(published bool) alert.Input {
	in := alert.Input{Title: &f.Title, Area: &f.Area, Body: &f.Body, OverrideReason: f.OverrideReason, Translations: translationsInput(f.Translations)}
	ids := []scheme.Identifier{}
	for _, c := range f.Identifiers {
		if kind, norm, ok := strings.Cut(c.Value, ":"); ok && c.Selected {
			ids = append(ids, scheme.Identifier{Kind: kind, Normalised: norm})
		}
	}
	in.Identifiers = &ids
	if published {
		return in
	}
	nationwide := f.Nationwide
	in.Severity, in.Nationwide = &f.Severity, &nationwide
	in.IncidentTypes, in.Regions, in.Sectors, in.Genders = optionValues(f.Types), optionValues(f.Regions), optionValues(f.Sectors), optionValues(f.Genders)
	in.Towns = optionValues(f.Towns)
	return in
}

// editorFailed shows the editor again with what went wrong, beside the field
// or at the top of the form it came from; anything but a problem with the
// input or the alert's state is the error page.
func (s *server) editorFailed(w http.ResponseWriter, r *http.Request, u scheme.User, err error, st editorState) {
	code := scheme.ErrorCode(err)
	if code != scheme.CodeInvalid && code != scheme.CodeConflict && code != scheme.CodeForbidden {
		s.Fail(w, r, err)
		return
	}
	st.status, st.errs = core.StatusFor(code), map[string]string{}
	se, _ := err.(*scheme.Error)
	if se != nil && len(se.Fields) > 0 {
		for k, msg := range se.Fields {
			st.errs[k] = msg
		}
		// A message of its own (not the generic one) says more than the
		// fields do.
		if se.Message != "" && se.Message != scheme.Invalid(nil).Message {
			st.errs["form"] = se.Message
		}
	} else {
		st.errs["form"] = scheme.ErrorMessage(err)
	}
	s.renderEditor(w, r, u, st)
}

func (s *server) saveAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := r.ParseForm(); err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "We could not read that form.")
	}
	id := r.PathValue("id")
	a, err := s.Alerts.Alert(r.Context(), id)
	if err != nil {
		return err
	}
	f := formFrom(r)
	if _, err := s.Alerts.Update(r.Context(), u, id, f.input(a.Status == scheme.AlertPublished)); err != nil {
		s.editorFailed(w, r, u, err, editorState{in: "save", form: &f})
		return nil
	}
	core.SeeOther(w, r, editorURL(id, "saved", "alert-form"))
	return nil
}

func (s *server) approveAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	if err := s.Alerts.Approve(r.Context(), u, id); err != nil {
		s.editorFailed(w, r, u, err, editorState{in: "approve"})
		return nil
	}
	core.SeeOther(w, r, editorURL(id, "approved", "approval"))
	return nil
}

func (s *server) publishAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, reason := r.PathValue("id"), r.PostFormValue("override_reason")
	urgent := r.PostFormValue("urgent") == "true"
	aud, err := s.Alerts.PublishWith(r.Context(), u, id, alert.PublishInput{OverrideReason: reason, Urgent: urgent})
	if err != nil {
		in := "publish"
		if urgent {
			in = "urgent"
		}
		s.editorFailed(w, r, u, err, editorState{in: in, form: s.keep(r, id, func(f *editForm) { f.OverrideReason = reason })})
		return nil
	}
	// The counts (no one's details) go with the redirect, for the notice.
	core.SeeOther(w, r, fmt.Sprintf("%s&in_app=%d&email=%d&sms=%d&push=%d", editorURL(id, "published", ""), aud.InApp, aud.Email, aud.SMS, aud.Push))
	return nil
}

// keep is the saved alert's form with one answer kept as typed (the
// publish and withdraw forms carry one field each).
func (s *server) keep(r *http.Request, id string, set func(f *editForm)) *editForm {
	a, err := s.Alerts.Alert(r.Context(), id)
	if err != nil {
		return nil // the editor reports it
	}
	f := formOf(a)
	set(&f)
	return &f
}

func (s *server) withdrawAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, notice := r.PathValue("id"), r.PostFormValue("notice")
	if err := s.Alerts.Withdraw(r.Context(), u, id, notice); err != nil {
		s.editorFailed(w, r, u, err, editorState{in: "withdraw", form: s.keep(r, id, func(f *editForm) { f.Notice = notice })})
		return nil
	}
	core.SeeOther(w, r, editorURL(id, "withdrawn", ""))
	return nil
}

func (s *server) discardAlert(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Alerts.Discard(r.Context(), u, r.PathValue("id")); err != nil {
		s.editorFailed(w, r, u, err, editorState{in: "discard"})
		return nil
	}
	core.SeeOther(w, r, "/coordinator/alerts?done=discarded")
	return nil
}
