package demo

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestSeed_TellsACoherentStory seeds the demo as "uglymugs demo" does and
// reads back what a coordinator and the members would see: towns in their
// regions, each alert sent to its reports' regions, a queue with new,
// in-review and overdue reports (none overdue by weeks), coordinators who
// act in working hours, two coordinators, and an alert waiting for
// approval that would reach members.
func TestSeed_TellsACoherentStory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc, err := time.LoadLocation("Europe/London")
		if err != nil {
			t.Fatal(err)
		}
		hours := scheme.DefaultWorkingHours(loc)
		acc, err := account.New(db, hours, "https://uglymugs.example.org/signin")
		if err != nil {
			t.Fatal(err)
		}
		logins, err := Seed(ctx, db, acc, report.New(db, hours))
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		reports, err := db.Reports.Reports(ctx, scheme.ReportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]scheme.Report{}
		for i, r := range reports {
			// The list holds codes only: the town is in the report's
			// sealed document.
			if reports[i], err = db.Reports.Report(ctx, r.ID); err != nil {
				t.Fatal(err)
			}
			byID[r.ID] = reports[i]
		}

		t.Run("towns in their regions", func(t *testing.T) {
			// Facts of geography, written apart from the demo's table.
			known := map[string]string{"Glasgow": "scotland", "Edinburgh": "scotland", "Leeds": "yorkshire-humber", "Bradford": "yorkshire-humber",
				"Cardiff": "wales", "Camden": "london", "Croydon": "london", "Hackney": "london", "Belfast": "northern-ireland", "Dublin": "ireland",
				"Cork": "ireland", "Bristol": "south-west", "Manchester": "north-west", "Liverpool": "north-west", "Birmingham": "west-midlands",
				"Newcastle": "north-east", "Norwich": "east-of-england", "Nottingham": "east-midlands", "Brighton": "south-east"}
			regionOf := map[string]string{}
			for region, towns := range Towns {
				for _, town := range towns {
					if other, ok := regionOf[town]; ok {
						t.Errorf("%s is in both %s and %s", town, other, region)
					}
					regionOf[town] = region
				}
			}
			for town, region := range known {
				if got, ok := regionOf[town]; ok && got != region {
					t.Errorf("the demo puts %s in %s, not %s", town, got, region)
				}
			}
			for _, r := range scheme.DefaultRegions {
				if len(Towns[r.Slug]) == 0 {
					t.Errorf("no demo towns in %s", r.Slug)
				}
			}
			if len(reports) < 40 {
				t.Fatalf("%d demo reports", len(reports))
			}
			regions := map[string]bool{}
			for _, r := range reports {
				regions[r.Region] = true
				if town := r.Original.Town; regionOf[town] != r.Region {
					t.Errorf("a report in %q, %s: that town is in %q", town, r.Region, regionOf[town])
				}
			}
			if len(regions) < len(scheme.DefaultRegions) {
				t.Errorf("reports in %d regions of %d", len(regions), len(scheme.DefaultRegions))
			}
		})

		t.Run("the scheme offers the demo's towns, and Scarlett narrowed to Camden", func(t *testing.T) {
			all, err := db.Towns.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range scheme.DefaultRegions {
				var names []string
				for _, x := range all.Offered(r.Slug) {
					names = append(names, x.Name)
				}
				if !slices.Equal(names, Towns[r.Slug]) {
					t.Errorf("%s offers %v, want %v", r.Slug, names, Towns[r.Slug])
				}
			}
			u, err := db.Accounts.UserByUsername(ctx, "demo-member")
			if err != nil {
				t.Fatal(err)
			}
			if p, err := db.Accounts.Profile(ctx, u.ID); err != nil || !slices.Equal(p.Towns, []string{"camden"}) {
				t.Errorf("Scarlett's towns %v, %v; want [camden]", p.Towns, err)
			}
		})

		alerts, err := db.Alerts.Alerts(ctx, scheme.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		t.Run("alerts go to their reports' regions", func(t *testing.T) {
			var published int
			for _, a := range alerts {
				var want []string
				for _, id := range a.ReportIDs {
					want = append(want, byID[id].Region)
				}
				slices.Sort(want)
				want = slices.Compact(want)
				got := slices.Sorted(slices.Values(a.Regions))
				if !a.Nationwide && !slices.Equal(got, want) {
					t.Errorf("%q goes to %v; its reports are in %v", a.Title, got, want)
				}
				if a.Status != scheme.AlertPublished {
					continue
				}
				published++
				aud, err := db.Alerts.Audience(ctx, a.ID)
				if err != nil || aud.InApp == 0 {
					t.Errorf("published %q reaches %+v (%v)", a.Title, aud, err)
				}
				if a.ApprovedBy == "" || a.ApprovedBy == a.CreatedBy {
					t.Errorf("%q was approved by %q and written by %q", a.Title, a.ApprovedBy, a.CreatedBy)
				}
				for _, when := range []time.Time{a.CreatedAt, a.ApprovedAt, a.PublishedAt} {
					if !inWorkingHours(hours, when) {
						t.Errorf("%q: a coordinator acted at %s, out of working hours", a.Title, when.In(loc))
					}
				}
			}
			if published < 2 {
				t.Errorf("%d published alerts", published)
			}
		})

		t.Run("a queue of new, in-review and overdue reports", func(t *testing.T) {
			counts := map[string]int{}
			for _, r := range reports {
				switch {
				case r.Overdue(now):
					counts["overdue"]++
					if late := hours.Between(r.AcknowledgeBy, now); late > 2*8*time.Hour {
						t.Errorf("a report is overdue by %s of working time", late)
					}
				case r.Status == scheme.ReportSubmitted:
					counts["new"]++
				case r.Status == scheme.ReportInReview:
					counts["in review"]++
				default:
					counts["dealt with"]++
				}
				if !r.AcknowledgedAt.IsZero() && !inWorkingHours(hours, r.AcknowledgedAt) {
					t.Errorf("a report was taken up at %s, out of working hours", r.AcknowledgedAt.In(loc))
				}
				if r.SubmittedAt.After(now) || r.IncidentAt.After(r.SubmittedAt) {
					t.Errorf("a report of an incident at %s submitted at %s (now %s)", r.IncidentAt, r.SubmittedAt, now)
				}
			}
			t.Logf("reports: %v", counts)
			for _, c := range []struct {
				what     string
				min, max int
			}{{"new", 3, 6}, {"overdue", 1, 3}, {"in review", 4, 10}, {"dealt with", 25, 45}} {
				if n := counts[c.what]; n < c.min || n > c.max {
					t.Errorf("%d reports %s, want %d to %d (all: %v)", n, c.what, c.min, c.max, counts)
				}
			}
		})

		t.Run("two coordinators, one alert waiting for the other", func(t *testing.T) {
			var coordinators []scheme.User
			for _, l := range logins {
				got, err := db.Sessions.LoginByUsername(ctx, l.Username)
				if err != nil {
					t.Fatal(err)
				}
				if got.User.Role != l.Role {
					t.Errorf("%s is %s, printed as %s", l.Username, got.User.Role, l.Role)
				}
				if l.Role.Staff() && (!got.TOTPEnabled || got.TOTPSecret != l.TOTPSecret) {
					t.Errorf("%s signs in without the demo's fixed key", l.Username)
				}
				if l.Role == scheme.RoleCoordinator {
					coordinators = append(coordinators, got.User)
				}
			}
			if len(coordinators) != 2 {
				t.Fatalf("%d coordinator logins", len(coordinators))
			}
			var waiting []scheme.Alert
			for _, a := range alerts {
				if a.Status == scheme.AlertDraft && len(a.Flags) == 0 {
					waiting = append(waiting, a)
				}
			}
			if len(waiting) != 1 {
				t.Fatalf("%d clean drafts waiting for approval", len(waiting))
			}
			a := waiting[0]
			aud, err := db.Alerts.Audience(ctx, a.ID)
			if err != nil || aud.InApp == 0 || aud.Email == 0 {
				t.Errorf("the alert waiting for approval would reach %+v (%v)", aud, err)
			}
			var can []string
			for _, u := range coordinators {
				if scheme.CanApprove(a, u) == nil {
					can = append(can, u.Username)
				}
			}
			if len(can) != 1 {
				t.Errorf("coordinators who may approve it: %v; want exactly the one who did not write it", can)
			}
		})

		t.Run("a draft the anonymisation check flags", func(t *testing.T) {
			var kinds []string
			for _, a := range alerts {
				if a.Status == scheme.AlertDraft {
					for _, f := range a.Flags {
						kinds = append(kinds, f.Kind)
					}
				}
			}
			for _, want := range []string{"name", "venue", "address", "contact"} {
				if !slices.Contains(kinds, want) {
					t.Errorf("no %s flagged in the drafts (flags: %v)", want, kinds)
				}
			}
		})

		// The directory: a Romanian-speaking service in Leeds's region, a
		// national helpline, every number in Ofcom's drama ranges, every
		// site example.org; and one referral suggested from a report.
		near, err := db.Support.Services(ctx, scheme.ServiceFilter{Regions: []string{"yorkshire-humber"}, Language: "ro"}, scheme.Page{})
		if err != nil || len(near.Items) == 0 || near.Items[0].National {
			t.Errorf("no Romanian-speaking service in Yorkshire and the Humber: %+v, %v", near.Items, err)
		}
		all, err := db.Support.Services(ctx, scheme.ServiceFilter{Retired: true}, scheme.Page{})
		if err != nil {
			t.Fatal(err)
		}
		helplines := 0
		for _, s := range all.Items {
			drama := false
			for _, prefix := range []string{"+447700900", "+448081570", "+441134960", "+442079460"} {
				drama = drama || strings.HasPrefix(s.Phone, prefix)
			}
			if s.Phone != "" && !drama {
				t.Errorf("%s: %s is not a drama number", s.Name, s.Phone)
			}
			if s.Website != "" && !strings.HasSuffix(strings.TrimSuffix(s.Website, "/"), ".example.org") {
				t.Errorf("%s: %s is not an example.org site", s.Name, s.Website)
			}
			if s.Helpline {
				helplines++
			}
		}
		if helplines != 1 {
			t.Errorf("%d national helplines, want 1", helplines)
		}
		referred := 0
		for _, r := range reports {
			refs, err := db.Support.Referrals(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			referred += len(refs)
		}
		if referred != 1 {
			t.Errorf("%d referrals, want 1", referred)
		}
		t.Run("training: two events to come, the outreach project overdue and booked", func(t *testing.T) {
			up, err := db.Training.UpcomingTrainingEvents(ctx, now)
			if err != nil || len(up) != 2 || up[0].Booked != 1 || up[1].Town != "leeds" {
				t.Fatalf("events to come: %+v %v", up, err)
			}
			overdue, err := db.Training.OverdueOrganisations(ctx, now, scheme.DefaultTrainingDueDays, scheme.Page{})
			if err != nil || len(overdue.Items) != 1 || overdue.Items[0].Name != "Northern Lights Outreach" || !overdue.Items[0].Booked {
				t.Errorf("overdue: %+v %v", overdue.Items, err)
			}
		})
	})
}

