package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// person is one account in a targeting population.
type person struct {
	name           string
	kind           string // individual, project (a key contact), staff, applicant, revoked, coordinator
	of             string // staff: the project they work for
	regions        []string
	sector, gender string
	email, mobile  string
	alertEmail     bool
	alertSMS       bool
}

// population creates people and returns their user ids by name.
func population(t *testing.T, db *store.DB, people []person) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, p := range people {
		switch p.kind {
		case "coordinator":
			u, err := db.Accounts.CreateUser(ctx, "admin", store.NewUser{Username: p.name, Role: scheme.RoleCoordinator, PasswordHash: "$argon2id$test"})
			if err != nil {
				t.Fatal(err)
			}
			ids[p.name] = u.ID
			continue
		case "staff":
			contact := ids[p.of]
			org, err := db.Accounts.Organisation(ctx, contact)
			if err != nil {
				t.Fatal(err)
			}
			u, err := db.Accounts.CreateOrgStaff(ctx, contact, org.ID, p.name, "$argon2id$test", "Staff "+p.name)
			if err != nil {
				t.Fatal(err)
			}
			ids[p.name] = u.ID
			continue
		}
		na := store.NewApplication{Type: scheme.Individual, Username: p.name, PasswordHash: "$argon2id$test",
			Profile: scheme.Profile{WorkName: "Work " + p.name, Email: p.email, Mobile: p.mobile, AlertEmail: p.alertEmail, AlertSMS: p.alertSMS,
				Regions: p.regions, Gender: p.gender, Sector: p.sector, TermsVersion: 1},
			URL: "https://example.org/signin"}
		if p.kind == "project" {
			na.Type = scheme.Project
			na.Org = &scheme.Organisation{Name: "Project " + p.name, Website: "https://example.org", Email: p.email, KeyContact: "Sam", Description: "Outreach."}
		}
		a, err := db.Accounts.CreateApplication(ctx, na)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		ids[p.name] = a.UserID
		if p.kind == "applicant" {
			continue
		}
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		if p.kind == "revoked" {
			if err := db.Accounts.Revoke(ctx, "coord", a.UserID, "False reports.", "u"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// people is a population with one of each kind of account and a spread of
// regions, sectors, genders and channels. Names say who they are.
var people = []person{
	{name: "ldn-street-woman-both", kind: "individual", regions: []string{"london"}, sector: "street", gender: "woman",
		email: "both@example.org", mobile: "+447700900101", alertEmail: true, alertSMS: true},
	{name: "ldn-street-woman-sms", kind: "individual", regions: []string{"london", "wales"}, sector: "street", gender: "woman",
		mobile: "+447700900102", alertSMS: true},
	{name: "ldn-street-woman-email", kind: "individual", regions: []string{"london"}, sector: "street", gender: "woman",
		email: "emailonly@example.org", alertEmail: true},
	// Gave an email but chose SMS only.
	{name: "ldn-street-woman-chose-sms", kind: "individual", regions: []string{"london"}, sector: "street", gender: "woman",
		email: "chosesms@example.org", mobile: "+447700900103", alertSMS: true},
	{name: "ldn-escort-woman", kind: "individual", regions: []string{"london"}, sector: "escort", gender: "woman",
		email: "escort@example.org", alertEmail: true},
	{name: "ldn-unsaid", kind: "individual", regions: []string{"london"}, sector: "", gender: "prefer-not",
		email: "unsaid@example.org", alertEmail: true},
	{name: "ldn-street-man", kind: "individual", regions: []string{"london"}, sector: "street", gender: "man",
		mobile: "+447700900104", alertSMS: true},
	{name: "wales-street-woman", kind: "individual", regions: []string{"wales"}, sector: "street", gender: "woman",
		email: "wales@example.org", alertEmail: true},
	{name: "ldn-project", kind: "project", regions: []string{"london"}, email: "team@ldnproject.example.org", alertEmail: true},
	{name: "ldn-project-staff", kind: "staff", of: "ldn-project"},
	{name: "wales-project", kind: "project", regions: []string{"wales"}, email: "team@walesproject.example.org", alertEmail: true},
	{name: "wales-project-staff", kind: "staff", of: "wales-project"},
	{name: "ldn-applicant", kind: "applicant", regions: []string{"london"}, sector: "street", gender: "woman",
		email: "applicant@example.org", mobile: "+447700900105", alertEmail: true, alertSMS: true},
	{name: "ldn-revoked", kind: "revoked", regions: []string{"london"}, sector: "street", gender: "woman",
		email: "revoked@example.org", mobile: "+447700900106", alertEmail: true, alertSMS: true},
	{name: "coordinator", kind: "coordinator"},
}

// publish creates and publishes an alert with the given targeting.
func publish(t *testing.T, db *store.DB, nationwide bool, regions, sectors, genders []string) (scheme.Alert, scheme.Audience) {
	t.Helper()
	ctx := context.Background()
	a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
		AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.", Area: "London"},
		Severity:     scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour),
		Nationwide: nationwide, Regions: regions, Sectors: sectors, Genders: genders,
	})
	if err != nil {
		t.Fatal(err)
	}
	aud, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return a, aud
}

