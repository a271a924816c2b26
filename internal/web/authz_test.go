package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/web"
)

// sessionFor signs a user in directly and returns their cookie value.
func sessionFor(t *testing.T, db *store.DB, userID string) string {
	t.Helper()
	tok, _, err := db.CreateSession(context.Background(), userID, store.SessionWeb, account.DefaultWebTTL)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func approved(t *testing.T, db *store.DB, acc *account.Service, in account.ApplicationInput) string {
	t.Helper()
	ctx := context.Background()
	in.Password, in.TermsVersion, in.Regions = "a long test passphrase", 1, []string{"london"}
	a, err := acc.Apply(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Decide(ctx, "test", a.ID, store.Approve, ""); err != nil {
		t.Fatal(err)
	}
	return a.UserID
}

func TestRoutes_EveryProtectedRouteRefusesTheWrongRoles(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ts := newServerOn(t, db, web.Config{})
	acc, _ := account.New(db, scheme.DefaultWorkingHours(time.UTC), "http://test.example.org/signin")
	ctx := context.Background()

	member := approved(t, db, acc, account.ApplicationInput{Type: "individual", Username: "m.one", WorkName: "Iris", Email: "iris@example.org"})
	contact := approved(t, db, acc, account.ApplicationInput{Type: "project", Username: "p.one",
		Organisation: &account.OrgInput{Name: "Test Project", Website: "https://example.org", Email: "p@example.org", KeyContact: "Lee", Description: "Outreach for sex workers in town."}})
	pending, err := acc.Apply(ctx, account.ApplicationInput{Type: "individual", Username: "waiting", Password: "a long test passphrase",
		WorkName: "Fern", Mobile: "07700 900333", Regions: []string{"wales"}, TermsVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, r := range []scheme.Role{scheme.RoleCoordinator, scheme.RoleAdmin} {
		if _, err := account.CreateStaff(ctx, db, "test", "staff."+string(r), "a long test passphrase", r); err != nil {
			t.Fatal(err)
		}
		u, _ := db.UserByUsername(ctx, "staff."+string(r))
		ids[string(r)] = u.ID
	}
	cookies := map[string]string{
		"visitor":     "",
		"applicant":   sessionFor(t, db, pending.UserID),
		"member":      sessionFor(t, db, member),
		"org_contact": sessionFor(t, db, contact),
		"coordinator": sessionFor(t, db, ids["coordinator"]),
		"admin":       sessionFor(t, db, ids["admin"]),
	}
	// Who may use each route; everyone else is refused (visitors are sent
	// to sign in).
	routes := []struct {
		method, path string
		allowed      []string
	}{
		{"GET", "/account", []string{"applicant", "member", "org_contact", "coordinator", "admin"}},
		{"GET", "/account/profile", []string{"member", "org_contact"}},
		{"GET", "/account/data", []string{"applicant", "member", "org_contact", "coordinator", "admin"}},
		{"GET", "/organisation/staff", []string{"org_contact"}},
		{"POST", "/organisation/staff/" + member + "/disable", []string{"org_contact"}},
		{"GET", "/coordinator/applications", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/applications/" + pending.ID, []string{"coordinator", "admin"}},
		{"POST", "/coordinator/applications/" + pending.ID + "/request-info", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/members", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/members/" + member + "/revoke", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/members/" + member + "/password", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/members/" + member + "/export", []string{"coordinator", "admin"}},
		{"POST", "/admin/users/" + member + "/role", []string{"admin"}},
		{"GET", "/admin/outbox", []string{"admin"}},
		// Alerts: members read what they received (an alert they did not
		// receive is a 404, as here, never a 403); organisations print.
		{"GET", "/alerts", []string{"member", "org_contact"}},
		{"GET", "/check", []string{"member", "org_contact"}},
		{"POST", "/check", []string{"member", "org_contact"}},
		{"GET", "/coordinator/checks", []string{"coordinator", "admin"}},
		// Intelligence and the police (issue 6). Enquiry pages are for
		// whoever can report (staff report too) and answer a plain 404 to
		// anyone but the reporter, as here.
		{"GET", "/enquiries", []string{"member", "org_contact", "coordinator", "admin"}},
		{"GET", "/enquiries/NOFORWARD", []string{"member", "org_contact", "coordinator", "admin"}},
		{"POST", "/enquiries/NOFORWARD/decision", []string{"member", "org_contact", "coordinator", "admin"}},
		{"GET", "/coordinator/intelligence", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/intelligence/search", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/exports", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/exports", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/exports/NOEXPORT", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/exports/NOEXPORT/download", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/enquiries", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/enquiries", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/enquiries/NOENQUIRY", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/enquiries/NOENQUIRY/forward", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/enquiries/NOENQUIRY/outcome", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/disclosures", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/disclosures", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/disclosures/NODISCLOSURE", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/disclosures/NODISCLOSURE/decide", []string{"admin"}}, // two-person: an admin approves
		{"GET", "/admin/pages", []string{"admin"}},
		{"GET", "/admin/pages/about", []string{"admin"}},
		{"POST", "/admin/pages/about", []string{"admin"}},
		{"POST", "/admin/images", []string{"admin"}},
		{"GET", "/admin/terms", []string{"admin"}},
		{"POST", "/admin/terms", []string{"admin"}},
		{"GET", "/admin/newsletter", []string{"admin"}},
		{"POST", "/admin/newsletter", []string{"admin"}},
		{"GET", "/account/terms", []string{"applicant", "member", "org_contact", "coordinator", "admin"}},
		{"GET", "/admin/api-keys", []string{"admin"}},
		{"POST", "/admin/api-keys", []string{"admin"}},
		{"POST", "/admin/api-keys/NOKEY/revoke", []string{"admin"}},
		{"GET", "/alerts/bulletin", []string{"org_contact"}},
		{"GET", "/alerts/NOALERT", []string{"member", "org_contact"}},
		{"GET", "/alerts/NOALERT/print", []string{"org_contact"}},
		{"POST", "/alerts/NOALERT/additions", []string{"member", "org_contact"}},
		{"GET", "/coordinator/alerts", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/alerts/NOALERT", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts/NOALERT", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts/NOALERT/approve", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts/NOALERT/publish", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts/NOALERT/withdraw", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts/NOALERT/discard", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/alerts/NOALERT/deliveries", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/alerts/NOALERT/deliveries/retry", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/deliveries/email/resume", []string{"coordinator", "admin"}},
		{"GET", "/coordinator/additions", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/additions/NOADDITION/approve", []string{"coordinator", "admin"}},
		{"POST", "/coordinator/additions/NOADDITION/reject", []string{"coordinator", "admin"}},
		{"GET", "/admin/settings", []string{"admin"}},
		{"POST", "/admin/settings", []string{"admin"}},
	}
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, rt := range routes {
		for who, cookie := range cookies {
			var body *strings.Reader
			if rt.method == "POST" {
				// Forms that would change something, left empty, so that
				// an allowed role gets a validation answer, not a change.
				body = strings.NewReader(url.Values{"role": {"purple"}}.Encode())
			} else {
				body = strings.NewReader("")
			}
			req, _ := http.NewRequest(rt.method, ts.URL+rt.path, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if cookie != "" {
				req.AddCookie(&http.Cookie{Name: "um", Value: cookie})
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			ok := false
			for _, a := range rt.allowed {
				ok = ok || a == who
			}
			switch {
			case who == "visitor":
				if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
					t.Errorf("%s %s as visitor: %d %s, want a redirect to sign in", rt.method, rt.path, resp.StatusCode, resp.Header.Get("Location"))
				}
			case ok:
				if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/signin" {
					t.Errorf("%s %s as %s: %d, want it allowed", rt.method, rt.path, who, resp.StatusCode)
				}
			default:
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s as %s: %d, want 403", rt.method, rt.path, who, resp.StatusCode)
				}
			}
		}
	}
}
