package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/check"
	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/training"
)

// otherOrg adds a second organisation to the desk, with a staff login,
// as "org2" and "org2staff".
func otherOrg(t *testing.T, d *alertDesk) {
	t.Helper()
	ctx := context.Background()
	a, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "project", Username: "p.noor", Password: "a long test passphrase", TermsVersion: 1,
		Regions: []string{"london"}, Organisation: &account.OrgInput{Name: "Lantern Project", Website: "https://lantern.example.org",
			Email: "noor@lantern.example.org", KeyContact: "Noor", Description: "Drop-in for sex workers in town."}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
		t.Fatal(err)
	}
	d.keep("org2", a.UserID)
	staff, err := d.acc.AddStaff(ctx, d.users["org2"], "p.ola", "a long test passphrase", "Ola")
	if err != nil {
		t.Fatal(err)
	}
	d.keep("org2staff", staff.ID)
}

var eventLink = regexp.MustCompile(`href="/coordinator/training/([A-Z2-7]{26})"`)

// TestTraining_PublishBookAttendOnTheWeb: a coordinator publishes an event
// (a bad one is refused beside its fields, what was typed kept); the key
// contact books her staff (never another organisation's), and her
// organisation shows "due" until a coordinator records attendance, then
// "attended on".
func TestTraining_PublishBookAttendOnTheWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		d := newAlertDesk(t, db)
		otherOrg(t, d)

		status, _, page := d.do("coordA", "POST", "/coordinator/training", url.Values{"title": {"Safety and reporting"}, "date": {"2027-02-01"},
			"time": {"10:00"}, "where": {"town"}, "places": {"none"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("a bad event: %d", status)
		}
		for _, field := range []string{"date", "town", "places"} {
			if !strings.Contains(page, `href="#`+field+`"`) {
				t.Errorf("no problem with %s in the summary", field)
			}
		}
		if !strings.Contains(page, `value="Safety and reporting"`) || !strings.Contains(page, `value="none"`) {
			t.Error("what was typed is lost")
		}
		d.post("coordA", "/coordinator/training", url.Values{"title": {"Safety and reporting"}, "date": {"2027-03-08"},
			"time": {"10:00"}, "where": {"online"}, "places": {"2"}})
		m := eventLink.FindStringSubmatch(d.get("coordA", "/coordinator/training"))
		if m == nil {
			t.Fatal("the event is not on the desk")
		}
		event := m[1]

		page = d.get("org", "/organisation/training")
		for _, want := range []string{"Training due by", "Safety and reporting", "Places left: 2", "Sam", "No places booked yet."} {
			if !strings.Contains(page, want) {
				t.Errorf("her page lacks %q", want)
			}
		}
		if strings.Contains(page, "Ola") {
			t.Error("another organisation's staff are offered to her")
		}
		// Another organisation's staff login: refused, nothing stored.
		status, _, page = d.do("org", "POST", "/organisation/training/"+event+"/book", url.Values{"people": {d.users["org2staff"].ID}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "Choose people of your organisation from the list.") {
			t.Errorf("booking another organisation's staff: %d", status)
		}
		if b, _ := db.Training.EventBookings(context.Background(), event); len(b) != 0 {
			t.Fatalf("a refused booking stored %d places", len(b))
		}
		d.post("org", "/organisation/training/"+event+"/book", url.Values{"people": {d.users["orgstaff"].ID}})
		page = d.get("org", "/organisation/training")
		if !strings.Contains(page, "Places booked.") && !strings.Contains(page, "Booked") || !strings.Contains(page, "Places left: 1") {
			t.Error("her booking does not show")
		}
		bookings, err := db.Training.OrganisationBookings(context.Background(), d.users["org"].OrganisationID)
		if err != nil || len(bookings) != 1 {
			t.Fatalf("bookings %v %v", bookings, err)
		}
		// The other organisation cannot cancel it.
		if status, _, _ := d.do("org2", "POST", "/organisation/training/bookings/"+bookings[0].ID+"/cancel", url.Values{}); status != http.StatusNotFound {
			t.Errorf("another organisation cancelling her place: %d, want 404", status)
		}
		// Still due the day after the event, until attendance is recorded.
		// (Signed in afresh: a week is past any session.)
		now = now.AddDate(0, 0, 8)
		for _, who := range []string{"org", "coordA"} {
			d.keep(who, d.users[who].ID)
		}
		if page := d.get("org", "/organisation/training"); !strings.Contains(page, "Training due by") {
			t.Error("her organisation is not shown as due before attendance is recorded")
		}
		ev := d.get("coordA", "/coordinator/training/"+event)
		if !strings.Contains(ev, "Harbour Project") || !strings.Contains(ev, "Sam") {
			t.Error("the coordinators' event page does not show who is booked")
		}
		d.post("coordA", "/coordinator/training/"+event+"/attendance", url.Values{"attended": {bookings[0].ID}})
		page = d.get("org", "/organisation/training")
		if !strings.Contains(page, "Training attended on 8 March 2027.") || !strings.Contains(page, "Attended") {
			t.Error("her organisation is not shown as trained")
		}
		// The staff member who attended finds it in everything held about her.
		d.keep("orgstaff", d.users["orgstaff"].ID)
		if e, err := d.acc.ExportData(context.Background(), d.users["orgstaff"]); err != nil || len(e.Training) != 1 || e.Training[0].Attended == nil || !*e.Training[0].Attended {
			t.Errorf("her data download's training: %+v, %v", e.Training, err)
		}
		if page := d.get("orgstaff", "/account/data"); !strings.Contains(page, "Attended") {
			t.Error("her data page does not show the training she attended")
		}
		// The other organisation is listed as overdue once its period is over.
		now = now.AddDate(0, 0, 90)
		d.keep("coordA", d.users["coordA"].ID)
		if page := d.get("coordA", "/coordinator/training/overdue"); !strings.Contains(page, "Lantern Project") || strings.Contains(page, "Harbour Project") {
			t.Error("the overdue list is wrong")
		}
	})
}

