package staff

import (
	"cmp"
	"fmt"
	"net/http"
	"strings"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The coordinators' side of reports: the review queue, the case (original
// and working copy, status, notes, tasks, referrals, messages, timeline) and
// offender profiles.

// caseNextStatuses are the moves SetReportStatus allows from each status, with
// the words for the choice. (The store enforces them; this only offers them.)
var caseNextStatuses = map[scheme.ReportStatus][]caseStatusChoice{
	scheme.ReportSubmitted: {
		{scheme.ReportInReview, "Start the review", "Acknowledges the report: the timer stops."},
		{scheme.ReportIntelligence, "Keep as intelligence only", "No alert; the report counts for linking and, with consent, for the police."},
		{scheme.ReportRejected, "Reject", "Give the reason below. The reporter can see it."},
	},
	scheme.ReportInReview: {
		{scheme.ReportPublished, "Alert published", "An alert has gone out from this report. This is final."},
		{scheme.ReportIntelligence, "Keep as intelligence only", "No alert; the report counts for linking and, with consent, for the police."},
		{scheme.ReportRejected, "Reject", "Give the reason below. The reporter can see it."},
	},
	scheme.ReportIntelligence: {{scheme.ReportInReview, "Reopen for review", ""}},
	scheme.ReportRejected:     {{scheme.ReportInReview, "Reopen for review", ""}},
}

type caseStatusChoice struct {
	Status      scheme.ReportStatus
	Label, Hint string
}

// caseQueueTabs are the queue's views, the first the default.
var caseQueueTabs = []struct {
	Slug, Name string
	Statuses   []scheme.ReportStatus
}{
	{"open", "To review", []scheme.ReportStatus{scheme.ReportSubmitted, scheme.ReportInReview}},
	{"intelligence", "Intelligence only", []scheme.ReportStatus{scheme.ReportIntelligence}},
	{"published", "Alert published", []scheme.ReportStatus{scheme.ReportPublished}},
	{"rejected", "Rejected", []scheme.ReportStatus{scheme.ReportRejected}},
}

func (s *server) caseDay(t time.Time) string { return s.Time(t, core.WeekdayShort) }

func (s *server) caseDayTime(t time.Time) string {
	return s.Time(t, core.WeekdayTimeShort)
}

// caseShort is a date (and time, if withTime) without the year when it is this
// year's, for the dense queue.
func (s *server) caseShort(t time.Time, withTime bool) string {
	layout := core.DateShort
	if t.In(s.Location()).Year() == time.Now().In(s.Location()).Year() {
		layout = core.WeekdayThisYear
	}
	if withTime {
		layout += ", " + core.Clock
	}
	return s.Time(t, layout)
}

// caseDelayText says how long after the incident a report came, in words.
func caseDelayText(d time.Duration) string {
	switch h := int(d.Hours()); {
	case h < 1:
		return "within the hour"
	case h == 1:
		return "1 hour later"
	case h < 72:
		return fmt.Sprintf("%d hours later", h)
	default:
		return fmt.Sprintf("%d days later", h/24)
	}
}

// caseUntilText says how far off a deadline is, roughly.
func caseUntilText(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch h := int(d.Hours()); {
	case h < 1:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case h < 48:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d days", h/24)
	}
}

// caseAck is a report's acknowledgement timer in words.
type caseAck struct {
	Done    bool   // acknowledged (or moved on from "submitted")
	When    string // acknowledged at, or due by
	Overdue bool
	Left    string // "3 h" left, or overdue by
}

func (s *server) caseAckOf(r scheme.Report, now time.Time, format func(time.Time, bool) string) caseAck {
	if r.Status != scheme.ReportSubmitted || !r.AcknowledgedAt.IsZero() {
		v := caseAck{Done: true}
		if !r.AcknowledgedAt.IsZero() {
			v.When = format(r.AcknowledgedAt, true)
		}
		return v
	}
	return caseAck{When: format(r.AcknowledgeBy, true), Overdue: r.Overdue(now), Left: caseUntilText(r.AcknowledgeBy.Sub(now))}
}

func (s *server) caseLong(t time.Time, withTime bool) string {
	if withTime {
		return s.caseDayTime(t)
	}
	return s.caseDay(t)
}

// ReportQueueView is the coordinators' list of reports.
type ReportQueueView struct {
	Tab   string
	Tabs  []caseQueueTab
	Rows  []caseQueueRow
	Pager core.Pager
}

type caseQueueTab struct {
	Slug, Name string
	Current    bool
}

type caseQueueRow struct {
	ID                   string
	Severity             scheme.Severity
	SeverityName         string
	SeverityRank         int
	Types                []string
	Region               string
	Incident, Submitted  string // full, for the link's words
	IncidentDay, Time    string // short, for the table
	SubmittedDay         string
	Delay                string
	Late, ThirdParty     bool
	Ack                  caseAck
	Status               scheme.ReportStatus
	StatusName, TypeText string
}

func (s *server) reportQueue(w http.ResponseWriter, r *http.Request, u scheme.User) error {
	ctx := r.Context()
	tab := caseQueueTabs[0]
	for _, t := range caseQueueTabs {
		if t.Slug == r.URL.Query().Get("status") {
			tab = t
		}
	}
	page := core.PageFrom(r)
	reports, err := s.Reports.Queue(ctx, u, page, tab.Statuses...)
	if err != nil {
		return err
	}
	n, err := s.Content.Lists(r.Context())
	if err != nil {
		return err
	}
	v := ReportQueueView{Tab: tab.Slug, Pager: core.NewPager(r.URL.Query(), "/coordinator/reports", page, reports.Total)}
	for _, t := range caseQueueTabs {
		v.Tabs = append(v.Tabs, caseQueueTab{Slug: t.Slug, Name: t.Name, Current: t.Slug == tab.Slug})
	}
	now := time.Now()
	for _, rep := range reports.Items {
		types := n.TypeNameList(rep.IncidentTypes)
		var at string
		if rep.TimeKnown {
			at = s.Time(rep.IncidentAt, core.Clock)
		}
		v.Rows = append(v.Rows, caseQueueRow{Time: at,
			ID: rep.ID, Severity: rep.Severity, SeverityName: cmp.Or(core.CaseSeverityNames[rep.Severity], string(rep.Severity)),
			SeverityRank: scheme.SeverityRank[rep.Severity], Types: types, TypeText: strings.Join(types, ", "),
			Region: cmp.Or(n.RegionName(rep.Region), rep.Region), Incident: s.caseIncidentText(rep), Submitted: s.caseDayTime(rep.SubmittedAt),
			IncidentDay: s.caseShort(rep.IncidentAt, false), SubmittedDay: s.caseShort(rep.SubmittedAt, false),
			Delay: caseDelayText(rep.Delay), Late: rep.Late, ThirdParty: rep.ThirdParty, Ack: s.caseAckOf(rep, now, s.caseShort),
			Status: rep.Status, StatusName: core.CaseStatusNames[rep.Status],
		})
	}
	s.Render(w, r, http.StatusOK, viewCaseQueue, core.FormView{Extra: v})
	return nil
}

func (s *server) caseIncidentText(r scheme.Report) string {
	if r.TimeKnown {
		return s.caseDayTime(r.IncidentAt)
	}
	return s.caseDay(r.IncidentAt)
}
