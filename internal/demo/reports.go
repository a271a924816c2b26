package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// What a demo report is for, beyond the queue.
const (
	forNationwide = "nationwide" // the published nationwide alert
	forRegional   = "regional"   // the published alert to one region
	forPending    = "pending"    // the alert waiting for approval
	forFlagged    = "flagged"    // the draft the anonymisation check flags
	forEnquiry    = "enquiry"    // the police enquiry forwarded to its reporter
)

// plan is one demo report: who files it, where, when, and what a
// coordinator has done with it so far.
type plan struct {
	reporter     string
	region, town string
	submitted    time.Time
	delay        time.Duration // from the incident to the report
	ack          time.Time     // when a coordinator took it up; zero: not yet
	status       scheme.ReportStatus
	closed       time.Time // when it became intelligence or was rejected
	reason       string    // for a rejection
	types        []string
	offender     report.OffenderInput
	place        string
	contact      string
	sector       string
	consents     scheme.Consents
	thirdParty   bool
	purpose      string // for* above, or ""
}

// Repeat offenders: each reported several times in one area (or online),
// his identifiers written differently each time, so the demo shows linking.
var (
	swallow = scheme.OffenderDescription{Gender: "man", Age: "40s", Height: "tall", Build: "heavy", Hair: "shaved head",
		Features: "tattoo of a swallow on his left hand", Accent: "local"}
	traveller = scheme.OffenderDescription{Gender: "man", Age: "late 20s", Build: "slim", Hair: "dark, short", Features: "glasses", Accent: "southern"}
	vanMan    = scheme.OffenderDescription{Gender: "man", Age: "50s", Height: "short", Build: "medium", Hair: "grey beard", Vehicle: "white van"}
)

func ids(kv ...string) []report.IdentifierInput {
	var out []report.IdentifierInput
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, report.IdentifierInput{Kind: kv[i], Value: kv[i+1]})
	}
	return out
}

func vehicle(plate, make, colour string) report.IdentifierInput {
	return report.IdentifierInput{Kind: "vehicle", Value: plate, Make: make, Colour: colour}
}

// accounts are the reporters' own words, one per incident type.
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

// reporterIn names who reports from a region: its members in turn (the
// project reports for the people it works with).
var reporterIn = map[string][]string{
	"london": {"demo-member", "demo-kit"}, "south-east": {"demo-member"}, "yorkshire-humber": {"demo-project"},
	"north-east": {"demo-amber"}, "north-west": {"demo-bea"}, "east-midlands": {"demo-cass"}, "west-midlands": {"demo-dee"},
	"east-of-england": {"demo-eve"}, "south-west": {"demo-fern"}, "wales": {"demo-gigi"}, "scotland": {"demo-holly"},
	"northern-ireland": {"demo-ivy"}, "ireland": {"demo-jade"},
}

// fillerRegions is where the other reports happen, in turn: London and
// Yorkshire, where the demo's members are most, more often.
var fillerRegions = []string{"london", "yorkshire-humber", "north-west", "south-east", "scotland", "london", "west-midlands",
	"wales", "yorkshire-humber", "east-midlands", "south-west", "london", "north-east", "ireland", "east-of-england",
	"northern-ireland", "yorkshire-humber", "south-east"}

