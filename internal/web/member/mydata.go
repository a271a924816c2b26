package member

import (
	"cmp"
	"encoding/json"
	"net/http"
	"strings"

	"uglymugs/internal/i18n"
	"uglymugs/internal/police"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// MyDataView is everything held about a member, in words, for her to read
// and print; the same as the JSON file.
type MyDataView struct {
	scheme.MemberData
	Regions, Gender, Sector, Membership string
	Towns                               string // the towns she narrowed her alerts to
	Created, TermsAccepted, Applied     string
	ApplicationStatus                   string
	Additions                           []addition
	MyReports                           []myDataReport
	MyChecks                            []myDataLine
	MyMessages                          []myDataLine
	MySessions                          []myDataLine
	AlertsRead                          int
	MyDisclosures                       []myDisclosure
	MyTraining                          []myDataLine
	MyReferrals                         []myDataReferral
}

// myDataReferral is a support service suggested to her, in words.
type myDataReferral struct {
	When, Name, Answer, Progress string
}

// myDataReport is one report she sent, as her data page shows it.
type myDataReport struct {
	Sent, Status, AsSent, Working string
	Changed                       bool // the working copy's account differs from hers
	Choices                       []myDataChoice
	Messages                      []myDataMessage
	Enquiries                     []myDataEnquiry
	Alerts                        int
	Shared                        []string
}

type myDataChoice struct {
	When, Question string
	Yes            bool
}

type myDataMessage struct {
	FromScheme bool
	When, Body string
}

type myDataEnquiry struct {
	Force, Request, Answer string
}

// myDataLine is one line of a list: a date and what, in words to translate.
type myDataLine struct {
	When, What, Detail string
	Yes                bool
}

var (
	sessionKinds = map[string]string{"web": "In a browser", "api": "In the app", "mfa": "Second-factor step"}
	channelWords = map[string]string{"email": "Email", "sms": "Text message", "push": "Notification on your phone"}
	checkKinds   = map[string]string{"phone": "Phone number", "email": "Email address", "plate": "Vehicle registration", "handle": "Website or app username"}
	answerWords  = map[string]string{"yes": "Yes, they may contact me, through you", "no": "No", "caseworker": "I want to talk to a caseworker first"}
)

// myDataPage shows everything held about her on a page she can read on a
// phone and print; the JSON file is a link away.
func (s *server) myDataPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	e, err := s.Accounts.ExportData(r.Context(), u)
	if err != nil {
		return err
	}
	loc := core.Loc(r)
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v := MyDataView{MemberData: e, Gender: cmp.Or(l.GenderName(e.Profile.Gender), e.Profile.Gender), Sector: l.SectorName(e.Profile.Sector),
		Membership: core.TypeNames[scheme.MembershipType(e.Profile.Membership)], Created: s.Date(loc, e.User.CreatedAt, core.DateLong)}
	var regions []string
	for _, slug := range e.Profile.Regions {
		regions = append(regions, loc.T(cmp.Or(l.RegionName(slug), slug)))
	}
	v.Regions = strings.Join(regions, ", ")
	if len(e.Profile.Towns) > 0 {
		all, err := s.Towns.All(r.Context())
		if err != nil {
			return err
		}
		names := make([]string, len(e.Profile.Towns))
		for i, t := range e.Profile.Towns {
			names[i] = all.Name(t)
		}
		v.Towns = strings.Join(names, ", ")
	}
	if !e.Profile.TermsAcceptedAt.IsZero() {
		v.TermsAccepted = s.Date(loc, e.Profile.TermsAcceptedAt, core.DateLong)
	}
	if e.Application != nil {
		v.Applied = s.Date(loc, e.Application.SubmittedAt, core.DateLong)
		v.ApplicationStatus = map[scheme.ApplicationStatus]string{scheme.ApplicationPending: "Waiting to be read",
			scheme.ApplicationInfoRequested: "We asked you a question", scheme.ApplicationApproved: "Approved",
			scheme.ApplicationRejected: "Not approved"}[e.Application.Status]
	}
	for _, ad := range e.Additions {
		v.Additions = append(v.Additions, addition{Body: ad.Body, When: s.Date(loc, ad.CreatedAt, core.Weekday), Mine: true, Status: ad.Status, Lang: ad.Language})
	}
	for _, rep := range e.Reports {
		v.MyReports = append(v.MyReports, s.myDataReport(loc, rep))
	}
	for _, c := range e.Checks {
		v.MyChecks = append(v.MyChecks, myDataLine{When: s.Date(loc, c.CheckedAt, core.DateTimeLong), What: checkKinds[c.Kind], Yes: c.Found})
	}
	for _, a := range e.Alerts {
		v.AlertsRead += one(!a.ReadAt.IsZero())
	}
	for _, n := range e.Notifications {
		what := "Message from the scheme"
		if n.About == "alert" {
			what = "Alert"
		}
		v.MyMessages = append(v.MyMessages, myDataLine{When: s.Date(loc, n.At, core.DateTimeLong), What: what, Detail: channelWords[n.Channel]})
	}
	for _, se := range e.SessionList {
		v.MySessions = append(v.MySessions, myDataLine{When: s.Date(loc, se.Started, core.DateTimeLong), What: sessionKinds[se.Kind],
			Detail: s.Date(loc, se.LastSeen, core.DateTimeLong)})
	}
	for _, f := range e.Referrals {
		answer := words(loc, referralAnswerWords[f.Answer])
		if answer == "" {
			answer = loc.T("You have not answered yet.")
		}
		v.MyReferrals = append(v.MyReferrals, myDataReferral{When: s.Date(loc, f.CreatedAt, core.DateLong), Name: f.Service.Name,
			Answer: answer, Progress: words(loc, referralProgressWords[f.Status])})
	}
	for _, d := range e.Disclosures {
		v.MyDisclosures = append(v.MyDisclosures, myDisclosure{Basis: police.LegalBasisNames[d.LegalBasis], When: s.Date(loc, d.DecidedAt, core.DateLong), What: d.What, Recipient: d.Recipient})
	}
	for _, tr := range e.Training {
		status := "Booked"
		if tr.Attended != nil {
			status = map[bool]string{true: "Attended", false: "Did not attend"}[*tr.Attended]
		}
		v.MyTraining = append(v.MyTraining, myDataLine{When: s.Date(loc, tr.StartsAt, core.DateTimeLong), What: tr.Event, Detail: status})
	}
	s.Render(w, r, http.StatusOK, viewMyData, v)
	return nil
}

