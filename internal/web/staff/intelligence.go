package staff

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The coordinators' intelligence view: offender profiles ranked, with
// filters (GET: codes and dates only), and a search across reports (POST,
// so that an identifier never appears in an address or a log).

// IntelligenceView is the page.
type IntelligenceView struct {
	Region, Type, From, To string
	Min                    int
	Regions, Types, Kinds  []core.Option
	SRegions, STypes       []core.Option // the search's
	Profiles               []intelProfile
	Errors                 map[string]string // the filters'
	Pager                  core.Pager        // keeps the filters
	// The search.
	Search       police.SearchInput
	SearchErrors map[string]string
	Searched     bool
	Match        string // "whole", "partial" or "" (filters only)
	More         bool   // more reports matched than are shown
	Limit        int
	Results      []intelResult
}

type intelProfile struct {
	ID, Severity, SeverityName, First, Last, Regions, Types string
	SeverityRank, Reports                                   int
}

type intelResult struct {
	ID, Date, Region, Types, Status, StatusName string
	SeverityRank                                int
	SeverityName                                string
	Profiles                                    []string // the offender profiles it matched through
}

func (s *server) intelligenceView(r *http.Request, q url.Values, search police.SearchInput) (IntelligenceView, error) {
	ctx := r.Context()
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return IntelligenceView{}, err
	}
	v := IntelligenceView{Region: q.Get("region"), Type: q.Get("type"), From: q.Get("from"), To: q.Get("to"), Min: 1,
		Errors: map[string]string{}, Search: search, Limit: police.SearchLimit}
	f := scheme.IntelFilter{Region: v.Region, Type: v.Type}
	if v.Region != "" && l.RegionName(v.Region) == "" {
		v.Errors["region"], f.Region = "Choose a region from the list.", ""
	}
	if v.Type != "" && l.TypeName(v.Type) == "" {
		v.Errors["type"], f.Type = "Choose a kind of incident from the list.", ""
	}
	if v.From != "" {
		if d, err := time.ParseInLocation(time.DateOnly, v.From, s.Location()); err != nil {
			v.Errors["from"] = "Give a day, e.g. 2026-01-31."
		} else {
			f.From = d
		}
	}
	if v.To != "" {
		if d, err := time.ParseInLocation(time.DateOnly, v.To, s.Location()); err != nil {
			v.Errors["to"] = "Give a day, e.g. 2026-01-31."
		} else {
			f.To = d.AddDate(0, 0, 1)
		}
	}
	if m, err := strconv.Atoi(q.Get("min")); err == nil && m >= 1 && m <= 100 {
		v.Min, f.MinReports = m, m
	}
	page := core.PageFrom(r)
	ranked, err := s.Reports.RankedProfiles(ctx, f, page)
	if err != nil {
		return v, err
	}
	v.Pager = core.NewPager(r.URL.Query(), "/coordinator/intelligence", page, ranked.Total)
	for _, p := range ranked.Items {
		var regions, types []string
		for _, x := range p.Regions {
			regions = append(regions, l.RegionName(x))
		}
		for _, x := range p.Types {
			types = append(types, l.TypeName(x))
		}
		sv := core.SeverityOf(p.Highest)
		v.Profiles = append(v.Profiles, intelProfile{ID: p.ID, Reports: p.Reports, Severity: string(p.Highest), SeverityName: sv.SeverityName,
			SeverityRank: sv.SeverityRank, First: s.Time(p.FirstSeen, core.DateShort), Last: s.Time(p.LastSeen, core.DateShort),
			Regions: strings.Join(regions, ", "), Types: strings.Join(types, ", ")})
	}
	v.Regions, v.Types = core.RegionChoices(l, v.Region), core.TypeChoices(l, v.Type)
	v.SRegions, v.STypes = core.RegionChoices(l, search.Region), core.TypeChoices(l, search.Type)
	for _, k := range core.AlertKinds {
		v.Kinds = append(v.Kinds, core.Option{Value: k.Value, Label: k.Label, Selected: k.Value == search.Kind})
	}
	return v, nil
}

func (s *server) intelligencePage(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	v, err := s.intelligenceView(r, r.URL.Query(), police.SearchInput{Kind: "phone"})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.Render(w, r, status, viewIntelligence, v)
	return nil
}

func (s *server) intelligenceSearch(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	in := police.SearchInput{Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value"), Region: r.PostFormValue("region"),
		Type: r.PostFormValue("type"), From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	// The results belong to the intelligence page: its tab is the
	// current one (the tabs read the address).
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/coordinator/intelligence"
	v, err := s.intelligenceView(r2, url.Values{}, in)
	if err != nil {
		return err
	}
	l, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	problems := map[string]string{}
	if in.Region != "" && l.RegionName(in.Region) == "" {
		problems["region"] = "Choose a region from the list."
	}
	if in.Type != "" && l.TypeName(in.Type) == "" {
		problems["type"] = "Choose a kind of incident from the list."
	}
	var res police.SearchResult
	if len(problems) == 0 {
		res, err = s.Police.SearchReports(r.Context(), u, in)
		if scheme.ErrorCode(err) == scheme.CodeInvalid {
			problems = core.FormErrors(err)
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		v.SearchErrors = problems
		s.Render(w, r2, http.StatusUnprocessableEntity, viewIntelligence, v)
		return nil
	}
	v.Searched, v.More, v.Match = true, res.More, res.Match
	for _, h := range res.Hits {
		rep := h.Report
		sv := core.SeverityOf(rep.Severity)
		v.Results = append(v.Results, intelResult{ID: rep.ID, Date: s.Time(rep.IncidentAt, core.DateShort),
			Region: cmp.Or(l.RegionName(rep.Region), rep.Region), Types: l.TypeNames(rep.IncidentTypes),
			Status: string(rep.Status), StatusName: cmp.Or(core.CaseStatusNames[rep.Status], string(rep.Status)),
			SeverityRank: sv.SeverityRank, SeverityName: sv.SeverityName, Profiles: h.Profiles})
	}
	s.Render(w, r2, http.StatusOK, viewIntelligence, v)
	return nil
}

// intelSince says how long after the report before an incident happened,
// in calendar days where the scheme is, for an offender's timeline.
func intelSince(loc *time.Location, before, at time.Time) string {
	day := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	switch days := int(day(at).Sub(day(before)).Hours() / 24); {
	case days <= 0:
		return "the same day as the report before"
	case days == 1:
		return "the day after the report before"
	case days < 60:
		return strconv.Itoa(days) + " days after the report before"
	default:
		return "about " + strconv.Itoa((days+15)/30) + " months after the report before"
	}
}