// fanOut runs the fan-out to the end in batches of n and returns how many
// calls it took.
func fanOut(t *testing.T, db *store.DB, alertID string, n int) int {
	t.Helper()
	for calls := 1; ; calls++ {
		done, err := db.Deliveries.FanOutAlert(context.Background(), alertID, n)
		if err != nil {
			t.Fatal(err)
		}
		if done {
			return calls
		}
		if calls > 1000 {
			t.Fatal("fan-out never finished")
		}
	}
}

// made returns, by channel (in_app, email, sms), the names of the people
// an alert's fan-out made rows for.
func made(t *testing.T, db *store.DB, alertID string, ids map[string]string) map[string][]string {
	t.Helper()
	name := map[string]string{}
	for n, id := range ids {
		name[id] = n
	}
	out := map[string][]string{}
	add := func(ch, q string) {
		rows, err := db.Writer().QueryContext(context.Background(), q, alertID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out[ch] = append(out[ch], cmpName(name, id))
		}
		slices.Sort(out[ch])
	}
	add("in_app", `SELECT user_id FROM alert_recipients WHERE alert_id = $1`)
	add("email", `SELECT user_id FROM alert_deliveries WHERE alert_id = $1 AND channel = 'email'`)
	add("sms", `SELECT user_id FROM alert_deliveries WHERE alert_id = $1 AND channel = 'sms'`)
	return out
}

