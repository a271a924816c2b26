package staff

import (
	"net/http"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The towns within each region (admins; English only): add, rename,
// reorder, retire and offer again. Members narrow their alerts to them
// and alerts name them. Each form is one field of one row, so a refused
// one shows its problem beside that field (its id: "name-REGION" to add,
// "rename-TOWN" to rename) with what was typed.

// TownsView is every region with its towns.
type TownsView struct{ Regions []townRegion }

type townRegion struct {
	Slug, Name string
	Towns      []townRow
}

type townRow struct {
	Slug, Name  string
	Retired     bool
	First, Last bool // in its region's list: no move up, or down
}

var townNotices = map[string]string{
	"added":    "Town added. Members of its region can choose it from now on.",
	"renamed":  "Town renamed. Members and alerts that chose it keep it.",
	"moved":    "Order saved.",
	"retired":  "Town retired: it is no longer offered. Members who chose it keep it; if it was the only town a member chose in its region, she now gets every alert there.",
	"restored": "Town offered again.",
}

func (s *server) townsPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderTowns(w, r, http.StatusOK, core.FormView{Notice: townNotices[r.URL.Query().Get("done")]})
}

func (s *server) renderTowns(w http.ResponseWriter, r *http.Request, status int, f core.FormView) error {
	all, err := s.Towns.All(r.Context())
	if err != nil {
		return err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	var v TownsView
	for _, region := range l.Regions {
		g := townRegion{Slug: region.Slug, Name: region.Name}
		for _, t := range all {
			if t.Region == region.Slug {
				g.Towns = append(g.Towns, townRow{Slug: t.Slug, Name: t.Name, Retired: t.Retired()})
			}
		}
		if n := len(g.Towns); n > 0 {
			g.Towns[0].First, g.Towns[n-1].Last = true, true
		}
		v.Regions = append(v.Regions, g)
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	for _, g := range v.Regions {
		for _, t := range g.Towns {
			if _, typed := f.Values["rename-"+t.Slug]; !typed {
				f.Values["rename-"+t.Slug] = t.Name
			}
		}
	}
	f.Extra = v
	s.Render(w, r, status, viewTowns, f)
	return nil
}

// townAnswer goes back to the page after a change, to the region's list;
// a refused name is shown beside its field (field), as typed.
func (s *server) townAnswer(w http.ResponseWriter, r *http.Request, err error, field, typed, region, done string) error {
	if err == nil {
		core.SeeOther(w, r, "/admin/towns?done="+done+"#region-"+region)
		return nil
	}
	if scheme.ErrorCode(err) != scheme.CodeInvalid {
		return err
	}
	msg := core.FormErrors(err)["name"]
	if msg == "" {
		msg = scheme.ErrorMessage(err)
	}
	return s.renderTowns(w, r, http.StatusUnprocessableEntity, core.FormView{
		Values: map[string]string{field: typed}, Errors: map[string]string{field: msg}})
}

func (s *server) addTown(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	region, name := r.PostFormValue("region"), r.PostFormValue("name")
	_, err := s.Towns.Add(r.Context(), u, region, name)
	return s.townAnswer(w, r, err, "name-"+region, name, region, "added")
}

// townOf is the town a form names in its path; not found when there is none.
func (s *server) townOf(r *http.Request) (scheme.Town, error) {
	all, err := s.Towns.All(r.Context())
	if err != nil {
		return scheme.Town{}, err
	}
	t, ok := all.Find(r.PathValue("slug"))
	if !ok {
		return t, scheme.ErrNotFound
	}
	return t, nil
}

func (s *server) renameTown(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	t, err := s.townOf(r)
	if err != nil {
		return err
	}
	name := r.PostFormValue("name")
	return s.townAnswer(w, r, s.Towns.Rename(r.Context(), u, t.Slug, name), "rename-"+t.Slug, name, t.Region, "renamed")
}

func (s *server) moveTown(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	t, err := s.townOf(r)
	if err != nil {
		return err
	}
	return s.townAnswer(w, r, s.Towns.Move(r.Context(), u, t.Slug, r.PostFormValue("direction") == "up"), "", "", t.Region, "moved")
}

func (s *server) retireTown(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	t, err := s.townOf(r)
	if err != nil {
		return err
	}
	retire, done := r.PostFormValue("retired") != "false", "retired"
	if !retire {
		done = "restored"
	}
	return s.townAnswer(w, r, s.Towns.Retire(r.Context(), u, t.Slug, retire), "", "", t.Region, done)
}
