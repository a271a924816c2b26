package staff

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// OffenderView is one offender profile: what links several reports to one
// likely person.
type OffenderView struct {
	ID                  string
	Identifiers         []caseIdentGroup
	FirstSeen, LastSeen string
	Regions             []string
	Reports             []caseProfileReport
	Offenders           int
	Left                string // the profile an offender was just unlinked from
	// Suggestions are partial identifiers elsewhere that fit this profile's
	// full ones: possible links for a coordinator to judge, never automatic.
	Suggestions []scheme.Suggestion
}

type caseIdentGroup struct {
	Kind   string
	Values []caseIdent
}

type caseProfileReport struct {
	ID, Incident, Region  string
	Types                 string
	Status                scheme.ReportStatus
	StatusName            string
	Severity              scheme.Severity
	SeverityName          string
	SeverityRank          int
	Offenders             []caseOffender
	OffendersInThisReport int
	Since                 string // on the offender's timeline: how long after the report before
}

func (s *server) offenderPage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	notice := map[string]string{
		"linked":   "Linked: the offender is now part of this profile, and stays here whatever automatic linking finds later.",
		"unlinked": "Unlinked: this is the offender's own profile now. They stay apart from the profile they left whatever automatic linking finds later.",
	}[r.URL.Query().Get("done")]
	f := core.FormView{Notice: notice}
	var left string
	if notice != "" {
		left = r.URL.Query().Get("from")
	}
	s.renderOffender(w, r, u, r.PathValue("id"), http.StatusOK, f, left)
	return nil
}

func (s *server) renderOffender(w http.ResponseWriter, r *http.Request, u scheme.User, id string, status int, f core.FormView, left string) {
	ctx := r.Context()
	p, err := s.Reports.OffenderProfile(ctx, u, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	n, err := s.Content.Lists(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v := OffenderView{ID: p.ID, FirstSeen: s.caseDay(p.FirstSeen), LastSeen: s.caseDay(p.LastSeen)}
	for _, id := range p.Identifiers {
		kind := cmp.Or(core.CaseKindNames[id.Kind], id.Kind)
		if len(v.Identifiers) == 0 || v.Identifiers[len(v.Identifiers)-1].Kind != kind {
			v.Identifiers = append(v.Identifiers, caseIdentGroup{Kind: kind})
		}
		g := &v.Identifiers[len(v.Identifiers)-1]
		g.Values = append(g.Values, caseIdent{Kind: kind, Value: id.Value, Partial: id.Partial})
	}
	for _, reg := range p.Regions {
		v.Regions = append(v.Regions, cmp.Or(n.RegionName(reg), reg))
	}
	listed, err := s.Reports.Linked(ctx, u, p.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	byID := map[string]scheme.Report{}
	for _, x := range listed {
		byID[x.ID] = x
	}
	// In the order they happened (the profile's order): the timeline.
	var before time.Time
	for _, rid := range p.ReportIDs {
		x, ok := byID[rid]
		if !ok {
			continue
		}
		pr := caseProfileReport{ID: x.ID, Incident: s.caseIncidentText(x), Region: cmp.Or(n.RegionName(x.Region), x.Region),
			Types: strings.Join(n.TypeNameList(x.IncidentTypes), ", "), Status: x.Status, StatusName: core.CaseStatusNames[x.Status],
			Severity: x.Severity, SeverityName: cmp.Or(core.CaseSeverityNames[x.Severity], string(x.Severity)), SeverityRank: scheme.SeverityRank[x.Severity]}
		if !before.IsZero() {
			pr.Since = intelSince(s.Location(), before, x.IncidentAt)
		}
		before = x.IncidentAt
		// The offenders of this report who are in this profile, as the
		// working copy describes them.
		full, err := s.Reports.Peek(ctx, u, x.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		pr.OffendersInThisReport = len(full.Working.Offenders)
		for i, o := range full.Working.Offenders {
			if o.ProfileID == p.ID {
				ov := caseOffenderOf(o)
				ov.Number = i + 1
				pr.Offenders = append(pr.Offenders, ov)

			}
		}
		v.Offenders += len(pr.Offenders)
		v.Reports = append(v.Reports, pr)
	}
	if left != "" && left != p.ID {
		if still, err := s.Reports.Linked(ctx, u, left); err == nil && len(still) > 0 {
			v.Left = left
		}
	}
	if v.Suggestions, err = s.Reports.SuggestedMatches(ctx, p.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	f.Extra = v
	s.Render(w, r, status, viewOffender, f)
}

func (s *server) moveOffender(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	offender := strings.TrimSpace(r.PostFormValue("offender"))
	to, from := strings.TrimSpace(r.PostFormValue("to")), strings.TrimSpace(r.PostFormValue("from"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	// Field names on the offender page: the link form's, or the unlink
	// form of that offender.
	offenderField, reasonField := "link-offender", "link-reason"
	if to == "" {
		reasonField = "reason-" + offender
	}
	again := func(status int, errs map[string]string) {
		if from == "" {
			s.Fail(w, r, scheme.Invalid(errs))
			return
		}
		s.renderOffender(w, r, u, from, status, core.FormView{Values: map[string]string{offenderField: offender, reasonField: reason}, Errors: errs}, "")
	}
	result, err := s.Reports.MoveOffender(r.Context(), u, offender, to, reason)
	if err != nil {
		switch scheme.ErrorCode(err) {
		case scheme.CodeInvalid:
			again(http.StatusUnprocessableEntity, core.FormErrors(caseRenameFields(err, map[string]string{"offender": offenderField, "reason": reasonField})))
		case scheme.CodeNotFound:
			if to != "" && from != "" {
				again(http.StatusUnprocessableEntity, map[string]string{offenderField: "No offender has that reference. Copy it from the report's case page."})
				return nil
			}
			s.Fail(w, r, err)
		default:
			s.Fail(w, r, err)
		}
		return nil
	}
	done := "linked"
	if to == "" {
		done = "unlinked"
	}
	dest := "/coordinator/offenders/" + url.PathEscape(result) + "?done=" + done
	if to == "" && from != "" {
		dest += "&from=" + url.QueryEscape(from)
	}
	core.SeeOther(w, r, dest)
	return nil
}
