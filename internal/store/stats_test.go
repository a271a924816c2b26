package store_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// statsData builds a small scheme by hand, row by row, so that every
// figure is known exactly. Times are UTC; the scheme works in London, where
// 31 March 2026 23:30 UTC is already 1 April (summer time began on 29
// March), so months are counted on the scheme's clock, not UTC's.
type statsData struct {
	t   *testing.T
	db  *store.DB
	ctx context.Context
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func (d statsData) exec(query string, args ...any) {
	d.t.Helper()
	if _, err := d.db.Writer().ExecContext(d.ctx, query, args...); err != nil {
		d.t.Fatalf("%s: %v", query, err)
	}
}

var blob = []byte("sealed")

// user adds a login with a profile and regions.
func (d statsData) user(id, role, status, membership, gender, sector, org string, created time.Time, regions ...string) {
	d.t.Helper()
	var orgID any
	if org != "" {
		orgID = org
	}
	d.exec(`INSERT INTO users (id, username_idx, username_ct, role, status, password_hash, created_at, organisation_id)
		VALUES ($1, $2, $3, $4, $5, 'x', $6, $7)`, id, []byte(id), blob, role, status, created, orgID)
	d.exec(`INSERT INTO profiles (user_id, membership, gender, sector) VALUES ($1, $2, $3, $4)`, id, membership, gender, sector)
	for _, r := range regions {
		d.exec(`INSERT INTO profile_regions (user_id, region) VALUES ($1, $2)`, id, r)
	}
}

func (d statsData) application(userID, typ, status, submitted, decided string) {
	d.t.Helper()
	var dec any
	if decided != "" {
		dec = utc(decided)
	}
	d.exec(`INSERT INTO applications (id, user_id, type, status, submitted_at, decided_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		"app-"+userID, userID, typ, status, utc(submitted), dec)
}

type handReport struct {
	id, submitted, region, severity, contact, status string
	types                                            []string
	late, third                                      bool
	consents                                         scheme.Consents
}

func (d statsData) report(r handReport) {
	d.t.Helper()
	at := utc(r.submitted)
	d.exec(`INSERT INTO reports (id, third_party, status, severity, severity_rank, region, incident_at, submitted_at, delay_minutes, late,
		contact_method, consent_alert, consent_police, consent_support, consent_police_contact, original_ct, working_ct, acknowledge_by, updated_at)
		VALUES ($1, $2, $3, $4, 1, $5, $6, $6, 60, $7, $8, $9, $10, $11, $12, $13, $13, $6, $6)`,
		r.id, r.third, r.status, r.severity, r.region, at, r.late, r.contact,
		r.consents.Alert, r.consents.Police, r.consents.Support, r.consents.PoliceContact, blob)
	for _, ty := range r.types {
		d.exec(`INSERT INTO report_incident_types (report_id, type) VALUES ($1, $2)`, r.id, ty)
	}
}

func (d statsData) offender(profile string, reports ...string) {
	d.t.Helper()
	d.exec(`INSERT INTO offender_profiles (id, created_at) VALUES ($1, $2)`, profile, utc("2026-01-01 00:00"))
	for i, r := range reports {
		d.exec(`INSERT INTO offenders (id, report_id, position, profile_id) VALUES ($1, $2, $3, $4)`, profile+r, r, i, profile)
	}
}

func (d statsData) alert(id, status, published string, nationwide bool, regions ...string) {
	d.t.Helper()
	var pub any
	if published != "" {
		pub = utc(published)
	}
	at := utc("2026-01-01 00:00")
	d.exec(`INSERT INTO alerts (id, status, severity, severity_rank, nationwide, incident_at, content_ct, flags_ct, created_by, created_at, updated_by, updated_at, published_at)
		VALUES ($1, $2, 'high', 3, $3, $4, $5, $5, 'coord', $4, 'coord', $4, $6)`, id, status, nationwide, at, blob, pub)
	for _, r := range regions {
		d.exec(`INSERT INTO alert_regions (alert_id, region) VALUES ($1, $2)`, id, r)
	}
}

func (d statsData) delivery(alertID, userID, channel, status string) {
	d.t.Helper()
	at := utc("2026-03-01 00:00")
	d.exec(`INSERT INTO alert_deliveries (alert_id, user_id, channel, status, next_attempt_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
		alertID, userID, channel, status, at)
}

func (d statsData) pushDelivery(alertID, userID, device, status string) {
	d.t.Helper()
	at := utc("2026-03-01 00:00")
	d.exec(`INSERT INTO alert_deliveries (alert_id, user_id, channel, device, status, next_attempt_at, updated_at) VALUES ($1, $2, 'push', $3, $4, $5, $5)`,
		alertID, userID, device, status, at)
}

func (d statsData) recipient(alertID, userID, via string, read bool) {
	d.t.Helper()
	at := utc("2026-03-01 00:00")
	var readAt any
	if read {
		readAt = at
	}
	d.exec(`INSERT INTO alert_recipients (alert_id, user_id, via, created_at, read_at) VALUES ($1, $2, $3, $4, $5)`, alertID, userID, via, at, readAt)
}

func seedStats(t *testing.T, db *store.DB) {
	d := statsData{t: t, db: db, ctx: context.Background()}
	d.exec(`INSERT INTO organisations (id, type, name_ct, website_ct, email_ct, email_idx, key_contact_ct, description_ct, created_at)
		VALUES ('orgA', 'project', $1, $1, $1, $1, $1, $1, $2)`, blob, utc("2026-03-09 12:00"))

	// Members. Working hours are Monday to Friday, 9:00 to 17:00, London
	// (GMT until 29 March).
	d.user("m1", "member", "active", "individual", "woman", "escort", "", utc("2026-01-05 09:00"), "london", "south-east")
	d.application("m1", "individual", "approved", "2026-01-05 09:00", "2026-01-05 13:00") // 4 working hours
	d.user("m2", "member", "active", "individual", "man", "street", "", utc("2026-01-30 16:00"), "london")
	d.application("m2", "individual", "approved", "2026-01-30 16:00", "2026-02-05 10:00") // Fri 1 + Mon–Wed 24 + Thu 1 = 26
	d.user("m3", "member", "active", "individual", "", "", "", utc("2026-02-16 09:00"), "wales")
	d.application("m3", "individual", "approved", "2026-02-16 09:00", "2026-02-20 09:00") // Mon–Thu: 32
	d.user("o1", "org_contact", "active", "project", "", "", "orgA", utc("2026-03-09 12:00"), "yorkshire-humber")
	d.application("o1", "project", "approved", "2026-03-09 12:00", "2026-03-10 10:00") // Mon 5 + Tue 1 = 6
	d.user("s1", "org_staff", "active", "staff", "", "", "orgA", utc("2026-03-20 10:00"))
	// Revoked, rejected and waiting people are not members.
	d.user("x1", "member", "revoked", "individual", "woman", "escort", "", utc("2026-01-06 09:00"), "london")
	d.application("x1", "individual", "approved", "2026-01-06 09:00", "2026-01-06 11:00") // 2
	d.user("r1", "applicant", "rejected", "individual", "woman", "street", "", utc("2026-02-02 09:00"), "london")
	d.application("r1", "individual", "rejected", "2026-02-02 09:00", "2026-02-02 10:30") // 1.5
	d.user("a1", "applicant", "applicant", "individual", "", "", "", utc("2026-03-02 09:00"), "scotland")
	d.application("a1", "individual", "pending", "2026-03-02 09:00", "")

	// Reports.
	d.report(handReport{id: "R1", submitted: "2026-01-15 10:00", region: "london", severity: "high", contact: "phone", status: "published",
		types: []string{"robbery", "physical-assault"}, consents: scheme.Consents{Alert: true, Police: true}})
	d.report(handReport{id: "R2", submitted: "2026-01-20 10:00", region: "london", severity: "medium", contact: "text-app", status: "intelligence",
		types: []string{"threats"}, late: true, third: true, consents: scheme.Consents{Alert: true}})
	d.report(handReport{id: "R3", submitted: "2026-02-10 10:00", region: "wales", severity: "highest", contact: "", status: "in_review",
		types: []string{"rape-sexual-assault"}, consents: scheme.Consents{Alert: true, Support: true, PoliceContact: true}})
	d.report(handReport{id: "R4", submitted: "2026-03-31 23:30", region: "london", severity: "low", contact: "website-advert", status: "rejected",
		types: []string{"time-wasting"}, third: true}) // 1 April in London
	d.report(handReport{id: "R5", submitted: "2026-03-31 22:30", region: "scotland", severity: "high", contact: "phone", status: "submitted",
		types: []string{"robbery"}, late: true, consents: scheme.Consents{Alert: true, Police: true, Support: true, PoliceContact: true}}) // 31 March in London
	d.offender("P1", "R1", "R2", "R5")
	d.offender("P2", "R3", "R4")
	d.offender("P3", "R1")

	// Alerts.
	d.alert("A1", "published", "2026-02-01 12:00", true)
	d.alert("A2", "published", "2026-03-05 12:00", false, "london")
	d.alert("A3", "withdrawn", "2026-03-20 12:00", false, "wales")
	d.alert("A4", "draft", "", false, "london")
	d.delivery("A1", "m1", "email", "sent")
	d.delivery("A1", "m1", "sms", "failed")
	d.delivery("A1", "m2", "email", "sent")
	d.delivery("A1", "m3", "email", "queued")
	d.delivery("A2", "m1", "email", "failed")
	d.delivery("A2", "m2", "sms", "sent")
	d.delivery("A3", "m3", "email", "cancelled")
	d.delivery("A4", "m1", "email", "queued") // a draft's: never counted
	// Push: one a device (m1 has two).
	d.pushDelivery("A1", "m1", "phone", "sent")
	d.pushDelivery("A1", "m1", "laptop", "sent")
	d.pushDelivery("A2", "m2", "phone2", "cancelled")
	d.recipient("A1", "m1", "alert", true)
	d.recipient("A1", "m2", "alert", false)
	d.recipient("A1", "m3", "alert", false)
	d.recipient("A1", "o1", "alert", false)
	d.recipient("A1", "s1", "check", false) // found by a check: not a delivery
	d.recipient("A2", "m1", "alert", false)
	d.recipient("A2", "m2", "alert", true)
	d.recipient("A3", "m3", "backfill", false)
}

func london(t *testing.T) scheme.WorkingHours {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return scheme.DefaultWorkingHours(loc)
}

func statsOf(t *testing.T, db *store.DB, f stats.Filter) stats.Figures {
	t.Helper()
	fig, err := db.Reports.Stats(context.Background(), f, london(t))
	if err != nil {
		t.Fatal(err)
	}
	return fig
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

type counts = map[string]int

func TestStats_EveryFigureOnAHandBuiltScheme(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedStats(t, db)
		f := statsOf(t, db, stats.Filter{})

		m := f.Members
		same(t, "members", m.Total, 4)
		same(t, "staff", m.Staff, 1)
		same(t, "members by type", m.ByType, counts{"individual": 3, "project": 1})
		same(t, "members by gender", m.ByGender, counts{"woman": 1, "man": 1, "": 2})
		same(t, "members by sector", m.BySector, counts{"escort": 1, "street": 1, "": 2})
		same(t, "members by region", m.ByRegion, counts{"london": 2, "south-east": 1, "wales": 1, "yorkshire-humber": 1})
		same(t, "members by month", m.ByMonth, counts{"2026-01": 1, "2026-02": 2, "2026-03": 1})

		a := f.Applications
		same(t, "applications by status", a.ByStatus, counts{"approved": 5, "rejected": 1, "pending": 1})
		h := func(hs ...float64) []time.Duration {
			var out []time.Duration
			for _, x := range hs {
				out = append(out, time.Duration(x*float64(time.Hour)))
			}
			return out
		}
		approvedHours := a.Processing["approved"]
		same(t, "approved processing (sorted)", slices.Sorted(slices.Values(approvedHours)), h(2, 4, 6, 26, 32))
		same(t, "rejected processing", a.Processing["rejected"], h(1.5))

		r := f.Reports
		same(t, "reports", [3]int{r.Total, r.Within72h, r.ThirdParty}, [3]int{5, 3, 2})
		same(t, "reports by type", r.ByType, counts{"robbery": 2, "physical-assault": 1, "threats": 1, "rape-sexual-assault": 1, "time-wasting": 1})
		same(t, "reports by severity", r.BySeverity, counts{"high": 2, "medium": 1, "highest": 1, "low": 1})
		same(t, "reports by region", r.ByRegion, counts{"london": 3, "wales": 1, "scotland": 1})
		same(t, "reports by contact", r.ByContact, counts{"phone": 2, "text-app": 1, "": 1, "website-advert": 1})
		same(t, "reports by status", r.ByStatus, counts{"published": 1, "intelligence": 1, "in_review": 1, "rejected": 1, "submitted": 1})
		same(t, "reports by month (London)", r.ByMonth, map[string]stats.ReportMonth{
			"2026-01": {Reports: 2, Within72h: 1, ThirdParty: 1, Alert: 2, Police: 1},
			"2026-02": {Reports: 1, Within72h: 1, Alert: 1, Support: 1, PoliceContact: 1},
			"2026-03": {Reports: 1, Alert: 1, Police: 1, Support: 1, PoliceContact: 1},
			"2026-04": {Reports: 1, Within72h: 1, ThirdParty: 1},
		})

		same(t, "repeat offenders", f.Offenders, stats.OffenderFigures{ByReports: map[int]int{3: 1, 2: 1}, Reports: 5})

		al := f.Alerts
		same(t, "alerts", al.Published, 3)
		same(t, "alerts by month", al.ByMonth, counts{"2026-02": 1, "2026-03": 2})
		same(t, "deliveries", al.Deliveries, map[string]map[string]int{
			"email":  {"sent": 2, "queued": 1, "failed": 1, "cancelled": 1},
			"sms":    {"failed": 1, "sent": 1},
			"push":   {"sent": 2, "cancelled": 1},
			"in_app": {"delivered": 5, "read": 2},
		})

		same(t, "regions listed", len(f.Regions), len(scheme.DefaultRegions))
		same(t, "incident types listed", len(f.IncidentTypes), len(scheme.DefaultIncidentTypes))
	})
}

func TestStats_RegionFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedStats(t, db)
		f := statsOf(t, db, stats.Filter{Region: "london"})
		// Members in London, counted in each of their regions.
		same(t, "members", f.Members.Total, 2)
		same(t, "members by region", f.Members.ByRegion, counts{"london": 2, "south-east": 1})
		same(t, "staff (their organisation is in Yorkshire)", f.Members.Staff, 0)
		same(t, "applications", f.Applications.ByStatus, counts{"approved": 3, "rejected": 1})
		same(t, "reports", [3]int{f.Reports.Total, f.Reports.Within72h, f.Reports.ThirdParty}, [3]int{3, 2, 2})
		same(t, "reports by region", f.Reports.ByRegion, counts{"london": 3})
		// P1 has R1 and R2 in London (R5 is in Scotland); P2 only R4.
		same(t, "repeat offenders", f.Offenders, stats.OffenderFigures{ByReports: map[int]int{2: 1}, Reports: 2})
		// Nationwide A1 and London's A2.
		same(t, "alerts", f.Alerts.ByMonth, counts{"2026-02": 1, "2026-03": 1})
		same(t, "email deliveries", f.Alerts.Deliveries["email"], counts{"sent": 2, "queued": 1, "failed": 1})

		w := statsOf(t, db, stats.Filter{Region: "wales"})
		same(t, "alerts in Wales", w.Alerts.ByMonth, counts{"2026-02": 1, "2026-03": 1})
		same(t, "staff in Yorkshire", statsOf(t, db, stats.Filter{Region: "yorkshire-humber"}).Members.Staff, 1)
	})
}

func TestStats_DateFilterOnTheSchemesClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedStats(t, db)
		loc := london(t).Location
		// February and March in London: 1 February 00:00 GMT to 1 April
		// 00:00 BST (31 March 23:00 UTC).
		f := statsOf(t, db, stats.Filter{From: time.Date(2026, 2, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 1, 0, 0, 0, 0, loc)})
		same(t, "members joined", f.Members.ByMonth, counts{"2026-02": 2, "2026-03": 1})
		same(t, "staff made", f.Members.Staff, 1)
		same(t, "applications made", f.Applications.ByStatus, counts{"rejected": 1, "approved": 2, "pending": 1})
		same(t, "reports (R3 and R5, not R4 on 1 April)", f.Reports.Total, 2)
		same(t, "reports by month", f.Reports.ByMonth, map[string]stats.ReportMonth{
			"2026-02": {Reports: 1, Within72h: 1, Alert: 1, Support: 1, PoliceContact: 1},
			"2026-03": {Reports: 1, Alert: 1, Police: 1, Support: 1, PoliceContact: 1},
		})
		same(t, "repeat offenders (none within the span)", f.Offenders, stats.OffenderFigures{ByReports: map[int]int{}, Reports: 0})
		same(t, "alerts", f.Alerts.Published, 3)

		// Rejected reports left out (the public figures).
		p := statsOf(t, db, stats.Filter{ExcludeRejected: true})
		same(t, "accepted reports", p.Reports.Total, 4)
		same(t, "accepted reports by month", p.Reports.ByMonth["2026-04"], stats.ReportMonth{})
		same(t, "repeat offenders among accepted reports", p.Offenders, stats.OffenderFigures{ByReports: map[int]int{3: 1}, Reports: 3})
	})
}

