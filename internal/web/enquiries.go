package web

import (
	"net/http"
	"net/url"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
)

// Police enquiries (police/enquiry.go). Coordinators record a request,
// forward it about a report to its reporter or the organisation that filed
// it, and record the outcome; the reporter (or the organisation's key
// contact) answers on /enquiries. Anyone else gets a plain 404.

var enquiryStatusNames = map[string]string{"open": "Not forwarded yet", "forwarded": "Forwarded", "answered": "Answered", "closed": "Closed"}

var EnquiryDecisionNames = map[string]string{"": "No answer yet", "yes": "Yes, they may be contacted", "no": "No",
	"caseworker": "Wants to talk to a caseworker first"}

// EnquiriesView is the coordinators' list and form.
type EnquiriesView struct {
	Items []enquiryRow
}

type enquiryRow struct {
	ID, Force, Received, RespondBy, Status string
	Overdue                                bool
}

func (s *Server) renderEnquiries(w http.ResponseWriter, r *http.Request, u scheme.User, status int, f FormView) {
	list, err := s.Police.Enquiries(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	now := time.Now()
	v := EnquiriesView{}
	for _, e := range list {
		v.Items = append(v.Items, enquiryRow{ID: e.ID, Force: e.Force, Received: e.CreatedAt.In(s.Location()).Format("2 Jan 2006"),
			RespondBy: e.RespondBy.In(s.Location()).Format("2 Jan 2006"), Status: enquiryStatusNames[e.Status], Overdue: e.Overdue(now)})
	}
	if f.Values == nil {
		q := r.URL.Query()
		f.Values = map[string]string{"report_id": q.Get("report"), "offender_id": q.Get("offender")}
	}
	f.Extra = v
	s.Render(w, r, status, "enquiries", f)
}

func (s *Server) enquiriesPage() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.renderEnquiries(w, r, u, http.StatusOK, FormView{})
	})
}

func (s *Server) createEnquiry() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		vals := map[string]string{}
		for _, k := range []string{"force", "unit", "reference", "report_id", "offender_id", "request", "respond_by"} {
			vals[k] = r.PostFormValue(k)
		}
		e, err := s.Police.CreateEnquiry(r.Context(), u, police.EnquiryInput{Force: vals["force"], Unit: vals["unit"], Reference: vals["reference"],
			ReportID: vals["report_id"], OffenderID: vals["offender_id"], Request: vals["request"], RespondBy: vals["respond_by"]})
		if scheme.ErrorCode(err) == scheme.CodeInvalid {
			s.renderEnquiries(w, r, u, http.StatusUnprocessableEntity, FormView{Values: vals, Errors: FormErrors(err)})
			return
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/coordinator/enquiries/"+url.PathEscape(e.ID)+"?done=created")
	})
}

// EnquiryView is one enquiry for coordinators.
type EnquiryView struct {
	scheme.Enquiry
	StatusName, Received, RespondByDay string
	Overdue, Closed                    bool
	Reports                            []enquiryReport
	Notice                             string
	Errors, Values                     map[string]string
}

type enquiryReport struct {
	ID, Date, Region                 string
	HasReporter, HasOrganisation     bool
	Forwarded, To, Decision, Decided string
}

func (s *Server) showEnquiry(w http.ResponseWriter, r *http.Request, u scheme.User, status int, v EnquiryView) {
	ctx := r.Context()
	e, err := s.Police.Enquiry(ctx, u, r.PathValue("id"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v.Enquiry, v.StatusName, v.Overdue, v.Closed = e, enquiryStatusNames[e.Status], e.Overdue(time.Now()), e.Status == "closed"
	v.Received, v.RespondByDay = e.CreatedAt.In(s.Location()).Format("2 January 2006"), e.RespondBy.In(s.Location()).Format("Monday 2 January 2006")
	ids := []string{e.ReportID}
	if e.ProfileID != "" {
		if ids, err = s.Reports.ProfileReports(ctx, e.ProfileID); err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
			s.Fail(w, r, err)
			return
		}
	}
	l, err := s.Lookups(ctx)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	fw := map[string]scheme.EnquiryForward{}
	for _, f := range e.Forwards {
		fw[f.ReportID] = f
	}
	for _, id := range ids {
		if id == "" {
			continue
		}
		rep, err := s.Reports.Peek(ctx, u, id)
		if err != nil {
			continue // erased since
		}
		row := enquiryReport{ID: id, Date: rep.IncidentAt.In(s.Location()).Format("2 Jan 2006"), Region: l.regionName[rep.Region],
			HasReporter: rep.ReporterID != "", HasOrganisation: rep.OrganisationID != ""}
		if f, ok := fw[id]; ok {
			row.Forwarded, row.To, row.Decision = f.ForwardedAt.In(s.Location()).Format("2 Jan 2006"), f.To, EnquiryDecisionNames[f.Decision]
			if !f.DecidedAt.IsZero() {
				row.Decided = f.DecidedAt.In(s.Location()).Format("2 Jan 2006 15:04")
			}
		}
		v.Reports = append(v.Reports, row)
	}
	if v.Values == nil {
		v.Values = map[string]string{"status": "answered"}
	}
	s.Render(w, r, status, "enquiry", v)
}

func (s *Server) enquiryPage() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		s.showEnquiry(w, r, u, http.StatusOK, EnquiryView{Notice: map[string]string{
			"created":   "The enquiry is recorded. Forward it to the reporter (or their organisation) below: they decide.",
			"forwarded": "Forwarded. They have a message and decide for themselves.",
			"outcome":   "The outcome is recorded.",
		}[r.URL.Query().Get("done")]})
	})
}

