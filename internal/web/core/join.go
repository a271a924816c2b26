package core

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
	Genders      []scheme.Gender
	TermsVersion int
}

var TypeNames = map[scheme.MembershipType]string{
	scheme.Individual:    "an individual",
	scheme.Project:       "a project",
	scheme.Establishment: "an escort site or establishment",
}

func (s *Server) JoinForm(r *http.Request, t scheme.MembershipType) (JoinView, error) {
	return s.JoinFormKeeping(r, t, scheme.Kept{})
}

// JoinFormKeeping is JoinForm offering also the retired values a member
// has already (kept), so that her profile form shows them.
func (s *Server) JoinFormKeeping(r *http.Request, t scheme.MembershipType, kept scheme.Kept) (JoinView, error) {
	v := JoinView{Type: t, TypeName: TypeNames[t]}
	lists, err := s.Content.Lists(r.Context())
	if err != nil {
		return v, err
	}
	lists = lists.OfferedKeeping(kept)
	v.Regions, v.Sectors, v.Genders = lists.Regions, lists.Sectors, lists.Genders
	terms, err := s.Content.CurrentTerms(r.Context())
	v.TermsVersion = terms.Version
	return v, err
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
