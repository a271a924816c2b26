package member

import (
	"net/http/httptest"
	"testing"

	"uglymugs/internal/i18n"
	"uglymugs/internal/web/core"
)

// The words the member pages make in Go (the check's answers, notices,
// problems, names shown through {{t}}) are in every language's
// catalogue: a template test cannot see them.
func TestGoMadeWords_InEveryCatalogue(t *testing.T) {
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{core.UnreadableAlert, "All regions", "Any region", "Any kind",
		"Choose a region from the list.", "Choose a kind of incident from the list.",
		"Give the date as year-month-day, for example {{.Example}}.", "The last day must be the same as or after the first day.",
		"Write your answer.", "Tick the box to confirm that you want to leave.",
		"Tick the box to say you accept the terms. If you do not, you can leave the scheme from your account.",
		"Thank you. Your answer is recorded; you can change it while the enquiry is open.",
		"You have used today's checks. You can check again tomorrow.", "check-too-many"}
	for _, w := range checkWords {
		ids = append(ids, w.named, w.checkedAs)
	}
	for _, k := range checkKindOptions {
		ids = append(ids, k.Label)
	}
	for _, k := range core.AlertKinds {
		ids = append(ids, k.Label)
	}
	for _, n := range core.EnquiryDecisionNames {
		ids = append(ids, n)
	}
	for _, n := range core.TypeNames {
		ids = append(ids, n)
	}
	for _, m := range []map[string]string{sessionKinds, channelWords, checkKinds, answerWords} {
		for _, w := range m {
			ids = append(ids, w)
		}
	}
	ids = append(ids, "Message from the scheme", "Not answered yet", "Alert", "Booked", "Attended", "Did not attend")
	for _, done := range []string{"answer", "profile", "password", "totp", "staff"} {
		r := httptest.NewRequest("GET", "/account?done="+done, nil)
		ids = append(ids, noticeFrom(r))
	}
	for _, l := range i18n.Languages {
		for _, id := range ids {
			if !words.Has(l, id) {
				t.Errorf("%s has no %q", l.Code, id)
			}
		}
	}
}
