package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/alert"
	"uglymugs/internal/browsertest"
	"uglymugs/internal/impact"
	"uglymugs/internal/outbox"
	"uglymugs/internal/police"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// keptBack are the tables that may hold rows about a member and are left
// out of her data download, each with the reason. Every other table holding
// a row about her must be in the download: a new table fails
// TestMyData_EveryTableAboutHerIsInHerDownload until it is one or the other.
var keptBack = map[string]string{
	"audit_log":             "staff's entries about her are shown through what they changed (her reports' history, messages, decisions); some (disclosures she is not to be told of, vetting) are withheld by law. Her own actions are in activity.",
	"case_tasks":            "caseworkers' working list for a case; what they did reaches her as messages, history and status",
	"applications":          "its vetting flags are withheld (a possible offender must not learn she was flagged); the rest is in application",
	"offender_identifiers":  "the identifiers she reported, which are in her report as sent and as kept",
	"report_incident_types": "her report's incident types, which are in the report",
	"offenders":             "the offenders of her report, which are in the report as sent and as kept",
	"alert_reports":         "listed in each report's alerts",
	"police_export_reports": "listed in each report's shared_with_police",
	"member_keys":           "her data key, which opens what is hers; a key is never shown",
	"alert_fanout_parts":    "a fan-out's place in the members' list, which may be her id; nothing about her",
	"police_enquiries":      "those forwarded to her are in each report's police_enquiries; one not forwarded to her is the police's request to the scheme",
	"report_impact":         "counts of what her report led to and of what she was last told of them: in each report's impact",
	"check_days_user":       "how many checks she made each day, for her allowance: her checks are in checks",
}

// inDownload are the tables whose rows about her are in her download, with
// how many items there hold them. A table whose rows are folded into one
// item (her profile's regions, say) counts 1 when it has any.
var inDownload = map[string]func(e scheme.MemberData) int{
	"users":              func(e scheme.MemberData) int { return one(e.User.ID != "") },
	"profiles":           func(e scheme.MemberData) int { return one(e.Profile.UserID != "") },
	"profile_regions":    func(e scheme.MemberData) int { return len(e.Profile.Regions) },
	"profile_towns":      func(e scheme.MemberData) int { return len(e.Profile.Towns) },
	"sessions":           func(e scheme.MemberData) int { return len(e.SessionList) },
	"recovery_codes":     func(e scheme.MemberData) int { return e.RecoveryCodes },
	"password_resets":    func(e scheme.MemberData) int { return len(e.Resets) },
	"push_subscriptions": func(e scheme.MemberData) int { return len(e.PushDevices) },
	"reports":            func(e scheme.MemberData) int { return len(e.Reports) },
	"report_events": func(e scheme.MemberData) (n int) {
		for _, r := range e.Reports {
			n += len(r.History)
		}
		return n
	},
	"report_messages": func(e scheme.MemberData) (n int) {
		for _, r := range e.Reports {
			n += len(r.Messages)
		}
		return n
	},
	"enquiry_forwards": func(e scheme.MemberData) (n int) {
		for _, r := range e.Reports {
			n += len(r.Enquiries)
		}
		return n
	},
	"report_drafts":    func(e scheme.MemberData) int { return len(e.Drafts) },
	"checks":           func(e scheme.MemberData) int { return len(e.Checks) },
	"alert_recipients": func(e scheme.MemberData) int { return len(e.Alerts) },
	"alert_additions":  func(e scheme.MemberData) int { return len(e.Additions) },
	"alert_deliveries": func(e scheme.MemberData) (n int) {
		for _, x := range e.Notifications {
			n += one(x.About == "alert")
		}
		return n
	},
	"notifications": func(e scheme.MemberData) (n int) {
		for _, x := range e.Notifications {
			n += one(x.About != "alert")
		}
		return n
	},
	"disclosures":       func(e scheme.MemberData) int { return len(e.Disclosures) },
	"service_referrals": func(e scheme.MemberData) int { return len(e.Referrals) },
	"police_help_requests": func(e scheme.MemberData) (n int) {
		for _, r := range e.Reports {
			n += len(r.PoliceHelp)
		}
		return n
	},
	"impact_notices": func(e scheme.MemberData) int { return one(!e.ImpactToldAt.IsZero()) },
}

