// Package demo fills a new database with realistic, entirely fictional data
// for trying the service out. Every name is invented, every phone number is in
// Ofcom's drama range (07700 900xxx) and every address is at example.org.
//
// The data tells one coherent story, placed relative to the moment the demo
// starts: members in every region, reports from them in towns of their
// regions over the last three months (most dealt with, a few in review, a
// few new and one or two overdue), three repeat offenders, alerts sent to the
// regions their reports come from, one alert waiting for a second
// coordinator's approval and a draft the anonymisation check flags; two
// training events to come, and the outreach project overdue for training.
package demo

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/police"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/town"
)

// Login is a demo sign-in to print.
type Login struct {
	Username, Password string
	Role               scheme.Role
	Note               string
	// TOTPSecret is a staff login's second-factor key (base32), fixed in
	// this package.
	TOTPSecret string
}

// Password is every demo member's password (staff have their own).
const Password = "demo member password"

// member is an approved demo member; a login to print if it has a note.
type member struct {
	in   account.ApplicationInput
	note string
}

// members are the approved members, at least one in every region, so that
// every alert reaches someone.
var members = []member{
	{account.ApplicationInput{Type: "individual", Username: "demo-member", WorkName: "Scarlett", Email: "scarlett@example.org", Mobile: "07700 900101",
		AlertChannels: []string{"email", "sms"}, Regions: []string{"london", "south-east"}, Gender: "woman", Sector: "escort", Area: "Camden"},
		"Scarlett, an escort in London and the South East"},
	{account.ApplicationInput{Type: "project", Username: "demo-project", Mobile: "07700 900102", AlertChannels: []string{"email"}, Regions: []string{"yorkshire-humber"},
		Organisation: &account.OrgInput{Name: "Northern Lights Outreach", Website: "https://northern-lights.example.org", Email: "team@northern-lights.example.org",
			KeyContact: "Morgan Hale", Description: "Night outreach van and drop-in for street-based sex workers in Leeds and Bradford."}},
		"Northern Lights Outreach, Leeds and Bradford"},
	{individual("demo-kit", "Kit", 110, "london", "man", "street"), ""},
	{individual("demo-amber", "Amber", 111, "north-east", "woman", "parlour-sauna"), ""},
	{individual("demo-bea", "Bea", 112, "north-west", "woman", "indoor-independent"), ""},
	{individual("demo-cass", "Cass", 113, "east-midlands", "non-binary", "escort"), ""},
	{individual("demo-dee", "Dee", 114, "west-midlands", "woman", "indoor-independent"), ""},
	{individual("demo-eve", "Eve", 115, "east-of-england", "woman", "online-webcam"), ""},
	{individual("demo-fern", "Fern", 116, "south-west", "woman", "escort"), ""},
	{individual("demo-gigi", "Gigi", 117, "wales", "woman", "street"), ""},
	{individual("demo-holly", "Holly", 118, "scotland", "woman", "parlour-sauna"), ""},
	{individual("demo-ivy", "Ivy", 119, "northern-ireland", "woman", "indoor-independent"), ""},
	{individual("demo-jade", "Jade", 120, "ireland", "woman", "escort"), ""},
}

// individual is an approved individual member working in one region, with
// email and SMS alerts. Her mobile is a UK drama number, written with its
// country code: in Ireland, a number without one is read as Irish.
func individual(username, workName string, n int, region, gender, sector string) account.ApplicationInput {
	return account.ApplicationInput{Type: "individual", Username: username, WorkName: workName,
		Email: fmt.Sprintf("%s@example.org", username[len("demo-"):]), Mobile: fmt.Sprintf("+44 7700 900%03d", n),
		AlertChannels: []string{"email", "sms"}, Regions: []string{region}, Gender: gender, Sector: sector}
}

// pending are the applications waiting in the vetting queue, and how long
// each has waited, in working time.
var pending = []struct {
	in     account.ApplicationInput
	waited time.Duration
}{
	// Same email as demo-member: possible multiple membership.
	{account.ApplicationInput{Type: "individual", Username: "new-applicant", WorkName: "Velvet", Email: "scarlett@example.org",
		AlertChannels: []string{"email"}, Regions: []string{"london"}, Sector: "indoor-independent"}, 26 * time.Hour},
	// Email not on the website's domain.
	{account.ApplicationInput{Type: "project", Username: "harbour-project", AlertChannels: []string{"email"}, Regions: []string{"south-west"},
		Organisation: &account.OrgInput{Name: "Harbour Health Project", Website: "https://harbour-health.example.org", Email: "harbourhealth@example.org",
			KeyContact: "Priya Nair", Description: "Sexual health clinic sessions and advocacy for sex workers in Bristol and Plymouth."}}, 13 * time.Hour},
	// Mobile matches an offender's number: possible offender.
	{account.ApplicationInput{Type: "establishment", Username: "rosewood-agency", Mobile: "07700 900666", AlertChannels: []string{"sms"}, Regions: []string{"west-midlands"},
		Organisation: &account.OrgInput{Name: "Rosewood Companions", Website: "https://rosewood.example.org", Email: "bookings@rosewood.example.org",
			KeyContact: "Alex Stone", Description: "Independent escort directory that wants to pass safety alerts to the workers who advertise with us."}}, 5 * time.Hour},
	// A plain application with nothing to flag.
	{account.ApplicationInput{Type: "individual", Username: "quiet-applicant", WorkName: "Juniper", Mobile: "07700 900104",
		AlertChannels: []string{"sms"}, Regions: []string{"scotland"}, Gender: "non-binary", Sector: "online-webcam"}, 30 * time.Minute},
}

