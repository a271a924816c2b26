package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// vettingDesk is the alert desk with three applications waiting: one
// flagged twice (the email of the member m.iris, the mobile of the
// report's offender) that arrived a week ago, one without a flag, and an
// organisation whose email is not on its website's domain.
type vettingDesk struct {
	*alertDesk
	report              scheme.Report
	flagged, clean, org scheme.Application
}

func newVettingDesk(t *testing.T, db *store.DB) vettingDesk {
	t.Helper()
	v := vettingDesk{alertDesk: newAlertDesk(t, db)}
	v.report = v.alertDesk.report() // its offender's phone is 07700 900123
	apply := func(in account.ApplicationInput) scheme.Application {
		t.Helper()
		in.Password, in.TermsVersion, in.Regions = "a long test passphrase", 1, []string{"london"}
		a, err := v.acc.Apply(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	db.SetClock(func() time.Time { return time.Now().AddDate(0, 0, -7) })
	v.flagged = apply(account.ApplicationInput{Type: "individual", Username: "velvet.two", WorkName: "Velvet", Email: "iris@example.org", Mobile: "07700 900123"})
	db.SetClock(time.Now)
	v.clean = apply(account.ApplicationInput{Type: "individual", Username: "amber.new", WorkName: "Amber", Email: "amber@example.org"})
	v.org = apply(account.ApplicationInput{Type: "project", Username: "p.other", Organisation: &account.OrgInput{Name: "Other Project",
		Website: "https://other-project.example.org", Email: "lee@mail.example.net", KeyContact: "Lee", Description: "Outreach for sex workers in town."}})
	return v
}

// TestApplicationPage_FlagsLinkWhatRaisedThemAndApproveComesLast: a flag
// names and links what raised it (the other member's application, the
// offender profile, the domains compared); the wait is in words; with a
// flag, asking and rejecting come before Approve, which is not the main
// button; without one, Approve comes first as before.
func TestApplicationPage_FlagsLinkWhatRaisedThemAndApproveComesLast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		v := newVettingDesk(t, db)
		d, flagged, clean, org := v.alertDesk, v.flagged, v.clean, v.org
		ctx := context.Background()
		irisApp, err := db.Accounts.ApplicationOfUser(ctx, d.users["member"].ID)
		if err != nil {
			t.Fatal(err)
		}
		rep := v.report

		page := d.get("coordA", "/coordinator/applications/"+flagged.ID)
		for _, want := range []string{
			`Their email matches the details of <a href="/coordinator/applications/` + irisApp.ID + `">m.iris</a> (member, active).`,
			`Their mobile number is an identifier of an offender in a report: <a href="/coordinator/offenders/` + rep.Original.Offenders[0].ProfileID + `">open the offender profile</a>.`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the flagged application's page lacks %q", want)
			}
		}
		if !regexp.MustCompile(`waiting \d+ working days?( and \d+ hours?)? for a decision`).MatchString(page) {
			t.Errorf("the wait is not in working days: %q", regexp.MustCompile(`waiting [^·]*`).FindString(page))
		}
		ask, reject, approve := strings.Index(page, "/request-info\""), strings.Index(page, "/reject\""), strings.Index(page, "/approve\"")
		if ask < 0 || !(ask < reject && reject < approve) {
			t.Errorf("flagged: ask at %d, reject at %d, approve at %d; want approve last", ask, reject, approve)
		}
		if !strings.Contains(page, `<button type="submit" class="button button--secondary">Approve</button>`) {
			t.Error("flagged: Approve is still the main button")
		}
		// The link leads to the other member's application.
		if other := d.get("coordA", "/coordinator/applications/"+irisApp.ID); !strings.Contains(other, "iris@example.org") {
			t.Error("the linked application is not the other member's")
		}

		page = d.get("coordA", "/coordinator/applications/"+clean.ID)
		if strings.Contains(page, "notice--danger") || strings.Index(page, "/approve\"") > strings.Index(page, "/request-info\"") ||
			!strings.Contains(page, `<button type="submit" class="button">Approve</button>`) || !strings.Contains(page, "waiting under an hour for a decision") &&
			!regexp.MustCompile(`waiting \d+ working hours? for a decision`).MatchString(page) {
			t.Error("an application without warnings does not keep Approve first, as the main button, with its wait")
		}

		page = d.get("coordA", "/coordinator/applications/"+org.ID)
		if !strings.Contains(page, "The official email is on <strong>mail.example.net</strong>; the website is on other-project.example.org.") {
			t.Error("the domain flag does not name the domains compared")
		}

		queue := d.get("coordA", "/coordinator/applications")
		if !strings.Contains(queue, `<span class="tag tag--warning">Possible offender</span>`) || !regexp.MustCompile(`<td data-label="Waiting">\d+ working days?`).MatchString(queue) {
			t.Error("the queue does not name the flags shortly, or the wait in working days")
		}
	})
}

// TestVettingPages_InTheBrowser opens the queue and a flagged application
// at phone and laptop widths in both themes.
func TestVettingPages_InTheBrowser(t *testing.T) {
	v := newVettingDesk(t, storetest.Open(t, store.SQLite))
	openDeskPages(t, v.alertDesk, []deskPage{
		{"queue", "coordA", "/coordinator/applications", "Possible offender"},
		{"application-flagged", "coordA", "/coordinator/applications/" + v.flagged.ID, "open the offender profile"},
		{"application-organisation", "coordA", "/coordinator/applications/" + v.org.ID, "mail.example.net"},
	}, nil)
}