// TestTrainingAPI_KeyContactBooksSeesAndCancels: the page's twin.
func TestTrainingAPI_KeyContactBooksSeesAndCancels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAPIDesk(t, db)
		ctx := context.Background()
		e, err := db.Training.PublishTrainingEvent(ctx, d.users["coordA"].ID, scheme.TrainingEvent{Title: "Safety", StartsAt: db.Now().Add(72 * time.Hour), Online: true, Places: 3})
		if err != nil {
			t.Fatal(err)
		}
		status, out := d.call("org", "GET", "/api/v1/organisation/training", "")
		events, _ := out["events"].([]any)
		people, _ := out["people"].([]any)
		st, _ := out["status"].(map[string]any)
		if status != http.StatusOK || len(events) != 1 || len(people) != 2 || st["trained"] != false || st["due_days"] != float64(90) {
			t.Fatalf("her training: %d %v", status, out)
		}
		sam := d.users["orgstaff"].ID
		path := "/api/v1/organisation/training/events/" + e.ID + "/bookings"
		if status, out := d.call("org", "POST", path, `{"people":[]}`); status != http.StatusUnprocessableEntity || fields(out)["people"] == nil {
			t.Errorf("booking nobody: %d %v", status, out)
		}
		status, out = d.call("org", "POST", path, fmt.Sprintf(`{"people":[%q]}`, sam))
		items, _ := out["items"].([]any)
		if status != http.StatusCreated || len(items) != 1 || items[0].(map[string]any)["name"] != "Sam" {
			t.Fatalf("booking: %d %v", status, out)
		}
		booking := items[0].(map[string]any)["id"].(string)
		if status, _ := d.call("org", "POST", path, fmt.Sprintf(`{"people":[%q]}`, sam)); status != http.StatusUnprocessableEntity {
			t.Errorf("booking her twice: %d", status)
		}
		for _, who := range []string{"orgstaff", "member", "coordA"} {
			if status, _ := d.call(who, "POST", path, fmt.Sprintf(`{"people":[%q]}`, sam)); status != http.StatusForbidden {
				t.Errorf("%s booking: %d, want 403", who, status)
			}
		}
		if status, _ := d.call("org", "POST", "/api/v1/organisation/training/bookings/"+booking+"/cancel", ""); status != http.StatusNoContent {
			t.Errorf("cancelling: %d", status)
		}
		if status, _ := d.call("org", "POST", "/api/v1/organisation/training/bookings/"+booking+"/cancel", ""); status != http.StatusNotFound {
			t.Errorf("cancelling again: %d, want 404", status)
		}
	})
}

// TestTrainingReminder_OnceThroughARealSMTPServerWithoutDetails: an
// organisation past its period gets one email, saying nothing about it,
// however often the job runs within the period.
func TestTrainingReminder_OnceThroughARealSMTPServerWithoutDetails(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	smtp, err := notify.NewSMTP(mail.SMTPURL(), "help@uglymugs.example.org", notify.WithRootCAs(mail.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		newAlertDesk(t, db) // Harbour Project's key contact, lee@harbour.example.org
		s := training.New(db, settings.New(db, testSettings(check.Limits{}), time.UTC), time.UTC, "https://uglymugs.example.org/signin")
		w := &notify.Worker{Source: db.Deliveries, Mail: smtp}
		before := len(mail.Messages(t))
		if n, err := s.Remind(context.Background()); err != nil || n != 0 {
			t.Fatalf("within the period: %d %v", n, err)
		}
		now = now.AddDate(0, 0, 91)
		for range 2 {
			if _, err := s.Remind(context.Background()); err != nil {
				t.Fatal(err)
			}
			sendQueued(t, db, w)
		}
		got := 0
		for _, m := range mail.Messages(t)[before:] {
			if m.Subject != "Training due" || m.To != "lee@harbour.example.org" {
				continue
			}
			got++
			if !strings.Contains(m.Text, "https://uglymugs.example.org/signin") || strings.Contains(m.Text, "Harbour") || strings.Contains(m.Text, "Lee") {
				t.Errorf("the reminder says more than it should:\n%s", m.Text)
			}
		}
		if got != 1 {
			t.Errorf("%d reminders sent, want 1", got)
		}
	})
}