// myDataReport puts one of her reports in words: as she sent it, the
// scheme's copy where it differs, her changes of mind, the conversation.
func (s *server) myDataReport(loc *i18n.Localizer, rep scheme.MyReport) myDataReport {
	out := myDataReport{Sent: s.Date(loc, rep.SubmittedAt, core.DateLong), Status: statusWords[rep.Status].Name,
		AsSent: rep.AsSent.Account, Working: rep.WorkingCopy.Account, Changed: rep.WorkingCopy.Account != rep.AsSent.Account, Alerts: len(rep.Alerts)}
	for _, step := range rep.History {
		var c struct {
			Consent string `json:"consent"`
			Given   bool   `json:"given"`
		}
		if step.Kind != "consent" || json.Unmarshal([]byte(step.Detail), &c) != nil {
			continue
		}
		for _, q := range report.ConsentQuestions {
			if q.Key == c.Consent {
				out.Choices = append(out.Choices, myDataChoice{When: s.Date(loc, step.At, core.DateTimeLong), Question: q.Question, Yes: c.Given})
			}
		}
	}
	for _, m := range rep.Messages {
		out.Messages = append(out.Messages, myDataMessage{FromScheme: m.FromScheme, When: s.Date(loc, m.At, core.DateTimeLong), Body: m.Body})
	}
	for _, q := range rep.Enquiries {
		out.Enquiries = append(out.Enquiries, myDataEnquiry{Force: q.Force, Request: q.Request, Answer: cmp.Or(answerWords[q.Decision], "Not answered yet")})
	}
	for _, t := range rep.SharedWithPolice {
		out.Shared = append(out.Shared, s.Date(loc, t, core.DateLong))
	}
	return out
}

func one(b bool) int {
	if b {
		return 1
	}
	return 0
}
