package scheme

import (
	"strings"
	"time"
	"unicode/utf8"
)

// What a report led to, told to its reporter as counts only (issue 20.3):
// people keep reporting when they see that it matters. Nothing here names
// a member, another report or an offender.

// ReportImpact is what one report led to, for its reporter.
type ReportImpact struct {
	// Alerts are the published alerts written from the report, oldest
	// first.
	Alerts []AlertReach `json:"alerts"`
	// ChecksFound counts members' checks, made after the report was sent,
	// that found a published warning naming one of its identifiers (her
	// own checks not counted). Never who checked, or when.
	ChecksFound int `json:"checks_found"`
	// LinkedReports counts other reports (not rejected) of the same
	// person or people, by their offender profiles. Never which.
	LinkedReports int `json:"linked_reports"`
	// SharedWithPolice are the days the report went to the police as
	// anonymous intelligence (exports that included it), oldest first.
	// Never what was shared, or with whom.
	SharedWithPolice []time.Time `json:"shared_with_police"`
	// Notify is her choice to be told, content-free, when there is news.
	Notify bool `json:"notify"`
	// Help is her latest request for help making a full police report,
	// if she made one.
	Help *PoliceHelp `json:"police_help,omitempty"`
}

// AlertReach is one published alert written from a report: when it was
// published and how many members it was sent to (its audience: every
// member it reached in the app, email and SMS aside; members who later
// opened it from a check are counted in ChecksFound instead).
type AlertReach struct {
	PublishedAt time.Time `json:"published_at"`
	Members     int       `json:"members"`
}

// Reached is the members all the report's alerts were sent to (a member
// sent two of them counts twice).
func (i ReportImpact) Reached() int {
	n := 0
	for _, a := range i.Alerts {
		n += a.Members
	}
	return n
}

// Tally is the part of a report's impact that is news when it grows:
// what its reporter was last told, and what there is now.
type Tally struct {
	Alerts int `json:"alerts"`
	Checks int `json:"checks"`
	Linked int `json:"linked"`
	Shared int `json:"shared"`
}

// Tally is i's countable part.
func (i ReportImpact) Tally() Tally {
	return Tally{Alerts: len(i.Alerts), Checks: i.ChecksFound, Linked: i.LinkedReports, Shared: len(i.SharedWithPolice)}
}

// NewsSince says whether now holds news for a reporter last told told: an
// alert published from the report, another report linked, the report
// shared with the police, or checks that found its warning — the first,
// and then each time their number doubles, so that a much-checked number
// does not become a daily message.
func (now Tally) NewsSince(told Tally) bool {
	if now.Alerts > told.Alerts || now.Linked > told.Linked || now.Shared > told.Shared {
		return true
	}
	return now.Checks > told.Checks && (told.Checks == 0 || now.Checks >= 2*told.Checks)
}

// ImpactNoticeGap is the least time between two "there is news about a
// report you made" messages to one member: one a day at most, a digest of
// all her reports.
const ImpactNoticeGap = 24 * time.Hour

// PoliceHelpOutcome is how a request for help with a full police report
// ended; "" while it is open.
type PoliceHelpOutcome string

const (
	PoliceHelpOpen        PoliceHelpOutcome = ""
	PoliceHelpReported    PoliceHelpOutcome = "reported"    // she made a full report to the police
	PoliceHelpDeclined    PoliceHelpOutcome = "declined"    // she decided not to
	PoliceHelpUnreachable PoliceHelpOutcome = "unreachable" // the caseworker could not reach her
)

// PoliceHelpOutcomes are the outcomes a coordinator records, in order.
var PoliceHelpOutcomes = []PoliceHelpOutcome{PoliceHelpReported, PoliceHelpDeclined, PoliceHelpUnreachable}

// PoliceHelpTaskTitle is the case task a request for help becomes, in
// the staff's language.
const PoliceHelpTaskTitle = "Help the reporter make a full police report"

// PoliceHelp is a reporter's request for a caseworker's help making a
// full police report, and its outcome.
type PoliceHelp struct {
	ID          string            `json:"id"`
	ReportID    string            `json:"-"`
	TaskID      string            `json:"-"`
	Note        string            `json:"note,omitempty"`
	RequestedAt time.Time         `json:"requested_at"`
	Outcome     PoliceHelpOutcome `json:"outcome"`
	// CrimeRef is the police's crime reference, when she reported.
	CrimeRef  string    `json:"crime_reference,omitempty"`
	OutcomeAt time.Time `json:"outcome_at,omitzero"`
}

// Open says whether the request waits for its outcome.
func (h PoliceHelp) Open() bool { return h.Outcome == PoliceHelpOpen }

// MaxPoliceHelpNote is the longest note a reporter may add to her
// request, in characters.
const MaxPoliceHelpNote = 2000

// PoliceHelpNoteProblem is the plain-words problem with a request's
// note, or "".
func PoliceHelpNoteProblem(note string) string {
	if utf8.RuneCountInString(strings.TrimSpace(note)) > MaxPoliceHelpNote {
		return "Keep the note under 2,000 characters."
	}
	return ""
}

// PoliceHelpOutcomeProblems are the problems with an outcome a
// coordinator records, by field.
func PoliceHelpOutcomeProblems(o PoliceHelpOutcome, crimeRef string) map[string]string {
	p := map[string]string{}
	switch o {
	case PoliceHelpReported:
		if utf8.RuneCountInString(strings.TrimSpace(crimeRef)) > 100 {
			p["crime_reference"] = "Keep the crime reference under 100 characters."
		}
	case PoliceHelpDeclined, PoliceHelpUnreachable:
		if strings.TrimSpace(crimeRef) != "" {
			p["crime_reference"] = "A crime reference goes only with \"reported to the police\"."
		}
	default:
		p["outcome"] = "Choose how the request ended."
	}
	return p
}
