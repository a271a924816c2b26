package scheme

import "time"

// MaxAddition is the longest addition a member may write, in characters.
const MaxAddition = 4000

// Event is one line of a case's timeline.
type Event struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Kind   string    `json:"kind"` // submitted, status, edit, note, task, task_done, referral, message, consent, link, acknowledged
	Detail string    `json:"detail,omitempty"`
	Body   string    `json:"body,omitempty"`
}

// Task is a caseworker's to-do on a report.
type Task struct {
	ID     string    `json:"id"`
	Title  string    `json:"title"`
	DueAt  time.Time `json:"due_at,omitzero"`
	DoneAt time.Time `json:"done_at,omitzero"`
}

// Overdue reports whether the task is past due and not done.
func (t Task) Overdue(now time.Time) bool {
	return t.DoneAt.IsZero() && !t.DueAt.IsZero() && now.After(t.DueAt)
}

// Message is one message about a report between the scheme and its reporter.
type Message struct {
	ID         string    `json:"id"`
	FromScheme bool      `json:"from_scheme"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
	ReadAt     time.Time `json:"read_at,omitzero"`
}

// Draft is a report being written.
type Draft struct {
	ID        string
	Step      int
	Data      string // JSON of the form so far
	UpdatedAt time.Time
}

// ProfileRank is one offender profile in the ranking.
type ProfileRank struct {
	ID                  string
	Reports             int
	Highest             Severity
	FirstSeen, LastSeen time.Time
	Regions, Types      []string
}

// OffenderProfile is what is known of one likely offender, across reports.
type OffenderProfile struct {
	ID          string       `json:"id"`
	ReportIDs   []string     `json:"report_ids"`
	Identifiers []Identifier `json:"identifiers"`
	FirstSeen   time.Time    `json:"first_seen"`
	LastSeen    time.Time    `json:"last_seen"`
	Regions     []string     `json:"regions"`
}

// ReportFilter selects reports.
type ReportFilter struct {
	ReporterID string         // only this reporter's
	Statuses   []ReportStatus // none: any
	ProfileID  string         // only reports with an offender in this profile
	IDs        []string       // only these reports
}

// Suggestion is a possible link a coordinator may want to make by hand: a
// partial identifier elsewhere that fits one of this profile's identifiers.
type Suggestion struct {
	ProfileID  string `json:"profile_id"`
	ReportID   string `json:"report_id"`
	OffenderID string `json:"offender_id"`
	Kind       string `json:"kind"`
	Partial    string `json:"partial"`
	Matches    string `json:"matches"`
}
