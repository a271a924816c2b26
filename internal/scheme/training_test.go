package scheme

import (
	"strings"
	"testing"
	"time"
)

// The default terms say, as clause 2, that organisations attend the
// scheme's training, and ask for reports within 72 hours.
func TestDefaultTerms_StateTheTrainingClauseAndThe72HourRequest(t *testing.T) {
	if !strings.Contains(DefaultTerms, "\n2. **Organisations attend our training.**") {
		t.Error("clause 2 of the default terms is not the training")
	}
	if !strings.Contains(DefaultTerms, "within 72 hours") {
		t.Error("the default terms do not ask for reports within 72 hours")
	}
}

func TestTrainingStatus_DueOverdueAndTrained(t *testing.T) {
	joined := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	s := TrainingStatus{Joined: joined, DueDays: 90}
	if s.Trained() || !s.DueBy().Equal(joined.AddDate(0, 0, 90)) || s.Overdue(joined.AddDate(0, 0, 90)) || !s.Overdue(joined.AddDate(0, 0, 91)) {
		t.Errorf("untrained: due by %v", s.DueBy())
	}
	s.AttendedOn = joined.AddDate(0, 0, 200)
	if !s.Trained() || s.Overdue(joined.AddDate(0, 0, 300)) {
		t.Error("a trained organisation is overdue")
	}
	if (TrainingStatus{DueDays: 90}).Overdue(joined) {
		t.Error("an organisation whose joining is not known is overdue")
	}
}

func TestTrainingEventProblems(t *testing.T) {
	now := time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	towns := Towns{{Slug: "camden", Region: "london", Name: "Camden"}, {Slug: "bow", Region: "london", Name: "Bow", RetiredAt: now}}
	good := TrainingEvent{Title: "Safety", StartsAt: now.Add(time.Hour), Online: true, Places: 10}
	if p := TrainingEventProblems(good, now, towns); len(p) != 0 {
		t.Errorf("a good event: %v", p)
	}
	for field, change := range map[string]func(*TrainingEvent){
		"title":  func(e *TrainingEvent) { e.Title = strings.Repeat("x", MaxTrainingTitle+1) },
		"date":   func(e *TrainingEvent) { e.StartsAt = now },
		"places": func(e *TrainingEvent) { e.Places = MaxTrainingPlaces + 1 },
		"town":   func(e *TrainingEvent) { e.Online, e.Town = false, "bow" },
	} {
		e := good
		change(&e)
		if p := TrainingEventProblems(e, now, towns); p[field] == "" || len(p) != 1 {
			t.Errorf("%s: %v", field, p)
		}
	}
	inPerson := good
	inPerson.Online, inPerson.Town = false, "camden"
	if p := TrainingEventProblems(inPerson, now, towns); len(p) != 0 {
		t.Errorf("in person in Camden: %v", p)
	}
}
