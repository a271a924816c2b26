package staff

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/support"
	"uglymugs/internal/web/core"
)

// The directory of support services (coordinators and admins; English
// only): the list, with services not confirmed as sex-work friendly in
// twelve months flagged; adding and editing one; retiring it and offering
// it again.

// ServicesAdminView is the directory as staff keep it.
type ServicesAdminView struct {
	Services []serviceRow
	Pager    core.Pager
}

type serviceRow struct {
	ID, Name, Kinds, Where, Confirmed string
	Unconfirmed, Retired, Helpline    bool
}

// ServiceFormView is the form to add or edit a service.
type ServiceFormView struct {
	ID      string // "" for a new one
	Retired bool
	Kinds   []serviceChoice
	Regions []serviceChoice
	Towns   []serviceChoice
}

type serviceChoice struct {
	Value, Label string
	Checked      bool
}

var serviceNotices = map[string]string{
	"added":    "Service added. Members can find it now.",
	"saved":    "Service saved.",
	"retired":  "Service retired: members no longer see it. Referrals already made to it stay.",
	"restored": "Service offered again.",
}

func (s *server) servicesAdmin(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	p := core.PageFrom(r)
	list, err := s.Support.Directory(r.Context(), u, p)
	if err != nil {
		return err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	now := time.Now()
	var v ServicesAdminView
	for _, x := range list.Items {
		row := serviceRow{ID: x.ID, Name: x.Name, Confirmed: x.ConfirmedOn, Unconfirmed: x.Unconfirmed(now), Retired: x.Retired(), Helpline: x.Helpline}
		var kinds, where []string
		for _, k := range x.Kinds {
			kinds = append(kinds, scheme.SlugName(scheme.SupportKinds, k))
		}
		for _, rg := range x.Regions {
			where = append(where, l.RegionName(rg))
		}
		if x.National {
			where = []string{"National"}
		}
		row.Kinds, row.Where = strings.Join(kinds, ", "), strings.Join(where, ", ")
		v.Services = append(v.Services, row)
	}
	v.Pager = core.NewPager(r.URL.Query(), "/coordinator/services", p, list.Total)
	s.Render(w, r, http.StatusOK, viewServicesAdmin, core.FormView{Notice: serviceNotices[r.URL.Query().Get("done")], Extra: v})
	return nil
}

func (s *server) newServicePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	return s.renderServiceForm(w, r, http.StatusOK, "", false, url.Values{}, nil)
}

func (s *server) serviceEditor(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	x, err := s.Support.Get(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	form := url.Values{"name": {x.Name}, "kinds": x.Kinds, "regions": x.Regions, "towns": x.Towns, "phone": {x.Phone},
		"website": {x.Website}, "email": {x.Email}, "hours": {x.Hours}, "languages": {strings.Join(x.Languages, ", ")},
		"description": {x.Description}, "confirmed_on": {x.ConfirmedOn}}
	if x.National {
		form.Set("national", "yes")
	}
	if x.Helpline {
		form.Set("helpline", "yes")
	}
	return s.renderServiceForm(w, r, http.StatusOK, x.ID, x.Retired(), form, nil)
}

func (s *server) renderServiceForm(w http.ResponseWriter, r *http.Request, status int, id string, retired bool, form url.Values, problems map[string]string) error {
	towns, err := s.Towns.All(r.Context())
	if err != nil {
		return err
	}
	v := ServiceFormView{ID: id, Retired: retired}
	for _, k := range scheme.SupportKinds {
		v.Kinds = append(v.Kinds, serviceChoice{k.Slug, k.Name, slices.Contains(form["kinds"], k.Slug)})
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	for _, rg := range l.Regions {
		v.Regions = append(v.Regions, serviceChoice{rg.Slug, rg.Name, slices.Contains(form["regions"], rg.Slug)})
	}
	for _, t := range towns {
		if !t.Retired() || slices.Contains(form["towns"], t.Slug) {
			v.Towns = append(v.Towns, serviceChoice{t.Slug, t.Name + " (" + l.RegionName(t.Region) + ")", slices.Contains(form["towns"], t.Slug)})
		}
	}
	values := map[string]string{}
	for k := range form {
		values[k] = form.Get(k)
	}
	s.Render(w, r, status, viewServiceEditor, core.FormView{Values: values, Errors: problems, Extra: v})
	return nil
}

func serviceInput(form url.Values) support.Input {
	return support.Input{Name: form.Get("name"), Kinds: form["kinds"], National: form.Get("national") == "yes", Helpline: form.Get("helpline") == "yes",
		Regions: form["regions"], Towns: form["towns"], Phone: form.Get("phone"), Website: form.Get("website"), Email: form.Get("email"),
		Hours: form.Get("hours"), Languages: strings.Split(form.Get("languages"), ","), Description: form.Get("description"), ConfirmedOn: form.Get("confirmed_on")}
}

func (s *server) saveService(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	var err error
	if id == "" {
		_, err = s.Support.Add(r.Context(), u, serviceInput(r.PostForm))
	} else {
		_, err = s.Support.Update(r.Context(), u, id, serviceInput(r.PostForm))
	}
	if scheme.ErrorCode(err) == scheme.CodeInvalid {
		return s.renderServiceForm(w, r, http.StatusUnprocessableEntity, id, false, r.PostForm, core.FormErrors(err))
	}
	if err != nil {
		return err
	}
	done := "saved"
	if id == "" {
		done = "added"
	}
	core.SeeOther(w, r, "/coordinator/services?done="+done)
	return nil
}

func (s *server) retireService(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	retired := r.PostFormValue("retired") != "no"
	if err := s.Support.Retire(r.Context(), u, r.PathValue("id"), retired); err != nil {
		return err
	}
	done := "retired"
	if !retired {
		done = "restored"
	}
	core.SeeOther(w, r, "/coordinator/services?done="+done)
	return nil
}
