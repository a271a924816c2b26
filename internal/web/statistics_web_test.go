package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// stDesk is the alert desk's people (three individuals in London and
// Wales, a project with a staff login, two coordinators and an admin), an
// applicant, and reports from last month: 13 robberies in London and 3
// threats in Wales, one of them late. The test server works in UTC.
func stDesk(t *testing.T, db *store.DB) *alertDesk {
	t.Helper()
	d := newAlertDesk(t, db)
	ctx := context.Background()
	a, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "waiting", Password: "a long test passphrase",
		WorkName: "Fern", Mobile: "07700 900333", Regions: []string{"wales"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	d.keep("applicant", a.UserID)
	cutoff := stats.PublicCutoff(time.Now(), time.UTC)
	file := func(i int, region, kind string, late bool) {
		at := cutoff.Add(-time.Duration(5*24+i) * time.Hour)
		delay := 3 * time.Hour
		if late {
			delay = 100 * time.Hour
		}
		_, err := db.Reports.CreateReport(ctx, scheme.Report{Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{kind},
			Region: region, IncidentAt: at.Add(-delay), SubmittedAt: at, Delay: delay, Late: late, AcknowledgeBy: at.Add(24 * time.Hour),
			ContactMethod: "phone", ReporterID: d.users["reporter"].ID, Consents: scheme.Consents{Alert: true},
			Original: scheme.ReportContent{Account: "He took my bag.", Offenders: []scheme.Offender{{Description: scheme.OffenderDescription{Hair: "red"}}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 13 {
		file(i, "london", "robbery", false)
	}
	for i := range 3 {
		file(20+i, "wales", "threats", i == 0)
	}
	return d
}

func (d *alertDesk) apiToken(who string) string {
	d.t.Helper()
	tok, _, err := d.db.Sessions.CreateSession(context.Background(), d.users[who].ID, scheme.SessionAPI, account.DefaultAPITTL)
	if err != nil {
		d.t.Fatal(err)
	}
	return tok
}

func TestStatistics_EveryRouteForEveryRole(t *testing.T) {
	d := stDesk(t, storetest.Open(t, store.SQLite))
	everyone := []string{"visitor", "applicant", "reporter", "org", "orgstaff", "coordA", "admin"}
	staff := []string{"coordA", "admin"}
	routes := []struct {
		path    string
		allowed []string
		status  int // what the allowed get
	}{
		{"/statistics", everyone, http.StatusOK},
		{"/coordinator/statistics", staff, http.StatusOK},
		{"/coordinator/statistics?from=2026-13-01", staff, http.StatusUnprocessableEntity},
		{"/coordinator/statistics/download/reports-region", staff, http.StatusOK},
		{"/coordinator/statistics/download/no-such-table", staff, http.StatusNotFound},
	}
	for _, rt := range routes {
		for _, who := range everyone {
			status, h, _ := d.do(who, "GET", rt.path, nil)
			allowed := false
			for _, a := range rt.allowed {
				allowed = allowed || a == who
			}
			switch {
			case allowed && status != rt.status:
				t.Errorf("GET %s as %s: %d, want %d", rt.path, who, status, rt.status)
			case !allowed && who == "visitor" && (status != http.StatusSeeOther || !toSignIn(h.Get("Location"))):
				t.Errorf("GET %s as a visitor: %d %s, want a redirect to sign in", rt.path, status, h.Get("Location"))
			case !allowed && who != "visitor" && status != http.StatusForbidden:
				t.Errorf("GET %s as %s: %d, want 403", rt.path, who, status)
			}
			if strings.HasPrefix(rt.path, "/coordinator/") && allowed && h.Get("X-Robots-Tag") == "" {
				t.Errorf("GET %s: no X-Robots-Tag", rt.path)
			}
		}
	}

	// The API: 401 signed out, 403 for members and applicants, the full
	// figures for staff.
	for _, who := range everyone {
		tok := ""
		if who != "visitor" {
			tok = d.apiToken(who)
		}
		req, _ := http.NewRequest("GET", d.ts.URL+"/api/v1/stats", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := d.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusForbidden
		switch who {
		case "visitor":
			want = http.StatusUnauthorized
		case "coordA", "admin":
			want = http.StatusOK
		}
		if resp.StatusCode != want {
			t.Errorf("GET /api/v1/stats as %s: %d, want %d", who, resp.StatusCode, want)
		}
	}
}

// publishedNumber is what the public page may show in a figure's place.
var publishedNumber = regexp.MustCompile(`^(fewer than [1-9][0-9]*0|[0-9][0-9,]*|[0-9]+%|)$`)

func TestStatistics_PublicPageShowsNoSmallNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) { publicPageShowsNoSmallNumbers(t, stDesk(t, db)) })
}

func publicPageShowsNoSmallNumbers(t *testing.T, d *alertDesk) {
	body := d.get("visitor", "/statistics")
	cells := regexp.MustCompile(`<td class="num">(.*?)</td>|<text class="chart__value"[^>]*>(.*?)</text>`).FindAllStringSubmatch(body, -1)
	if len(cells) < 40 {
		t.Fatalf("only %d figures on the public page", len(cells))
	}
	for _, c := range cells {
		v := strings.TrimSpace(c[1] + c[2])
		if strings.Contains(v, "visually-hidden") || v == "none" {
			continue // a share not shown
		}
		if !publishedNumber.MatchString(v) {
			t.Errorf("figure %q on the public page", v)
			continue
		}
		if n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSuffix(v, "%"), ",", "")); err == nil && (n%5 != 0 || n < 10 && !strings.HasSuffix(v, "%")) {
			t.Errorf("the public page shows %q: under 10 or not rounded to 5", v)
		}
	}
	// 16 reports (one late) publish as 15 within 72 hours, fewer than 10
	// later, 20 in all; 13 robberies as 15; 3 threats and 3 individual
	// members as fewer than 10.
	for _, want := range []string{
		`<th scope="row">Robbery or theft</th><td class="num">15</td>`,
		`<th scope="row">Threats or intimidation</th><td class="num">fewer than 10</td>`,
		`<th scope="row">Individual sex workers</th><td class="num">fewer than 10</td>`,
		`<th scope="row">All members</th><td class="num">fewer than 30</td>`,
		`<th scope="row">All years</th><td class="num">20</td>`,
		`How we protect small numbers`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("public page lacks %s", want)
		}
	}
	for _, leak := range []string{">13<", ">16<", ">3<", ">4<", ">1<"} {
		if strings.Contains(body, leak) {
			t.Errorf("public page shows a true count: %s", leak)
		}
	}
	if strings.Contains(body, "/coordinator/statistics") {
		t.Error("a visitor is pointed to the coordinators' figures")
	}
	if !strings.Contains(d.get("coordA", "/statistics"), `href="/coordinator/statistics"`) {
		t.Error("coordinators are not pointed to the full figures")
	}
}

func csvOf(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	return rows
}

func TestStatistics_CoordinatorsSeeExactNumbersAndDownloadThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) { coordinatorsSeeExactNumbers(t, stDesk(t, db)) })
}