func (s *Server) forwardEnquiry() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id := r.PathValue("id")
		if _, err := s.Police.ForwardEnquiry(r.Context(), u, id, r.PostFormValue("report_id"), r.PostFormValue("to"), s.Accounts.URL); err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/coordinator/enquiries/"+url.PathEscape(id)+"?done=forwarded")
	})
}

func (s *Server) enquiryOutcome() http.Handler {
	return s.alStaff(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id := r.PathValue("id")
		vals := map[string]string{"status": r.PostFormValue("status"), "outcome": r.PostFormValue("outcome")}
		err := s.Police.Outcome(r.Context(), u, id, vals["status"], vals["outcome"])
		if scheme.ErrorCode(err) == scheme.CodeInvalid {
			s.showEnquiry(w, r, u, http.StatusUnprocessableEntity, EnquiryView{Errors: FormErrors(err), Values: vals})
			return
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/coordinator/enquiries/"+url.PathEscape(id)+"?done=outcome")
	})
}

// --- The reporter's side ---

// MyEnquiryView is a forwarded enquiry as the reporter (or their
// organisation's key contact) reads it.
type MyEnquiryView struct {
	ID, Force, Unit, Request, ReportID, Forwarded, Decision, DecisionName string
	ForOrganisation, Closed                                               bool
	Notice, Error                                                         string
}

func (s *Server) myEnquiryView(r *http.Request, f scheme.EnquiryForward) (MyEnquiryView, error) {
	e, err := s.Police.ForwardedEnquiry(r.Context(), f)
	if err != nil {
		return MyEnquiryView{}, err
	}
	return MyEnquiryView{ID: f.ID, Force: e.Force, Unit: e.Unit, Request: e.Request, ReportID: f.ReportID,
		Forwarded: f.ForwardedAt.In(s.Location()).Format("2 January 2006"), Decision: f.Decision, DecisionName: EnquiryDecisionNames[f.Decision],
		ForOrganisation: f.To == "organisation", Closed: e.Status == "closed"}, nil
}

func (s *Server) waitingEnquiries(r *http.Request, u scheme.User) (int, error) {
	fs, err := s.Police.MemberEnquiries(r.Context(), u, "")
	n := 0
	for _, f := range fs {
		if f.Decision == "" {
			n++
		}
	}
	return n, err
}

func (s *Server) myEnquiries() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		fs, err := s.Police.MemberEnquiries(r.Context(), u, "")
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		var list []MyEnquiryView
		for _, f := range fs {
			v, err := s.myEnquiryView(r, f)
			if err != nil {
				s.Fail(w, r, err)
				return
			}
			list = append(list, v)
		}
		s.Render(w, r, http.StatusOK, "my-enquiries", list)
	})
}

func (s *Server) myEnquiry() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		fs, err := s.Police.MemberEnquiries(r.Context(), u, r.PathValue("id"))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v, err := s.myEnquiryView(r, fs[0])
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		v.Notice = map[string]string{"answered": "Thank you. Your answer is recorded; you can change it while the enquiry is open."}[r.URL.Query().Get("done")]
		s.Render(w, r, http.StatusOK, "my-enquiry", v)
	})
}

func (s *Server) enquiryDecision() http.Handler {
	return s.rpReporter(func(w http.ResponseWriter, r *http.Request, u scheme.User) {
		id := r.PathValue("id")
		err := s.Police.DecideEnquiry(r.Context(), u, id, r.PostFormValue("decision"))
		if code := scheme.ErrorCode(err); code == scheme.CodeInvalid || code == scheme.CodeConflict {
			fs, ferr := s.Police.MemberEnquiries(r.Context(), u, id)
			if ferr != nil {
				s.Fail(w, r, ferr)
				return
			}
			v, verr := s.myEnquiryView(r, fs[0])
			if verr != nil {
				s.Fail(w, r, verr)
				return
			}
			v.Error = scheme.ErrorMessage(err)
			if se, ok := err.(*scheme.Error); ok && se.Fields["decision"] != "" {
				v.Error = se.Fields["decision"]
			}
			s.Render(w, r, StatusFor(code), "my-enquiry", v)
			return
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		SeeOther(w, r, "/enquiries/"+url.PathEscape(id)+"?done=answered")
	})
}
