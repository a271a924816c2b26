package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"uglymugs/internal/account"
	"uglymugs/internal/alert"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// pseudoPages are the pages a visitor reaches. Those with an admin's
// Markdown (about, join, contact, privacy, terms) show it in English,
// marked lang="en-GB", under a line in her language, until an admin
// writes hers: text so marked is English on purpose, and passed over.
var pseudoPages = []string{"/language", "/no-such-page", "/", "/about", "/join", "/contact", "/privacy", "/terms", "/case-studies", "/supporters",
	"/newsletter/confirm/no-such-token", "/newsletter/unsubscribe/no-such-token", "/signin", "/signin/code", "/reset", "/newsletter",
	"/join/individual", "/join/project", "/join/establishment", "/statistics", "/offline"}

// pseudoMemberPages are those a member sees signed in.
var pseudoMemberPages = []string{"/", "/alerts", "/check", "/account", "/account/data", "/account/terms", "/account/profile", "/account/password", "/account/second-factor", "/account/leave", "/account/push", "/enquiries"}

// TestPseudoLocale_NoUntranslatedText shows pages in the pseudo-language,
// where every message is accented and in ⟦ ⟧, and fails on any word of
// visible text (or of an accessible name) outside one: text that never
// went through a catalogue would reach a reader in English.
func TestPseudoLocale_NoUntranslatedText(t *testing.T) {
	i18n.AllowPseudo()
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{})
	// Data, not words: the scheme's name, and the languages' own names.
	allowed := []string{"Test Mugs", "XA", "help@example.org"}
	for _, l := range i18n.Languages {
		allowed = append(allowed, l.Name, l.Short)
	}
	acc, err := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	member := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.pseudo", WorkName: "Pseudo", Email: "pseudo@example.org"})
	session := &http.Cookie{Name: "um", Value: sessionFor(t, db, member)}
	// She narrowed her London alerts to a town, and kept one retired
	// since: the towns' words show on her details and her data. Town
	// names are the scheme's data.
	for _, name := range []string{"Camden", "Bow"} {
		if _, err := db.Towns.AddTown(context.Background(), "admin", "london", name, strings.ToLower(name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Towns.SetMemberTowns(context.Background(), member, []string{"camden", "bow"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Towns.RetireTown(context.Background(), "admin", "bow", true); err != nil {
		t.Fatal(err)
	}
	allowed = append(allowed, "Camden", "Bow")
	// An applicant, signed in while her application waits.
	app, err := acc.Apply(context.Background(), account.ApplicationInput{Type: "individual", Username: "a.pseudo", WorkName: "Waiting",
		Email: "waiting@example.org", Password: "a long test passphrase", TermsVersion: 1, Regions: []string{"london"}})
	if err != nil {
		t.Fatal(err)
	}
	applicant := &http.Cookie{Name: "um", Value: sessionFor(t, db, app.UserID)}
	allowed = append(allowed, "m.pseudo", "Pseudo", "pseudo@example.org", "a.pseudo", "Waiting", "waiting@example.org")
	// Enough reports for the public statistics to draw their charts, not
	// only their tables.
	fileReports(t, db, member, 12, "london", "robbery")
	allowed = append(allowed, "He took my bag.") // what she wrote, on her data page
	type page struct {
		path    string
		session *http.Cookie
	}
	var pages []page
	for _, p := range pseudoPages {
		pages = append(pages, page{p, nil})
	}
	for _, p := range pseudoMemberPages {
		pages = append(pages, page{p, session})
	}
	for _, p := range []string{"/", "/account", "/account/data", "/account/password"} {
		pages = append(pages, page{p, applicant})
	}
	for _, pg := range pages {
		path := pg.path
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: "en-XA"})
		if pg.session != nil {
			req.AddCookie(pg.session)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Not found: a page that is not there, a confirmation link that
		// is wrong. (An unsubscribe link answers the same either way.)
		if want := map[bool]int{true: http.StatusNotFound, false: http.StatusOK}[path == "/no-such-page" || path == "/newsletter/confirm/no-such-token"]; resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, resp.StatusCode, want)
		}
		for _, s := range untranslated(doc, allowed) {
			t.Errorf("%s: untranslated %q", path, s)
		}
	}
}

var (
	aKey  = regexp.MustCompile(`\b[A-Z2-7]{16,}\b`) // a second factor's key, shown to be typed in
	aWord = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// untranslated returns the visible text and accessible names of doc that
// have a word outside ⟦ ⟧ (and outside allowed).
func untranslated(doc *html.Node, allowed []string) []string {
	var out []string
	check := func(s string) {
		rest := s
		for nestedPseudo.MatchString(rest) { // a message put in another, innermost first
			rest = nestedPseudo.ReplaceAllString(rest, " ")
		}
		rest = aKey.ReplaceAllString(rest, " ")
		for _, a := range allowed {
			rest = strings.ReplaceAll(rest, a, " ")
		}
		if aWord.MatchString(rest) {
			out = append(out, strings.TrimSpace(s))
		}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		for _, a := range n.Attr {
			if a.Key == "lang" && a.Val != i18n.Pseudo.Code && n.Data != "html" {
				return // marked as in another language: data, not a message
			}
		}
		if n.Type == html.TextNode {
			check(n.Data)
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "aria-label", "title", "placeholder", "alt":
					check(a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestPseudoLocale_AlertsChecksAndOrganisations does the same for the
// pages with an alert in them (the feed, the alert, a check that finds it,
// the print and the bulletin) and an organisation's own pages.
func TestPseudoLocale_AlertsChecksAndOrganisations(t *testing.T) {
	i18n.AllowPseudo()
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery near the station"), Body: ptr("Took a bag."), Area: ptr("Hackney")})
	// Data, not words: what the alert and the accounts say.
	allowed := []string{"Test Mugs", "XA", "Robbery near the station", "Took a bag.", "Hackney", "07700 900123",
		"Harbour Project", "p.sam", "Sam", "p.lee", "Lee", "lee@harbour.example.org"}
	for _, l := range i18n.Languages {
		allowed = append(allowed, l.Name, l.Short)
	}
	// A police enquiry forwarded to the member who reported.
	rep := d.report()
	loc := d.post("coordA", "/coordinator/enquiries", url.Values{"force": {"Example Police"}, "unit": {"CID"}, "reference": {"OP-EXAMPLE-1"},
		"report_id": {rep.ID}, "request": {"DC Example would like to talk to the reporter."}})
	enquiry := strings.TrimSuffix(loc, "?done=created")
	d.post("coordA", enquiry+"/forward", url.Values{"report_id": {rep.ID}, "to": {"reporter"}})
	list := d.get("reporter", "/enquiries")
	_, fid, _ := strings.Cut(list, `href="/enquiries/`)
	fid, _, _ = strings.Cut(fid, `"`)
	allowed = append(allowed, "Example Police", "CID", "OP-EXAMPLE-1", "DC Example would like to talk to the reporter.")
	// A training event with a place booked: the organisation's page shows
	// both, and its standing. The event's title is the scheme's data.
	ev, err := d.db.Training.PublishTrainingEvent(context.Background(), d.users["coordA"].ID, scheme.TrainingEvent{Title: "Safety and reporting", StartsAt: d.db.Now().Add(72 * time.Hour), Online: true, Places: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.db.Training.BookTraining(context.Background(), d.users["org"], ev.ID, []string{d.users["orgstaff"].ID}); err != nil {
		t.Fatal(err)
	}
	allowed = append(allowed, "Safety and reporting")
	for _, p := range []struct{ who, method, path string }{
		{"reporter", "GET", "/enquiries"},
		{"reporter", "GET", "/enquiries/" + fid},
		{"reporter", "GET", "/reports"},
		{"member", "GET", "/alerts"},
		{"member", "GET", "/alerts/" + a.ID},
		{"member", "POST", "/check"},
		{"org", "GET", "/account"},
		{"org", "GET", "/organisation/staff"},
		{"org", "GET", "/organisation/training"},
		{"org", "GET", "/alerts/bulletin"},
		{"org", "GET", "/alerts/" + a.ID + "/print"},
	} {
		var form url.Values
		if p.method == "POST" {
			form = url.Values{"kind": {"phone"}, "value": {"07700 900123"}}
		}
		resp, page := send(t, d.ts, p.method, p.path, form, &http.Cookie{Name: "lang", Value: i18n.Pseudo.Code}, &http.Cookie{Name: "um", Value: d.toks[p.who]})
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d, %v", p.method, p.path, resp.StatusCode, err)
		}
		for _, s := range untranslated(doc, allowed) {
			t.Errorf("%s %s: untranslated %q", p.method, p.path, s)
		}
	}
}