func coordinatorsSeeExactNumbers(t *testing.T, d *alertDesk) {
	body := d.get("coordA", "/coordinator/statistics")
	for _, want := range []string{
		`<th scope="row">London</th><td class="num">13</td>`,
		`<th scope="row">Wales</th><td class="num">3</td>`,
		`<th scope="row">Individual sex workers</th><td class="num">3</td>`,
		`Download as CSV<span class="visually-hidden">: Reports by region</span>`,
		`role="img" aria-labelledby="chart-reports-region-title chart-reports-region-desc"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("coordinators' page lacks %s", want)
		}
	}
	if regexp.MustCompile(`(?i)<script>|\sstyle=|\son[a-z]+=`).MatchString(body) {
		t.Error("inline script, style or event handler")
	}

	status, h, csvBody := d.do("coordA", "GET", "/coordinator/statistics/download/reports-region?region=london", nil)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV: %d %v", status, h)
	}
	rows := csvOf(t, csvBody)
	if rows[0][0] != "Region" || rows[0][1] != "Reports" {
		t.Errorf("CSV header %v", rows[0])
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r[1]
	}
	if got["London"] != "13" || got["Wales"] != "0" || got["Total"] != "13" {
		t.Errorf("London's reports by region: %v", got)
	}

	// A span that ends before last month's reports has none of them.
	old := time.Now().AddDate(-2, 0, 0).Format(time.DateOnly)
	rows = csvOf(t, d.get("coordA", "/coordinator/statistics/download/reports-delay?from="+old+"&to="+old))
	if rows[len(rows)-1][1] != "0" {
		t.Errorf("reports long ago: %v", rows)
	}

	// Problems are shown beside the fields.
	status, _, page := d.do("coordA", "GET", "/coordinator/statistics?from=2026-05-01&to=2026-04-01&region=atlantis", nil)
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "The last day must not be before the first.") ||
		!strings.Contains(page, "Choose a region from the list.") || !strings.Contains(page, `id="to-error"`) {
		t.Errorf("bad filter: %d", status)
	}
}

func TestStatistics_APIGivesCoordinatorsTheFullFigures(t *testing.T) {
	d := stDesk(t, storetest.Open(t, store.SQLite))
	req, _ := http.NewRequest("GET", d.ts.URL+"/api/v1/stats?region=wales", nil)
	req.Header.Set("Authorization", "Bearer "+d.apiToken("coordA"))
	resp, err := d.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Region   string
		Sections []struct {
			Title  string
			Tables []struct {
				Slug string
				Rows []struct {
					Key, Label string
					Values     []json.RawMessage
				}
				Total *struct{ Values []json.RawMessage }
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range out.Sections {
		for _, tb := range s.Tables {
			if tb.Slug != "reports-delay" {
				continue
			}
			found = true
			if string(tb.Rows[0].Values[0]) != "2" || string(tb.Rows[1].Values[0]) != "1" || string(tb.Total.Values[0]) != "3" {
				t.Errorf("Wales's reports within 72 hours and later: %s %s of %s", tb.Rows[0].Values[0], tb.Rows[1].Values[0], tb.Total.Values[0])
			}
		}
	}
	if !found || out.Region != "wales" {
		t.Errorf("no reports-delay table for wales in %+v", out)
	}
}

// TestStatisticsPage_FiguresThatMatterFirstThenFoldedSections: the page
// opens with the main figures, each against the period of the same length
// before; every section is folded unless asked for; checks are by week,
// with the days still in a download; the API keeps every table as it was.
func TestStatisticsPage_FiguresThatMatterFirstThenFoldedSections(t *testing.T) {
	d := stDesk(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	cutoff := stats.PublicCutoff(time.Now(), time.UTC)
	for i := range 4 { // the ten days before the period: 4 reports
		at := cutoff.AddDate(0, 0, -15).Add(time.Duration(i) * time.Hour)
		if _, err := d.db.Reports.CreateReport(ctx, scheme.Report{Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"},
			Region: "london", IncidentAt: at.Add(-time.Hour), SubmittedAt: at, Delay: time.Hour, AcknowledgeBy: at.Add(24 * time.Hour),
			ContactMethod: "phone", ReporterID: d.users["reporter"].ID, Original: scheme.ReportContent{Account: "He took my bag."}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.db.Writer().ExecContext(ctx, `INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at) VALUES ('c1', $1, 'web', 'phone', $2, 1, $3)`,
		d.users["member"].ID, []byte("x"), cutoff.AddDate(0, 0, -3)); err != nil {
		t.Fatal(err)
	}
	from, to := cutoff.AddDate(0, 0, -10).Format(time.DateOnly), cutoff.AddDate(0, 0, -1).Format(time.DateOnly)
	query := "from=" + from + "&to=" + to
	page := d.get("coordA", "/coordinator/statistics?"+query)
	card := func(label string) string {
		m := regexp.MustCompile(`<p class="st-card__label">` + regexp.QuoteMeta(label) + `</p>\s*<p class="st-card__value">([^<]*)</p>\s*<p class="st-card__change">([^<]*)</p>`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("no card %q", label)
			return ""
		}
		return m[1] + " / " + m[2]
	}
	for label, want := range map[string]string{
		"Reports received":         "16 / up 12 (300%)",
		"Reported within 72 hours": "94% / down 6 points", // 15 of 16, against 4 of 4
		"Checks by members":        "1 / the check log does not go back that far",
	} {
		if got := card(label); got != want {
			t.Errorf("card %q: %q, want %q", label, got, want)
		}
	}
	if !strings.Contains(page, "each compared with the 10 days before, ") {
		t.Error("the page does not say what it compares with")
	}
	folds := regexp.MustCompile(`<details class="st-fold" id="(st-[a-z-]+)"( open)?>`).FindAllStringSubmatch(page, -1)
	if len(folds) != 8 { // members, applications, reports, consent, alerts, checks, offenders, referrals
		t.Fatalf("%d folded sections, want 8", len(folds))
	}
	for _, f := range folds {
		if f[2] != "" {
			t.Errorf("section %s is open when nothing asked for it", f[1])
		}
	}
	if !strings.Contains(page, `href="/coordinator/statistics?from=`+from+`&amp;open=st-reports&amp;to=`+to+`#st-reports"`) {
		t.Error("the reports card does not link to its section, opened")
	}
	opened := d.get("coordA", "/coordinator/statistics?"+query+"&open=st-checks")
	if n := strings.Count(opened, `class="st-fold" id="st-checks" open>`); n != 1 || strings.Count(opened, " open>") != 1 {
		t.Error("asking for the checks opens not just that section")
	}
	if strings.Contains(page, "checks-day") && !strings.Contains(page, "/download/checks-day?") {
		t.Error("the page still draws checks by day")
	}
	for slug, head := range map[string]string{"checks-week": "Week,Checks,Found in an alert,Hit rate (%)", "checks-day": "Day,Checks,Found in an alert,Hit rate (%)"} {
		status, h, body := d.do("coordA", "GET", "/coordinator/statistics/download/"+slug+"?"+query, nil)
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, head) {
			t.Errorf("download %s: %d %q", slug, status, body[:min(len(body), 60)])
		}
	}
	if len(page) > 100_000 {
		t.Errorf("the page is %d bytes", len(page))
	}
	t.Logf("the page is %d bytes", len(page))
}
