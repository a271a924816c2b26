package staff

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// caseWorkingForm turns the stored working copy into the edit form.
func caseWorkingForm(c scheme.ReportContent) workingCopyForm {
	f := workingCopyForm{
		Account:   core.FieldView{Name: "account", Label: "What happened", Value: c.Account},
		Town:      core.FieldView{Name: "town", Label: "Town or area", Value: c.Town, Type: "text"},
		PoliceRef: core.FieldView{Name: "police_reference", Label: "Police reference", Value: c.PoliceRef, Type: "text"},
	}
	for i, o := range c.Offenders {
		wo := newWCOffender(i, o.ID, o.ProfileID)
		for k := range wo.Description {
			wo.Description[k].Value = *o.Description.Field(core.CaseDescriptionFields[k].Key)
		}
		for j, id := range o.Identifiers {
			wo.Identifiers = append(wo.Identifiers, workingCopyIdent{Prefix: caseIdentPrefix(i, j), Number: j + 1, Kind: id.Kind, Value: id.Value,
				Make: id.Make, Colour: id.Colour, Partial: id.Partial, ShowVehicle: id.Kind == "vehicle"})
			if id.Normalised != id.Value && !id.Partial {
				wo.Identifiers[j].Matched = id.Normalised
			}
		}
		f.Offenders = append(f.Offenders, wo)
	}
	f.settle()
	return f
}

func caseKinds() []caseLabelled {
	var out []caseLabelled
	for _, k := range scheme.IdentifierKinds {
		out = append(out, caseLabelled{Label: cmp.Or(core.CaseKindNames[k], k), Value: k})
	}
	return out
}

func caseIdentPrefix(i, j int) string { return fmt.Sprintf("offenders.%d.identifiers.%d", i, j) }

func newWCOffender(i int, id, profile string) workingCopyOffender {
	o := workingCopyOffender{N: i, Number: i + 1, ID: id, ProfileID: profile}
	for _, d := range core.CaseDescriptionFields {
		o.Description = append(o.Description, core.FieldView{Name: fmt.Sprintf("offenders.%d.%s", i, d.Key), Label: d.Label, Type: "text"})
	}
	return o
}

// settle works out which "add" buttons to offer.
func (f *workingCopyForm) settle() {
	f.CanAddOffender = len(f.Offenders) < caseMaxOffenders
	for i := range f.Offenders {
		f.Offenders[i].CanAddIdent = len(f.Offenders[i].Identifiers) < caseMaxIdentifiers
	}
}

// addBlankIdentifier adds an empty identifier row to offender i.
func (f *workingCopyForm) addBlankIdentifier(i int) {
	o := &f.Offenders[i]
	j := len(o.Identifiers)
	o.Identifiers = append(o.Identifiers, workingCopyIdent{Prefix: caseIdentPrefix(i, j), Number: j + 1, Kind: "phone", ShowVehicle: true})
}

// caseWorkingFromForm reads the working copy form as typed.
func caseWorkingFromForm(form url.Values) workingCopyForm {
	get := func(k string) string { return form.Get(k) }
	f := workingCopyForm{
		Account:   core.FieldView{Name: "account", Label: "What happened", Value: get("account")},
		Town:      core.FieldView{Name: "town", Label: "Town or area", Value: get("town"), Type: "text"},
		PoliceRef: core.FieldView{Name: "police_reference", Label: "Police reference", Value: get("police_reference"), Type: "text"},
	}
	for i := 0; i < caseMaxOffenders; i++ {
		p := fmt.Sprintf("offenders.%d.", i)
		if _, ok := form[p+"id"]; !ok {
			break
		}
		o := newWCOffender(i, get(p+"id"), "")
		o.Remove = get(p+"remove") != ""
		for k, d := range core.CaseDescriptionFields {
			o.Description[k].Value = get(p + d.Key)
		}
		for j := 0; j < caseMaxIdentifiers; j++ {
			q := caseIdentPrefix(i, j) + "."
			if _, ok := form[q+"kind"]; !ok {
				break
			}
			id := workingCopyIdent{Prefix: caseIdentPrefix(i, j), Number: j + 1, Kind: get(q + "kind"), Value: get(q + "value"), Make: get(q + "make"), Colour: get(q + "colour")}
			id.ShowVehicle = id.Kind == "vehicle" || strings.TrimSpace(id.Value) == "" || id.Make != "" || id.Colour != ""
			o.Identifiers = append(o.Identifiers, id)
		}
		f.Offenders = append(f.Offenders, o)
	}
	f.settle()
	return f
}

