package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"uglymugs/internal/account"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Every door that opens personal data (the members list, an application,
// the outbox, an offender profile, a search) leaves one audit entry per
// opening: the domain service writes it, so a page and the API that open
// the same record each leave one, and neither leaves two.
func TestViews_EachDoorAuditsEachOpeningOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		ctx := context.Background()
		rep := d.report()
		full, err := db.Reports.Report(ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		pid := full.Original.Offenders[0].ProfileID
		app, err := d.acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "m.viewed", Password: "a long test passphrase",
			WorkName: "Viewed", Email: "viewed@example.org", Regions: []string{"london"}, TermsVersion: 1})
		if err != nil {
			t.Fatal(err)
		}
		apiGet := func(who, path string) {
			t.Helper()
			req, _ := http.NewRequest("GET", d.ts.URL+path, nil)
			req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
			resp, err := d.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s as %s: %d, want 200", path, who, resp.StatusCode)
			}
		}
		search := url.Values{"kind": {"phone"}, "value": {"07700 900123"}}
		for _, door := range []struct {
			name, action, subject, who string
			open                       func()
		}{
			{"members page", "members.view", "", "coordA", func() { d.get("coordA", "/coordinator/members") }},
			{"application page", "application.view", app.ID, "coordA", func() { d.get("coordA", "/coordinator/applications/"+app.ID) }},
			{"outbox page", "outbox.view", "", "admin", func() { d.get("admin", "/admin/outbox") }},
			{"offender page", "offender.view", pid, "coordA", func() { d.get("coordA", "/coordinator/offenders/"+pid) }},
			{"offender API", "offender.view", pid, "coordB", func() { apiGet("coordB", "/api/v1/offenders/"+pid) }},
			{"intelligence search", "intelligence.search", "", "coordA", func() {
				if status, _, _ := d.do("coordA", "POST", "/coordinator/intelligence/search", search); status != http.StatusOK {
					t.Fatalf("intelligence search: %d", status)
				}
			}},
			{"identifier search", "identifier.search", "", "coordA", func() {
				if status, _, _ := d.do("coordA", "POST", "/coordinator/search", search); status != http.StatusOK {
					t.Fatalf("identifier search: %d", status)
				}
			}},
		} {
			count := func() int {
				n := 0
				for e, err := range db.AuditEntries(ctx) {
					if err != nil {
						t.Fatal(err)
					}
					if e.Action == door.action && e.SubjectID == door.subject && e.Actor == d.users[door.who].ID {
						n++
					}
				}
				return n
			}
			before := count()
			for i := 1; i <= 2; i++ {
				door.open()
				if n := count() - before; n != i {
					t.Errorf("%s: %d %s entries after %d openings, want %d", door.name, n, door.action, i, i)
				}
			}
		}
	})
}
