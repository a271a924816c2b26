package member

import (
	"net/http"
	"net/url"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// MyEnquiryView is a forwarded enquiry as the reporter (or their
// organisation's key contact) reads it.
type MyEnquiryView struct {
	ID, Force, Unit, Request, ReportID, Forwarded, Decision, DecisionName string
	ForOrganisation, Closed                                               bool
	Notice, Error                                                         string
}

func (s *server) myEnquiryView(r *http.Request, f scheme.EnquiryForward) (MyEnquiryView, error) {
	e, err := s.Police.ForwardedEnquiry(r.Context(), f)
	if err != nil {
		return MyEnquiryView{}, err
	}
	return MyEnquiryView{ID: f.ID, Force: e.Force, Unit: e.Unit, Request: e.Request, ReportID: f.ReportID,
		Forwarded: s.Date(core.Loc(r), f.ForwardedAt, core.DateLong), Decision: f.Decision, DecisionName: core.EnquiryDecisionNames[f.Decision],
		ForOrganisation: f.To == "organisation", Closed: e.Status == "closed"}, nil
}

func (s *server) waitingEnquiries(r *http.Request, u scheme.User) (int, error) {
	fs, err := s.Police.MemberEnquiries(r.Context(), u, "")
	n := 0
	for _, f := range fs {
		if f.Decision == "" {
			n++
		}
	}
	return n, err
}

// MyEnquiriesView is a page of the enquiries forwarded to the member.
type MyEnquiriesView struct {
	Items []MyEnquiryView
	Pager core.Pager
}

func (s *server) myEnquiries(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	fs, pager, err := core.ListPage(r, u, "/enquiries", s.Police.MemberEnquiryPage)
	if err != nil {
		return err
	}
	list := MyEnquiriesView{Pager: pager}
	for _, f := range fs {
		v, err := s.myEnquiryView(r, f)
		if err != nil {
			return err
		}
		list.Items = append(list.Items, v)
	}
	s.Render(w, r, http.StatusOK, viewMyEnquiries, list)
	return nil
}

func (s *server) myEnquiry(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	fs, err := s.Police.MemberEnquiries(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	v, err := s.myEnquiryView(r, fs[0])
	if err != nil {
		return err
	}
	v.Notice = map[string]string{"answered": "Thank you. Your answer is recorded; you can change it while the enquiry is open."}[r.URL.Query().Get("done")]
	s.Render(w, r, http.StatusOK, viewMyEnquiry, v)
	return nil
}

func (s *server) enquiryDecision(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id := r.PathValue("id")
	err := s.Police.DecideEnquiry(r.Context(), u, id, r.PostFormValue("decision"))
	if code := scheme.ErrorCode(err); code == scheme.CodeInvalid || code == scheme.CodeConflict {
		fs, ferr := s.Police.MemberEnquiries(r.Context(), u, id)
		if ferr != nil {
			return ferr
		}
		v, verr := s.myEnquiryView(r, fs[0])
		if verr != nil {
			return verr
		}
		v.Error = scheme.ErrorMessage(err)
		if se, ok := err.(*scheme.Error); ok && se.Fields["decision"] != "" {
			v.Error = se.Fields["decision"]
		}
		s.Render(w, r, core.StatusFor(code), viewMyEnquiry, v)
		return nil
	}
	if err != nil {
		return err
	}
	core.SeeOther(w, r, "/enquiries/"+url.PathEscape(id)+"?done=answered")
	return nil
}
