package member

import (
	"net/http"
	"slices"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/support"
	"uglymugs/internal/web/core"
)

// Services near me: the scheme's directory of support services in her
// regions (or one she picks), of a kind, speaking a language; each phone
// number a tap-to-call link.

// ServicesView is the "Services near me" page.
type ServicesView struct {
	Regions, Kinds, Languages []core.Option
	Errors                    map[string]string
	Services                  []core.ServiceCard
	Pager                     core.Pager
	Filtered                  bool
}

func (s *server) servicesPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	loc := core.Loc(r)
	q := support.Query{Region: r.URL.Query().Get("region"), Kind: r.URL.Query().Get("kind"), Language: r.URL.Query().Get("language")}
	v := ServicesView{Kinds: core.KindOptions(loc, q.Kind), Filtered: q.Region != "" || q.Kind != "" || q.Language != ""}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v.Regions = []core.Option{{Value: "", Label: loc.T("My regions"), Selected: q.Region == ""}}
	for _, x := range l.Regions {
		v.Regions = append(v.Regions, core.Option{Value: x.Slug, Label: loc.T(x.Name), Selected: x.Slug == q.Region})
	}
	v.Languages = []core.Option{{Value: "", Label: loc.T("Any language"), Selected: q.Language == ""}}
	for _, x := range i18n.Languages {
		v.Languages = append(v.Languages, core.Option{Value: x.Code, Label: x.Name, Selected: x.Code == q.Language})
	}
	p := core.PageFrom(r)
	found, err := s.Support.Near(r.Context(), u, q, p)
	status := http.StatusOK
	switch {
	case scheme.ErrorCode(err) == scheme.CodeInvalid:
		v.Errors, status = core.FormErrors(err), http.StatusUnprocessableEntity
	case err != nil:
		return err
	}
	for _, x := range found.Items {
		v.Services = append(v.Services, core.CardOf(loc, l, x))
	}
	v.Pager = core.NewPager(r.URL.Query(), "/services", p, found.Total)
	s.Render(w, r, status, viewServices, v)
	return nil
}

// threadReferral is a service a caseworker suggested from her report, as
// it shows in the report's thread: the service, the caseworker's note,
// and her answer or the three buttons to give it.
type threadReferral struct {
	ID, ReportID string
	Service      core.ServiceCard
	Note         string
	Answer       string // her answer, in words; "" for none yet
	CanAnswer    bool   // still a suggestion: she may answer or change it
	Progress     string // what the caseworker has done since, in words
}

// referralAnswerWords and referralProgressWords say her answer and the referral's
// progress to her.
var (
	referralAnswerWords = map[scheme.ReferralAnswer]string{
		scheme.AnswerYes:       "You said: yes, please refer me.",
		scheme.AnswerNo:        "You said: no, thank you.",
		scheme.AnswerCallFirst: "You said: call me first.",
	}
	referralProgressWords = map[scheme.ReferralStatus]string{
		scheme.ReferralMade:     "The caseworker has made the referral.",
		scheme.ReferralAccepted: "The service has taken the referral.",
		scheme.ReferralDeclined: "The referral did not go ahead.",
		scheme.ReferralClosed:   "This referral is closed.",
	}
)

// addReferrals puts the services suggested on rep into v's thread, in
// time order with the messages.
func (s *server) addReferrals(r *http.Request, u scheme.User, rep scheme.Report, v *ReporterReportView) error {
	refs, err := s.Support.Mine(r.Context(), u, rep)
	if err != nil {
		return err
	}
	loc := core.Loc(r)
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	for _, f := range refs {
		tr := &threadReferral{ID: f.ID, ReportID: rep.ID, Service: core.CardOf(loc, l, f.Service), Note: f.Note,
			CanAnswer: f.Status == scheme.ReferralSuggested, Progress: words(loc, referralProgressWords[f.Status])}
		tr.Answer = words(loc, referralAnswerWords[f.Answer])
		v.Messages = append(v.Messages, threadMessage{FromScheme: true, At: s.dayTime(loc, f.CreatedAt), Referral: tr, at: f.CreatedAt})
	}
	slices.SortStableFunc(v.Messages, func(a, b threadMessage) int { return a.at.Compare(b.at) })
	return nil
}

func (s *server) answerReferral(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	id, ref := r.PathValue("id"), r.PathValue("referral")
	err := s.Support.Answer(r.Context(), u, id, ref, r.PostFormValue("answer"))
	if err == nil {
		core.SeeOther(w, r, "/reports/"+id+"?done=answer#referral-"+ref)
		return nil
	}
	if scheme.ErrorCode(err) != scheme.CodeInvalid {
		return err
	}
	rep, gerr := s.Reports.Own(r.Context(), u, id)
	if gerr != nil {
		return gerr
	}
	s.renderReport(w, r, u, http.StatusUnprocessableEntity, rep, ReporterReportView{AnswerError: core.FormErrors(err)["answer"]})
	return nil
}
