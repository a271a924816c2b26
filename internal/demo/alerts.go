package demo

import (
	"context"
	"fmt"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// seedAlerts writes alerts from the demo reports the way coordinators do:
// two published (one nationwide, one to the demo members' regions) after the
// admin approved them, one draft waiting for approval. The fan-out runs when
// the service starts.
func seedAlerts(ctx context.Context, db *store.DB, svc *alert.Service) error {
	var staff []scheme.User
	for _, name := range []string{"demo-coordinator", "demo-admin"} {
		l, err := db.Sessions.LoginByUsername(ctx, name)
		if err != nil {
			return err
		}
		staff = append(staff, l.User)
	}
	writer, approver := staff[0], staff[1]
	reports, err := db.Reports.Reports(ctx, scheme.ReportFilter{Statuses: []scheme.ReportStatus{scheme.ReportSubmitted, scheme.ReportInReview}})
	if err != nil {
		return err
	}
	var usable []scheme.Report
	for _, r := range reports {
		if r.Consents.Alert {
			usable = append(usable, r)
		}
	}
	if len(usable) < 3 {
		return fmt.Errorf("demo alerts: only %d reports with alert consent", len(usable))
	}
	yes := true
	regions := []string{"london", "yorkshire-humber", usable[1].Region}
	plans := []struct {
		in      alert.Input
		publish bool
	}{
		{alert.Input{ReportIDs: []string{usable[0].ID}, Nationwide: &yes}, true},
		{alert.Input{ReportIDs: []string{usable[1].ID}, Regions: &regions}, true},
		{alert.Input{ReportIDs: []string{usable[2].ID}}, false},
	}
	for i, p := range plans {
		// Spread them over the last fortnight.
		at := time.Now().Add(-time.Duration(14-5*i) * 24 * time.Hour)
		db.SetClock(func() time.Time { return at })
		a, err := svc.Draft(ctx, writer, p.in)
		if err == nil && p.publish {
			if err = svc.Approve(ctx, approver, a.ID); err == nil {
				override := ""
				if len(a.Flags) > 0 {
					override = "Demo: checked by hand."
				}
				_, err = svc.Publish(ctx, writer, a.ID, override)
			}
		}
		db.SetClock(time.Now)
		if err != nil {
			return fmt.Errorf("demo alert %d: %w", i+1, err)
		}
	}
	return nil
}
