package member

import (
	"net/http"

	"uglymugs/internal/i18n"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/web/core"
)

// The reporter's side of reports: writing a report in six short steps,
// each saved as a draft (the JSON of report.Input, the API's body) so that
// nothing typed is lost when someone has to leave in a hurry, and following
// one's own reports afterwards. Everything works without JavaScript: "add
// another" buttons post the form and come back with a blank row.

// stepCount is how many steps the form has; the last is "check and send".
const stepCount = report.DraftSteps

// consentStep asks the four consents, each as a question she answers.
const consentStep = report.ConsentStep

// stepNames are the steps' topics (index 1 to 6) and their headings.
var (
	stepNames    = [stepCount + 1]string{"", "What happened", "When and where", "Who did it", "Contact and police", "Your choices", "Check and send"}
	stepHeadings = [stepCount + 1]string{"", "What happened?", "When and where did it happen?", "Who did it?", "How they got in touch, and the police",
		"What may we do with your report?", "Check your report and send it"}
)

// Words for the reporter: what each status means for them.
var statusWords = map[scheme.ReportStatus]struct{ Name, Text string }{
	scheme.ReportSubmitted: {"Sent", "A coordinator will read it soon."},
	scheme.ReportInReview:  {"Being reviewed", "A coordinator is working on it. If they need to ask you something, their message appears below."},
	scheme.ReportPublished: {"Alert sent", "An anonymised alert from your report has gone to members. Thank you: it helps keep others safe."},
	scheme.ReportIntelligence: {"Kept on file, no alert", "No alert was sent, but your report is kept to link repeat offenders" +
		" and, if you agreed, shared with the police without your details."},
	scheme.ReportRejected: {"Not used", "We could not use this report."},
}

// identKinds are the kinds of identifier, as the form offers them.
var identKinds = []struct{ Value, Label string }{
	{"phone", "Phone number"}, {"email", "Email address"}, {"vehicle", "Vehicle registration"},
	{"name", "Name they used"}, {"username", "Website or app username"},
}

// descFields are an offender's description, in form order: short
// answers first (two to a row, even on a phone), then the longer ones.
var descFields = []struct {
	Key, Label, Hint string
	Long             bool
}{
	{"gender", "Gender", "", false},
	{"age", "Age", "", false},
	{"height", "Height", "", false},
	{"build", "Build", "", false},
	{"hair", "Hair", "", false},
	{"ethnicity", "Ethnicity", "", false},
	{"accent", "Accent", "", false},
	{"features", "Anything that stands out", "Tattoos, scars, glasses, clothes, a smell, the way they talked.", true},
	{"vehicle", "Vehicle", "Make, model, colour, anything inside it. Put the registration above.", true},
}

// identKindLabel is how the form names a kind of identifier, in loc's
// language; a kind it does not offer stands for itself.
func identKindLabel(loc *i18n.Localizer, kind string) string {
	for _, k := range identKinds {
		if k.Value == kind {
			return loc.T(k.Label)
		}
	}
	return kind
}

const (
	maxOffenders = 10 // as report.Validate allows
	maxIdents    = 20
)

// reporterRoles may report (report.CanReport also wants an active account).
var reporterRoles = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff, scheme.RoleCoordinator}

func (s *server) reportersOnly(next core.Handler) http.Handler {
	return s.SignedIn(func(w http.ResponseWriter, r *http.Request, u scheme.User) error {
		if !report.CanReport(u) {
			return core.ErrForbidden
		}
		return next(w, r, u)
	}, reporterRoles...)
}
