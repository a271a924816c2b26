package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"uglymugs/internal/audit"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// settingsForm is the Settings page's form as a test server first shows
// it (testSettings), with change made to it.
func settingsForm(change func(url.Values)) url.Values {
	f := url.Values{"name": {"Test Mugs"}, "contact_email": {"help@example.org"}, "quick_exit_url": {"https://neutral.example.org/weather"},
		"open": {"09:00"}, "close": {"17:00"}, "days": {"mon", "tue", "wed", "thu", "fri"}, "closed_days": {""},
		"checks_per_day": {"50"}, "checks_per_minute": {"10"}, "require_approval": {"true"}, "training_due_days": {"90"}}
	if change != nil {
		change(f)
	}
	return f
}

// settingsEntries are the audit log's settings.change entries.
func settingsEntries(t *testing.T, db *store.DB) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for e, err := range db.AuditEntries(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Action == "settings.change" {
			out = append(out, e)
		}
	}
	return out
}

// TestSettingsPage_AChangeShowsOnTheNextRequestAndIsAudited: what an admin
// saves is what the next page shows — the name, the quick exit, the
// contact address, the office hours, the check allowance — with no
// restart, and one audit entry names what changed (the contact address
// without its value).
func TestSettingsPage_AChangeShowsOnTheNextRequestAndIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		if home := d.get("", "/"); !strings.Contains(home, "Test Mugs") {
			t.Fatal("the home page does not show the first-run name")
		}
		if page := d.get("admin", "/admin/settings"); !strings.Contains(page, `value="Test Mugs"`) || !strings.Contains(page, `id="days-fri" name="days" value="fri" checked`) ||
			strings.Contains(page, `id="days-sat" name="days" value="sat" checked`) {
			t.Error("the settings page does not show the settings in force")
		}
		northStar := func(f url.Values) {
			f.Set("name", "North Star Mugs")
			f.Set("contact_email", "hello@northstar.example.org")
			f.Set("quick_exit_url", "https://www.example.org/news")
			f.Set("open", "10:00")
			f.Set("close", "16:30")
			f["days"] = []string{"mon", "wed", "fri"}
			f.Set("closed_days", "2026-12-28\r\n2026-12-25")
			f.Set("checks_per_day", "40")
			f.Set("checks_per_minute", "5")
		}
		loc := d.post("admin", "/admin/settings", settingsForm(northStar))
		if loc != "/admin/settings?done=saved" {
			t.Fatalf("saving: to %s", loc)
		}

		home := d.get("", "/")
		if !strings.Contains(home, "North Star Mugs") || strings.Contains(home, "Test Mugs") || !strings.Contains(home, `href="https://www.example.org/news"`) {
			t.Error("the next page does not show the new name and quick exit")
		}
		if contact := d.get("", "/contact"); !strings.Contains(contact, "hello@northstar.example.org") {
			t.Error("the contact page does not show the new address")
		}
		if queue := d.get("coordA", "/coordinator/applications"); !strings.Contains(queue, "(Monday, Wednesday and Friday, 10:00 to 16:30)") {
			t.Errorf("the queue does not count the new office hours: %q", regexp.MustCompile(`working hours only \([^)]*\)`).FindString(queue))
		}
		if status, _, body := d.do("member", "POST", "/check", url.Values{"value": {"07700 900999"}}); status != http.StatusOK || !strings.Contains(body, "You have 39 checks left today.") {
			t.Errorf("a check with the new allowance of 40: %d, %q", status, regexp.MustCompile(`You have [^.]* left today`).FindString(body))
		}
		page := d.get("admin", loc)
		for _, want := range []string{"Settings saved.", `value="10:00"`, `value="16:30"`, "2026-12-25\n2026-12-28</textarea>", `id="days-wed" name="days" value="wed" checked`} {
			if !strings.Contains(page, want) {
				t.Errorf("the saved settings page lacks %q", want)
			}
		}

		entries := settingsEntries(t, db)
		if len(entries) != 1 {
			t.Fatalf("%d settings.change entries, want 1", len(entries))
		}
		e := entries[0]
		for _, want := range []string{`"scheme.name"`, `"North Star Mugs"`, `"hours.days":"mon,wed,fri"`, `"hours.closed":"2026-12-25,2026-12-28"`, `"checks.per_day":"40"`, `"scheme.contact_email"`} {
			if !strings.Contains(e.Detail, want) {
				t.Errorf("the audit entry %s lacks %s", e.Detail, want)
			}
		}
		if e.Actor != d.users["admin"].ID || strings.Contains(e.Detail, "hello@northstar") || strings.Contains(e.Detail, "require_approval") {
			t.Errorf("the audit entry %+v: by the admin, naming only what changed, never the contact address", e)
		}
		// Saving what is already there changes nothing and records nothing.
		// (written another way).
		d.post("admin", "/admin/settings", settingsForm(func(f url.Values) {
			northStar(f)
			f["days"] = []string{"wed", "fri", "mon"}
			f.Set("closed_days", "2026-12-25, 2026-12-28")
			f.Set("open", "10")
		}))
		if n := len(settingsEntries(t, db)); n != 1 {
			t.Errorf("%d settings.change entries after saving the same again, want 1", n)
		}
	})
}