func cmpName(name map[string]string, id string) string {
	if n, ok := name[id]; ok {
		return n
	}
	return "unknown user " + id
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestFanOut_TargetingReachesExactlyTheRightMembersByTheirChannels(t *testing.T) {
	// Who each alert reaches: active members (individuals, key contacts and
	// their staff) in its regions, narrowed by sector and gender where the
	// alert names them, counting those who did not say; never applicants,
	// revoked members or coordinators.
	london := []string{
		"ldn-street-woman-both", "ldn-street-woman-sms", "ldn-street-woman-email", "ldn-street-woman-chose-sms",
		"ldn-escort-woman", "ldn-unsaid", "ldn-street-man", "ldn-project", "ldn-project-staff",
	}
	for _, tc := range []struct {
		name                     string
		nationwide               bool
		regions, sectors, gender []string
		inApp, email, sms        []string
	}{
		{name: "nationwide", nationwide: true,
			inApp: append(slices.Clone(london), "wales-street-woman", "wales-project", "wales-project-staff"),
			email: []string{"ldn-street-woman-both", "ldn-street-woman-email", "ldn-escort-woman", "ldn-unsaid", "ldn-project", "wales-street-woman", "wales-project"},
			sms:   []string{"ldn-street-woman-both", "ldn-street-woman-sms", "ldn-street-woman-chose-sms", "ldn-street-man"}},
		{name: "one region", regions: []string{"london"},
			inApp: london,
			email: []string{"ldn-street-woman-both", "ldn-street-woman-email", "ldn-escort-woman", "ldn-unsaid", "ldn-project"},
			sms:   []string{"ldn-street-woman-both", "ldn-street-woman-sms", "ldn-street-woman-chose-sms", "ldn-street-man"}},
		{name: "another region, with a member in two", regions: []string{"wales"},
			inApp: []string{"ldn-street-woman-sms", "wales-street-woman", "wales-project", "wales-project-staff"},
			email: []string{"wales-street-woman", "wales-project"},
			sms:   []string{"ldn-street-woman-sms"}},
		{name: "region and sector", regions: []string{"london"}, sectors: []string{"street"},
			inApp: []string{"ldn-street-woman-both", "ldn-street-woman-sms", "ldn-street-woman-email", "ldn-street-woman-chose-sms",
				"ldn-unsaid", "ldn-street-man", "ldn-project", "ldn-project-staff"},
			email: []string{"ldn-street-woman-both", "ldn-street-woman-email", "ldn-unsaid", "ldn-project"},
			sms:   []string{"ldn-street-woman-both", "ldn-street-woman-sms", "ldn-street-woman-chose-sms", "ldn-street-man"}},
		{name: "region and gender", regions: []string{"london"}, gender: []string{"man"},
			inApp: []string{"ldn-unsaid", "ldn-street-man", "ldn-project", "ldn-project-staff"},
			email: []string{"ldn-unsaid", "ldn-project"},
			sms:   []string{"ldn-street-man"}},
		{name: "region, sector and gender", regions: []string{"london"}, sectors: []string{"escort"}, gender: []string{"woman"},
			inApp: []string{"ldn-escort-woman", "ldn-unsaid", "ldn-project", "ldn-project-staff"},
			email: []string{"ldn-escort-woman", "ldn-unsaid", "ldn-project"}},
		{name: "a region nobody is in", regions: []string{"scotland"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				ids := population(t, db, people)
				a, aud := publish(t, db, tc.nationwide, tc.regions, tc.sectors, tc.gender)
				fanOut(t, db, a.ID, 3) // small batches, so the cursor moves many times
				got := made(t, db, a.ID, ids)
				want := map[string][]string{"in_app": sorted(tc.inApp...), "email": sorted(tc.email...), "sms": sorted(tc.sms...)}
				for _, ch := range []string{"in_app", "email", "sms"} {
					if !slices.Equal(got[ch], want[ch]) {
						t.Errorf("%s: made for\n  %v\nwant\n  %v", ch, got[ch], want[ch])
					}
				}
				wantAud := scheme.Audience{InApp: len(tc.inApp), Email: len(tc.email), SMS: len(tc.sms)}
				if aud != wantAud {
					t.Errorf("PublishAlert's audience %+v, want %+v", aud, wantAud)
				}
				if now, err := db.Alerts.Audience(ctx, a.ID); err != nil || now != wantAud {
					t.Errorf("Audience() = %+v, %v; want %+v", now, err, wantAud)
				}
				counts, err := db.Deliveries.DeliveryCounts(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if counts["in_app"]["delivered"] != len(tc.inApp) || counts["email"]["queued"] != len(tc.email) || counts["sms"]["queued"] != len(tc.sms) {
					t.Errorf("counts %v", counts)
				}
			})
		})
	}
}

