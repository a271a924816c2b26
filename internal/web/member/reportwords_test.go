package member

import (
	"strings"
	"testing"

	"uglymugs/internal/i18n"
	"uglymugs/internal/identifier"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
)

// reportGoWords are the report pages' words made in Go (and the report
// domain's fixed problems): the template test cannot see them, so this
// one checks every language has each.
func reportGoWords() []string {
	ids := []string{"Not sure", "around midnight", "around midday", "around {{.Hour}}am", "around {{.Hour}}pm",
		"Town or area", "A town or part of a city is enough. You do not need to give an exact address.",
		"Police reference", "The crime or incident number, if you have one.",
		"The unsent report is deleted.", "Your report is saved. It is not sent yet: continue it below when you are ready.",
		"Report started {{.Day}}", "report-untitled", ", ", "Your report", "A coordinator will read it by {{.When}}.",
		unanswered + "{{.Question}}", scheme.ErrorMessage(errUnreadable),
		"Your account cannot make reports yet.", "Write your message first.",
		"Choose at least one thing that happened, so that an alert can say what to watch for.",
		"Give the date it happened, even roughly.", "Give the date as day, month and year.",
		"That date is in the future. Check the day, month and year.", "That date is more than 20 years ago. Check the year.",
		"Choose the region where it happened, so that the right members are warned.", "Choose a region from the list.",
		"Choose one of the places, or leave it blank.", "Choose one of the ways, or leave it blank.",
		"Choose one of the answers, or leave it blank.", "Choose phone, email, vehicle, name or username.",
		"Give the registration, even part of it (type x for what you do not know), or describe the vehicle's make and colour with the offender instead.",
	}
	for _, p := range []identifier.Problem{identifier.ErrPhone, identifier.ErrPhoneLetters, identifier.ErrEmail, identifier.ErrEmailName, identifier.ErrPlate} {
		ids = append(ids, string(p))
	}
	ids = append(ids, stepNames[1:]...)
	ids = append(ids, stepHeadings[1:]...)
	for _, w := range statusWords {
		ids = append(ids, w.Name, w.Text)
	}
	for _, k := range identKinds {
		ids = append(ids, k.Label)
	}
	for _, df := range descFields {
		ids = append(ids, df.Label)
		if df.Hint != "" {
			ids = append(ids, df.Hint)
		}
	}
	for _, q := range report.ConsentQuestions {
		ids = append(ids, q.Question, q.Yes, q.No)
	}
	for _, l := range [][]struct{ Slug, Name string }{scheme.PlaceKinds, scheme.ContactMethods} {
		for _, x := range l {
			ids = append(ids, x.Name)
		}
	}
	for _, x := range scheme.DefaultGenders {
		ids = append(ids, x.Name)
	}
	return ids
}

func TestReportWords_EveryLanguageHasEachMadeInGo(t *testing.T) {
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages {
		for _, id := range reportGoWords() {
			if !words.Has(l, id) {
				t.Errorf("%s has no %q", l.Code, id)
			}
		}
	}
}

// The unanswered-consent problem is its two halves' translations put
// together; the hours read in the language's own way.
func TestReportWords_ProblemsAndHoursInTheReadersLanguage(t *testing.T) {
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ro, _ := i18n.Find("ro")
	loc := words.Localizer(ro)
	q := report.ConsentQuestions[0]
	if got := problemWords(loc, report.UnansweredConsents(report.Input{})["consents."+q.Key]); got != "Răspunde da sau nu: Putem avertiza alți membri?" {
		t.Errorf("unanswered consent in Romanian: %q", got)
	}
	if got := capitalised(hourWords(loc, 22)); got != "În jur de ora 22" {
		t.Errorf("10pm in Romanian: %q", got)
	}
	bg, _ := i18n.Find("bg")
	if got := capitalised(hourWords(words.Localizer(bg), 0)); !strings.HasPrefix(got, "Около") {
		t.Errorf("midnight in Bulgarian, capitalised: %q", got)
	}
	en := words.Localizer(i18n.English)
	if got := capitalised(hourWords(en, 22)); got != "Around 10pm" {
		t.Errorf("10pm in English: %q", got)
	}
	if got := problemWords(en, "Use at most 7 characters."); got != "Use at most 7 characters." {
		t.Errorf("a problem no catalogue has stays English: %q", got)
	}
}
