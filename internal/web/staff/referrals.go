package staff

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// Referrals on the case page: the services suggested to the reporter,
// her answers, and the caseworker's record of how each went; a form to
// suggest another, when she consented to be contacted about support.

type caseReferral struct {
	ID, Service, Kind, Status, Answer, Note, When string
	Next                                          []core.Option
}

var referralStatusNames = map[scheme.ReferralStatus]string{
	scheme.ReferralSuggested: "Suggested to the reporter", scheme.ReferralMade: "Referral made",
	scheme.ReferralAccepted: "Accepted by the service", scheme.ReferralDeclined: "Declined", scheme.ReferralClosed: "Closed",
}

var referralAnswerNames = map[scheme.ReferralAnswer]string{
	scheme.AnswerYes: "Yes, refer me", scheme.AnswerNo: "No, thank you", scheme.AnswerCallFirst: "Call me first",
}

// caseReferrals fills in the case page's referrals and the services a
// caseworker may suggest (active ones, the report's region first).
func (s *server) caseReferrals(ctx context.Context, u scheme.User, rep scheme.Report, v *CaseView) error {
	refs, err := s.Support.CaseReferrals(ctx, u, rep.ID)
	if err != nil {
		return err
	}
	for _, f := range refs {
		cr := caseReferral{ID: f.ID, Service: f.Service.Name, Kind: scheme.SlugName(scheme.SupportKinds, f.Kind), Status: referralStatusNames[f.Status],
			Note: f.Note, When: s.caseDayTime(f.CreatedAt), Answer: "Not answered yet"}
		if f.Answer != "" {
			cr.Answer = referralAnswerNames[f.Answer] + " (" + s.caseDayTime(f.AnsweredAt) + ")"
		}
		for _, to := range scheme.ReferralNext(f.Status) {
			cr.Next = append(cr.Next, core.Option{Value: string(to), Label: referralStatusNames[to]})
		}
		v.Referrals = append(v.Referrals, cr)
	}
	v.SupportConsent = rep.Consents.Support && rep.ReporterID != ""
	if !v.SupportConsent {
		return nil
	}
	near, err := s.Support.Suggestable(ctx, u, rep.Region)
	if err != nil {
		return err
	}
	for _, x := range near {
		v.ServiceChoices = append(v.ServiceChoices, core.Option{Value: x.ID, Label: x.Name + " — " + scheme.SlugName(scheme.SupportKinds, x.MainKind())})
	}
	return nil
}

func (s *server) suggestReferral(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	service, note := r.PostFormValue("service"), strings.TrimSpace(r.PostFormValue("note"))
	if _, err := s.Support.Suggest(r.Context(), u, r.PathValue("id"), service, note, s.Accounts.URL); err != nil {
		s.caseFailed(w, r, u, fieldOf(err, "service"), caseForm{form: "referrals", values: map[string]string{"service": service, "note": note}, section: "case-referrals"})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "referral-suggested", "case-referrals"))
	return nil
}

func (s *server) moveReferral(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	if err := s.Support.Move(r.Context(), u, r.PathValue("id"), r.PathValue("referral"), r.PostFormValue("status")); err != nil {
		s.caseFailed(w, r, u, fieldOf(err, "referral-"+r.PathValue("referral")), caseForm{form: "referrals", section: "case-referrals"})
		return nil
	}
	core.SeeOther(w, r, s.caseURL(r.PathValue("id"), "referral-status", "case-referrals"))
	return nil
}

// fieldOf puts a refusal without fields (a conflict) beside field.
func fieldOf(err error, field string) error {
	var se *scheme.Error
	if errors.As(err, &se) && len(se.Fields) == 0 && (se.Code == scheme.CodeConflict || se.Code == scheme.CodeInvalid) {
		return &scheme.Error{Code: se.Code, Message: se.Message, Fields: map[string]string{field: se.Message}}
	}
	return err
}