func one(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A member who used every feature downloads her data: every table holding
// a row about her (found by looking for her id and her reports' ids in every
// text column of every table) is in the download with as many items as it
// has rows, or is kept back with a reason. Nothing in it is an address or a
// checked value.
func TestMyData_EveryTableAboutHerIsInHerDownload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d, rep := busyMember(t, db)
		her := d.users["reporter"]
		status, raw := d.call("reporter", "GET", "/api/v1/me/export", "")
		if status != http.StatusOK {
			t.Fatalf("the download: %d %v", status, raw)
		}
		b, _ := json.Marshal(raw)
		var e scheme.MemberData
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatal(err)
		}

		ids := []string{her.ID}
		for _, r := range e.Reports {
			ids = append(ids, r.ID)
		}
		if len(ids) != 3 {
			t.Fatalf("her download holds %d reports, want 2", len(ids)-1)
		}
		about := rowsAbout(t, db, ids)
		about["disclosures"]-- // the one she is not to be told of
		if len(about) < 15 {
			t.Fatalf("only %d tables hold rows about her: the search is broken (%v)", len(about), about)
		}
		for table, n := range about {
			count, shown := inDownload[table]
			_, kept := keptBack[table]
			switch {
			case shown && kept:
				t.Errorf("%s is both in the download and kept back", table)
			case shown && count(e) != n:
				t.Errorf("%s holds %d rows about her; her download has %d", table, n, count(e))
			case !shown && !kept:
				t.Errorf("%s holds %d rows about her and is neither in her download nor kept back with a reason", table, n)
			}
		}
		for table := range inDownload {
			if about[table] == 0 {
				t.Errorf("the test never made a row about her in %s: use that feature too", table)
			}
		}

		if len(e.Disclosures) != 1 || e.Disclosures[0].What != "Her mobile number." {
			t.Errorf("disclosures: %+v, want only the one she is told of", e.Disclosures)
		}
		var mine scheme.MyReport
		for _, r := range e.Reports {
			if r.ID == rep.ID {
				mine = r
			}
		}
		if mine.AsSent.Account == "" || len(mine.Messages) != 3 || len(mine.Enquiries) != 1 || mine.Enquiries[0].Decision != "caseworker" ||
			len(mine.SharedWithPolice) != 1 || !mine.Consents.Police {
			t.Errorf("her first report in the download: %+v", mine)
		}
		if len(e.Checks) != 1 || !e.Checks[0].Found || len(e.Activity) == 0 || !e.Discreet {
			t.Errorf("checks %+v, activity %d entries, discreet %v", e.Checks, len(e.Activity), e.Discreet)
		}
		// Never an address a message went to, a checked value, a key or
		// what the law lets the scheme keep back.
		sent, _ := json.Marshal([]any{e.Notifications, e.Checks, e.SessionList, e.Activity})
		for _, secret := range []string{"coral@example.org", "7700", "@"} {
			if strings.Contains(string(sent), secret) {
				t.Errorf("her notifications, checks, sessions or activity hold %q: %s", secret, sent)
			}
		}
		for _, secret := range []string{"push.example.org", "JBSWY3DP", "code-one-hash", "Telling her would prejudice", "An investigation", "Her work name."} {
			if strings.Contains(string(b), secret) {
				t.Errorf("her download holds %q", secret)
			}
		}
	})
}