// input is the report.Input for the form: every row, in form order, so
// that problems come back under the form's own indexes (a removed offender
// is an empty one, which validation drops).
func (f workingCopyForm) input(rep scheme.Report) report.Input {
	in := report.Input{IncidentTypes: rep.IncidentTypes, IncidentAt: rep.IncidentAt.Format(time.RFC3339), Region: rep.Region,
		Account: f.Account.Value, Town: f.Town.Value, PoliceReference: f.PoliceRef.Value, Offenders: []report.OffenderInput{}}
	for _, o := range f.Offenders {
		oi := report.OffenderInput{Identifiers: []report.IdentifierInput{}}
		if !o.Remove {
			for k, d := range core.CaseDescriptionFields {
				*oi.Description.Field(d.Key) = o.Description[k].Value
			}
			for _, id := range o.Identifiers {
				oi.Identifiers = append(oi.Identifiers, report.IdentifierInput{Kind: id.Kind, Value: id.Value, Make: id.Make, Colour: id.Colour})
			}
		}
		in.Offenders = append(in.Offenders, oi)
	}
	return in
}

// kept reports whether validation keeps offender o (it drops empty ones).
func (o workingCopyOffender) kept() bool {
	if o.Remove {
		return false
	}
	for _, d := range o.Description {
		if strings.TrimSpace(d.Value) != "" {
			return true
		}
	}
	for _, id := range o.Identifiers {
		if strings.TrimSpace(id.Value) != "" {
			return true
		}
	}
	return false
}

// withProblems puts validation problems beside the form's fields.
func (f *workingCopyForm) withProblems(p map[string]string) {
	f.Account.Error, f.Town.Error, f.PoliceRef.Error = p["account"], p["town"], p["police_reference"]
	for i := range f.Offenders {
		o := &f.Offenders[i]
		o.Error = p[fmt.Sprintf("offenders.%d.identifiers", i)]
		for j := range o.Identifiers {
			id := &o.Identifiers[j]
			id.KindError, id.ValueError = p[id.Prefix+".kind"], p[id.Prefix+".value"]
		}
	}
}

// caseOrderedProblems lists errors in the order of the page's forms, each
// linked to its field when there is one.
func caseOrderedProblems(errs map[string]string, wc workingCopyForm) []caseProblem {
	if len(errs) == 0 {
		return nil
	}
	var out []caseProblem
	seen := map[string]bool{}
	add := func(field string) {
		msg, ok := errs[field]
		if !ok || seen[field] {
			return
		}
		seen[field] = true
		if field == "form" {
			field = ""
		}
		out = append(out, caseProblem{field, msg})
	}
	for _, k := range []string{"form", "status", "reason", "account", "town", "police_reference"} {
		add(k)
	}
	for i, o := range wc.Offenders {
		add(fmt.Sprintf("offenders.%d.identifiers", i))
		for _, id := range o.Identifiers {
			add(id.Prefix + ".kind")
			add(id.Prefix + ".value")
		}
	}
	for _, k := range []string{"kind", "text", "title", "due", "body"} {
		add(k)
	}
	var rest []string
	for k := range errs {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		// Problems with the report's own details (types, date, region)
		// have no field on this page.
		out = append(out, caseProblem{"", errs[k]})
	}
	return out
}

func (s *server) caseURL(id, done, section string) string {
	return "/coordinator/reports/" + url.PathEscape(id) + "?done=" + done + "#" + section
}