// TestStats_ChecksByDayAndTheOldestKept: members' checks count by day on
// the scheme's clock, partners' do not, and the oldest check still in the
// log is known whatever the filter (the page compares with a period
// before only when the log reaches back to it).
func TestStats_ChecksByDayAndTheOldestKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedStats(t, db)
		d := statsData{t: t, db: db, ctx: context.Background()}
		if f := statsOf(t, db, stats.Filter{}); len(f.Checks.ByDay) != 0 || !f.Checks.Oldest.IsZero() {
			t.Fatalf("no checks yet: %+v", f.Checks)
		}
		check := func(id, at string, matches int) {
			d.exec(`INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at) VALUES ($1, 'm1', 'web', 'phone', $2, $3, $4)`,
				id, []byte(id), matches, utc(at))
		}
		check("c1", "2026-03-02 10:00", 0)
		check("c2", "2026-03-31 23:30", 1) // 1 April in London
		check("c3", "2026-04-01 09:00", 0)
		loc := london(t).Location
		f := statsOf(t, db, stats.Filter{From: time.Date(2026, 3, 15, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 15, 0, 0, 0, 0, loc)})
		same(t, "checks by day", f.Checks.ByDay, map[string]stats.CheckDay{"2026-04-01": {Checks: 2, Hits: 1}})
		same(t, "oldest check kept", f.Checks.Oldest.Equal(utc("2026-03-02 10:00")), true)
	})
}
