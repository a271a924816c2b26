package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/vocab"
	"uglymugs/internal/web/core"
)

// The scheme's lists (admins; English only): regions with their phone
// numbering plans, incident types with their severities, sectors of work
// and the gender answers. Add, rename, reorder, retire and offer again;
// nothing is deleted. Each form is one row, so a refused one shows its
// problems beside its fields (ids "FIELD-KIND-SLUG", or "FIELD-KIND-new"
// to add) with what was typed.

// ListsView is every list with its values.
type ListsView struct {
	Lists      []listSection
	Severities []core.Option
}

type listSection struct {
	Kind        scheme.ListKind
	Title       string
	Severity    bool // incident types: a severity beside the name
	Phone       bool // regions: a numbering plan beside the name
	Rows        []listRow
	Description string
}

type listRow struct {
	Slug, Name, Severity, Phone string
	Retired                     bool
	First, Last                 bool // no move up, or down
}

var listNotices = map[string]string{
	"added":    "Added. It is offered from now on.",
	"saved":    "Saved. Records that hold it keep it, under its new name.",
	"moved":    "Order saved.",
	"retired":  "Retired: it is no longer offered for new reports, alerts or members. Records that hold it keep showing it, and statistics keep counting it.",
	"restored": "Offered again.",
}

var listDescriptions = map[scheme.ListKind]string{
	scheme.ListRegions: "Where members work and alerts go. The phone plan reads a number written without a country code by a member of the region: IE reads 085 123 4567 as +353 85 123 4567. A member whose regions have different plans is read by the scheme’s (GB).",
	scheme.ListTypes:   "What happened, in reports and alerts. Severity orders the review queue; a report keeps the severity it was given. Types are shown most severe first, so one moves among those of its severity.",
	scheme.ListSectors: "Sectors of work: a monitoring question for members and victims, and a way to narrow alerts.",
	scheme.ListGenders: "Answers to the monitoring question on gender, for members and victims; alerts can be narrowed by them (“Prefer not to say” never narrows).",
}

func (s *server) listsPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderLists(w, r, http.StatusOK, core.FormView{Notice: listNotices[r.URL.Query().Get("done")]})
}

func (s *server) renderLists(w http.ResponseWriter, r *http.Request, status int, f core.FormView) error {
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	var v ListsView
	for _, sv := range []scheme.Severity{scheme.SeverityHighest, scheme.SeverityHigh, scheme.SeverityMedium, scheme.SeverityLow} {
		v.Severities = append(v.Severities, core.Option{Value: string(sv), Label: core.CaseSeverityNames[sv]})
	}
	for _, k := range scheme.ListKinds {
		sec := listSection{Kind: k.Kind, Title: k.Title, Description: listDescriptions[k.Kind]}
		switch k.Kind {
		case scheme.ListRegions:
			sec.Phone = true
			for _, x := range l.Regions {
				sec.Rows = append(sec.Rows, listRow{Slug: x.Slug, Name: x.Name, Phone: x.Phone, Retired: x.Retired})
			}
		case scheme.ListTypes:
			sec.Severity = true
			for i, x := range l.Types {
				row := listRow{Slug: x.Slug, Name: x.Name, Severity: string(x.Severity), Retired: x.Retired}
				row.First = i == 0 || l.Types[i-1].Severity != x.Severity
				row.Last = i == len(l.Types)-1 || l.Types[i+1].Severity != x.Severity
				sec.Rows = append(sec.Rows, row)
			}
		case scheme.ListSectors:
			for _, x := range l.Sectors {
				sec.Rows = append(sec.Rows, listRow{Slug: x.Slug, Name: x.Name, Retired: x.Retired})
			}
		case scheme.ListGenders:
			for _, x := range l.Genders {
				sec.Rows = append(sec.Rows, listRow{Slug: x.Slug, Name: x.Name, Retired: x.Retired})
			}
		}
		if n := len(sec.Rows); n > 0 && k.Kind != scheme.ListTypes {
			sec.Rows[0].First, sec.Rows[n-1].Last = true, true
		}
		v.Lists = append(v.Lists, sec)
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	keep := func(field, value string) {
		if _, typed := f.Values[field]; !typed {
			f.Values[field] = value
		}
	}
	for _, sec := range v.Lists {
		for _, row := range sec.Rows {
			id := string(sec.Kind) + "-" + row.Slug
			keep("name-"+id, row.Name)
			keep("severity-"+id, row.Severity)
			keep("phone-"+id, row.Phone)
		}
		keep("severity-"+string(sec.Kind)+"-new", string(scheme.SeverityMedium))
		keep("phone-"+string(sec.Kind)+"-new", "GB")
	}
	f.Extra = v
	s.Render(w, r, status, viewLists, f)
	return nil
}

// listAnswer goes back to the page after a change, to the list; refused
// values are shown beside their fields (id is "KIND-SLUG" or "KIND-new"),
// as typed.
func (s *server) listAnswer(w http.ResponseWriter, r *http.Request, err error, kind scheme.ListKind, id string, typed *vocab.Value, done string) error {
	if err == nil {
		core.SeeOther(w, r, "/admin/lists?done="+done+"#list-"+string(kind))
		return nil
	}
	if scheme.ErrorCode(err) != scheme.CodeInvalid {
		return err
	}
	f := core.FormView{Values: map[string]string{}, Errors: map[string]string{}}
	if typed != nil {
		f.Values = map[string]string{"name-" + id: typed.Name, "severity-" + id: string(typed.Severity), "phone-" + id: typed.Phone}
	}
	for field, msg := range core.FormErrors(err) {
		switch field {
		case "name", "severity", "phone":
			f.Errors[field+"-"+id] = msg
		default: // the row as a whole (retiring the last one offered)
			f.Errors["name-"+id] = msg
		}
	}
	return s.renderLists(w, r, http.StatusUnprocessableEntity, f)
}

// listKind is the list a form's path names; not found when there is none.
func listKind(r *http.Request) (scheme.ListKind, error) {
	k := scheme.ListKind(r.PathValue("kind"))
	if !k.Valid() {
		return k, scheme.ErrNotFound
	}
	return k, nil
}

func postedValue(r *http.Request) vocab.Value {
	return vocab.Value{Name: r.PostFormValue("name"), Severity: scheme.Severity(r.PostFormValue("severity")), Phone: r.PostFormValue("phone")}
}

func (s *server) addListValue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	k, err := listKind(r)
	if err != nil {
		return err
	}
	v := postedValue(r)
	_, err = s.Vocab.Add(r.Context(), u, k, v)
	return s.listAnswer(w, r, err, k, string(k)+"-new", &v, "added")
}

func (s *server) editListValue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	k, err := listKind(r)
	if err != nil {
		return err
	}
	v, slug := postedValue(r), r.PathValue("slug")
	return s.listAnswer(w, r, s.Vocab.Edit(r.Context(), u, k, slug, v), k, string(k)+"-"+slug, &v, "saved")
}

func (s *server) moveListValue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	k, err := listKind(r)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	return s.listAnswer(w, r, s.Vocab.Move(r.Context(), u, k, slug, r.PostFormValue("direction") == "up"), k, string(k)+"-"+slug, nil, "moved")
}

func (s *server) retireListValue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	k, err := listKind(r)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	retire, done := r.PostFormValue("retired") != "false", "retired"
	if !retire {
		done = "restored"
	}
	return s.listAnswer(w, r, s.Vocab.Retire(r.Context(), u, k, slug, retire), k, string(k)+"-"+slug, nil, done)
}
