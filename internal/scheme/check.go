package scheme

import "time"

// CheckOutcome is what a check found, or why it was refused.
type CheckOutcome struct {
	AlertIDs []string  // published alerts naming the value
	Alerts   []Alert   // for a member, those alerts as she may now read them
	Highest  Severity  // their highest severity, "" when none
	Limited  bool      // refused: an allowance is used up (nothing was looked up or logged)
	Daily    bool      // the day's allowance (else the minute's)
	FreeAt   time.Time // when the minute's allowance frees a check
	Used     int       // checks made today, this one included
}

// CheckEntry is one line of the check log as coordinators see it: what
// kind of value, through which channel and what was found — never the value.
type CheckEntry struct {
	Channel   string    `json:"channel"`
	Kind      string    `json:"kind"`
	Matches   int       `json:"matches"`
	Reported  bool      `json:"reported_identifier"` // the value is an identifier in a report (of any status)
	CheckedAt time.Time `json:"checked_at"`
}

// Thresholds of unusual checking, over UnusualWindow. They are deliberately
// well above what a worker checking her own clients does: the allowance is
// 50 a day, and a working day brings a handful of new numbers.
const (
	UnusualWindow        = 30 * 24 * time.Hour
	UnusualDistinct      = 60 // different values checked in the window
	UnusualRepeats       = 5  // checks of one value
	UnusualReportedCheck = 3  // checks of one value that is an identifier in a report
)

// CheckingFlag is a member whose checking looks unusual: offenders who got
// in may probe what is known about them, or look for workers.
type CheckingFlag struct {
	UserID   string `json:"user_id"`
	Username string `json:"username"`
	Role     string `json:"role"`
	Checks   int    `json:"checks"`
	Distinct int    `json:"distinct_values"`
	// MostRepeated is the most checks of any one value; ReportedRepeated
	// the most checks of any one value that is an identifier in a report
	// (published or not — a man checking his own number again and again).
	MostRepeated     int       `json:"most_repeated"`
	ReportedRepeated int       `json:"reported_repeated"`
	LastCheck        time.Time `json:"last_check"`
	Reasons          []string  `json:"reasons"`
}
