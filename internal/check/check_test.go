package check_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// fixture is a scheme with one member, a published alert naming
// +447700900123 (high) and one naming it too (highest), a published alert
// naming an email, a draft naming +447700900777, and a report naming
// +447700900555 with no alert at all.
type fixture struct {
	db      *store.DB
	svc     *check.Service
	clk     *clock
	member  scheme.User
	other   scheme.User
	alerts  []string // the two naming +447700900123
	emailID string
}

func setup(t testing.TB, db *store.DB, limits check.Limits) fixture {
	t.Helper()
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/London")
	clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, loc)}
	db.SetClock(clk.now)
	acc, err := account.New(db, scheme.DefaultWorkingHours(loc), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	user := func(name string) scheme.User {
		a, err := acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: name, Password: "a long test passphrase",
			WorkName: "Test " + name, Email: name + "@example.org", Regions: []string{"london"}, TermsVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
			t.Fatal(err)
		}
		u, err := db.Accounts.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f := fixture{db: db, clk: clk, member: user("checker"), other: user("bystander")}
	f.svc = check.New(db, loc, limits)
	f.svc.Now = clk.now
	publish := func(sev scheme.Severity, regions []string, publish bool, ids ...scheme.Identifier) string {
		a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
			AlertContent: scheme.AlertContent{Title: "Robbery " + string(sev), Body: "A man took a bag.", Area: "London", Identifiers: ids},
			Severity:     sev, IncidentTypes: []string{"robbery"}, IncidentAt: clk.t.Add(-time.Hour), Regions: regions,
		})
		if err != nil {
			t.Fatal(err)
		}
		if publish {
			if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		return a.ID
	}
	ph := func(e164 string) scheme.Identifier {
		return scheme.Identifier{Kind: "phone", Value: e164, Normalised: e164}
	}
	// One alert went to Wales only: a London member checking still finds it.
	f.alerts = []string{publish(scheme.SeverityHigh, []string{"london"}, true, ph("+447700900123")),
		publish(scheme.SeverityHighest, []string{"wales"}, true, ph("+447700900123"))}
	f.emailID = publish(scheme.SeverityMedium, []string{"london"}, true, scheme.Identifier{Kind: "email", Value: "x@example.org", Normalised: "x@example.org"})
	publish(scheme.SeverityHigh, []string{"london"}, false, ph("+447700900777"))
	if _, err := db.Reports.CreateReport(ctx, scheme.Report{
		Status: scheme.ReportPublished, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "london",
		IncidentAt: clk.t.Add(-5 * time.Hour), SubmittedAt: clk.t, Delay: 5 * time.Hour, AcknowledgeBy: clk.t.Add(24 * time.Hour),
		Original: scheme.ReportContent{Account: "He took my bag.", Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{ph("+447700900555")}}}},
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

func ids(as []scheme.Alert) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestCheck_EveryWayOfWritingANumberMatchesTheSameAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 50, PerMinute: 50})
		ctx := context.Background()
		for _, typed := range []string{"07700 900123", "+44 7700 900123", "447700900123", "07700-900-123", "(07700) 900 123"} {
			r, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", typed)
			if err != nil {
				t.Fatalf("%q: %v", typed, err)
			}
			got := ids(r.Alerts)
			if r.Kind != "phone" || len(got) != 2 || !(got[0] == f.alerts[1] && got[1] == f.alerts[0] || got[0] == f.alerts[0] && got[1] == f.alerts[1]) {
				t.Errorf("%q: kind %q, alerts %v, want phone and %v", typed, r.Kind, got, f.alerts)
			}
			if r.Highest != scheme.SeverityHighest || !r.Reported() {
				t.Errorf("%q: highest %q, want highest", typed, r.Highest)
			}
		}
		// The member can now open the Wales alert they were not sent.
		if _, err := db.Alerts.MemberAlert(ctx, f.member.ID, f.alerts[1]); err != nil {
			t.Errorf("opening an alert found by a check: %v", err)
		}
		// Nobody else can.
		if _, err := db.Alerts.MemberAlert(ctx, f.other.ID, f.alerts[1]); !errors.Is(err, scheme.ErrNotFound) {
			t.Errorf("another member opening it: %v, want not found", err)
		}
		r, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", " X@Example.ORG ")
		if err != nil || r.Kind != "email" || len(r.Alerts) != 1 || r.Alerts[0].ID != f.emailID || r.Highest != scheme.SeverityMedium {
			t.Errorf("email: %+v %v", r, err)
		}
	})
}

func TestCheck_OnlyPublishedAlertsAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 50, PerMinute: 50})
		ctx := context.Background()
		// +447700900555 is in a report but in no alert; +447700900777 is in
		// a draft alert.
		for _, typed := range []string{"07700 900555", "07700 900777", "07700 900999"} {
			r, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "phone", typed)
			if err != nil {
				t.Fatal(err)
			}
			if r.Reported() || len(r.Alerts) != 0 {
				t.Errorf("%q: %+v, want nothing reported", typed, r)
			}
		}
		// A withdrawn alert stops answering.
		if err := db.Alerts.WithdrawAlert(ctx, "coord-a", f.emailID, "Withdrawn: it was a mistake."); err != nil {
			t.Fatal(err)
		}
		if r, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "email", "x@example.org"); err != nil || r.Reported() {
			t.Errorf("withdrawn alert: %+v %v, want nothing reported", r, err)
		}
	})
}

func TestCheck_PartialAndWrongValuesAreRefusedAndNotLogged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 50, PerMinute: 50})
		ctx := context.Background()
		for _, c := range []struct{ kind, value, field string }{
			{"", "07700 900", "value"},
			{"", "07700 900xxx", "value"},
			{"phone", "0770", "value"},
			{"email", "someone@", "value"},
			{"vehicle", "AB1", "value"},
			{"", "", "value"},
			{"username", "jo...", "value"},
			{"name", "Gaz", "kind"},
			{"phone", "07700 9OO123", "value"},
		} {
			_, err := f.svc.Member(ctx, f.member, check.ChannelWeb, c.kind, c.value)
			var se *scheme.Error
			if !errors.As(err, &se) || se.Code != scheme.CodeInvalid || se.Fields[c.field] == "" {
				t.Errorf("%q %q: %v, want a message about %s", c.kind, c.value, err, c.field)
			}
		}
		if n, err := db.Checks.ChecksToday(ctx, f.member.ID, time.Time{}); err != nil || n != 0 {
			t.Errorf("refused checks logged: %d %v", n, err)
		}
	})
}

func TestCheck_AllowanceEnforcedAndResetAtMidnight(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 5, PerMinute: 3})
		ctx := context.Background()
		do := func() error {
			_, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", "07700 900123")
			return err
		}
		for i := range 3 {
			res, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", "07700 900123")
			if err != nil {
				t.Fatalf("check %d: %v", i+1, err)
			}
			// The answer says what is left without counting again.
			if res.Left != 5-(i+1) {
				t.Errorf("check %d: %d left, want %d", i+1, res.Left, 5-(i+1))
			}
		}
		// The minute's burst.
		var le *check.LimitError
		if err := do(); !errors.As(err, &le) || le.Daily || le.RetryAfter <= 0 || le.RetryAfter > time.Minute {
			t.Fatalf("4th check in a minute: %v, want the minute's limit", err)
		}
		if le.Left != 2 {
			t.Errorf("refused for the minute: %d left today, want 2", le.Left)
		}
		f.clk.t = f.clk.t.Add(61 * time.Second)
		for i := range 2 {
			if err := do(); err != nil {
				t.Fatalf("check %d after a minute: %v", i+4, err)
			}
		}
		f.clk.t = f.clk.t.Add(2 * time.Minute)
		err := do()
		if !errors.As(err, &le) || !le.Daily {
			t.Fatalf("6th check of the day: %v, want the day's limit", err)
		}
		// 10:03:01 in London: the day ends in 13 h 57 min.
		if want := 14*time.Hour - 3*time.Minute - time.Second; le.RetryAfter < want-time.Second || le.RetryAfter > want+time.Second {
			t.Errorf("Retry-After %v, want about %v", le.RetryAfter, want)
		}
		if left, _ := f.svc.Left(ctx, f.member); left != 0 || le.Left != 0 {
			t.Errorf("left %d (the refusal says %d), want 0", left, le.Left)
		}
		// Another member is not affected.
		if _, err := f.svc.Member(ctx, f.other, check.ChannelWeb, "", "07700 900123"); err != nil {
			t.Errorf("another member: %v", err)
		}
		// After midnight in London, a new day's allowance.
		f.clk.t = time.Date(2026, 11, 25, 0, 0, 1, 0, f.svc.Loc)
		if err := do(); err != nil {
			t.Errorf("after midnight: %v", err)
		}
		if left, _ := f.svc.Left(ctx, f.member); left != 4 {
			t.Errorf("left %d, want 4", left)
		}
	})
}