// TestSettingsPage_RefusesBadValuesBesideEachFieldKeepingWhatWasTyped:
// every problem is named beside its field at once, what was typed stays,
// and nothing is stored or recorded.
func TestSettingsPage_RefusesBadValuesBesideEachFieldKeepingWhatWasTyped(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	bad := settingsForm(func(f url.Values) {
		f.Set("name", "  ")
		f.Set("contact_email", "help at example")
		f.Set("quick_exit_url", "http://neutral.example.org")
		f.Set("open", "25:00")
		f.Set("close", "8")
		f.Del("days")
		f.Set("closed_days", "2026-12-25\nChristmas")
		f.Set("checks_per_day", "lots")
		f.Set("checks_per_minute", "0")
		f.Set("training_due_days", "0")
	})
	status, _, page := d.do("admin", "POST", "/admin/settings", bad)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("bad settings: %d, want 422", status)
	}
	for field, msg := range map[string]string{
		"name":              "Give the scheme&#39;s name",
		"contact_email":     "Give an email address, for example help@example.org.",
		"quick_exit_url":    "Give the full https:// address of a neutral site",
		"open":              "Give a time on the 24-hour clock",
		"days":              "Choose at least one day the office is open.",
		"closed_days":       "&#34;Christmas&#34; is not a date written YYYY-MM-DD",
		"checks_per_day":    "Give a whole number, for example 50.",
		"checks_per_minute": "Give a whole number from 1 to the checks allowed in a day.",
		"training_due_days": "Give a whole number of days from 1 to 3650.",
	} {
		if !strings.Contains(page, `id="`+field+`-error"`) || !strings.Contains(page, msg) || !strings.Contains(page, `href="#`+field+`"`) {
			t.Errorf("%s: no %q beside it and in the summary", field, msg)
		}
	}
	for _, typed := range []string{`value="help at example"`, `value="http://neutral.example.org"`, `value="25:00"`, `value="8"`, `value="lots"`, "2026-12-25\nChristmas</textarea>"} {
		if !strings.Contains(page, typed) {
			t.Errorf("what was typed is lost: %s", typed)
		}
	}
	if strings.Contains(page, `name="days" value="mon" checked`) {
		t.Error("an unticked day comes back ticked")
	}
	if n := len(settingsEntries(t, d.db)); n != 0 {
		t.Errorf("%d settings.change entries after a refusal", n)
	}
	if home := d.get("", "/"); !strings.Contains(home, "Test Mugs") {
		t.Error("a refused change took effect")
	}
	// A close before the open, with everything else right, is named.
	status, _, page = d.do("admin", "POST", "/admin/settings", settingsForm(func(f url.Values) { f.Set("open", "17:00"); f.Set("close", "09:00") }))
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "The office must close after it opens") {
		t.Errorf("closing before opening: %d", status)
	}
	// Only admins: a coordinator is refused, and nothing changes.
	if status, _, _ := d.do("coordA", "POST", "/admin/settings", settingsForm(func(f url.Values) { f.Set("name", "Mine") })); status != http.StatusForbidden {
		t.Errorf("a coordinator saving settings: %d, want 403", status)
	}
}

// TestSettingsPage_InTheBrowser opens the settings page at phone and laptop
// widths in both themes.
func TestSettingsPage_InTheBrowser(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	openDeskPages(t, d, []deskPage{{"settings", "admin", "/admin/settings", "Office hours"}}, nil)
}
