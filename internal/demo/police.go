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

// seedPolice adds the intelligence side: an export for the police, an
// enquiry forwarded to the demo member (waiting for her answer), a
// disclosure waiting for the admin's approval and a partner key.
func seedPolice(ctx context.Context, db *store.DB, svc *police.Service, signInURL string) error {
	login := func(name string) (scheme.User, error) {
		l, err := db.Sessions.LoginByUsername(ctx, name)
		return l.User, err
	}
	coord, err := login("demo-coordinator")
	if err != nil {
		return err
	}
	member, err := login("demo-member")
	if err != nil {
		return err
	}
	reports, err := db.Reports.Reports(ctx, scheme.ReportFilter{})
	if err != nil {
		return err
	}
	var consented []string
	var mine string
	for _, r := range reports {
		if r.Consents.Police && r.Status != scheme.ReportRejected {
			consented = append(consented, r.ID)
		}
		if r.ReporterID == member.ID && mine == "" {
			mine = r.ID
		}
	}
	if len(consented) < 2 || mine == "" {
		return fmt.Errorf("demo police: %d reports with police consent, member's report %q", len(consented), mine)
	}
	if _, err := svc.CreateExport(ctx, coord, police.ExportInput{ReportIDs: consented[:2], Purpose: "Linking robberies in north London for the analyst",
		Recipient: "Example intelligence hub, analyst on duty", Format: "csv"}); err != nil {
		return fmt.Errorf("demo export: %w", err)
	}
	e, err := svc.CreateEnquiry(ctx, coord, police.EnquiryInput{Force: "Example Constabulary", Unit: "Serious crime unit", Reference: "OP-DEMO-1",
		ReportID: mine, Request: "An officer would like to talk to the reporter about the man in this report, at a time and place she chooses."})
	if err != nil {
		return fmt.Errorf("demo enquiry: %w", err)
	}
	if _, err := svc.ForwardEnquiry(ctx, coord, e.ID, mine, "reporter", signInURL); err != nil {
		return fmt.Errorf("demo forward: %w", err)
	}
	if _, err := svc.RecordDisclosure(ctx, coord, police.DisclosureInput{LegalBasis: "risk_to_life", Username: "demo-member",
		What: "Her mobile number, so that the police could warn her.", Recipient: "Example Constabulary, duty inspector",
		Justification: "A credible threat against her, reported by another member.", Notify: "yes"}); err != nil {
		return fmt.Errorf("demo disclosure: %w", err)
	}
	if _, _, err := db.Sessions.CreateAPIKey(ctx, coord.ID, "Example Adverts Ltd", 60, 5000); err != nil {
		return fmt.Errorf("demo key: %w", err)
	}
	// A fortnight of the demo member's checks, so that checks per day show
	// on the statistics page; one number is in an alert.
	checks := check.New(db, time.UTC, check.Limits{})
	for day := 13; day >= 0; day-- {
		at := time.Now().Add(-time.Duration(day)*24*time.Hour - 2*time.Hour)
		db.SetClock(func() time.Time { return at })
		checks.Now = func() time.Time { return at }
		for k := range 1 + day%4 {
			value := fmt.Sprintf("07700 900%03d", 300+day*4+k)
			if k == 0 && day%3 == 0 {
				value = "07700 900666" // the demo's reported number
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
