package stats

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"uglymugs/internal/scheme"
)

// Section is a group of tables under one heading.
type Section struct {
	Title  string  `json:"title"`
	Tables []Table `json:"tables"`
}

// The fixed lists, in the order shown.
var (
	membershipNames  = []Category{{"individual", "Individual sex workers"}, {"project", "Projects"}, {"establishment", "Escort sites and establishments"}}
	applicationNames = []Category{{"pending", "Waiting for a decision"}, {"info_requested", "Waiting for the applicant's answer"},
		{"approved", "Approved"}, {"rejected", "Rejected"}}
	reportStatusNames = []Category{{"submitted", "Waiting for review"}, {"in_review", "In review"}, {"published", "Alert published"},
		{"intelligence", "Kept as intelligence"}, {"rejected", "Rejected"}}
	severityNames = []Category{{"highest", "Highest"}, {"high", "High"}, {"medium", "Medium"}, {"low", "Low"}}
	channelNames  = []Category{{"in_app", "On the website"}, {"email", "Email"}, {"sms", "SMS"}, {"push", "Push to phones and browsers"}}
	outcomeNames  = []Category{{"approved", "Approved"}, {"rejected", "Rejected"}}
)

func contactNames() []Category {
	var out []Category
	for _, c := range scheme.ContactMethods {
		out = append(out, Category{c.Slug, c.Name})
	}
	return out
}

// notGiven is the label of an unanswered optional question.
const notGiven = "Not given"