// Seed adds the demo data and returns the logins to print: staff first.
func Seed(ctx context.Context, db *store.DB, acc *account.Service, reports *report.Service) ([]Login, error) {
	c := clock{now: time.Now(), hours: reports.Hours.Fixed}
	defer db.SetClock(time.Now)
	// The scheme's staff were there before its first member.
	db.SetClock(func() time.Time { return c.daysAgo(130, 10, 0) })
	if err := addStaff(ctx, db); err != nil {
		return nil, err
	}
	logins := Staff()
	users, err := lookUp(ctx, db, staffLogins)
	if err != nil {
		return nil, err
	}
	towns := town.New(db)
	if err := seedTowns(ctx, db, towns, users["demo-admin"]); err != nil {
		return nil, err
	}
	terms, err := db.Content.CurrentTerms(ctx)
	if err != nil {
		return nil, err
	}
	// Members joined three to four months ago, before the first report,
	// and were approved within a few working hours.
	for i, m := range members {
		applied := c.daysAgo(120-i, 7+i%12, 15)
		a, err := apply(ctx, db, acc, m.in, terms.Version, applied)
		if err != nil {
			return nil, err
		}
		db.SetClock(func() time.Time { return c.after(applied, 3*time.Hour) })
		if _, err := acc.Decide(ctx, users["demo-coordinator"].ID, a.ID, scheme.Approve, ""); err != nil {
			return nil, err
		}
		if m.note != "" {
			l := Login{Username: m.in.Username, Password: Password, Role: scheme.RoleMember, Note: m.note}
			if m.in.Organisation != nil {
				l.Role = scheme.RoleOrgContact
			}
			logins = append(logins, l)
		}
	}
	// Scarlett narrowed her London alerts to Camden, where she works; the
	// South East stays whole.
	scarlett, err := db.Accounts.UserByUsername(ctx, "demo-member")
	if err != nil {
		return nil, err
	}
	db.SetClock(func() time.Time { return c.daysAgo(95, 21, 30) })
	if err := towns.SetMine(ctx, scarlett, []string{"camden"}); err != nil {
		return nil, fmt.Errorf("demo towns: %w", err)
	}
	contact, err := db.Accounts.UserByUsername(ctx, "demo-project")
	if err != nil {
		return nil, err
	}
	org, err := db.Accounts.Organisation(ctx, contact.ID)
	if err != nil {
		return nil, err
	}
	contact.OrganisationID, contact.Role = org.ID, scheme.RoleOrgContact
	db.SetClock(func() time.Time { return c.daysAgo(100, 14, 0) })
	if _, err := acc.AddStaff(ctx, contact, "demo-staff", Password, "Jo, outreach"); err != nil {
		return nil, err
	}
	logins = append(logins, Login{Username: "demo-staff", Password: Password, Role: scheme.RoleOrgStaff, Note: "Jo at Northern Lights Outreach"})

	filed, err := seedReports(ctx, db, reports, c, users)
	if err != nil {
		return nil, err
	}
	// The pending applications come after the reports, so that the one
	// giving a reported offender's number is flagged.
	for _, p := range pending {
		if _, err := apply(ctx, db, acc, p.in, terms.Version, c.workAgo(p.waited)); err != nil {
			return nil, err
		}
	}
	if err := seedAlerts(ctx, db, alert.New(db, reports.Hours.Location()), c, users, filed); err != nil {
		return nil, err
	}
	if err := seedPolice(ctx, db, police.New(db, reports.Hours.Fixed), acc.URL, c, users, filed); err != nil {
		return nil, err
	}
	if err := seedTraining(ctx, db, c, users, contact); err != nil {
		return nil, err
	}
	db.SetClock(func() time.Time { return c.daysAgo(20, 11, 0) })
	if err := seedServices(ctx, db, users["demo-coordinator"], acc.URL, filed); err != nil {
		return nil, err
	}
	return logins, nil
}

// seedTowns adds the demo's towns (Towns) to each region, as an admin
// does on the Towns page, in the regions' order.
func seedTowns(ctx context.Context, db *store.DB, svc *town.Service, admin scheme.User) error {
	for _, r := range scheme.DefaultRegions {
		for _, name := range Towns[r.Slug] {
			if _, err := svc.Add(ctx, admin, r.Slug, name); err != nil {
				return fmt.Errorf("demo town %s: %w", name, err)
			}
		}
	}
	return nil
}

// apply files an application as it would have been filed at a moment.
func apply(ctx context.Context, db *store.DB, acc *account.Service, in account.ApplicationInput, terms int, at time.Time) (scheme.Application, error) {
	in.Password, in.TermsVersion = Password, terms
	db.SetClock(func() time.Time { return at })
	a, err := acc.Apply(ctx, in)
	if err != nil {
		return a, fmt.Errorf("demo application %s: %w", in.Username, err)
	}
	return a, nil
}

// lookUp returns the users of some logins, by username.
func lookUp(ctx context.Context, db *store.DB, logins []Login) (map[string]scheme.User, error) {
	users := map[string]scheme.User{}
	for _, l := range logins {
		got, err := db.Sessions.LoginByUsername(ctx, l.Username)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Username, err)
		}
		users[l.Username] = got.User
	}
	return users, nil
}