// queuedJobs counts alert_deliver jobs waiting for channel.
func queuedJobs(t *testing.T, db *store.DB, channel string) int {
	t.Helper()
	args := `args::text` // River keeps args as JSONB on both engines
	if db.Dialect() == store.SQLite {
		args = `json(args)`
	}
	rows, err := db.Writer().QueryContext(context.Background(), `SELECT `+args+` FROM river_job WHERE kind = 'alert_deliver'
		AND state IN ('available', 'scheduled', 'pending')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var raw string
		var a outbox.AlertDeliverArgs
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatalf("args %q: %v", raw, err)
		}
		if a.Channel == channel {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFanOut_ResumesFromItsCursorAndARepeatAddsNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, people)
		a, aud := publish(t, db, true, nil, nil, nil)

		// A worker that dies after its first batch leaves that batch, and
		// the cursor after it, committed.
		if done, err := db.Deliveries.FanOutAlert(ctx, a.ID, 4); err != nil || done {
			t.Fatalf("first batch: done %v, %v", done, err)
		}
		// A batch is the next four accounts by id; those of them the alert
		// reaches (everyone but the applicant, the revoked member and the
		// coordinator) have their rows.
		rows, err := db.Writer().QueryContext(ctx, `SELECT id FROM users ORDER BY id LIMIT 4`)
		if err != nil {
			t.Fatal(err)
		}
		reached := 0
		for rows.Next() {
			var id string
			rows.Scan(&id)
			if id != ids["ldn-applicant"] && id != ids["ldn-revoked"] && id != ids["coordinator"] {
				reached++
			}
		}
		rows.Close()
		first := made(t, db, a.ID, ids)
		if len(first["in_app"]) != reached {
			t.Fatalf("after one batch of 4 accounts: %d in-app rows, want %d", len(first["in_app"]), reached)
		}
		if n := queuedJobs(t, db, "email") + queuedJobs(t, db, "sms"); n != 0 {
			t.Errorf("senders enqueued before the fan-out finished: %d", n)
		}
		fanOut(t, db, a.ID, 4)
		all := made(t, db, a.ID, ids)
		if len(all["in_app"]) != aud.InApp || len(all["email"]) != aud.Email || len(all["sms"]) != aud.SMS {
			t.Fatalf("after resuming: %d/%d/%d rows, audience %+v", len(all["in_app"]), len(all["email"]), len(all["sms"]), aud)
		}
		if queuedJobs(t, db, "email") != 1 || queuedJobs(t, db, "sms") != 1 {
			t.Errorf("senders enqueued: email %d, sms %d; want one each", queuedJobs(t, db, "email"), queuedJobs(t, db, "sms"))
		}

		// Done is done; and a fan-out run again from the start (its cursor
		// lost) adds nothing, because the keys hold.
		if done, err := db.Deliveries.FanOutAlert(ctx, a.ID, 4); err != nil || !done {
			t.Fatalf("after done: %v, %v", done, err)
		}
		if _, err := db.Writer().ExecContext(ctx, `UPDATE alerts SET fanout_cursor = '', fanout_done_at = NULL WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		fanOut(t, db, a.ID, 1000)
		if again := made(t, db, a.ID, ids); !maps.EqualFunc(again, all, slices.Equal) {
			t.Errorf("a repeated fan-out changed the rows:\n%v\nwas\n%v", again, all)
		}
		// A second alert's fan-out does not pile up senders.
		b, _ := publish(t, db, true, nil, nil, nil)
		fanOut(t, db, b.ID, 1000)
		if queuedJobs(t, db, "email") != 1 || queuedJobs(t, db, "sms") != 1 {
			t.Errorf("after a second alert: email %d, sms %d senders; want one each", queuedJobs(t, db, "email"), queuedJobs(t, db, "sms"))
		}
	})
}

func TestFanOut_WithdrawnAlertStopsAndItsQueuedMessagesAreCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, people)
		a, _ := publish(t, db, true, nil, nil, nil)
		if _, err := db.Deliveries.FanOutAlert(ctx, a.ID, 5); err != nil {
			t.Fatal(err)
		}
		before := made(t, db, a.ID, ids)
		if err := db.Alerts.WithdrawAlert(ctx, "coord-a", a.ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		if done, err := db.Deliveries.FanOutAlert(ctx, a.ID, 5); err != nil || !done {
			t.Fatalf("fan-out of a withdrawn alert: done %v, %v", done, err)
		}
		if after := made(t, db, a.ID, ids); !maps.EqualFunc(after, before, slices.Equal) {
			t.Errorf("a withdrawn alert's fan-out went on: %v, was %v", after, before)
		}
		for _, ch := range []string{"email", "sms"} {
			ds, err := db.Deliveries.ClaimDeliveries(ctx, ch, "", 100, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != 0 {
				t.Errorf("%s: %d deliveries of a withdrawn alert claimed", ch, len(ds))
			}
		}
		counts, _ := db.Deliveries.DeliveryCounts(ctx, a.ID)
		for _, ch := range []string{"email", "sms"} {
			for st, n := range counts[ch] {
				if st != scheme.DeliveryCancelled && n > 0 {
					t.Errorf("%s: %d %s after withdrawal", ch, n, st)
				}
			}
		}
	})
}

// clock is a settable time for the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time             { return c.t }
func (c *clock) add(d time.Duration) *clock { c.t = c.t.Add(d); return c }