// rowsAbout counts, in every table, the rows with one of ids in any text
// column.
func rowsAbout(t *testing.T, db *store.DB, ids []string) map[string]int {
	t.Helper()
	ctx := context.Background()
	w := db.Writer()
	var cols *sql.Rows
	var err error
	if db.Dialect() == store.SQLite {
		cols, err = w.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND upper(p.type) = 'TEXT'`)
	} else {
		cols, err = w.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')`)
	}
	if err != nil {
		t.Fatal(err)
	}
	byTable := map[string][]string{}
	for cols.Next() {
		var table, col string
		if err := cols.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		byTable[table] = append(byTable[table], col)
	}
	if err := cols.Err(); err != nil {
		t.Fatal(err)
	}
	cols.Close()
	in := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		in[i], args[i] = fmt.Sprintf("$%d", i+1), id
	}
	list := strings.Join(in, ", ")
	out := map[string]int{}
	tables := make([]string, 0, len(byTable))
	for table := range byTable {
		tables = append(tables, table)
	}
	sort.Strings(tables)
	for _, table := range tables {
		var where []string
		for _, c := range byTable[table] {
			where = append(where, fmt.Sprintf(`"%s" IN (%s)`, c, list))
		}
		var n int
		if err := w.QueryRowContext(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM "%s" WHERE %s`, table, strings.Join(where, " OR ")), args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if n > 0 {
			out[table] = n
		}
	}
	return out
}

// busyMember is the API desk with a reporter who used every feature: she
// narrowed her alerts to a town, reported twice (one became an alert that
// reached her), wrote to the scheme, changed her consents, started a
// draft, made a check, added to an alert, answered a police enquiry, has a
// push device, a second factor and a reset, was the subject of a
// disclosure she is told of and of one she is not, and her report went to
// the police. It returns the desk and her first report.
func busyMember(t *testing.T, db *store.DB) (*apiDesk, scheme.Report) {
	t.Helper()
	d := newAPIDesk(t, db)
	ctx := context.Background()
	her := d.users["reporter"]

	if _, err := db.Towns.AddTown(ctx, d.users["admin"].ID, "london", "Camden", "camden"); err != nil {
		t.Fatal(err)
	}
	// She narrows her alerts to a town and takes them by email; she
	// reports, twice, and the second becomes an alert that reaches her.
	if status, out := d.call("reporter", "PATCH", "/api/v1/me", `{"discreet":true,"profile":{"towns":["camden"],"alert_channels":["email"]}}`); status != http.StatusOK {
		t.Fatalf("changing her profile: %d %v", status, out)
	}
	rep := d.report()
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), Body: ptr("He grabs bags and runs.")})
	if _, err := db.Reports.AddMessage(ctx, d.users["coordA"].ID, rep.ID, true, "Could you tell us the car's colour?", "http://test.example.org/reports/"+rep.ID); err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct{ method, path, body string }{
		{"POST", "/api/v1/reports/" + rep.ID + "/messages", `{"message":"It was dark blue."}`},
		{"PATCH", "/api/v1/reports/" + rep.ID + "/consents", `{"alert":true,"police":true,"support":true,"police_contact":false}`},
		{"POST", "/api/v1/drafts", ""},
		{"POST", "/api/v1/checks", `{"value":"+44 7700 900123"}`},
		{"POST", "/api/v1/alerts/" + a.ID + "/additions", `{"body":"The same man called me."}`},
		{"PATCH", "/api/v1/reports/" + rep.ID + "/impact", `{"notify":true}`},
		{"POST", "/api/v1/reports/" + rep.ID + "/police-help", `{"note":"Evenings are safe."}`},
	} {
		if status, out := d.call("reporter", call.method, call.path, call.body); status >= 300 {
			t.Fatalf("%s %s: %d %v", call.method, call.path, status, out)
		}
	}
	// A caseworker suggests a support service (she consented above), and
	// she answers.
	svc, err := db.Support.SaveService(ctx, d.users["coordA"].ID, scheme.SupportService{Name: "Test Clinic", Kinds: []string{"sexual-health"}, National: true, Phone: "+448081570123"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := db.Support.SuggestReferral(ctx, d.users["coordA"].ID, rep.ID, svc.ID, "They can see you this week.", "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	if status, out := d.call("reporter", "POST", "/api/v1/reports/"+rep.ID+"/referrals/"+ref.ID+"/answer", `{"answer":"yes"}`); status != http.StatusOK {
		t.Fatalf("answering the suggestion: %d %v", status, out)
	}
	ps := police.New(db, scheme.DefaultWorkingHours(time.UTC))
	enq, err := ps.CreateEnquiry(ctx, d.users["coordA"], police.EnquiryInput{Force: "Example Police", Request: "Would she talk to an officer?", ReportID: rep.ID})
	if err != nil {
		t.Fatal(err)
	}
	fwd, err := ps.ForwardEnquiry(ctx, d.users["coordA"], enq.ID, rep.ID, "reporter", "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	if status, out := d.call("reporter", "POST", "/api/v1/enquiries/"+fwd.ID+"/decision", `{"decision":"caseworker"}`); status != http.StatusOK {
		t.Fatalf("answering the enquiry: %d %v", status, out)
	}
	if _, err := ps.CreateExport(ctx, d.users["coordA"], police.ExportInput{ReportIDs: []string{rep.ID}, Purpose: "Linking robberies near the station.",
		Recipient: "Analyst, an example force", Format: "json"}); err != nil {
		t.Fatal(err)
	}
	// Shared with the police since she chose to be told: she is told.
	if n, err := impact.New(db, "http://test.example.org/signin").Notify(ctx); err != nil || n != 1 {
		t.Fatalf("telling her of news: %d told (%v)", n, err)
	}
	told, err := ps.RecordDisclosure(ctx, d.users["coordA"], police.DisclosureInput{LegalBasis: "risk_to_life", Username: her.Username,
		What: "Her mobile number.", Recipient: "Duty inspector, an example force", Justification: "A credible threat to her life.", Notify: "yes"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.DecideDisclosure(ctx, d.users["admin"], told.ID, "approve", "", "http://test.example.org/account"); err != nil {
		t.Fatal(err)
	}
	withheld, err := ps.RecordDisclosure(ctx, d.users["coordA"], police.DisclosureInput{LegalBasis: "crime_prevention", Username: her.Username,
		What: "Her work name.", Recipient: "An example force", Justification: "An investigation.", Notify: "no", NoNotifyReason: "Telling her would prejudice it."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.DecideDisclosure(ctx, d.users["admin"], withheld.ID, "approve", "", "http://test.example.org/account"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Push.Subscribe(ctx, her.ID, store.PushSubscription{Endpoint: "https://push.example.org/send/mydata",
		Keys: outbox.PushKeys{P256dh: "BPkey", Auth: "authkey"}, Label: "Firefox on Android"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Accounts.SetTOTP(ctx, her.ID, "JBSWY3DPEHPK3PXP", [][]byte{[]byte("code-one-hash-0000000000000000000"), []byte("code-two-hash-0000000000000000000")}); err != nil {
		t.Fatal(err)
	}
	if err := d.acc.StartReset(ctx, her.Username); err != nil {
		t.Fatal(err)
	}

	return d, rep
}

// Her data page at 360 px shows what she sent, the conversation, her
// changes of mind, the police's enquiry and her answer, her checks (never
// the value), the messages sent to her (never the address) and the
// disclosure she is told of; it fits the screen and is accessible.
func TestMyDataPage_HerReportsAndListsOnAPhone(t *testing.T) {
	d, _ := busyMember(t, storetest.Open(t, store.SQLite))
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	setCookie := chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: d.toks["reporter"], URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
		return err
	})
	if err := browserSteps(bctx, chromedp.EmulateViewport(360, 800), setCookie, chromedp.Navigate(d.ts.URL+"/account/data")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SECRET ACCOUNT: he grabbed my bag", "It was dark blue.", "Could you tell us the car's colour?",
		"May we share it with the police, anonymously?", "Would she talk to an officer?", "I want to talk to a caseworker first",
		"Phone number. A warning was found.", "Alert (Email)", "Her mobile number.", "Recovery codes left"} {
		if !strings.Contains(text, want) {
			t.Errorf("her data page does not say %q", want)
		}
	}
	for _, never := range []string{"07700 900123", "+447700900123", "Her work name."} {
		if strings.Contains(text[strings.Index(text, "Checks you made"):], never) {
			t.Errorf("her data page's lists show %q", never)
		}
	}
	if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
		t.Errorf("her data page at 360 px scrolls sideways by %d px (%v)", overflow, err)
	}
	accessible(t, bctx, "her data page at 360 px")
	browsertest.Screenshot(t, bctx, "my-data-360")
}
