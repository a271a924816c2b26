package web_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// longList is how many rows each list gets: more than a page of
// scheme.PageSize (25).
const longList = 30

// pagedRoute is a list page, who reads it and how many rows it lists.
type pagedRoute struct {
	name, who, path string
	size            int // rows a page; 0: scheme.PageSize
}

// pageSize is how many rows a page of r shows.
func pageSize(r pagedRoute) int { return cmp.Or(r.size, scheme.PageSize) }

// pageRows is what the pager of page n of r says it shows ("11–20 of 30").
func pageRows(r pagedRoute, n int) string {
	size, total := pageSize(r), pagedTotal(r)
	return fmt.Sprintf("%d–%d of %d", (n-1)*size+1, min(n*size, total), total)
}

// pageCount is how many pages r's list has.
func pageCount(r pagedRoute) int { return (pagedTotal(r) + pageSize(r) - 1) / pageSize(r) }

// longLists fills every list a person reads with longList rows, through
// the store (quicker than the pages, and what they would store): the
// reporter's reports (each naming its own phone, so 30 offender profiles
// too, and the coordinators' queue), a police enquiry about each forwarded
// to her, 30 alerts the member received (the first with 30 failed emails
// and 30 additions waiting), 30 applications, 30 members who each checked
// one number five times (unusual), 30 police exports, disclosures,
// messages in the outbox, versions of the about page and of the terms,
// and newsletter issues. It returns the routes of the lists.
func longLists(t *testing.T, d *alertDesk) []pagedRoute {
	t.Helper()
	ctx := context.Background()
	db := d.db
	now := time.Now().UTC()
	coord, reporter := d.users["coordA"].ID, d.users["reporter"].ID
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Writer().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var members []string
	for i := range longList {
		r, err := db.Reports.CreateReport(ctx, scheme.Report{ReporterID: reporter, Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh,
			IncidentTypes: []string{"robbery"}, Region: "london", IncidentAt: now.Add(-time.Duration(30+i) * time.Hour),
			SubmittedAt: now.Add(-time.Duration(i) * time.Minute), Delay: 30 * time.Hour, AcknowledgeBy: now.Add(24 * time.Hour),
			Consents: scheme.Consents{Alert: true, Police: true},
			Original: scheme.ReportContent{Account: fmt.Sprintf("He took my bag and phone (%d).", i+1), Town: "Hackney",
				Offenders: []scheme.Offender{{Identifiers: []scheme.Identifier{{Kind: "phone", Value: fmt.Sprintf("07700 900%03d", 400+i),
					Normalised: fmt.Sprintf("+447700900%03d", 400+i)}}}}}})
		check(err)
		e, err := db.Police.CreateEnquiry(ctx, scheme.Enquiry{Force: fmt.Sprintf("Example force %d", i+1), Request: "To talk to the reporter.",
			ReportID: r.ID, RespondBy: now.AddDate(0, 0, 14), CreatedBy: coord})
		check(err)
		_, err = db.Police.ForwardEnquiry(ctx, coord, e.ID, r.ID, "reporter", "The police asked to talk to you.", "http://test.example.org/signin")
		check(err)

		a, err := db.Accounts.CreateApplication(ctx, store.NewApplication{Type: scheme.Individual, Username: fmt.Sprintf("applicant.%02d", i),
			PasswordHash: "$argon2id$test", URL: "http://test.example.org/signin", Profile: scheme.Profile{WorkName: fmt.Sprintf("Applicant %d", i),
				Email: fmt.Sprintf("applicant%02d@example.org", i), Regions: []string{"london"}, TermsVersion: 1}})
		check(err)
		a, err = db.Accounts.CreateApplication(ctx, store.NewApplication{Type: scheme.Individual, Username: fmt.Sprintf("member.%02d", i),
			PasswordHash: "$argon2id$test", URL: "http://test.example.org/signin", Profile: scheme.Profile{WorkName: fmt.Sprintf("Member %d", i),
				Email: fmt.Sprintf("member%02d@example.org", i), AlertEmail: true, Regions: []string{"london"}, TermsVersion: 1}})
		check(err)
		_, err = db.Accounts.DecideApplication(ctx, coord, a.ID, scheme.Approve, "", "http://test.example.org/signin")
		check(err)
		members = append(members, a.UserID)
		for j := range scheme.UnusualRepeats {
			exec(`INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at) VALUES ($1, $2, 'web', 'phone', $3, 0, $4)`,
				fmt.Sprintf("check-%d-%d", i, j), a.UserID, []byte("one number"), now.Add(-time.Hour))
		}

		_, err = db.Police.CreatePoliceExport(ctx, scheme.PoliceExport{Format: "csv", Purpose: "Linking a series of robberies",
			Recipient: "An intelligence hub", CreatedBy: coord, Included: []string{r.ID}})
		check(err)
		_, err = db.Police.RecordDisclosure(ctx, scheme.Disclosure{LegalBasis: "risk_to_life", ReportID: r.ID, What: "Her phone number",
			Recipient: "An example force", Justification: "A threat to her life.", Notify: true, RequestedBy: coord})
		check(err)
		check(db.Content.QueueContactMessage(ctx, "help@example.org", map[string]string{"name": "Ann", "message": fmt.Sprintf("Please call me (%d).", i+1)}))
		_, err = db.Content.SaveContent(ctx, d.users["admin"].ID, "about", "en-GB", fmt.Sprintf("# About us\n\nVersion %d.", i+1))
		check(err)
		if i > 0 { // a new scheme has version 1
			_, err = db.Content.PublishTerms(ctx, d.users["admin"].ID, fmt.Sprintf("# Terms\n\nVersion %d.", i+1))
			check(err)
		}
		_, err = db.Content.SendIssue(ctx, d.users["admin"].ID, fmt.Sprintf("News %d", i+1), "What we did this month.", func(string) string { return "" })
		check(err)
	}
	// The members who browse accept the newest terms, so that their pages open.
	for _, who := range []string{"reporter", "member"} {
		check(db.Content.AcceptTerms(ctx, d.users[who].ID, longList))
	}
	exec(`UPDATE notifications SET status = 'outbox' WHERE template = 'contact_message'`)

	var first string
	for i := range longList {
		a, err := db.Alerts.CreateAlert(ctx, coord, scheme.Alert{AlertContent: scheme.AlertContent{Title: fmt.Sprintf("Robbery number %d", i+1),
			Body: "A man took a bag.", Area: "Hackney, London"}, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"},
			IncidentAt: now.Add(-time.Duration(30+i) * time.Hour), Nationwide: true})
		check(err)
		_, err = db.Alerts.PublishAlert(ctx, coord, a.ID, store.PublishOptions{})
		check(err)
		d.fanOut(a.ID)
		if i == 0 {
			first = a.ID
		}
	}
	for i, u := range members {
		exec(`UPDATE alert_deliveries SET status = 'failed', error = 'refused', attempts = 3 WHERE alert_id = $1 AND user_id = $2`, first, u)
		_, err := db.Alerts.AddAddition(ctx, d.users["member"].ID, first, fmt.Sprintf("He called me too (%d).", i+1))
		check(err)
	}
	return []pagedRoute{
		{"my reports", "reporter", "/reports", 10},
		{"the alert feed", "member", "/alerts", 0},
		{"the case queue", "coordA", "/coordinator/reports", 0},
		{"applications", "coordA", "/coordinator/applications", 0},
		{"intelligence", "coordA", "/coordinator/intelligence", 0},
		{"alerts", "coordA", "/coordinator/alerts", 0},
		{"additions", "coordA", "/coordinator/additions", 0},
		{"deliveries", "coordA", "/coordinator/alerts/" + first + "/deliveries", 0},
		{"unusual checking", "coordA", "/coordinator/checks", 0},
		{"exports", "coordA", "/coordinator/exports", 0},
		{"enquiries", "coordA", "/coordinator/enquiries", 0},
		{"my enquiries", "reporter", "/enquiries", 0},
		{"disclosures", "coordA", "/coordinator/disclosures", 0},
		{"outbox", "admin", "/admin/outbox", 0},
		{"page versions", "admin", "/admin/pages/about", 0},
		{"terms versions", "admin", "/admin/terms", 0},
		{"newsletter issues", "admin", "/admin/newsletter", 0},
		// Everyone who can sign in: the desk's eight and the thirty.
		{"members", "coordA", "/coordinator/members", 0},
	}
}