func TestCheck_LogHoldsNoTypedValue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 50, PerMinute: 50})
		ctx := context.Background()
		typed := []string{"07700 900123", "447700900123", "x@example.org", "AB12 CDE", "@some_handle"}
		for _, v := range typed {
			if _, err := f.svc.Member(ctx, f.member, check.ChannelSMS, "", v); err != nil {
				t.Fatalf("%q: %v", v, err)
			}
		}
		rows, err := db.Writer().QueryContext(ctx, `SELECT * FROM checks`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				s := strings.ToLower(fmt.Sprint(v))
				if b, ok := v.([]byte); ok {
					s = strings.ToLower(string(b))
				}
				for _, needle := range []string{"7700", "900123", "example.org", "ab12", "cde", "some_handle"} {
					if strings.Contains(s, needle) {
						t.Errorf("column %s holds %q", cols[i], needle)
					}
				}
			}
		}
		if n != len(typed) {
			t.Errorf("%d checks logged, want %d", n, len(typed))
		}
		entries, err := db.Checks.MemberChecks(ctx, f.member.ID, time.Time{}, 10)
		if err != nil || len(entries) != len(typed) || entries[0].Channel != "sms" {
			t.Errorf("member's checks: %+v %v", entries, err)
		}
	})
}

func TestCheck_PartnersLearnOnlyWhetherAndHowSeverely(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 50, PerMinute: 50})
		ctx := context.Background()
		var keyID string
		if err := db.Writer().QueryRowContext(ctx, `SELECT 'k1'`).Scan(&keyID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO api_keys (id, name, prefix, key_hash, per_minute, per_day, created_by, created_at)
			VALUES ($1, 'Example Adverts', 'umpk_TEST', $2, 2, 3, 'admin', $3)`, keyID, []byte("not a real hash"), f.clk.t.UTC()); err != nil {
			t.Fatal(err)
		}
		key := scheme.APIKey{ID: keyID, PerMinute: 2, PerDay: 3}
		r, err := f.svc.Partner(ctx, key, "", "07700 900123")
		if err != nil || !r.Reported() || r.Highest != scheme.SeverityHighest || r.Alerts != nil {
			t.Fatalf("partner check: %+v %v", r, err)
		}
		r, err = f.svc.Partner(ctx, key, "", "07700 900555")
		if err != nil || r.Reported() || r.Highest != "" {
			t.Fatalf("partner check of an unpublished identifier: %+v %v", r, err)
		}
		var le *check.LimitError
		if _, err := f.svc.Partner(ctx, key, "", "07700 900123"); !errors.As(err, &le) || le.Daily {
			t.Fatalf("partner's 3rd in a minute: %v, want the minute's limit", err)
		}
		f.clk.t = f.clk.t.Add(time.Minute)
		if _, err := f.svc.Partner(ctx, key, "", "07700 900123"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Partner(ctx, key, "", "07700 900123"); !errors.As(err, &le) || !le.Daily {
			t.Fatalf("partner's 4th of the day: %v, want the day's limit", err)
		}
	})
}

func TestCheck_UnusualCheckingIsFlagged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 500, PerMinute: 500})
		ctx := context.Background()
		// The bystander checks a couple of clients: nothing unusual.
		for _, v := range []string{"07700 900123", "07700 900124"} {
			if _, err := f.svc.Member(ctx, f.other, check.ChannelWeb, "", v); err != nil {
				t.Fatal(err)
			}
		}
		// The checker keeps checking a number that is in a report but
		// in no alert — as an offender checking on himself would.
		for range scheme.UnusualReportedCheck {
			if _, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", "07700 900555"); err != nil {
				t.Fatal(err)
			}
		}
		listed, err := db.Checks.UnusualChecking(ctx, f.clk.t.Add(-scheme.UnusualWindow), scheme.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if flags := listed.Items; len(flags) != 1 || flags[0].UserID != f.member.ID || flags[0].ReportedRepeated != scheme.UnusualReportedCheck ||
			len(flags[0].Reasons) != 1 || flags[0].Checks != scheme.UnusualReportedCheck {
			t.Fatalf("flags %+v, want the checker only, for a reported identifier", listed.Items)
		}
		// Many different numbers flag the bystander too.
		for i := range scheme.UnusualDistinct {
			if _, err := f.svc.Member(ctx, f.other, check.ChannelAPI, "", fmt.Sprintf("07700 900%03d", 200+i)); err != nil {
				t.Fatal(err)
			}
		}
		listed, err = db.Checks.UnusualChecking(ctx, f.clk.t.Add(-scheme.UnusualWindow), scheme.PageOf(1))
		if err != nil {
			t.Fatal(err)
		}
		if flags := listed.Items; listed.Total != 2 || len(flags) != 2 || flags[0].UserID != f.other.ID || flags[0].Distinct != scheme.UnusualDistinct+2 {
			t.Fatalf("flags %+v, want the bystander first for many values", listed)
		}
		// Old checks fall out of the window and are purged.
		if n, err := db.Checks.PurgeChecks(ctx, f.clk.t.Add(time.Second)); err != nil || n != int64(2+scheme.UnusualReportedCheck+scheme.UnusualDistinct) {
			t.Errorf("purged %d %v", n, err)
		}
	})
}

func TestDetect(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"07700 900123", "phone"},
		{"+44 7700 900123", "phone"},
		{"(07700) 900-123", "phone"},
		{"07700 900xxx", "phone"},
		{"someone@example.org", "email"},
		{"@jo_x", "username"},
		{"jo_x", "username"},
		{"AB12 CDE", "vehicle"},
		{"ab12cde", "vehicle"},
		{"A123 BCD", "vehicle"},
		{"ABC 123D", "vehicle"},
		{"161-D-12345", "vehicle"},
		{"dan99", "username"},
		{"Gaz", "username"},
	} {
		if got := check.Detect(c.in); got != c.want {
			t.Errorf("Detect(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheck_CountedByDayInStatistics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 50, PerMinute: 50})
		ctx := context.Background()
		for _, v := range []string{"07700 900123", "07700 900124", "x@example.org"} {
			if _, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", v); err != nil {
				t.Fatal(err)
			}
		}
		f.clk.t = f.clk.t.Add(24 * time.Hour)
		if _, err := f.svc.Member(ctx, f.other, check.ChannelWeb, "", "07700 900124"); err != nil {
			t.Fatal(err)
		}
		fig, err := db.Reports.Stats(ctx, stats.Filter{}, scheme.DefaultWorkingHours(f.svc.Loc))
		if err != nil {
			t.Fatal(err)
		}
		if fig.Checks == nil || fig.Checks.ByDay["2026-11-24"] != (stats.CheckDay{Checks: 3, Hits: 2}) ||
			fig.Checks.ByDay["2026-11-25"] != (stats.CheckDay{Checks: 1}) || len(fig.Checks.ByDay) != 2 {
			t.Errorf("checks by day: %+v", fig.Checks)
		}
		// Wales: nobody who checked works there.
		fig, err = db.Reports.Stats(ctx, stats.Filter{Region: "wales"}, scheme.DefaultWorkingHours(f.svc.Loc))
		if err != nil || len(fig.Checks.ByDay) != 0 {
			t.Errorf("checks by members in Wales: %+v %v", fig.Checks, err)
		}
	})
}

// Showing who checks unusually is a view of personal data: the service
// audits each look, with how many were flagged, and refuses members.
func TestCheck_UnusualCheckingIsAuditedWhenShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db, check.Limits{PerDay: 500, PerMinute: 500})
		ctx := context.Background()
		if _, err := account.CreateStaff(ctx, db, "test", "staff.coord", "a long test passphrase", scheme.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		coord, err := db.Accounts.UserByUsername(ctx, "staff.coord")
		if err != nil {
			t.Fatal(err)
		}
		for range scheme.UnusualReportedCheck {
			if _, err := f.svc.Member(ctx, f.member, check.ChannelWeb, "", "07700 900555"); err != nil {
				t.Fatal(err)
			}
		}
		views := func() (n int, detail string) {
			for e, err := range db.AuditEntries(ctx) {
				if err != nil {
					t.Fatal(err)
				}
				if e.Action == "checks.flags.view" {
					n, detail = n+1, e.Detail
					if e.Actor != coord.ID || e.SubjectType != "checks" {
						t.Errorf("entry %+v", e)
					}
				}
			}
			return n, detail
		}
		if _, err := f.svc.Unusual(ctx, f.member, scheme.PageOf(1)); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member reading the flags: %v", err)
		}
		if n, _ := views(); n != 0 {
			t.Fatalf("%d view entries before a coordinator looked", n)
		}
		listed, err := f.svc.Unusual(ctx, coord, scheme.PageOf(1))
		if flags := listed.Items; err != nil || len(flags) != 1 || flags[0].UserID != f.member.ID {
			t.Fatalf("flags %+v %v, want the checker", listed, err)
		}
		if n, detail := views(); n != 1 || detail != `{"flagged":1}` {
			t.Errorf("%d view entries (last %s), want 1 with one flagged", n, detail)
		}
	})
}
