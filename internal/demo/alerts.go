package demo

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// flaggedText is what a coordinator added to the draft written from the
// Birmingham report: the reporter's name, a venue, a street address and
// her own number, each of which the anonymisation check flags.
const flaggedText = "Dee met him outside the Plaza Hotel on 12 Broad Street; afterwards he texted her on 07700 900114."

// seedAlerts writes alerts from the demo reports the way coordinators do,
// in working hours: one coordinator writes, the other approves, and each
// alert goes to the regions its reports come from (or nationwide, for the
// man who finds workers online). One alert waits for the second
// coordinator's approval; one draft has flags to deal with. The fan-out of
// the published ones runs when the service starts.
func seedAlerts(ctx context.Context, db *store.DB, svc *alert.Service, c clock, users map[string]scheme.User, f filed) error {
	writer, approver := users["demo-coordinator"], users["demo-coordinator-2"]
	// He met them through their adverts, wherever they were: the area is
	// the whole country, not the first region the draft would name.
	yes, title, area := true, "Blackmail, filming and harassment by a man who books through adverts — nationwide", "Nationwide (contact through adverts)"
	plans := []struct {
		purpose    string
		in         alert.Input
		by         scheme.User
		approve    bool
		addText    string
		afterTaken time.Duration // working time from the last report's acknowledgement to the draft
	}{
		{forNationwide, alert.Input{Nationwide: &yes, Title: &title, Area: &area}, writer, true, "", 4 * time.Hour},
		{forRegional, alert.Input{}, writer, true, "", 5 * time.Hour},
		{forPending, alert.Input{}, writer, false, "", 2 * time.Hour},
		{forFlagged, alert.Input{}, approver, false, flaggedText, 6 * time.Hour},
	}
	for _, p := range plans {
		var taken time.Time
		for _, r := range f[p.purpose] {
			got, err := db.Reports.Report(ctx, r.ID)
			if err != nil {
				return err
			}
			p.in.ReportIDs = append(p.in.ReportIDs, r.ID)
			taken = later(taken, got.AcknowledgedAt)
		}
		drafted := c.after(taken, p.afterTaken)
		if drafted.After(c.now) {
			drafted = c.workAgo(30 * time.Minute)
		}
		var a scheme.Alert
		err := at(db, drafted, func() (err error) {
			if a, err = svc.Draft(ctx, p.by, p.in); err != nil || p.addText == "" {
				return err
			}
			body := a.Body + "\n\n" + p.addText
			a, err = svc.Update(ctx, p.by, a.ID, alert.Input{Body: &body})
			return err
		})
		if err == nil && p.approve {
			approved := c.after(drafted, 2*time.Hour)
			err = at(db, approved, func() error { return svc.Approve(ctx, approver, a.ID) })
			if err == nil {
				err = at(db, c.after(approved, 30*time.Minute), func() error {
					_, err := svc.Publish(ctx, writer, a.ID, "")
					return err
				})
			}
		}
		if err != nil {
			return fmt.Errorf("demo alert %s: %w", p.purpose, err)
		}
	}
	return nil
}

// at runs fn with the store's clock at t.
func at(db *store.DB, t time.Time, fn func() error) error {
	db.SetClock(func() time.Time { return t })
	defer db.SetClock(time.Now)
	return fn()
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