func TestDeliveries_ClaimMarkRetryAndStaleClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now().UTC().Truncate(time.Second)}
		db.SetClock(c.now)
		ids := population(t, db, people)
		a, _ := publish(t, db, false, []string{"london"}, []string{"street"}, []string{"woman"})
		fanOut(t, db, a.ID, 100)
		const stale = 10 * time.Minute

		// SMS: "both", "sms" and "chose-sms"; the man is outside the gender.
		ds, err := db.Deliveries.ClaimDeliveries(ctx, "sms", "", 100, stale)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{ids["ldn-street-woman-both"]: "+447700900101", ids["ldn-street-woman-sms"]: "+447700900102",
			ids["ldn-street-woman-chose-sms"]: "+447700900103"}
		if len(ds) != len(want) {
			t.Fatalf("claimed %d SMS, want %d", len(ds), len(want))
		}
		for _, d := range ds {
			if d.To != want[d.UserID] || !d.Wanted || !d.Live || d.Attempts != 1 || d.AlertID != a.ID || d.Channel != "sms" {
				t.Errorf("claimed %+v", d)
			}
		}
		if again, _ := db.Deliveries.ClaimDeliveries(ctx, "sms", "", 100, stale); len(again) != 0 {
			t.Errorf("claimed %d again while sending", len(again))
		}
		if next, ok, err := db.Deliveries.NextDeliveryAt(ctx, "sms", stale); err != nil || !ok || !next.Equal(c.t.Add(stale)) {
			t.Errorf("next SMS due %v %v %v; want when the claims go stale, %v", next, ok, err, c.t.Add(stale))
		}

		byUser := map[string]outbox.AlertDelivery{}
		for _, d := range ds {
			byUser[d.UserID] = d
		}
		sent, retry, stalled := byUser[ids["ldn-street-woman-both"]], byUser[ids["ldn-street-woman-sms"]], byUser[ids["ldn-street-woman-chose-sms"]]
		if err := db.Deliveries.MarkDelivery(ctx, sent, outbox.DeliveryMark{Status: scheme.DeliverySent}); err != nil {
			t.Fatal(err)
		}
		if err := db.Deliveries.MarkDelivery(ctx, retry, outbox.DeliveryMark{Status: scheme.DeliveryRetrying, NextAttempt: c.t.Add(time.Minute), Reason: "sms status 503"}); err != nil {
			t.Fatal(err)
		}
		if next, ok, _ := db.Deliveries.NextDeliveryAt(ctx, "sms", stale); !ok || !next.Equal(c.t.Add(time.Minute)) {
			t.Errorf("next SMS due %v, want the retry's time", next)
		}
		if got, _ := db.Deliveries.ClaimDeliveries(ctx, "sms", "", 100, stale); len(got) != 0 {
			t.Errorf("a retry claimed before its time")
		}
		c.add(time.Minute)
		got, err := db.Deliveries.ClaimDeliveries(ctx, "sms", "", 100, stale)
		if err != nil || len(got) != 1 || got[0].UserID != retry.UserID || got[0].Attempts != 2 {
			t.Fatalf("claim at the retry's time: %+v, %v", got, err)
		}
		if err := db.Deliveries.MarkDelivery(ctx, got[0], outbox.DeliveryMark{Status: scheme.DeliverySent}); err != nil {
			t.Fatal(err)
		}

		// The third was claimed by a sender that stopped: after StaleAfter
		// it is claimed again, as the same delivery (same reference), and
		// the stalled sender's late mark is ignored.
		c.add(stale)
		got, err = db.Deliveries.ClaimDeliveries(ctx, "sms", "", 100, stale)
		if err != nil || len(got) != 1 || got[0].UserID != stalled.UserID || got[0].Attempts != 2 || got[0].Ref() != stalled.Ref() {
			t.Fatalf("claim of a stale delivery: %+v, %v", got, err)
		}
		if err := db.Deliveries.MarkDelivery(ctx, stalled, outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: "late"}); err != nil {
			t.Fatal(err)
		}
		if err := db.Deliveries.MarkDelivery(ctx, got[0], outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: "sms status 400, provider code 21211"}); err != nil {
			t.Fatal(err)
		}
		counts, _ := db.Deliveries.DeliveryCounts(ctx, a.ID)
		if !maps.Equal(counts["sms"], map[string]int{"sent": 2, "failed": 1}) {
			t.Errorf("SMS counts %v", counts["sms"])
		}
		failures, err := db.Deliveries.DeliveryFailures(ctx, a.ID, scheme.Page{Number: 1, Size: 10})
		fs := failures.Items
		if err != nil || len(fs) != 1 {
			t.Fatalf("failures %+v, %v", fs, err)
		}
		f := fs[0]
		if f.Channel != "sms" || f.State != "failed" || f.Error != "sms status 400, provider code 21211" || f.Attempts != 2 || f.Ref != stalled.Ref() {
			t.Errorf("failure %+v", f)
		}
		if s := fmt.Sprintf("%+v", fs); strings.Contains(s, stalled.UserID) || strings.Contains(s, "+4477") {
			t.Errorf("failures name the member: %s", s)
		}
		if _, ok, _ := db.Deliveries.NextDeliveryAt(ctx, "sms", stale); ok {
			t.Errorf("SMS still due after all were worked")
		}
	})
}