func (s *server) editWorkingCopy(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	rep, err := s.Reports.Peek(ctx, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return scheme.Errorf(scheme.CodeInvalid, "We could not read that form.")
	}
	f := caseWorkingFromForm(r.PostForm)

	// "Add an identifier" and "Add an offender" show the form again
	// with an empty row, keeping what was typed; nothing is saved.
	if add := r.PostFormValue("add"); add != "" {
		if add == "offender" && f.CanAddOffender {
			o := newWCOffender(len(f.Offenders), "", "")
			f.Offenders = append(f.Offenders, o)
			f.addBlankIdentifier(len(f.Offenders) - 1)
		} else if i, err := strconv.Atoi(strings.TrimPrefix(add, "identifier-")); err == nil && i >= 0 && i < len(f.Offenders) && f.Offenders[i].CanAddIdent {
			f.addBlankIdentifier(i)
		}
		f.settle()
		s.renderCase(w, r, u, caseForm{status: http.StatusOK, form: "working-copy", wc: &f})
		return nil
	}

	checked, problems, err := s.Reports.Validate(ctx, f.input(rep))
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		f.withProblems(problems)
		s.renderCase(w, r, u, caseForm{status: http.StatusUnprocessableEntity, form: "working-copy", wc: &f, errors: problems})
		return nil
	}
	// Keep each offender's id, so that their links stay; an id that is
	// not this report's (or is used twice) makes a new offender.
	content := checked.Original
	known := map[string]bool{}
	for _, o := range rep.Working.Offenders {
		known[o.ID] = true
	}
	k := 0
	for _, o := range f.Offenders {
		if !o.kept() {
			continue
		}
		if k < len(content.Offenders) && known[o.ID] {
			content.Offenders[k].ID = o.ID
			known[o.ID] = false
		}
		k++
	}
	if err := s.Reports.UpdateWorkingCopy(ctx, u, rep.ID, content); err != nil {
		s.caseFailed(w, r, u, err, caseForm{form: "working-copy", wc: &f})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(rep.ID, "edit", "working-copy"))
	return nil
}

// caseFailed shows the case again with the problem (invalid input or a
// conflict), or the error page for anything else.
func (s *server) caseFailed(w http.ResponseWriter, r *http.Request, u scheme.User, err error, f caseForm) {
	code := scheme.ErrorCode(err)
	if code != scheme.CodeInvalid && code != scheme.CodeConflict {
		s.Fail(w, r, err)
		return
	}
	f.status = core.StatusFor(code)
	errs := core.FormErrors(err)
	if f.errors == nil {
		f.errors = map[string]string{}
	}
	for k, msg := range errs {
		f.errors[k] = msg
	}
	s.renderCase(w, r, u, f)
}

func (s *server) setReportStatus(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	to := scheme.ReportStatus(r.PostFormValue("status"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	values := map[string]string{"status": string(to), "reason": reason}
	if err := s.Reports.SetStatus(r.Context(), u, r.PathValue("id"), to, reason); err != nil {
		s.caseFailed(w, r, u, err, caseForm{form: "status", values: values})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "status", "case-status"))
	return nil
}

func (s *server) addCaseNote(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	kind, text := r.PostFormValue("kind"), r.PostFormValue("text")
	values := map[string]string{"kind": kind, "text": text}
	if err := s.Reports.AddCaseNote(r.Context(), u, r.PathValue("id"), kind, text); err != nil {
		s.caseFailed(w, r, u, caseRenameFields(err, map[string]string{"note": "text", "referral": "text"}), caseForm{form: "notes", values: values})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), kind, "case-notes"))
	return nil
}

// caseRenameFields moves a store's field problems onto this page's field names.
func caseRenameFields(err error, names map[string]string) error {
	se, ok := err.(*scheme.Error)
	if !ok || len(se.Fields) == 0 {
		return err
	}
	fields := map[string]string{}
	for k, msg := range se.Fields {
		fields[cmp.Or(names[k], k)] = msg
	}
	return &scheme.Error{Code: se.Code, Message: se.Message, Fields: fields, Err: se.Err}
}

func (s *server) addTask(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	title, dueText := r.PostFormValue("title"), strings.TrimSpace(r.PostFormValue("due"))
	values := map[string]string{"title": title, "due": dueText}
	if _, err := s.Reports.AddTask(r.Context(), u, r.PathValue("id"), title, dueText); err != nil {
		s.caseFailed(w, r, u, caseRenameFields(err, map[string]string{"task": "title"}), caseForm{form: "tasks", values: values})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "task", "case-tasks"))
	return nil
}

func (s *server) completeTask(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Reports.CompleteTask(r.Context(), u, r.PathValue("id"), r.PathValue("task")); err != nil {
		return err
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "task-done", "case-tasks"))
	return nil
}

func (s *server) schemeMessage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	body := r.PostFormValue("body")
	if _, err := s.Reports.SchemeMessage(r.Context(), u, r.PathValue("id"), body, s.Accounts.URL); err != nil {
		s.caseFailed(w, r, u, caseRenameFields(err, map[string]string{"message": "body"}), caseForm{form: "messages", values: map[string]string{"body": body}})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "message", "case-messages"))
	return nil
}