// plans lays out the demo's fifty reports, placed relative to c.now.
func plans(c clock, types []scheme.IncidentType) []plan {
	withAlert := scheme.Consents{Alert: true, Police: true, Support: true}
	reviewed := func(p plan, after time.Duration) plan {
		p.ack, p.status = c.after(p.submitted, after), scheme.ReportInReview
		return p
	}
	ps := []plan{
		// He attacks and robs indoor workers in Leeds and Bradford: four
		// reports from the outreach project, then an alert to Yorkshire.
		{reporter: "demo-project", region: "yorkshire-humber", town: "Leeds", submitted: c.daysAgo(75, 23, 40), delay: 5 * time.Hour,
			types: []string{"physical-assault"}, offender: report.OffenderInput{Description: swallow, Identifiers: ids("phone", "07700 900666")},
			place: "client-home", contact: "phone", sector: "indoor-independent", consents: withAlert, thirdParty: true, purpose: forRegional},
		{reporter: "demo-project", region: "yorkshire-humber", town: "Bradford", submitted: c.daysAgo(52, 2, 10), delay: 20 * time.Hour,
			types: []string{"robbery"}, offender: report.OffenderInput{Description: swallow, Identifiers: ids("phone", "+44 7700 900666", "name", "Dave")},
			place: "client-home", contact: "phone", sector: "indoor-independent", consents: withAlert, thirdParty: true, purpose: forRegional},
		{reporter: "demo-project", region: "yorkshire-humber", town: "Leeds", submitted: c.daysAgo(33, 11, 5), delay: 9 * time.Hour,
			types: []string{"physical-assault", "robbery"}, offender: report.OffenderInput{Description: swallow,
				Identifiers: append(ids("phone", "447700900666"), vehicle("WX21 ABC", "Ford", "silver"))},
			place: "car", contact: "phone", sector: "street", consents: withAlert, thirdParty: true, purpose: forRegional},
		{reporter: "demo-project", region: "yorkshire-humber", town: "Bradford", submitted: c.daysAgo(16, 8, 30), delay: 30 * time.Hour,
			types: []string{"rape-sexual-assault"}, offender: report.OffenderInput{Description: swallow, Identifiers: []report.IdentifierInput{vehicle("wx21abc", "Ford Focus", "grey")}},
			place: "car", contact: "street", sector: "street", consents: withAlert, thirdParty: true, purpose: forRegional},
		// He finds escorts through their adverts, anywhere: a nationwide
		// alert.
		{reporter: "demo-bea", region: "north-west", town: "Manchester", submitted: c.daysAgo(60, 13, 20), delay: 26 * time.Hour,
			types: []string{"blackmail-doxxing"}, offender: report.OffenderInput{Description: traveller,
				Identifiers: ids("email", "lonely.traveller@example.org", "username", "@LonelyTraveller")},
			place: "hotel", contact: "website-advert", sector: "escort", consents: withAlert, purpose: forNationwide},
		{reporter: "demo-holly", region: "scotland", town: "Glasgow", submitted: c.daysAgo(41, 21, 50), delay: 3 * time.Hour,
			types: []string{"harassment-stalking"}, offender: report.OffenderInput{Description: traveller, Identifiers: ids("username", "lonelytraveller")},
			place: "online", contact: "website-advert", sector: "parlour-sauna", consents: scheme.Consents{Alert: true}, purpose: forNationwide},
		{reporter: "demo-fern", region: "south-west", town: "Bristol", submitted: c.daysAgo(27, 10, 0), delay: 14 * time.Hour,
			types: []string{"blackmail-doxxing", "filming-without-consent"}, offender: report.OffenderInput{Description: traveller,
				Identifiers: ids("email", "Lonely.Traveller@Example.com ")},
			place: "hotel", contact: "website-advert", sector: "escort", consents: withAlert, purpose: forNationwide},
		// He drives a white van round London's beats: a second report
		// came in a few days ago, and an alert to London waits for
		// approval.
		reviewed(plan{reporter: "demo-kit", region: "london", town: "Hackney", submitted: c.daysAgo(38, 1, 15), delay: 4 * time.Hour,
			types: []string{"threats"}, offender: report.OffenderInput{Description: vanMan, Identifiers: []report.IdentifierInput{vehicle("LN19 XYZ", "Transit", "white")}},
			place: "street", contact: "street", sector: "street", consents: withAlert, purpose: forPending}, 2*time.Hour),
		reviewed(plan{reporter: "demo-member", region: "london", town: "Croydon", submitted: c.workAgo(22 * time.Hour), delay: 11 * time.Hour,
			types: []string{"physical-assault"}, offender: report.OffenderInput{Description: vanMan,
				Identifiers: append([]report.IdentifierInput{vehicle("LN19-XYZ", "", "")}, ids("phone", "07700 90")...)},
			place: "car", contact: "street", sector: "street", consents: withAlert, thirdParty: true, purpose: forPending}, time.Hour),
		// Came in a day or two ago; the coordinator's first draft of an
		// alert names too much, and the anonymisation check says so.
		reviewed(plan{reporter: "demo-dee", region: "west-midlands", town: "Birmingham", submitted: c.workAgo(12 * time.Hour), delay: 7 * time.Hour,
			types: []string{"non-payment-fraud", "threats"}, offender: report.OffenderInput{Description: scheme.OffenderDescription{Gender: "man", Age: "30s", Build: "slim"},
				Identifiers: ids("phone", "07700 900777")},
			place: "hotel", contact: "text-app", sector: "indoor-independent", consents: withAlert, purpose: forFlagged}, 90*time.Minute),
	}
	// The repeat offenders' older reports went into review the day they
	// came; their alerts moved them on.
	for i := range ps[:7] {
		ps[i] = reviewed(ps[i], 3*time.Hour)
	}
	return append(ps, fillers(c, types)...)
}