// categoryRows lists one row per category, in order, then any key counted
// that the list lacks (a code since removed, or "" for not given), so
// that the rows always add up.
func categoryRows(cats []Category, counts map[string]int, withNotGiven bool) []Row {
	var rows []Row
	seen := map[string]bool{}
	for _, c := range cats {
		seen[c.Key] = true
		rows = append(rows, Row{Key: c.Key, Label: c.Name, Values: []Value{Of(counts[c.Key])}})
	}
	var rest []string
	for k := range counts {
		if !seen[k] && k != "" && counts[k] > 0 {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		rows = append(rows, Row{Key: k, Label: k, Values: []Value{Of(counts[k])}})
	}
	if withNotGiven || counts[""] > 0 {
		rows = append(rows, Row{Key: "", Label: notGiven, Values: []Value{Of(counts[""])}})
	}
	return rows
}

func sumOf(counts map[string]int) int {
	n := 0
	for _, v := range counts {
		n += v
	}
	return n
}

func totalRow(label string, vs ...Value) *Row {
	return &Row{Key: "total", Label: label, Values: vs}
}

// monthLabel is "September 2026" for "2026-09".
func monthLabel(key string) string {
	t, err := time.Parse("2006-01", key)
	if err != nil {
		return key
	}
	return t.Format("January 2006")
}

// dayLabel is "Mon 2 Nov 2026" for "2026-11-02".
func dayLabel(key string) string {
	t, err := time.Parse(time.DateOnly, key)
	if err != nil {
		return key
	}
	return t.Format("Mon 2 Jan 2006")
}

func countTable(slug, title, note, label, column string, rows []Row, total int, withTotal bool) Table {
	t := Table{Slug: slug, Title: title, Note: note, Label: label, Columns: []Column{{column, Count}}, Rows: rows,
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	if withTotal {
		t.Total = totalRow("Total", Of(total))
	}
	return t
}

// Tables are the coordinators' tables: exact figures, every one.
func Tables(f Figures) []Section {
	return []Section{
		{"Members", memberTables(f)},
		{"Applications", applicationTables(f)},
		{"Reports", reportTables(f)},
		{"Consent", []Table{consentTable(f)}},
		{"Alerts and deliveries", alertTables(f)},
		{"Checks", checkTables(f)},
		{"Repeat offenders", []Table{offenderTable(f)}},
		{"Support referrals", []Table{referralTable(f)}},
	}
}

// ReferralOutcomes are the outcomes referrals are counted under, in order.
var ReferralOutcomes = []Category{{"suggested", "Suggested"}, {"made", "Made"}, {"accepted", "Accepted"}, {"declined", "Declined"}}

// referralTable is the referrals to support services by kind and outcome.
func referralTable(f Figures) Table {
	t := Table{Slug: "referrals-kind", Title: "Referrals to support services",
		Note:  "Support services caseworkers suggested to reporters, by the service's main kind and how far each went: suggested only, made, accepted by the service, or declined. A closed referral counts under the last of these it reached.",
		Label: "Kind of help", Chart: Chart{Kind: Bars, Series: []int{len(ReferralOutcomes)}}}
	for _, o := range ReferralOutcomes {
		t.Columns = append(t.Columns, Column{o.Name, Count})
	}
	t.Columns = append(t.Columns, Column{"Referrals", Count})
	totals := make([]int, len(ReferralOutcomes)+1)
	for _, k := range f.SupportKinds {
		row := Row{Key: k.Key, Label: k.Name}
		sum := 0
		for i, o := range ReferralOutcomes {
			n := f.Referrals.ByKind[k.Key][o.Key]
			row.Values = append(row.Values, Of(n))
			sum += n
			totals[i] += n
		}
		row.Values = append(row.Values, Of(sum))
		totals[len(ReferralOutcomes)] += sum
		t.Rows = append(t.Rows, row)
	}
	var tv []Value
	for _, n := range totals {
		tv = append(tv, Of(n))
	}
	t.Total = totalRow("Total", tv...)
	return t
}

// All lists every table of sections, in order.
func All(sections []Section) []Table {
	var out []Table
	for _, s := range sections {
		out = append(out, s.Tables...)
	}
	return out
}

func memberTables(f Figures) []Table {
	m := f.Members
	typeTable := countTable("members-type", "Members by membership type",
		fmt.Sprintf("Active members; an organisation counts once, by its key contact. Its staff logins are not counted here (%d in all).", m.Staff),
		"Membership", "Members", categoryRows(membershipNames, m.ByType, false), m.Total, true)
	var joined []Row
	from, to := f.span(slices.Collect(maps.Keys(m.ByMonth)), "2006-01")
	for _, k := range months(from, to, f.Location) {
		joined = append(joined, Row{Key: k, Label: monthLabel(k), Values: []Value{Of(m.ByMonth[k])}})
	}
	monthTable := countTable("members-joined", "Members by month joined", "Active members by the month their application was approved.",
		"Month", "Members joined", joined, sumOf(m.ByMonth), true)
	monthTable.Chart.Kind = Columns
	return []Table{
		typeTable,
		countTable("members-gender", "Members by gender", "As members describe themselves; the question is optional.",
			"Gender", "Members", categoryRows(f.Genders, m.ByGender, true), m.Total, true),
		countTable("members-sector", "Members by sector of work", "The question is optional.",
			"Sector", "Members", categoryRows(f.Sectors, m.BySector, true), m.Total, true),
		countTable("members-region", "Members by region", "A member who works in several regions counts in each, so these do not add up to the number of members.",
			"Region", "Members", categoryRows(f.Regions, m.ByRegion, false), 0, false),
		monthTable,
	}
}

// percentile is the p-th percentile (0 < p ≤ 1) of sorted durations by
// the nearest-rank method: the smallest value with at least p of them at
// or below it.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

// median is the middle value, or the mean of the two middle values.
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	switch {
	case n == 0:
		return 0
	case n%2 == 1:
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func hoursValue(d time.Duration, any bool) Value {
	if !any {
		return Value{Kind: Hours, None: true}
	}
	return Value{Kind: Hours, N: d.Hours()}
}

func applicationTables(f Figures) []Table {
	a := f.Applications
	status := countTable("applications-status", "Applications by status", "Applications made in the period, as they stand now.",
		"Status", "Applications", categoryRows(applicationNames, a.ByStatus, false), sumOf(a.ByStatus), true)
	timing := Table{Slug: "applications-time", Title: "Time to a decision",
		Note:  "Working hours from the application to the decision, for the applications made in the period that are decided. Half took less than the median; nine in ten took less than the 90th percentile.",
		Label: "Outcome", Columns: []Column{{"Decided", Count}, {"Median (working hours)", Hours}, {"90th percentile (working hours)", Hours}},
		Chart: Chart{Kind: Bars, Series: []int{1}}}
	var all []time.Duration
	for _, o := range outcomeNames {
		ds := slices.Sorted(slices.Values(a.Processing[o.Key]))
		all = append(all, ds...)
		timing.Rows = append(timing.Rows, Row{Key: o.Key, Label: o.Name,
			Values: []Value{Of(len(ds)), hoursValue(median(ds), len(ds) > 0), hoursValue(percentile(ds, .9), len(ds) > 0)}})
	}
	slices.Sort(all)
	timing.Total = totalRow("All decisions", Of(len(all)), hoursValue(median(all), len(all) > 0), hoursValue(percentile(all, .9), len(all) > 0))
	return []Table{status, timing}
}

func reportTables(f Figures) []Table {
	r := f.Reports
	month := Table{Slug: "reports-month", Title: "Reports by month", Note: "Reports by the month they reached the scheme.", Label: "Month",
		Columns: []Column{{"Reports", Count}, {"Within 72 hours (%)", Percent}, {"Third party (%)", Percent}},
		Chart:   Chart{Kind: Columns, Series: []int{0}}}
	from, to := f.span(slices.Collect(maps.Keys(r.ByMonth)), "2006-01")
	for _, k := range months(from, to, f.Location) {
		m := r.ByMonth[k]
		month.Rows = append(month.Rows, Row{Key: k, Label: monthLabel(k),
			Values: []Value{Of(m.Reports), PercentOf(m.Within72h, m.Reports), PercentOf(m.ThirdParty, m.Reports)}})
	}
	month.Total = totalRow("Total", Of(r.Total), PercentOf(r.Within72h, r.Total), PercentOf(r.ThirdParty, r.Total))

	delay := Table{Slug: "reports-delay", Title: "Time from incident to report",
		Note:  "Reports should reach the scheme within 72 hours of the incident, while a warning can still help.",
		Label: "Reported", Columns: []Column{{"Reports", Count}, {"Share (%)", Percent}}, Chart: Chart{Kind: Bars, Series: []int{0}},
		Rows: []Row{
			{Key: "within-72h", Label: "Within 72 hours", Values: []Value{Of(r.Within72h), PercentOf(r.Within72h, r.Total)}},
			{Key: "later", Label: "Later", Values: []Value{Of(r.Total - r.Within72h), PercentOf(r.Total-r.Within72h, r.Total)}},
		},
		Total: totalRow("Total", Of(r.Total), PercentOf(r.Total, r.Total))}
	third := Table{Slug: "reports-third-party", Title: "Who made the report", Label: "Made",
		Note:    "Third-party reports are made for someone else, often by a project for a service user.",
		Columns: []Column{{"Reports", Count}, {"Share (%)", Percent}}, Chart: Chart{Kind: Bars, Series: []int{0}},
		Rows: []Row{
			{Key: "third-party", Label: "For someone else (third party)", Values: []Value{Of(r.ThirdParty), PercentOf(r.ThirdParty, r.Total)}},
			{Key: "direct", Label: "By the person it happened to", Values: []Value{Of(r.Total - r.ThirdParty), PercentOf(r.Total-r.ThirdParty, r.Total)}},
		},
		Total: totalRow("Total", Of(r.Total), PercentOf(r.Total, r.Total))}
	return []Table{
		month,
		countTable("reports-type", "Reports by kind of incident", fmt.Sprintf("A report can name more than one kind, so these add up to more than the %d reports.", r.Total),
			"Kind of incident", "Reports", categoryRows(f.IncidentTypes, r.ByType, false), 0, false),
		countTable("reports-severity", "Reports by severity", "The severity of a report is that of the most serious kind of incident in it.",
			"Severity", "Reports", categoryRows(severityNames, r.BySeverity, false), r.Total, true),
		countTable("reports-region", "Reports by region", "The region where it happened.",
			"Region", "Reports", categoryRows(f.Regions, r.ByRegion, false), r.Total, true),
		countTable("reports-contact", "How the offender made contact", "",
			"Contact", "Reports", categoryRows(contactNames(), r.ByContact, false), r.Total, true),
		delay,
		third,
		countTable("reports-status", "Reports by status", "Where the reports made in the period stand now.",
			"Status", "Reports", categoryRows(reportStatusNames, r.ByStatus, false), r.Total, true),
		policeTable(r),
		countTable("reports-police-help", "Help to report to the police",
			"Reporters' requests for a caseworker's help making a full police report, by how they ended (a report may have several).",
			"Outcome", "Requests", categoryRows(policeHelpNames, r.PoliceHelp, false), sumOf(r.PoliceHelp), true),
	}
}

// policeHelpNames are the outcomes of a request for help with a police
// report, as the coordinators' statistics name them.
var policeHelpNames = []Category{{"reported", "Reported to the police"}, {"declined", "She decided not to"},
	{"unreachable", "Could not be reached"}, {"open", "Still open"}}

// policeTable counts the reports whose incident was reported to the
// police (when sent, or since with a caseworker's help).
func policeTable(r ReportFigures) Table {
	return Table{Slug: "reports-police", Title: "Reported to the police", Label: "Police",
		Note:    "Whether the incident was reported to the police: said so when the report was sent, or done since with a caseworker's help.",
		Columns: []Column{{"Reports", Count}, {"Share (%)", Percent}}, Chart: Chart{Kind: Bars, Series: []int{0}},
		Rows: []Row{
			{Key: "reported", Label: "Reported to the police", Values: []Value{Of(r.PoliceReported), PercentOf(r.PoliceReported, r.Total)}},
			{Key: "not-reported", Label: "Not reported", Values: []Value{Of(r.Total - r.PoliceReported), PercentOf(r.Total-r.PoliceReported, r.Total)}},
		},
		Total: totalRow("Total", Of(r.Total), PercentOf(r.Total, r.Total))}
}

func consentTable(f Figures) Table {
	r := f.Reports
	t := Table{Slug: "consent-month", Title: "Consent by month",
		Note:  "The share of each month's reports whose reporter agreed, as things stand now (consent can be withdrawn later): to an anonymised alert; to anonymised intelligence going to the police; to contact from a caseworker or support service; to being asked if the police want to talk.",
		Label: "Month", Columns: []Column{{"Reports", Count}, {"Alert (%)", Percent}, {"Police intelligence (%)", Percent},
			{"Support contact (%)", Percent}, {"Police contact (%)", Percent}},
		Chart: Chart{Kind: Lines, Series: []int{1, 2, 3, 4}}}
	from, to := f.span(slices.Collect(maps.Keys(r.ByMonth)), "2006-01")
	var all ReportMonth
	for _, k := range months(from, to, f.Location) {
		m := r.ByMonth[k]
		all = all.Add(m)
		t.Rows = append(t.Rows, Row{Key: k, Label: monthLabel(k), Values: []Value{Of(m.Reports), PercentOf(m.Alert, m.Reports),
			PercentOf(m.Police, m.Reports), PercentOf(m.Support, m.Reports), PercentOf(m.PoliceContact, m.Reports)}})
	}
	t.Total = totalRow("All months", Of(all.Reports), PercentOf(all.Alert, all.Reports), PercentOf(all.Police, all.Reports),
		PercentOf(all.Support, all.Reports), PercentOf(all.PoliceContact, all.Reports))
	return t
}

// Delivery states, grouped as the table shows them.
var (
	deliveredStates = []string{"sent", "delivered", "read"}
	waitingStates   = []string{"queued", "sending", "retrying", "outbox"}
)

func sumStates(m map[string]int, states ...string) int {
	n := 0
	for _, s := range states {
		n += m[s]
	}
	return n
}

func alertTables(f Figures) []Table {
	a := f.Alerts
	month := Table{Slug: "alerts-month", Title: "Alerts published by month", Note: "Alerts by the month they were published, withdrawn ones included.",
		Label: "Month", Columns: []Column{{"Alerts", Count}}, Chart: Chart{Kind: Columns, Series: []int{0}}}
	from, to := f.span(slices.Collect(maps.Keys(a.ByMonth)), "2006-01")
	for _, k := range months(from, to, f.Location) {
		month.Rows = append(month.Rows, Row{Key: k, Label: monthLabel(k), Values: []Value{Of(a.ByMonth[k])}})
	}
	month.Total = totalRow("Total", Of(a.Published))

	del := Table{Slug: "deliveries-channel", Title: "Deliveries by channel",
		Note:  "Messages for the alerts counted above. Waiting means queued, being sent, waiting to retry, or held in the outbox with no provider set up. The failure rate is failed messages out of those sent or failed.",
		Label: "Channel", Columns: []Column{{"Messages", Count}, {"Delivered", Count}, {"Failed", Count}, {"Waiting", Count}, {"Cancelled", Count}, {"Failure rate (%)", Percent}},
		Chart: Chart{Kind: Bars, Series: []int{0}}}
	var tot [5]int
	for _, c := range channelNames {
		m := a.Deliveries[c.Key]
		n := [5]int{sumOf(m), sumStates(m, deliveredStates...), m["failed"], sumStates(m, waitingStates...), m["cancelled"]}
		for i := range n {
			tot[i] += n[i]
		}
		del.Rows = append(del.Rows, Row{Key: c.Key, Label: c.Name, Values: []Value{Of(n[0]), Of(n[1]), Of(n[2]), Of(n[3]), Of(n[4]), PercentOf(n[2], n[1]+n[2])}})
	}
	del.Total = totalRow("Total", Of(tot[0]), Of(tot[1]), Of(tot[2]), Of(tot[3]), Of(tot[4]), PercentOf(tot[2], tot[1]+tot[2]))
	return []Table{month, del}
}

func checkTables(f Figures) []Table {
	if f.Checks == nil {
		return nil
	}
	t := Table{Slug: "checks-day", Title: "Checks by day",
		Note:  "Checks of a phone number, email, vehicle or username by members, and how many found a published alert.",
		Label: "Day", Columns: []Column{{"Checks", Count}, {"Found in an alert", Count}, {"Hit rate (%)", Percent}},
		Chart: Chart{Kind: Columns, Series: []int{0}}}
	from, to := f.span(slices.Collect(maps.Keys(f.Checks.ByDay)), time.DateOnly)
	var all CheckDay
	for _, k := range days(from, to, f.Location) {
		d := f.Checks.ByDay[k]
		all.Checks, all.Hits = all.Checks+d.Checks, all.Hits+d.Hits
		t.Rows = append(t.Rows, Row{Key: k, Label: dayLabel(k), Values: []Value{Of(d.Checks), Of(d.Hits), PercentOf(d.Hits, d.Checks)}})
	}
	t.Total = totalRow("Total", Of(all.Checks), Of(all.Hits), PercentOf(all.Hits, all.Checks))
	return []Table{t}
}

// offenderBuckets are the rows of the repeat-offender table: 2, 3, 4, and
// 5 or more reports.
const offenderTop = 5

func offenderTable(f Figures) Table {
	o := f.Offenders
	counts := map[int]int{}
	profiles := 0
	for n, c := range o.ByReports {
		counts[min(n, offenderTop)] += c
		profiles += c
	}
	t := countTable("offenders-repeat", "Offenders in two or more reports",
		fmt.Sprintf("Offender profiles linked to two or more of the reports counted. %d of the %d reports (%s) name such an offender.",
			o.Reports, f.Reports.Total, cmp.Or(PercentOf(o.Reports, f.Reports.Total).String(), "none")),
		"Linked reports", "Offender profiles", nil, profiles, true)
	for n := 2; n <= offenderTop; n++ {
		label := strconv.Itoa(n) + " reports"
		if n == offenderTop {
			label = strconv.Itoa(n) + " or more reports"
		}
		t.Rows = append(t.Rows, Row{Key: strconv.Itoa(n), Label: label, Values: []Value{Of(counts[n])}})
	}
	return t
}
