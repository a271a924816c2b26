package web

import (
	"net/http"
	"strconv"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
)

// JoinView is what the application form needs besides the typed values.
type JoinView struct {
	Type         scheme.MembershipType
	TypeName     string
	Regions      []scheme.Region
	Sectors      []scheme.Sector
	Genders      []struct{ Slug, Name string }
	TermsVersion int
}

var TypeNames = map[scheme.MembershipType]string{
	scheme.Individual:    "an individual",
	scheme.Project:       "a project",
	scheme.Establishment: "an escort site or establishment",
}

// joinType maps the address to a membership type: /join/organisation is the
// establishment form (the public page calls it that).
func joinType(r *http.Request) (scheme.MembershipType, bool) {
	switch r.PathValue("type") {
	case "individual":
		return scheme.Individual, true
	case "project":
		return scheme.Project, true
	case "organisation", "establishment":
		return scheme.Establishment, true
	}
	return "", false
}

func (s *Server) JoinForm(r *http.Request, t scheme.MembershipType) (JoinView, error) {
	v := JoinView{Type: t, TypeName: TypeNames[t], Genders: scheme.Genders}
	lists, err := s.Content.Lists(r.Context())
	if err != nil {
		return v, err
	}
	v.Regions, v.Sectors = lists.Regions, lists.Sectors
	terms, err := s.Accounts.CurrentTerms(r.Context())
	v.TermsVersion = terms.Version
	return v, err
}

func (s *Server) applyPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := joinType(r)
		if !ok {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		v, err := s.JoinForm(r, t)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.Render(w, r, http.StatusOK, "apply", FormView{Values: map[string]string{}, Extra: v})
	})
}

// ApplicationFromForm reads the form into the same input the API takes,
// and the typed values to show again if something is wrong (never the
// password).
func ApplicationFromForm(r *http.Request, t scheme.MembershipType) (account.ApplicationInput, map[string]string) {
	_ = r.ParseForm() // an unreadable body leaves the form empty, and validation says what is missing
	f := r.PostForm
	in := account.ApplicationInput{
		Type: string(t), Username: f.Get("username"), Password: f.Get("password"),
		WorkName: f.Get("work_name"), RealName: f.Get("real_name"), Email: f.Get("email"), Mobile: f.Get("mobile"),
		AlertChannels: f["alert_channels"], Regions: f["regions"], Gender: f.Get("gender"), Sector: f.Get("sector"), Area: f.Get("area"),
	}
	in.TermsVersion, _ = strconv.Atoi(f.Get("terms_version"))
	if t.Organisational() {
		in.Organisation = &account.OrgInput{Name: f.Get("organisation.name"), Website: f.Get("organisation.website"),
			Email: f.Get("organisation.email"), KeyContact: f.Get("organisation.key_contact"), Description: f.Get("organisation.description")}
	}
	values := map[string]string{}
	for k, vs := range f {
		if k == "password" || len(vs) == 0 {
			continue
		}
		values[k] = vs[0]
		if k == "regions" || k == "alert_channels" {
			for _, v := range vs {
				values[k+"."+v] = "1"
			}
		}
	}
	return in, values
}

func (s *Server) apply() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := joinType(r)
		if !ok {
			s.NotFound().ServeHTTP(w, r)
			return
		}
		in, values := ApplicationFromForm(r, t)
		a, err := s.Accounts.Apply(r.Context(), in)
		if err == nil {
			s.Render(w, r, http.StatusCreated, "applied", map[string]any{"Application": a, "Hours": s.Config.Scheme.Hours,
				"Channel": channelName(a.Profile)})
			return
		}
		if code := scheme.ErrorCode(err); code == scheme.CodeInternal {
			s.ServerError(w, r, err)
			return
		}
		v, verr := s.JoinForm(r, t)
		if verr != nil {
			s.Fail(w, r, verr)
			return
		}
		errs := FormErrors(err)
		// Field names in the form are the JSON names.
		s.Render(w, r, StatusFor(scheme.ErrorCode(err)), "apply", FormView{Values: values, Errors: errs, Extra: v})
	})
}

// channelName says, without repeating it in full, how someone will hear from us.
func channelName(p scheme.Profile) string {
	switch {
	case p.Email != "" && (p.AlertEmail || p.Mobile == ""):
		return "by email"
	case p.Mobile != "":
		return "by text message to the number ending " + p.Mobile[max(0, len(p.Mobile)-3):]
	}
	return "when you sign in"
}
