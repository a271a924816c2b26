package demo

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/check"

	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// seedPolice adds the intelligence side, in working hours of the last
// day: an export for the police of the white-van man's reports, an enquiry
// about one of the demo member's reports forwarded to her (waiting for her
// answer), a disclosure waiting for the admin's approval and a partner key.
func seedPolice(ctx context.Context, db *store.DB, svc *police.Service, signInURL string, c clock, users map[string]scheme.User, f filed) error {
	coord, member := users["demo-coordinator"], users["demo-member"]
	if len(f[forPending]) < 2 || len(f[forEnquiry]) != 1 {
		return fmt.Errorf("demo police: %d reports for the export, %d for the enquiry", len(f[forPending]), len(f[forEnquiry]))
	}
	var export []string
	for _, r := range f[forPending] {
		export = append(export, r.ID)
	}
	mine := f[forEnquiry][0].ID
	err := at(db, c.workAgo(6*time.Hour), func() error {
		_, err := svc.CreateExport(ctx, coord, police.ExportInput{ReportIDs: export, Purpose: "Linking two reports of a man in a white van in London, for the analyst",
			Recipient: "Example intelligence hub, analyst on duty", Format: "csv"})
		return err
	})
	if err != nil {
		return fmt.Errorf("demo export: %w", err)
	}
	err = at(db, c.workAgo(5*time.Hour), func() error {
		e, err := svc.CreateEnquiry(ctx, coord, police.EnquiryInput{Force: "Example Constabulary", Unit: "Serious crime unit", Reference: "OP-DEMO-1",
			ReportID: mine, Request: "An officer would like to talk to the reporter about the man in this report, at a time and place she chooses."})
		if err == nil {
			_, err = svc.ForwardEnquiry(ctx, coord, e.ID, mine, "reporter", signInURL)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("demo enquiry: %w", err)
	}
	err = at(db, c.workAgo(3*time.Hour), func() error {
		_, err := svc.RecordDisclosure(ctx, coord, police.DisclosureInput{LegalBasis: "risk_to_life", Username: "demo-member",
			What: "Her mobile number, so that the police could warn her.", Recipient: "Example Constabulary, duty inspector",
			Justification: "A credible threat against her, reported by another member.", Notify: "yes"})
		return err
	})
	if err != nil {
		return fmt.Errorf("demo disclosure: %w", err)
	}
	if _, _, err := db.Sessions.CreateAPIKey(ctx, coord.ID, "Example Adverts Ltd", 60, 5000); err != nil {
		return fmt.Errorf("demo key: %w", err)
	}
	// A fortnight of the demo member's checks, so that checks per day show
	// on the statistics page; the address of the man who books escorts
	// through adverts is in an alert.
	checks := check.New(db, time.UTC, check.Limits{})
	for day := 13; day >= 0; day-- {
		when := c.now.Add(-time.Duration(day)*24*time.Hour - 2*time.Hour)
		db.SetClock(func() time.Time { return when })
		checks.Now = func() time.Time { return when }
		for k := range 1 + day%4 {
			value := fmt.Sprintf("07700 900%03d", 300+day*4+k)
			if k == 0 && day%3 == 0 {
				value = "lonely.traveller@example.org" // in the nationwide alert
			}
			if _, err := checks.Member(ctx, member, check.ChannelWeb, "", value); err != nil {
				db.SetClock(time.Now)
				return fmt.Errorf("demo check: %w", err)
			}
		}
	}
	db.SetClock(time.Now)
	return nil
}
