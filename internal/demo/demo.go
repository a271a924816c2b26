// Package demo fills a new database with realistic, entirely fictional data
// for trying the service out. Every name is invented, every phone number is in
// Ofcom's drama range (07700 900xxx) and every address is at example.org or
// example.com.
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
)

// Login is a demo sign-in to print.
type Login struct {
	Username, Password string
	Role               scheme.Role
	TOTPURI            string
	Note               string
}

// Password is every demo member's password (staff have their own).
const Password = "demo member password"

// Seed adds the demo data and returns the logins.
func Seed(ctx context.Context, db *store.DB, acc *account.Service, reports *report.Service) ([]Login, error) {
	logins := []Login{
		{Username: "demo-admin", Password: "demo admin password", Role: scheme.RoleAdmin, Note: "second factor required"},
		{Username: "demo-coordinator", Password: "demo coordinator password", Role: scheme.RoleCoordinator, Note: "second factor required"},
	}
	for i, l := range logins {
		uri, err := account.CreateStaff(ctx, db, "demo", l.Username, l.Password, l.Role)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Username, err)
		}
		logins[i].TOTPURI = uri
	}
	coord, err := db.Accounts.UserByUsername(ctx, "demo-coordinator")
	if err != nil {
		return nil, err
	}

	approved := []account.ApplicationInput{
		{Type: "individual", Username: "demo-member", WorkName: "Scarlett", Email: "scarlett@example.org", Mobile: "07700 900101",
			AlertChannels: []string{"email", "sms"}, Regions: []string{"london", "south-east"}, Gender: "woman", Sector: "escort", Area: "Camden"},
		{Type: "project", Username: "demo-project", Email: "", Mobile: "07700 900102", AlertChannels: []string{"email"}, Regions: []string{"yorkshire-humber"},
			Organisation: &account.OrgInput{Name: "Northern Lights Outreach", Website: "https://northern-lights.example.org", Email: "team@northern-lights.example.org",
				KeyContact: "Morgan Hale", Description: "Night outreach van and drop-in for street-based sex workers in Leeds and Bradford."}},
	}
	pending := []account.ApplicationInput{
		// Same email as demo-member: possible multiple membership.
		{Type: "individual", Username: "new-applicant", WorkName: "Velvet", Email: "scarlett@example.org",
			AlertChannels: []string{"email"}, Regions: []string{"london"}, Sector: "indoor-independent"},
		// Email not on the website's domain.
		{Type: "project", Username: "harbour-project", AlertChannels: []string{"email"}, Regions: []string{"south-west"},
			Organisation: &account.OrgInput{Name: "Harbour Health Project", Website: "https://harbour-health.example.org", Email: "harbourhealth@example.com",
				KeyContact: "Priya Nair", Description: "Sexual health clinic sessions and advocacy for sex workers in Bristol and Plymouth."}},
		// Mobile matches an offender's number: possible offender.
		{Type: "establishment", Username: "rosewood-agency", Mobile: "07700 900666", AlertChannels: []string{"sms"}, Regions: []string{"west-midlands"},
			Organisation: &account.OrgInput{Name: "Rosewood Companions", Website: "https://rosewood.example.com", Email: "bookings@rosewood.example.com",
				KeyContact: "Alex Stone", Description: "Independent escort directory that wants to pass safety alerts to the workers who advertise with us."}},
		// A plain application with nothing to flag.
		{Type: "individual", Username: "quiet-applicant", WorkName: "Juniper", Mobile: "07700 900104",
			AlertChannels: []string{"sms"}, Regions: []string{"scotland"}, Gender: "non-binary", Sector: "online-webcam"},
	}
	terms, err := db.Content.CurrentTerms(ctx)
	if err != nil {
		return nil, err
	}
	for i, in := range append(approved, pending...) {
		if i == len(approved) {
			// Reports before the pending applications, so that the one
			// giving a reported offender's number is flagged.
			if err := seedDemoReports(ctx, db, reports, coord.ID); err != nil {
				return nil, err
			}
		}
		in.Password, in.TermsVersion = Password, terms.Version
		// Spread the applications over the last week, so the queue's
		// waits differ.
		at := time.Now().Add(-time.Duration(150-30*i) * time.Hour)
		db.SetClock(func() time.Time { return at })
		a, err := acc.Apply(ctx, in)
		db.SetClock(time.Now)
		if err != nil {
			return nil, fmt.Errorf("demo application %s: %w", in.Username, err)
		}
		if i < len(approved) {
			if _, err := acc.Decide(ctx, coord.ID, a.ID, scheme.Approve, ""); err != nil {
				return nil, err
			}
			role := scheme.RoleMember
			if in.Organisation != nil {
				role = scheme.RoleOrgContact
			}
			logins = append(logins, Login{Username: in.Username, Password: Password, Role: role})
		}
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
	if _, err := acc.AddStaff(ctx, contact, "demo-staff", Password, "Jo, outreach"); err != nil {
		return nil, err
	}
	logins = append(logins, Login{Username: "demo-staff", Password: Password, Role: scheme.RoleOrgStaff})
	if err := seedAlerts(ctx, db, alert.New(db, reports.Hours.Location)); err != nil {
		return nil, err
	}
	if err := seedPolice(ctx, db, police.New(db, reports.Hours), acc.URL); err != nil {
		return nil, err
	}
	return logins, nil
}

// seedDemoReports files the demo reports as the approved demo members.
func seedDemoReports(ctx context.Context, db *store.DB, reports *report.Service, coordinator string) error {
	var reporters []scheme.User
	for _, name := range []string{"demo-member", "demo-project"} {
		l, err := db.Sessions.LoginByUsername(ctx, name)
		if err != nil {
			return err
		}
		reporters = append(reporters, l.User)
	}
	_, err := seedReports(ctx, db, reports, reporters, coordinator)
	return err
}
