package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// lister reads one page of a list as ids (or whatever names a row), in the
// list's order, and the count of the whole list.
type lister func(ctx context.Context, p scheme.Page) ([]string, int, error)

// pagedIDs turns a page of a list into its rows' names.
func pagedIDs[T any](l scheme.Listed[T], err error, id func(T) string) ([]string, int, error) {
	out := make([]string, len(l.Items))
	for i, x := range l.Items {
		out[i] = id(x)
	}
	return out, l.Total, err
}

// TestLists_PagesCountTheWholeListAndTiesKeepOneOrder fills every list a
// person reads with seven rows made at the same instant (the clock
// stands still), so that they tie on every time they are sorted by, and
// reads it whole and in pages of three, on both engines: the total is 7
// on every page, the pages put together are the whole list (nothing
// twice, nothing missed), ties come in the order of their ids, and a page
// past the end is empty but still counts 7. Ids are random, so a list
// that did not break its ties by id would come in another order.
func TestLists_PagesCountTheWholeListAndTiesKeepOneOrder(t *testing.T) {
	const n = 7
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	user := func(t *testing.T, db *store.DB, name string, approve bool) string {
		t.Helper()
		a := apply(t, db, individual(name, name+"@example.org", ""))
		if approve {
			if _, err := db.Accounts.DecideApplication(context.Background(), "coord", a.ID, scheme.Approve, "", "u"); err != nil {
				t.Fatal(err)
			}
		}
		return a.UserID
	}
	report := func(t *testing.T, db *store.DB, reporter string, ids ...scheme.Identifier) scheme.Report {
		t.Helper()
		r, err := db.Reports.CreateReport(context.Background(), scheme.Report{ReporterID: reporter,
			Status: scheme.ReportSubmitted, Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, Region: "london",
			IncidentAt: at.Add(-5 * time.Hour), SubmittedAt: at, Delay: 5 * time.Hour, AcknowledgeBy: at.Add(24 * time.Hour),
			Original: scheme.ReportContent{Account: "He took my bag.", Offenders: []scheme.Offender{{Identifiers: ids}}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	exec := func(t *testing.T, db *store.DB, q string, args ...any) {
		t.Helper()
		if _, err := db.Writer().ExecContext(context.Background(), q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	reportID := func(r scheme.Report) string { return r.ID }
	alertID := func(a scheme.Alert) string { return a.ID }

	// Each case fills its list in a fresh database and returns how to read
	// it, and its whole order when that is not simply by id.
	cases := []struct {
		name string
		fill func(t *testing.T, db *store.DB) (lister, []string)
	}{
		{"a member's reports", func(t *testing.T, db *store.DB) (lister, []string) {
			u := user(t, db, "reporter", true)
			for range n {
				report(t, db, u)
			}
			report(t, db, "") // someone else's
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Reports.ReportPage(ctx, scheme.ReportFilter{ReporterID: u}, p)
				return pagedIDs(l, err, reportID)
			}, nil
		}},
		{"the coordinators' queue", func(t *testing.T, db *store.DB) (lister, []string) {
			for range n {
				report(t, db, "")
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Reports.ReportPage(ctx, scheme.ReportFilter{Statuses: []scheme.ReportStatus{scheme.ReportSubmitted}}, p)
				return pagedIDs(l, err, reportID)
			}, nil
		}},
		{"applications", func(t *testing.T, db *store.DB) (lister, []string) {
			for i := range n {
				user(t, db, fmt.Sprintf("applicant%d", i), false)
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Accounts.Applications(ctx, scheme.ApplicationFilter{}, p)
				return pagedIDs(l, err, func(a scheme.Application) string { return a.ID })
			}, nil
		}},
		{"a member's alerts", func(t *testing.T, db *store.DB) (lister, []string) {
			u := user(t, db, "member", true)
			for range n {
				a, _ := publish(t, db, true, nil, nil, nil)
				fanOut(t, db, a.ID, 100)
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Alerts.MemberAlertPage(ctx, u, scheme.MemberAlertFilter{}, p)
				return pagedIDs(l, err, alertID)
			}, nil
		}},
		{"the coordinators' alerts", func(t *testing.T, db *store.DB) (lister, []string) {
			for range n {
				draftFrom(t, db, "coord-a", nil)
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Alerts.AlertPage(ctx, scheme.AlertFilter{}, p)
				return pagedIDs(l, err, alertID)
			}, nil
		}},
		{"additions waiting", func(t *testing.T, db *store.DB) (lister, []string) {
			u := user(t, db, "member", true)
			a, _ := publish(t, db, true, nil, nil, nil)
			fanOut(t, db, a.ID, 100)
			for i := range n {
				if _, err := db.Alerts.AddAddition(context.Background(), u, a.ID, fmt.Sprintf("He called me too (%d).", i)); err != nil {
					t.Fatal(err)
				}
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Alerts.PendingAdditions(ctx, p)
				return pagedIDs(l, err, func(a scheme.Addition) string { return a.ID })
			}, nil
		}},
		{"offenders ranked", func(t *testing.T, db *store.DB) (lister, []string) {
			for i := range n {
				report(t, db, "", phone("07700 90010"+strconv.Itoa(i), "+4477009001"+strconv.Itoa(10+i)))
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Police.RankedProfiles(ctx, scheme.IntelFilter{}, p)
				return pagedIDs(l, err, func(r scheme.ProfileRank) string { return r.ID })
			}, nil
		}},
		{"members", func(t *testing.T, db *store.DB) (lister, []string) {
			for i := range n {
				user(t, db, fmt.Sprintf("member%d", i), true)
			}
			user(t, db, "applicant", false) // not a member yet
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Accounts.Members(ctx, p)
				return pagedIDs(l, err, func(m scheme.MemberRow) string { return m.User.ID })
			}, nil
		}},
		{"an alert's failed deliveries", func(t *testing.T, db *store.DB) (lister, []string) {
			var users []string
			for i := range n {
				users = append(users, user(t, db, fmt.Sprintf("member%d", i), true))
			}
			a, _ := publish(t, db, true, nil, nil, nil)
			fanOut(t, db, a.ID, 100)
			exec(t, db, `UPDATE alert_deliveries SET status = 'failed', error = 'refused', updated_at = $1 WHERE alert_id = $2`, at, a.ID)
			// A failure is known by its reference; name it by its member.
			who := map[string]string{}
			for _, u := range users {
				who[outbox.DeliveryRef(a.ID, u, "email")] = u
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Deliveries.DeliveryFailures(ctx, a.ID, p)
				return pagedIDs(l, err, func(f scheme.DeliveryFailure) string { return who[f.Ref] })
			}, nil
		}},
		{"unusual checking", func(t *testing.T, db *store.DB) (lister, []string) {
			for i := range n {
				u := user(t, db, fmt.Sprintf("checker%d", i), true)
				for j := range scheme.UnusualRepeats {
					exec(t, db, `INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at) VALUES ($1, $2, 'web', 'phone', $3, 0, $4)`,
						fmt.Sprintf("c%d-%d", i, j), u, []byte("the same value"), at)
				}
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Checks.UnusualChecking(ctx, at.Add(-time.Hour), p)
				return pagedIDs(l, err, func(f scheme.CheckingFlag) string { return f.UserID })
			}, nil
		}},
		{"police exports", func(t *testing.T, db *store.DB) (lister, []string) {
			for range n {
				if _, err := db.Police.CreatePoliceExport(context.Background(), scheme.PoliceExport{Format: "csv",
					Purpose: "Linking a series of robberies", Recipient: "An intelligence hub", CreatedBy: "coord"}); err != nil {
					t.Fatal(err)
				}
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Police.PoliceExports(ctx, p)
				return pagedIDs(l, err, func(e scheme.ExportSummary) string { return e.ID })
			}, nil
		}},
		{"police enquiries", func(t *testing.T, db *store.DB) (lister, []string) {
			for range n {
				if _, err := db.Police.CreateEnquiry(context.Background(), scheme.Enquiry{Force: "An example force",
					Request: "To talk to the reporter.", RespondBy: at.AddDate(0, 0, 14), CreatedBy: "coord"}); err != nil {
					t.Fatal(err)
				}
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Police.Enquiries(ctx, p)
				return pagedIDs(l, err, func(e scheme.Enquiry) string { return e.ID })
			}, nil
		}},
		{"a member's enquiries", func(t *testing.T, db *store.DB) (lister, []string) {
			ctx := context.Background()
			u := user(t, db, "reporter", true)
			for range n {
				r := report(t, db, u)
				e, err := db.Police.CreateEnquiry(ctx, scheme.Enquiry{Force: "An example force", Request: "To talk to the reporter.",
					ReportID: r.ID, RespondBy: at.AddDate(0, 0, 14), CreatedBy: "coord"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Police.ForwardEnquiry(ctx, "coord", e.ID, r.ID, "reporter", "The police asked to talk to you.", "u"); err != nil {
					t.Fatal(err)
				}
			}
			l, err := db.Sessions.LoginByID(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				fs, err := db.Police.MemberEnquiryPage(ctx, l.User, p)
				return pagedIDs(fs, err, func(f scheme.EnquiryForward) string { return f.ID })
			}, nil
		}},
		{"disclosures", func(t *testing.T, db *store.DB) (lister, []string) {
			u := user(t, db, "member", true)
			for range n {
				if _, err := db.Police.RecordDisclosure(context.Background(), scheme.Disclosure{LegalBasis: "risk_to_life", SubjectUserID: u,
					What: "Her phone number", Recipient: "An example force", Justification: "A threat to her life.", Notify: true, RequestedBy: "coord"}); err != nil {
					t.Fatal(err)
				}
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Police.Disclosures(ctx, p)
				return pagedIDs(l, err, func(d scheme.Disclosure) string { return d.ID })
			}, nil
		}},
		{"the outbox: the failed first", func(t *testing.T, db *store.DB) (lister, []string) {
			ctx := context.Background()
			for i := range n {
				if err := db.Content.QueueContactMessage(ctx, "inbox@example.org", map[string]string{"message": fmt.Sprintf("Message %d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			ids, err := db.Writer().QueryContext(ctx, `SELECT id FROM notifications`)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for ids.Next() {
				var id string
				if err := ids.Scan(&id); err != nil {
					t.Fatal(err)
				}
				all = append(all, id)
			}
			if err := ids.Close(); err != nil || len(all) != n {
				t.Fatalf("%d notifications (%v)", len(all), err)
			}
			failed, held := slices.Sorted(slices.Values(all[:3])), slices.Sorted(slices.Values(all[3:]))
			for _, id := range failed {
				if err := db.Deliveries.MarkNotification(ctx, id, "failed", 3, "refused"); err != nil {
					t.Fatal(err)
				}
			}
			for _, id := range held {
				if err := db.Deliveries.MarkNotification(ctx, id, "outbox", 1, "no provider"); err != nil {
					t.Fatal(err)
				}
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Deliveries.Outbox(ctx, p)
				return pagedIDs(l, err, func(n scheme.Notification) string { return n.ID })
			}, append(failed, held...)
		}},
		{"a page's versions, newest first", func(t *testing.T, db *store.DB) (lister, []string) {
			var want []string
			for i := range n {
				c, err := db.Content.SaveContent(context.Background(), "admin", "about", "en-GB", fmt.Sprintf("# About\n\nVersion %d.", i+1))
				if err != nil {
					t.Fatal(err)
				}
				want = slices.Insert(want, 0, strconv.Itoa(c.Version))
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Content.ContentHistory(ctx, "about", "en-GB", p)
				return pagedIDs(l, err, func(c scheme.ContentVersion) string { return strconv.Itoa(c.Version) })
			}, want
		}},
		{"the terms' versions, newest first", func(t *testing.T, db *store.DB) (lister, []string) {
			want := []string{"1"} // a new scheme's
			for i := range n - 1 {
				tv, err := db.Content.PublishTerms(context.Background(), "admin", fmt.Sprintf("# Terms\n\nVersion %d.", i+2))
				if err != nil {
					t.Fatal(err)
				}
				want = slices.Insert(want, 0, strconv.Itoa(tv.Version))
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Content.TermsHistory(ctx, p)
				return pagedIDs(l, err, func(tv scheme.Terms) string { return strconv.Itoa(tv.Version) })
			}, want
		}},
		{"newsletter issues, each with its deliveries", func(t *testing.T, db *store.DB) (lister, []string) {
			for i := range n {
				is, err := db.Content.SendIssue(context.Background(), "admin", fmt.Sprintf("Issue %d", i), "News.", func(string) string { return "" })
				if err != nil {
					t.Fatal(err)
				}
				exec(t, db, `INSERT INTO notifications (id, channel, to_ct, template, params_ct, status, created_at, batch)
					VALUES ($1, 'email', $2, 'newsletter_issue', $2, 'queued', $3, $4)`, "n-"+is.ID, []byte("sealed"), at, is.ID)
			}
			return func(ctx context.Context, p scheme.Page) ([]string, int, error) {
				l, err := db.Content.Issues(ctx, p)
				for _, is := range l.Items {
					if is.Deliveries["queued"] != 1 || len(is.Deliveries) != 1 {
						return nil, 0, fmt.Errorf("issue %s counts %v deliveries, want its 1 queued", is.ID, is.Deliveries)
					}
				}
				return pagedIDs(l, err, func(is scheme.Issue) string { return is.ID })
			}, nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				db.SetClock(func() time.Time { return at })
				list, want := c.fill(t, db)
				whole, total, err := list(ctx, scheme.Page{})
				if err != nil {
					t.Fatal(err)
				}
				if want == nil {
					want = slices.Sorted(slices.Values(whole))
				}
				if len(want) != n || total != n || !slices.Equal(whole, want) {
					t.Fatalf("the whole list: %v of %d, want %v of %d (ties by id)", whole, total, want, n)
				}
				var paged []string
				for number := 1; number <= 4; number++ {
					page, total, err := list(ctx, scheme.Page{Number: number, Size: 3})
					if err != nil {
						t.Fatal(err)
					}
					if wantLen := min(3, max(n-(number-1)*3, 0)); len(page) != wantLen || total != n {
						t.Errorf("page %d of 3 rows: %d rows of %d, want %d of %d", number, len(page), total, wantLen, n)
					}
					paged = append(paged, page...)
				}
				if !slices.Equal(paged, whole) {
					t.Errorf("the pages put together: %v, want the whole list %v", paged, whole)
				}
			})
		})
	}
}