// inWorkingHours says whether t is within (or at the close of) a working
// day.
func inWorkingHours(h scheme.WorkingHours, t time.Time) bool {
	return h.Between(t.Add(-time.Minute), t) > 0
}

// TestPublishedKeyIn_FindsOnlyTheDemosKeys: a database with a demo staff
// login holding its published key is named; the same username with a key
// of its own is not.
func TestPublishedKeyIn_FindsOnlyTheDemosKeys(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, want string
		demoKey    bool
	}{{"demo key", "demo-coordinator", true}, {"own key", "", false}} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.Open(t, store.SQLite)
			if _, err := account.CreateStaff(ctx, db, "test", "demo-coordinator", "a long staff passphrase", scheme.RoleCoordinator); err != nil {
				t.Fatal(err)
			}
			if tc.demoKey {
				u, err := db.Accounts.UserByUsername(ctx, "demo-coordinator")
				if err != nil {
					t.Fatal(err)
				}
				l, _ := staffLogin("demo-coordinator")
				if err := db.Accounts.SetTOTP(ctx, u.ID, l.TOTPSecret, nil); err != nil {
					t.Fatal(err)
				}
			}
			if got, err := PublishedKeyIn(ctx, db); got != tc.want || err != nil {
				t.Errorf("PublishedKeyIn = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestClock_WorkAgoIsInWorkingHours: whatever the moment the demo starts
// (before opening on a Monday, at a weekend, just after closing), an
// instant some working time ago is in working hours, that far back.
func TestClock_WorkAgoIsInWorkingHours(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	hours := scheme.DefaultWorkingHours(loc)
	for _, now := range []time.Time{
		time.Date(2026, 12, 7, 4, 30, 0, 0, loc),   // Monday, before opening
		time.Date(2026, 12, 7, 10, 0, 0, 0, loc),   // Monday, an hour in
		time.Date(2026, 12, 9, 13, 17, 5, 0, loc),  // Wednesday afternoon
		time.Date(2026, 12, 11, 17, 30, 0, 0, loc), // Friday, after closing
		time.Date(2026, 12, 12, 12, 0, 0, 0, loc),  // Saturday
		time.Date(2026, 3, 30, 9, 0, 0, 0, loc),    // the Monday after the clocks change
	} {
		c := clock{now: now, hours: hours}
		for _, d := range []time.Duration{30 * time.Minute, time.Hour, 8 * time.Hour, 10 * time.Hour, 17 * time.Hour, 22 * time.Hour, 33 * time.Hour} {
			got := c.workAgo(d)
			if !inWorkingHours(hours, got) || got.Second() != 0 {
				t.Errorf("from %s, %s of work ago is %s: not a whole minute in working hours", now.Format(time.RFC1123), d, got.In(loc).Format(time.RFC1123))
			}
			if w := hours.Between(got, now); w > d || w < d-2*time.Minute {
				t.Errorf("from %s, %s of work ago is %s, %s of work before", now.Format(time.RFC1123), d, got.In(loc).Format(time.RFC1123), w)
			}
		}
	}
}
