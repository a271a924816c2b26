package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// persona is an invented repeat offender, reported several times with his
// identifiers written in different ways, so the demo shows linking.
type persona struct {
	desc   scheme.OffenderDescription
	idents [][]report.IdentifierInput // one variant per report
}

var personas = []persona{
	{scheme.OffenderDescription{Gender: "man", Age: "40s", Height: "tall", Build: "heavy", Hair: "shaved head", Features: "tattoo of a swallow on his left hand", Accent: "local"},
		[][]report.IdentifierInput{
			{{Kind: "phone", Value: "07700 900666"}},
			{{Kind: "phone", Value: "+44 7700 900666"}, {Kind: "name", Value: "Dave"}},
			{{Kind: "phone", Value: "447700900666"}, {Kind: "vehicle", Value: "WX21 ABC", Make: "Ford", Colour: "silver"}},
			{{Kind: "vehicle", Value: "wx21abc", Make: "Ford Focus", Colour: "grey"}},
		}},
	{scheme.OffenderDescription{Gender: "man", Age: "late 20s", Build: "slim", Hair: "dark, short", Features: "glasses", Accent: "southern"},
		[][]report.IdentifierInput{
			{{Kind: "email", Value: "lonely.traveller@example.com"}, {Kind: "username", Value: "@LonelyTraveller"}},
			{{Kind: "username", Value: "lonelytraveller"}},
			{{Kind: "email", Value: "Lonely.Traveller@Example.com "}},
		}},
	{scheme.OffenderDescription{Gender: "man", Age: "50s", Height: "short", Build: "medium", Hair: "grey beard", Vehicle: "white van"},
		[][]report.IdentifierInput{
			{{Kind: "vehicle", Value: "LN19 XYZ", Make: "Transit", Colour: "white"}},
			{{Kind: "vehicle", Value: "LN19-XYZ"}, {Kind: "phone", Value: "07700 90"}},
		}},
}

var accounts = map[string]string{
	"rape-sexual-assault":     "He became violent once we were alone and forced himself on me. I got away when he fell asleep.",
	"kidnap-confinement":      "He locked the door and would not let me leave for several hours, taking my phone.",
	"physical-assault":        "He hit me in the face when I asked for the money up front.",
	"robbery":                 "He took my bag with my phone and the night's money and drove off.",
	"condom-refusal-removal":  "He removed the condom without telling me and laughed about it afterwards.",
	"threats":                 "He said he knew where I lived and would come back if I told anyone.",
	"harassment-stalking":     "He keeps messaging from new numbers and turned up outside twice.",
	"blackmail-doxxing":       "He threatened to send photos to my family unless I saw him for free.",
	"filming-without-consent": "I noticed his phone recording on the side table.",
	"police-impersonation":    "He showed a badge, said he was police and demanded a free service.",
	"verbal-hate-abuse":       "He shouted abuse about my race and gender in the street.",
	"non-payment-fraud":       "He paid with notes that turned out to be fake.",
	"time-wasting":            "He booked three times and never turned up, each time at the last minute.",
	"other":                   "Something about him felt very wrong; he asked a lot of questions about where I live.",
}

// seedReports files about fifty varied reports from the demo members, over
// the last three months, and moves some through review.
func seedReports(ctx context.Context, db *store.DB, svc *report.Service, reporters []scheme.User, coordinator string) (int, error) {
	rng := rand.New(rand.NewPCG(2026, 11)) // #nosec G404 -- made-up demo data, the same on every run: nothing secret
	types, err := db.Content.IncidentTypes(ctx)
	if err != nil {
		return 0, err
	}
	regions, err := db.Content.Regions(ctx)
	if err != nil {
		return 0, err
	}
	real := svc.Now
	defer func() { svc.Now = real; db.SetClock(real) }()
	start := real().Add(-90 * 24 * time.Hour)
	n := 0
	next := map[int]int{}
	for i := range 50 {
		submitted := start.Add(time.Duration(i) * 42 * time.Hour).Add(time.Duration(rng.IntN(600)) * time.Minute)
		delay := time.Duration(2+rng.IntN(30)) * time.Hour
		if i%6 == 0 {
			delay = time.Duration(80+rng.IntN(200)) * time.Hour // late
		}
		incident := submitted.Add(-delay)
		svc.Now = func() time.Time { return submitted }
		db.SetClock(svc.Now)
		t1 := types[i%len(types)]
		in := report.Input{
			IncidentTypes: []string{t1.Slug},
			Account:       accounts[t1.Slug],
			IncidentAt:    incident.In(svc.Hours.Location).Format("2006-01-02T15:04"),
			Region:        regions[(i*7)%len(regions)].Slug,
			Town:          []string{"Leeds", "Camden", "Cardiff", "Glasgow", "Bristol", "Norwich", "Belfast", "Dublin", "Newcastle"}[i%9],
			PlaceKind:     scheme.PlaceKinds[i%len(scheme.PlaceKinds)].Slug,
			ContactMethod: scheme.ContactMethods[i%len(scheme.ContactMethods)].Slug,
			VictimGender:  []string{"woman", "man", "non-binary", "", "woman"}[i%5],
			VictimSector:  []string{"street", "indoor-independent", "escort", "parlour-sauna", "online-webcam"}[i%5],
			Consents:      scheme.Consents{Alert: i%5 != 4, Police: i%3 == 0, Support: i%2 == 0, PoliceContact: i%7 == 0},
			ThirdParty:    i%4 == 3,
		}
		if i%5 == 2 {
			in.IncidentTypes = append(in.IncidentTypes, types[(i+3)%len(types)].Slug)
		}
		if i%8 == 1 {
			in.PoliceReported, in.PoliceReference = true, fmt.Sprintf("CAD %04d/%02d", 1000+i, 11)
		}
		// Every fifth report is by one of the repeat offenders.
		if i%5 < 2 {
			idx := (i / 5) % len(personas)
			per := personas[idx]
			v := next[idx] % len(per.idents)
			next[idx]++
			in.Offenders = []report.OffenderInput{{Description: per.desc, Identifiers: per.idents[v]}}
		} else {
			in.Offenders = []report.OffenderInput{{
				Description: scheme.OffenderDescription{Gender: "man", Age: fmt.Sprintf("%d0s", 2+rng.IntN(5)), Build: []string{"slim", "medium", "heavy"}[rng.IntN(3)]},
				Identifiers: []report.IdentifierInput{{Kind: "phone", Value: fmt.Sprintf("07700 900%03d", 200+i)}},
			}}
		}
		who := reporters[i%len(reporters)]
		r, err := svc.Submit(ctx, who, in)
		if err != nil {
			return n, fmt.Errorf("demo report %d: %w", i, err)
		}
		n++
		switch {
		case i < 30 && i%3 == 0:
			err = db.Reports.SetReportStatus(ctx, coordinator, r.ID, scheme.ReportInReview, "")
		case i < 30 && i%3 == 1:
			err = db.Reports.SetReportStatus(ctx, coordinator, r.ID, scheme.ReportIntelligence, "")
		case i == 10:
			err = db.Reports.SetReportStatus(ctx, coordinator, r.ID, scheme.ReportRejected, "Duplicate of an earlier report by the same member.")
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