func TestDeliveries_ReleaseOutboxCancelAndChangedChoice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, people)
		a, _ := publish(t, db, false, []string{"london"}, []string{"street"}, []string{"woman"})
		fanOut(t, db, a.ID, 100)

		// The email-only member turns email off before it is sent.
		if err := db.Accounts.UpdateProfile(ctx, ids["ldn-street-woman-email"], store.ProfileUpdate{WorkName: "W", Email: "emailonly@example.org",
			Regions: []string{"london"}, Sector: "street", Gender: "woman"}); err != nil {
			t.Fatal(err)
		}
		ds, err := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, time.Minute)
		if err != nil || len(ds) != 4 {
			t.Fatalf("claimed %d emails, %v; want 4", len(ds), err)
		}
		for _, d := range ds {
			switch d.UserID {
			case ids["ldn-street-woman-email"]:
				if d.Wanted || d.To != "emailonly@example.org" {
					t.Errorf("a member who turned email off: %+v", d)
				}
				err = db.Deliveries.MarkDelivery(ctx, d, outbox.DeliveryMark{Status: scheme.DeliveryCancelled, Reason: "member opted out"})
			case ids["ldn-project"]:
				err = db.Deliveries.MarkDelivery(ctx, d, outbox.DeliveryMark{Status: outbox.DeliveryReleased})
			default:
				if !d.Wanted {
					t.Errorf("not wanted: %+v", d)
				}
				err = db.Deliveries.MarkDelivery(ctx, d, outbox.DeliveryMark{Status: scheme.DeliveryOutbox, Reason: "no provider configured"})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		// The released one is as it was: queued, its attempt not counted.
		again, err := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, time.Minute)
		if err != nil || len(again) != 1 || again[0].UserID != ids["ldn-project"] || again[0].Attempts != 1 {
			t.Fatalf("after release: %+v, %v", again, err)
		}
		counts, _ := db.Deliveries.DeliveryCounts(ctx, a.ID)
		if !maps.Equal(counts["email"], map[string]int{"outbox": 2, "cancelled": 1, "sending": 1}) {
			t.Errorf("email counts %v", counts["email"])
		}
		// Reading the alert moves its in-app row from delivered to read.
		if _, err := db.Alerts.MemberAlert(ctx, ids["ldn-unsaid"], a.ID); err != nil {
			t.Fatal(err)
		}
		counts, _ = db.Deliveries.DeliveryCounts(ctx, a.ID)
		if counts["in_app"]["read"] != 1 || counts["in_app"]["delivered"] != 6 {
			t.Errorf("in-app counts %v", counts["in_app"])
		}
		// A claim made before the alert was withdrawn comes back as not live.
		if err := db.Deliveries.MarkDelivery(ctx, again[0], outbox.DeliveryMark{Status: outbox.DeliveryReleased}); err != nil {
			t.Fatal(err)
		}
		claimed, _ := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, time.Minute)
		if err := db.Alerts.WithdrawAlert(ctx, "coord-a", a.ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		db.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
		stale, _ := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, time.Minute)
		if len(claimed) != 1 || len(stale) != 1 || stale[0].Live {
			t.Errorf("claim of a withdrawn alert's delivery: %+v (before %+v)", stale, claimed)
		}
	})
}