// fillers are the other forty reports: thirty dealt with over the last
// three months, four in review, two overdue and four new.
func fillers(c clock, types []scheme.IncidentType) []plan {
	rng := rand.New(rand.NewPCG(2026, 11)) // #nosec G404 -- made-up demo data, the same on every run: nothing secret
	var ps []plan
	// When each came in, and what became of it.
	type when struct {
		submitted time.Time
		ackAfter  time.Duration // working time to the acknowledgement; 0: none yet
		close     bool
	}
	var times []when
	for k := range 30 {
		times = append(times, when{c.daysAgo(88-k*82/29, rng.IntN(24), rng.IntN(60)), time.Duration(1+rng.IntN(6)) * time.Hour, true})
	}
	times = append(times,
		when{c.daysAgo(19, 20, 30), 2 * time.Hour, false}, // in review for weeks: waiting to hear from the reporter
		when{c.workAgo(33 * time.Hour), 30 * time.Minute, false},
		when{c.workAgo(25 * time.Hour), 3 * time.Hour, false},
		when{c.workAgo(14 * time.Hour), 90 * time.Minute, false},
		when{c.workAgo(17 * time.Hour), 0, false},                // overdue by a working day
		when{c.workAgo(10 * time.Hour), 0, false},                // overdue by two working hours
		when{c.now.Add(-6*time.Hour - 50*time.Minute), 0, false}, // new: under a working day old
		when{c.now.Add(-4*time.Hour - 30*time.Minute), 0, false},
		when{c.now.Add(-2*time.Hour - 10*time.Minute), 0, false},
		when{c.now.Add(-40 * time.Minute), 0, false},
	)
	enquiry := false
	for k, w := range times {
		region := fillerRegions[k%len(fillerRegions)]
		reporters := reporterIn[region]
		p := plan{
			reporter: reporters[k/len(fillerRegions)%len(reporters)], region: region, town: Towns[region][k%len(Towns[region])],
			submitted: w.submitted, delay: time.Duration(2+rng.IntN(30)) * time.Hour,
			types: []string{types[k%len(types)].Slug},
			offender: report.OffenderInput{
				Description: scheme.OffenderDescription{Gender: "man", Age: fmt.Sprintf("%d0s", 2+rng.IntN(5)), Build: []string{"slim", "medium", "heavy"}[rng.IntN(3)]},
				Identifiers: ids("phone", fillerPhone(region, 200+k)),
			},
			place:    scheme.PlaceKinds[k%len(scheme.PlaceKinds)].Slug,
			contact:  scheme.ContactMethods[k%len(scheme.ContactMethods)].Slug,
			sector:   []string{"street", "indoor-independent", "escort", "parlour-sauna", "online-webcam"}[k%5],
			consents: scheme.Consents{Alert: k%5 != 4, Police: k%3 == 0, Support: k%2 == 0, PoliceContact: k%7 == 0},
		}
		p.thirdParty = p.reporter == "demo-project" || k%9 == 4
		if k%6 == 0 {
			p.delay = time.Duration(80+rng.IntN(200)) * time.Hour // late
		}
		if k%5 == 2 {
			p.types = append(p.types, types[(k+3)%len(types)].Slug)
		}
		if w.ackAfter > 0 {
			p.ack, p.status = c.after(w.submitted, w.ackAfter), scheme.ReportInReview
		}
		if w.close {
			p.closed, p.status = c.after(p.ack, time.Duration(4+rng.IntN(20))*time.Hour), scheme.ReportIntelligence
			if k == 10 || k == 23 {
				p.status, p.reason = scheme.ReportRejected, "Duplicate of an earlier report by the same member."
			}
			if !enquiry && p.reporter == "demo-member" && p.status == scheme.ReportIntelligence {
				p.consents.Police, p.consents.PoliceContact, p.purpose, enquiry = true, true, forEnquiry, true
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// filed are the demo's reports by purpose.
type filed map[string][]scheme.Report

// seedReports files the planned reports as their reporters, oldest first,
// and has the coordinators take them up in working hours.
func seedReports(ctx context.Context, db *store.DB, svc *report.Service, c clock, users map[string]scheme.User) (filed, error) {
	types, err := db.Content.IncidentTypes(ctx)
	if err != nil {
		return nil, err
	}
	for name := range reporterIn {
		for _, u := range reporterIn[name] {
			if _, ok := users[u]; !ok {
				got, err := db.Sessions.LoginByUsername(ctx, u)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", u, err)
				}
				users[u] = got.User
			}
		}
	}
	ps := plans(c, types)
	slices.SortStableFunc(ps, func(a, b plan) int { return a.submitted.Compare(b.submitted) })
	real := svc.Now
	defer func() { svc.Now = real; db.SetClock(real) }()
	at := func(t time.Time) {
		svc.Now = func() time.Time { return t }
		db.SetClock(svc.Now)
	}
	coordinators := []scheme.User{users["demo-coordinator"], users["demo-coordinator-2"]}
	out := filed{}
	for i, p := range ps {
		at(p.submitted)
		in := report.Input{
			IncidentTypes: p.types,
			Account:       accounts[p.types[0]],
			IncidentAt:    p.submitted.Add(-p.delay).In(svc.Hours.Location()).Format("2006-01-02T15:04"),
			Region:        p.region,
			Town:          p.town,
			PlaceKind:     p.place,
			ContactMethod: p.contact,
			Offenders:     []report.OffenderInput{p.offender},
			VictimGender:  []string{"woman", "man", "non-binary", "", "woman"}[i%5],
			VictimSector:  p.sector,
			Consents:      p.consents,
			ThirdParty:    p.thirdParty,
		}
		if i%8 == 1 {
			in.PoliceReported, in.PoliceReference = true, fmt.Sprintf("CAD %04d/%02d", 1000+i, 11)
		}
		r, err := svc.Submit(ctx, users[p.reporter], in)
		if err != nil {
			return nil, fmt.Errorf("demo report %d (%s, %s): %w", i, p.town, p.submitted, err)
		}
		who := coordinators[i%2]
		if !p.ack.IsZero() {
			at(p.ack)
			if err := svc.SetStatus(ctx, who, r.ID, scheme.ReportInReview, ""); err != nil {
				return nil, err
			}
		}
		if !p.closed.IsZero() {
			at(p.closed)
			if err := svc.SetStatus(ctx, who, r.ID, p.status, p.reason); err != nil {
				return nil, err
			}
		}
		if p.purpose != "" {
			out[p.purpose] = append(out[p.purpose], r)
		}
	}
	return out, nil
}

// fillerPhone is a UK drama number for a report in region: written as in
// the UK, or, in Ireland, where a number without a country code is read as
// Irish, with its code.
func fillerPhone(region string, n int) string {
	if region == "ireland" {
		return fmt.Sprintf("+44 7700 900%03d", n)
	}
	return fmt.Sprintf("07700 900%03d", n)
}