// pagedTotal is what a route's list holds in all: longList, but the
// members, who are also the desk's eight.
func pagedTotal(r pagedRoute) int {
	if r.path == "/coordinator/members" {
		return longList + 8
	}
	return longList
}

// TestLists_EveryListPagesWithItsCount asks every list for its first
// page, its second, a page past the end and a page that is no number: the
// first says "1–25 of 30" with a Next link that keeps the query, the
// second "26–30 of 30" with Previous, a page past the end is an empty list
// that says how many there are and leads back to the last page (not an
// error), and a bad page number is page 1.
func TestLists_EveryListPagesWithItsCount(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	routes := longLists(t, d)
	rowRE := regexp.MustCompile(`(?s)<nav class="pager" aria-label="Pages">.*?</nav>`)
	for _, r := range routes {
		total, pages := pagedTotal(r), pageCount(r)
		var lastNot []string // page 2 is the last: no Next
		if pages == 2 {
			lastNot = []string{`rel="next"`}
		}
		sep := "?"
		if strings.Contains(r.path, "?") {
			sep = "&"
		}
		page := func(q string) string {
			t.Helper()
			status, _, body := d.do(r.who, "GET", r.path+q, nil)
			if status != http.StatusOK {
				t.Fatalf("%s: GET %s%s: %d", r.name, r.path, q, status)
			}
			return body
		}
		for _, c := range []struct {
			query     string
			count     string
			want, not []string
		}{
			{"", pageRows(r, 1), []string{`href="` + r.path + sep + `page=2" rel="next"`, fmt.Sprintf("Page 1 of %d", pages)}, []string{`rel="prev"`}},
			{sep + "page=2", pageRows(r, 2), []string{`href="` + r.path + `" rel="prev"`, fmt.Sprintf("Page 2 of %d", pages)}, lastNot},
			{sep + "page=abc", pageRows(r, 1), []string{fmt.Sprintf("Page 1 of %d", pages)}, nil},
			{sep + "page=-2", pageRows(r, 1), []string{fmt.Sprintf("Page 1 of %d", pages)}, nil},
			{sep + "page=9", fmt.Sprintf("Nothing on page 9: there are %d, on %d pages.", total, pages),
				[]string{fmt.Sprintf(`href="%s%spage=%d" rel="prev">Back to page %d, the last</a>`, r.path, sep, pages, pages)}, []string{`rel="next"`}},
		} {
			body := page(c.query)
			pager := rowRE.FindString(body)
			if !strings.Contains(pager, c.count) {
				t.Errorf("%s%s: the pager %q does not say %q", r.path, c.query, pager, c.count)
			}
			for _, w := range c.want {
				if !strings.Contains(pager, w) {
					t.Errorf("%s%s: the pager %q lacks %q", r.path, c.query, pager, w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(pager, w) {
					t.Errorf("%s%s: the pager %q has %q", r.path, c.query, pager, w)
				}
			}
		}
	}

	// The filters go with the pages; a notice stays behind.
	body := d.get("member", "/alerts?type=robbery&done=x")
	if !strings.Contains(body, `href="/alerts?page=2&amp;type=robbery" rel="next"`) {
		t.Errorf("Next forgets the feed's filter, or keeps the notice: %q", regexp.MustCompile(`(?s)<nav class="pager".*?</nav>`).FindString(body))
	}
	body = d.get("coordA", "/coordinator/reports?status=open")
	if !strings.Contains(body, `href="/coordinator/reports?page=2&amp;status=open" rel="next"`) {
		t.Error("Next forgets the queue's tab")
	}
}

// TestLists_PageAt360PixelsWithTheirCountAndNext opens every long list in
// Chromium at 360 px: page 1 says "1–25 of 30", stays within a bounded
// height (25 rows, not 30 or 300), fits the width and passes axe; its
// Next link leads to "26–30 of 30", and the pager's links are tap
// targets of 44 px at least.
func TestLists_PageAt360PixelsWithTheirCountAndNext(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	routes := longLists(t, d)
	bctx := browsertest.New(t)
	u, _ := url.Parse(d.ts.URL)
	cookie := func(value string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, network.SetCookie, network.SetCookieParams{Name: "um", Value: value, URL: d.ts.URL, Domain: u.Hostname(), Path: "/"})
			return err
		})
	}
	// text is what the pager says, once it says want (a page that was just
	// asked for may still be loading); else what it says after a while.
	text := func(want string) string {
		var s string
		for range 80 {
			s, _ = chromedp.Run(bctx, chromedp.Evaluate[string](`(document.querySelector('nav.pager') || {innerText: ''}).innerText`))
			if strings.Contains(s, want) {
				break
			}
			time.Sleep(25 * time.Millisecond)
		}
		return s
	}
	for _, r := range routes {
		if err := browserSteps(bctx, chromedp.EmulateViewport(360, 800), cookie(d.toks[r.who]), chromedp.Navigate(d.ts.URL+r.path)); err != nil {
			t.Fatal(err)
		}
		if s := text("Next"); !strings.Contains(s, pageRows(r, 1)) || !strings.Contains(s, "Next") {
			t.Errorf("%s page 1 at 360 px: the pager says %q", r.name, s)
		}
		height, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollHeight`))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: page 1 is %d px high at 360 px", r.name, height)
		if height > maxListHeight {
			t.Errorf("%s page 1 at 360 px is %d px high, more than %d", r.name, height, maxListHeight)
		}
		if overflow, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || overflow > 0 {
			t.Errorf("%s at 360 px scrolls sideways by %d px (%v)", r.name, overflow, err)
		}
		small, err := chromedp.Run(bctx, chromedp.Evaluate[int64](`Array.from(document.querySelectorAll('nav.pager a')).filter(a => {
			const b = a.getBoundingClientRect(); return b.height < 44 || b.width < 44 }).length`))
		if err != nil || small > 0 {
			t.Errorf("%s: %d pager links smaller than 44 px (%v)", r.name, small, err)
		}
		if r.name == "my reports" || r.name == "the case queue" {
			accessible(t, bctx, r.name+" page 1 at 360 px")
			browsertest.Screenshot(t, bctx, "paging-"+strings.ReplaceAll(r.name, " ", "-")+"-360")
		}
		if err := browserSteps(bctx, chromedp.Click(chromedp.CSS(`nav.pager a[rel=next]`), chromedp.NodeVisible)); err != nil {
			t.Fatal(err)
		}
		waitLocation(t, bctx, d.ts.URL+r.path+"?page=2")
		if s := text("Previous"); !strings.Contains(s, pageRows(r, 2)) || !strings.Contains(s, "Previous") {
			t.Errorf("%s page 2 at 360 px: the pager says %q", r.name, s)
		}
		if r.name == "my reports" || r.name == "the case queue" {
			accessible(t, bctx, r.name+" page 2 at 360 px")
			browsertest.Screenshot(t, bctx, "paging-"+strings.ReplaceAll(r.name, " ", "-")+"-page2-360")
			// Past the end, and at 1280 px in the dark theme.
			if err := browserSteps(bctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(d.ts.URL+r.path+"?page=7")); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.setAttribute('data-theme', 'dark'), true`)); err != nil {
				t.Fatal(err)
			}
			if s := text("Nothing on page 7"); !strings.Contains(s, "Nothing on page 7") {
				t.Errorf("%s past the end: the pager says %q", r.name, s)
			}
			accessible(t, bctx, r.name+" past the end at 1280 px, dark")
			browsertest.Screenshot(t, bctx, "paging-"+strings.ReplaceAll(r.name, " ", "-")+"-past-1280-dark")
			if err := browserSteps(bctx, chromedp.Navigate(d.ts.URL+r.path+"?page=2")); err != nil {
				t.Fatal(err)
			}
			if s := text("Previous"); !strings.Contains(s, fmt.Sprintf("Page 2 of %d", pageCount(r))) {
				t.Errorf("%s page 2 at 1280 px: the pager says %q", r.name, s)
			}
			accessible(t, bctx, r.name+" page 2 at 1280 px")
			browsertest.Screenshot(t, bctx, "paging-"+strings.ReplaceAll(r.name, " ", "-")+"-page2-1280")
		}
	}
}

// maxListHeight bounds a page of a list at 360 px: the coordinators' queue
// was 13,300 px before it paged.
const maxListHeight = 9000