func TestDeliveries_RetryFailedIsAuditedAndRefusedOnceWithdrawn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		population(t, db, people)
		a, _ := publish(t, db, false, []string{"london"}, nil, nil)
		fanOut(t, db, a.ID, 100)
		ds, _ := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, time.Minute)
		for _, d := range ds {
			if err := db.Deliveries.MarkDelivery(ctx, d, outbox.DeliveryMark{Status: scheme.DeliveryFailed, Reason: "smtp reply 550 5.1.1"}); err != nil {
				t.Fatal(err)
			}
		}
		// An unknown channel is refused by alert.Service.RetryDeliveries
		// (TestRules_RefusedBeforeTheStoreIsAsked).
		if n, err := db.Deliveries.RetryDeliveries(ctx, "coord-b", a.ID, "sms"); err != nil || n != 0 {
			t.Errorf("retrying SMS with none failed: %d, %v", n, err)
		}
		n, err := db.Deliveries.RetryDeliveries(ctx, "coord-b", a.ID, "email")
		if err != nil || n != len(ds) || n == 0 {
			t.Fatalf("retried %d, %v; want %d", n, err, len(ds))
		}
		counts, _ := db.Deliveries.DeliveryCounts(ctx, a.ID)
		if !maps.Equal(counts["email"], map[string]int{"queued": n}) {
			t.Errorf("after retry: %v", counts["email"])
		}
		again, _ := db.Deliveries.ClaimDeliveries(ctx, "email", "", 100, time.Minute)
		if len(again) != n || again[0].Attempts != 1 {
			t.Errorf("retried deliveries claimed: %d, attempts %d (counted afresh)", len(again), again[0].Attempts)
		}
		if queuedJobs(t, db, "email") != 1 {
			t.Errorf("no email sender enqueued by the retry")
		}
		audited := 0
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action == "alert.deliveries.retry" && e.Actor == "coord-b" && e.SubjectID == a.ID {
				audited++
			}
		}
		if audited != 2 {
			t.Errorf("%d retries audited, want 2", audited)
		}
		if err := db.Alerts.WithdrawAlert(ctx, "coord-a", a.ID, "Sent in error."); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Deliveries.RetryDeliveries(ctx, "coord-b", a.ID, "email"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("retrying a withdrawn alert: %v, want conflict", err)
		}
		if _, err := db.Deliveries.RetryDeliveries(ctx, "coord-b", "no-such-alert", "email"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("retrying an unknown alert: %v, want not found", err)
		}
	})
}

func TestDeliveries_PauseAndResumeAreRecordedAndResumeStartsTheSender(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if ps, err := db.Deliveries.DeliveryPauses(ctx); err != nil || len(ps) != 0 {
			t.Fatalf("pauses at start: %v, %v", ps, err)
		}
		if err := db.Deliveries.PauseChannel(ctx, "sms", "20 failures in a row; the last: sms status 503"); err != nil {
			t.Fatal(err)
		}
		if err := db.Deliveries.PauseChannel(ctx, "sms", "a second reason"); err != nil {
			t.Fatal(err)
		}
		ps, err := db.Deliveries.DeliveryPauses(ctx)
		if err != nil || len(ps) != 1 || ps[0].Channel != "sms" || ps[0].Reason != "20 failures in a row; the last: sms status 503" || ps[0].PausedAt.IsZero() {
			t.Fatalf("pauses %+v, %v", ps, err)
		}
		if p, _ := db.Deliveries.ChannelPaused(ctx, "sms"); !p {
			t.Error("sms not paused")
		}
		if p, _ := db.Deliveries.ChannelPaused(ctx, "email"); p {
			t.Error("email paused")
		}
		// An unknown channel is refused by alert.Service.ResumeChannel
		// (TestRules_RefusedBeforeTheStoreIsAsked).
		if err := db.Deliveries.ResumeChannel(ctx, "coord-b", "sms"); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.Deliveries.ChannelPaused(ctx, "sms"); p {
			t.Error("sms still paused after resume")
		}
		if queuedJobs(t, db, "sms") != 1 {
			t.Error("resuming did not start the SMS sender")
		}
		actions := map[string]string{}
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.SubjectType == "channel" {
				actions[e.Action] = e.Actor + " " + e.SubjectID
			}
		}
		if !maps.Equal(actions, map[string]string{"delivery.pause": "system sms", "delivery.resume": "coord-b sms"}) {
			t.Errorf("audited %v", actions)
		}
	})
}

