package staff

import (
	"net/http"
	"net/url"
	"strings"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The legal disclosure log (police/disclosure.go): coordinators record a
// disclosure made without consent; another admin approves or refuses it;
// the person is told on their account page unless the law forbids it.

type basisOption struct {
	Value, Label string
	Checked      bool
}

func basisOptions(chosen string) []basisOption {
	var out []basisOption
	for _, b := range scheme.LegalBases {
		out = append(out, basisOption{Value: b, Label: police.LegalBasisNames[b], Checked: b == chosen})
	}
	return out
}

// DisclosuresView is the log and the form to record one.
type DisclosuresView struct {
	Bases []basisOption
	Items []disclosureRow
	Pager core.Pager
}

type disclosureRow struct {
	ID, Basis, When, Status, StatusName, By, DecidedBy string
}

var disclosureStatusNames = map[string]string{"pending": "Waiting for an admin", "approved": "Approved", "refused": "Refused"}

// usernames looks each account's username up once (a few admins record
// and decide them all), starting from those known.
func (s *server) usernames(r *http.Request, known map[string]string) func(id string) string {
	return func(id string) string {
		n, ok := known[id]
		if !ok {
			n = s.username(r, id)
			known[id] = n
		}
		return n
	}
}

func (s *server) username(r *http.Request, id string) string {
	if id == "" {
		return ""
	}
	if username, _, err := s.Accounts.Username(r.Context(), id); err == nil {
		return username
	}
	return "(account gone)"
}

func (s *server) renderDisclosures(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f core.FormView) error {
	items, pager, err := core.ListPage(r, u, "/coordinator/disclosures", s.Police.Disclosures)
	if err != nil {
		return err
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	v := DisclosuresView{Bases: basisOptions(f.Values["legal_basis"]), Pager: pager}
	name := s.usernames(r, map[string]string{})
	for _, d := range items {
		v.Items = append(v.Items, disclosureRow{ID: d.ID, Basis: police.LegalBasisNames[d.LegalBasis], Status: d.Status,
			StatusName: disclosureStatusNames[d.Status], When: s.Time(d.RequestedAt, core.DateShort),
			By: name(d.RequestedBy), DecidedBy: name(d.DecidedBy)})
	}
	f.Extra = v
	s.Render(w, r, status, viewDisclosures, f)
	return nil
}

func (s *server) disclosuresPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderDisclosures(w, r, u, http.StatusOK, core.FormView{Notice: map[string]string{
		"recorded": "The disclosure is recorded. It enters the log when another admin approves it.",
	}[r.URL.Query().Get("done")]})
}

func (s *server) createDisclosure(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	vals := core.PostedValues(r, "legal_basis", "username", "report_id", "what", "recipient", "justification", "notify", "no_notify_reason")
	d, err := s.Police.RecordDisclosure(r.Context(), u, police.DisclosureInput{LegalBasis: vals["legal_basis"], Username: vals["username"],
		ReportID: vals["report_id"], What: vals["what"], Recipient: vals["recipient"], Justification: vals["justification"],
		Notify: vals["notify"], NoNotifyReason: vals["no_notify_reason"]})
	return s.answer(w, r, err, vals, func(f core.FormView) error { return s.renderDisclosures(w, r, u, http.StatusUnprocessableEntity, f) }, "/coordinator/disclosures/"+url.PathEscape(d.ID)+"?done=recorded")
}

// DisclosureView is one disclosure.
type DisclosureView struct {
	scheme.Disclosure
	Basis, StatusName, When, By, DecidedBy, Decided, Notified, Subject string
	CanDecide, Recorded                                                bool
	Note, NoteError                                                    string
}

func (s *server) showDisclosure(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v DisclosureView) error {
	d, err := s.Police.Disclosure(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Disclosure, v.Basis, v.StatusName = d, police.LegalBasisNames[d.LegalBasis], disclosureStatusNames[d.Status]
	v.When, v.By, v.DecidedBy = s.Time(d.RequestedAt, core.DateTimeLong), s.username(r, d.RequestedBy), s.username(r, d.DecidedBy)
	if !d.DecidedAt.IsZero() {
		v.Decided = s.Time(d.DecidedAt, core.DateTimeLong)
	}
	if !d.NotifiedAt.IsZero() {
		v.Notified = s.Time(d.NotifiedAt, core.DateTimeLong)
	}
	if d.SubjectUserID != "" {
		v.Subject = "Member " + s.username(r, d.SubjectUserID)
	} else if d.ReportID != "" {
		v.Subject = "The reporter of report " + d.ReportID
	}
	v.CanDecide = d.Status == "pending" && u.Role == scheme.RoleAdmin && d.RequestedBy != u.ID
	s.Render(w, r, status, viewDisclosure, v)
	return nil
}

func (s *server) disclosurePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.showDisclosure(w, r, u, http.StatusOK, DisclosureView{Recorded: r.URL.Query().Get("done") == "recorded"})
}

func (s *server) decideDisclosure(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	note := r.PostFormValue("note")
	_, err := s.Police.DecideDisclosure(r.Context(), u, r.PathValue("id"), r.PostFormValue("decision"), note, s.Accounts.URL)
	if se, ok := err.(*scheme.Error); ok && se.Code == scheme.CodeInvalid {
		return s.showDisclosure(w, r, u, http.StatusUnprocessableEntity, DisclosureView{Note: note, NoteError: strings.Join(mapValues(se.Fields), " ")})
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/coordinator/disclosures/"+url.PathEscape(r.PathValue("id")))
	return nil
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
