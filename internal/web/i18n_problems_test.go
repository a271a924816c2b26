package web_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/i18n"
	"uglymugs/internal/password"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// The problems the domain finds in what a member or applicant typed
// (each field's limits among them, whose numbers are in their words) are
// in every language's catalogue: the pages and the API show them through
// it, and one missing reaches her in English.
func TestDomainProblems_InEveryCatalogue(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	long := strings.Repeat("x", 20001)
	problems := map[string]bool{}
	add := func(p map[string]string) {
		for _, m := range p {
			problems[m] = true
		}
	}

	// A report over every limit.
	idents := make([]report.IdentifierInput, 21)
	for i := range idents {
		idents[i] = report.IdentifierInput{Kind: "name", Value: "Ann"}
	}
	idents[0].Value = long
	offenders := make([]report.OffenderInput, 11)
	offenders[0].Identifiers = idents
	_, p, err := report.New(db, scheme.DefaultWorkingHours(time.UTC)).Validate(ctx, report.Input{IncidentTypes: []string{"robbery"},
		Account: long, Town: long, PoliceReference: long, Offenders: offenders})
	if err != nil {
		t.Fatal(err)
	}
	add(p)
	for _, want := range []string{"account", "town", "police_reference", "offenders", "offenders.0.identifiers", "offenders.0.identifiers.0.value"} {
		if p[want] == "" {
			t.Errorf("no problem with %s: %v", want, p)
		}
	}

	// An application over every limit.
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	_, err = acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "a.long", WorkName: long, RealName: long, Area: long,
		Email: "long@example.org", Regions: []string{"london"}, TermsVersion: 1, Password: "a long test passphrase"})
	var e *scheme.Error
	if !errors.As(err, &e) || len(e.Fields) < 3 {
		t.Fatalf("an application over every limit: %v", err)
	}
	add(e.Fields)

	// Signing in too often: asked to wait a minute, or a few.
	for i, every := range []time.Duration{time.Minute, 10 * time.Minute} {
		acc.SignInLimit = account.Allowance{Burst: 1, Every: every}
		in := account.SignInInput{Username: fmt.Sprintf("nobody.%d", i), Password: "not the password"}
		var e *scheme.Error
		for range 2 {
			_, err = acc.SignIn(ctx, in, scheme.SessionWeb)
		}
		if !errors.As(err, &e) || e.Code != scheme.CodeTooMany {
			t.Fatalf("signing in too often: %v", err)
		}
		problems[e.Message] = true
	}

	// A key contact's booking of training, each way it can be refused.
	future := scheme.TrainingEvent{Status: scheme.TrainingPublished, StartsAt: time.Now().Add(time.Hour), Places: 1}
	for _, c := range []struct {
		e      scheme.TrainingEvent
		people []string
	}{
		{scheme.TrainingEvent{Status: scheme.TrainingCancelled}, []string{"a"}},
		{future, nil},
		{future, make([]string, scheme.MaxTrainingBooking+1)},
		{future, []string{"stranger"}},
		{future, []string{"a", "b"}},
	} {
		err := scheme.CanBookTraining(c.e, time.Now(), c.people, map[string]bool{"a": true, "b": true})
		var e *scheme.Error
		if !errors.As(err, &e) {
			t.Fatalf("booking %v: %v", c.people, err)
		}
		if len(e.Fields) == 0 {
			problems[e.Message] = true
		}
		add(e.Fields)
	}

	// A password too short and too long.
	problems[password.Check("short")] = true
	problems[password.Check(strings.Repeat("x", password.MaxLength+1))] = true

	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range i18n.Languages {
		for m := range problems {
			if !words.Has(l, m) {
				t.Errorf("%s has no %q", l.Code, m)
			}
		}
	}
}