func TestFanOut_OnlyTheAlertsOwnAudienceIsEmailedOrTexted(t *testing.T) {
	// Members can come to read an alert another way (a check that matched
	// it, or the first 30 days of a new member): that never sends them
	// email or SMS, and a targeted member who read it that way first still
	// gets both.
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ids := population(t, db, people)
		a, _ := publish(t, db, false, []string{"london"}, nil, nil)
		for _, who := range []string{"wales-street-woman", "ldn-street-woman-both"} {
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO alert_recipients (alert_id, user_id, via, created_at)
				VALUES ($1, $2, 'check', $3)`, a.ID, ids[who], time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		fanOut(t, db, a.ID, 3)
		got := made(t, db, a.ID, ids)
		if !slices.Contains(got["in_app"], "wales-street-woman") {
			t.Errorf("the member who checked lost the alert: %v", got["in_app"])
		}
		for _, ch := range []string{"email", "sms"} {
			if slices.Contains(got[ch], "wales-street-woman") {
				t.Errorf("%s sent to a member outside the alert's regions who had checked: %v", ch, got[ch])
			}
			if !slices.Contains(got[ch], "ldn-street-woman-both") {
				t.Errorf("no %s for a targeted member who had checked first: %v", ch, got[ch])
			}
		}
		var via string
		if err := db.Writer().QueryRowContext(ctx, `SELECT via FROM alert_recipients WHERE alert_id = $1 AND user_id = $2`,
			a.ID, ids["ldn-street-woman-both"]).Scan(&via); err != nil || via != "alert" {
			t.Errorf("targeted member's row via %q (%v), want alert", via, err)
		}
	})
}

// An alert's fan-out in four parts, worked at once by four goroutines in
// small batches, makes each member's rows once, and is marked done (with
// the senders started) only when the last part is.
func TestFanOutParts_WorkedAtOnceMakeEveryRowOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var people []person
		for i := range 24 {
			people = append(people, person{name: fmt.Sprintf("part.%02d", i), kind: "individual", regions: []string{"london"},
				email: fmt.Sprintf("part%02d@example.org", i), alertEmail: i%2 == 0})
		}
		ids := population(t, db, people)
		a, aud := publish(t, db, false, []string{"london"}, nil, nil)
		if aud.InApp != 24 || aud.Email != 12 {
			t.Fatalf("audience %+v", aud)
		}
		const parts = 4
		var wg sync.WaitGroup
		errs := make(chan error, parts)
		for part := range parts {
			wg.Go(func() {
				for {
					done, err := db.Deliveries.FanOutPart(ctx, a.ID, part, parts, 2)
					if err != nil {
						errs <- err
						return
					}
					if done {
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := made(t, db, a.ID, ids)
		if len(got["in_app"]) != 24 || len(got["email"]) != 12 || len(got["sms"]) != 0 {
			t.Errorf("made %d in-app, %d email, %d SMS rows; want 24, 12, 0", len(got["in_app"]), len(got["email"]), len(got["sms"]))
		}
		var doneAt sql.NullTime
		if err := db.Writer().QueryRowContext(ctx, `SELECT fanout_done_at FROM alerts WHERE id = $1`, a.ID).Scan(&doneAt); err != nil || !doneAt.Valid {
			t.Errorf("the fan-out is not marked done (%v)", err)
		}
		if n := queuedJobs(t, db, "email"); n != 1 {
			t.Errorf("%d email senders queued, want 1", n)
		}
		// Run again, any part: nothing more.
		if done, err := db.Deliveries.FanOutPart(ctx, a.ID, 2, parts, 2); err != nil || !done {
			t.Errorf("a part run again: done %v, %v", done, err)
		}
		if got := made(t, db, a.ID, ids); len(got["in_app"]) != 24 {
			t.Errorf("a part run again made more rows: %d", len(got["in_app"]))
		}
	})
}

// One part done while another is not leaves the fan-out open.
func TestFanOutParts_NotDoneUntilEveryPartIs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		population(t, db, []person{{name: "lone", kind: "individual", regions: []string{"london"}}})
		a, _ := publish(t, db, false, []string{"london"}, nil, nil)
		for {
			done, err := db.Deliveries.FanOutPart(ctx, a.ID, 0, 2, 10)
			if err != nil {
				t.Fatal(err)
			}
			if done {
				break
			}
		}
		var doneAt sql.NullTime
		if err := db.Writer().QueryRowContext(ctx, `SELECT fanout_done_at FROM alerts WHERE id = $1`, a.ID).Scan(&doneAt); err != nil || doneAt.Valid {
			t.Errorf("marked done with one part of two worked (%v)", err)
		}
	})
}
