package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// draftForm is the whole editor form for a draft from d.report().
func draftForm(body string) url.Values {
	return url.Values{
		"title": {"Robbery — London"}, "area": {"Hackney, London"}, "body": {body},
		"severity": {"high"}, "incident_types": {"robbery"}, "target": {"regions"}, "regions": {"london"},
		"identifiers": {"phone:+447700900123"},
	}
}

// TestAlertPages_FromConsentedReportToMembers walks the coordinators' pages:
// a draft from a report, the anonymisation check flagging the reporter's
// work name, no self-approval, a second coordinator's approval, publishing
// refused without an override reason and done with one; then members.
func TestAlertPages_FromConsentedReportToMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		rep := d.report()

		// The case page offers it only because the reporter consented.
		if c := d.get("coordA", "/coordinator/reports/"+rep.ID); !strings.Contains(c, `action="/coordinator/alerts"`) || !strings.Contains(c, `name="report_ids" value="`+rep.ID+`"`) {
			t.Error("the case page of a consented report has no Write an alert form")
		}
		loc := d.post("coordA", "/coordinator/alerts", url.Values{"report_ids": {rep.ID}})
		m := regexp.MustCompile(`^/coordinator/alerts/([^/?#]+)\?done=created$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("after writing a draft: %s", loc)
		}
		id, editor := m[1], "/coordinator/alerts/"+m[1]
		page := d.get("coordA", editor+"?done=created")
		for _, want := range []string{"Draft alert", "Anonymisation check", "Reaches 4 members:", "/coordinator/reports/" + rep.ID,
			`value="phone:&#43;447700900123"`, "Another coordinator must approve this"} {
			if !strings.Contains(page, want) {
				t.Errorf("the new draft's editor lacks %q", want)
			}
		}
		if strings.Contains(page, "SECRET ACCOUNT") {
			t.Error("the draft copies the reporter's own words")
		}

		// A problem keeps what was typed, beside the field.
		bad := draftForm("Typed text that must survive.")
		bad.Set("title", "")
		status, _, body := d.do("coordA", "POST", editor, bad)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="title-error"`) || !strings.Contains(body, "Typed text that must survive.") || !strings.Contains(body, `href="#title"`) {
			t.Errorf("saving without a title: %d %q, want 422 with the problem beside the title and the text kept", status, problemsOn(body))
		}

		// The reporter's work name in the text is flagged, shown escaped.
		d.post("coordA", editor, draftForm("A man robbed a worker. Ask Coral <i>about</i> him.\nHe is dangerous."))
		page = d.get("coordA", editor)
		if !strings.Contains(page, `<mark class="al-mark">Coral</mark>`) || !strings.Contains(page, "1 thing may identify someone") {
			t.Error("the reporter's work name is not flagged beside the text")
		}
		if !strings.Contains(page, "&lt;i&gt;about&lt;/i&gt;") || strings.Contains(page, "<i>about</i>") {
			t.Error("the preview does not escape the text")
		}

		// The writer cannot approve; another coordinator can.
		status, _, body = d.do("coordA", "POST", editor+"/approve", url.Values{})
		if status != http.StatusForbidden || !strings.Contains(body, "another coordinator must approve it") {
			t.Errorf("self-approval: %d, want 403 with the reason shown", status)
		}
		if page := d.get("coordB", editor); !strings.Contains(page, `action="/coordinator/alerts/`+id+`/approve`) {
			t.Error("another coordinator is not offered Approve")
		}
		d.post("coordB", editor+"/approve", url.Values{})
		if page := d.get("coordA", editor); !strings.Contains(page, "by staff.coordb") || !strings.Contains(page, `action="/coordinator/alerts/`+id+`/publish`) {
			t.Error("the approval is not shown, or Publish not offered")
		}

		// A flag needs a reason to publish.
		status, _, body = d.do("coordA", "POST", editor+"/publish", url.Values{"override_reason": {" "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="override_reason-error"`) || !strings.Contains(body, `href="#override_reason"`) {
			t.Errorf("publishing with a flag and no reason: %d %q, want 422 beside the reason", status, problemsOn(body))
		}
		loc = d.post("coordA", editor+"/publish", url.Values{"override_reason": {"Coral is the offender's nickname for himself, not the reporter."}})
		page = d.get("coordA", loc)
		if !strings.Contains(page, "Published to 4 members: 4 on the website, 1 by email, 0 by SMS, 0 devices by push.") {
			t.Error("publishing does not say whom it reached")
		}
		if !strings.Contains(page, "Published alert") || !strings.Contains(page, "/deliveries") || !strings.Contains(page, "Withdraw") {
			t.Error("the editor does not show the alert as published")
		}
		d.fanOut(id)

		// Members in the target see it; others do not.
		if item := feedItem(d.get("member", "/alerts"), id); !strings.Contains(item, "al-item--unread") || !strings.Contains(item, "Robbery — London") {
			t.Errorf("a member in London does not see the new alert as unread: %q", item)
		}
		if body := d.get("member", "/alerts/"+id); !strings.Contains(body, "He is dangerous.") {
			t.Error("the member cannot read it")
		}
		if item := feedItem(d.get("member", "/alerts"), id); strings.Contains(item, "al-item--unread") {
			t.Error("still unread after reading")
		}
		if status, _, _ := d.do("outsider", "GET", "/alerts/"+id, nil); status != http.StatusNotFound {
			t.Errorf("a member in Wales opening it: %d, want 404", status)
		}
		if body := d.get("outsider", "/alerts"); strings.Contains(body, id) {
			t.Error("a member in Wales sees it in the feed")
		}
		if status, h, _ := d.do("", "GET", "/alerts/"+id, nil); status != http.StatusSeeOther || !toSignIn(h.Get("Location")) {
			t.Errorf("a visitor: %d %s", status, h.Get("Location"))
		}
		if body := d.get("coordA", "/coordinator/alerts"); !strings.Contains(body, "Robbery — London") {
			t.Error("the list does not show the published alert")
		}
	})
}

func TestAlertEditor_PublishedAlertEditsAsANewVersion(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney"), Body: ptr("First words.")})
	editor := "/coordinator/alerts/" + a.ID
	page := d.get("coordA", editor)
	if strings.Contains(page, `name="regions"`) || strings.Contains(page, `name="severity"`) {
		t.Error("the targeting of a published alert is offered for editing")
	}
	d.post("coordA", editor, url.Values{"title": {"Robbery — Hackney"}, "area": {"Hackney"}, "body": {"Second words."}, "identifiers": {"phone:+447700900123"}})
	page = d.get("coordA", editor)
	if !strings.Contains(page, "Version 2 (what members see)") || !strings.Contains(page, "First words.") || !strings.Contains(page, "Second words.") {
		t.Error("the versions are not both kept and shown")
	}
	if body := d.get("member", "/alerts/"+a.ID); !strings.Contains(body, "Second words.") || strings.Contains(body, "First words.") {
		t.Error("members do not see the new version only")
	}
}

func TestAlertEditor_DiscardAndTheList(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	rep := d.report()
	loc := d.post("coordA", "/coordinator/alerts", url.Values{"report_ids": {rep.ID}})
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/coordinator/alerts/"), "?done=created")
	list := d.get("coordB", "/coordinator/alerts")
	if !strings.Contains(list, "/coordinator/alerts/"+id) || !strings.Contains(list, "Needs approval") {
		t.Error("the list does not show the draft needing approval")
	}
	if loc := d.post("coordA", "/coordinator/alerts/"+id+"/discard", url.Values{}); loc != "/coordinator/alerts?done=discarded" {
		t.Errorf("after discarding: %s", loc)
	}
	if list := d.get("coordA", "/coordinator/alerts"); strings.Contains(list, "/coordinator/alerts/"+id) {
		t.Error("a discarded draft is still listed")
	}
	if status, _, _ := d.do("coordA", "GET", "/coordinator/alerts/"+id, nil); status != http.StatusNotFound {
		t.Errorf("a discarded draft: %d, want 404", status)
	}
}

func TestNewAlert_RefusedWithoutTheReportersConsent(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	rep := d.report()
	if _, err := d.db.Reports.SetConsents(context.Background(), d.users["reporter"].ID, rep.ID, scheme.Consents{}); err != nil {
		t.Fatal(err)
	}
	if c := d.get("coordA", "/coordinator/reports/"+rep.ID); strings.Contains(c, `action="/coordinator/alerts"`) || !strings.Contains(c, "did not agree to an alert") {
		t.Error("the case page offers an alert without the reporter's consent")
	}
	status, _, body := d.do("coordA", "POST", "/coordinator/alerts", url.Values{"report_ids": {rep.ID}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "did not consent to an alert") {
		t.Errorf("writing an alert anyway: %d, want 422 saying why", status)
	}
}

func TestAlertSettings_AdminSwitchesApprovalOff(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	if body := d.get("admin", "/admin/settings"); !checked(body, "require_approval") {
		t.Error("approval is not on by default")
	}
	if status, _, _ := d.do("coordA", "GET", "/admin/settings", nil); status != http.StatusForbidden {
		t.Errorf("a coordinator opening the settings: %d, want 403", status)
	}
	d.post("admin", "/admin/settings", settingsForm(func(f url.Values) { f.Del("require_approval") }))
	if body := d.get("admin", "/admin/settings?done=saved"); checked(body, "require_approval") || !strings.Contains(body, "Settings saved.") {
		t.Error("unticking did not switch approval off")
	}
	rep := d.report()
	loc := d.post("coordA", "/coordinator/alerts", url.Values{"report_ids": {rep.ID}})
	if page := d.get("coordA", strings.TrimSuffix(loc, "?done=created")); !strings.Contains(page, "switched off in the settings") || !strings.Contains(page, "/publish") {
		t.Error("with approval off, the writer is not offered Publish")
	}
	d.post("admin", "/admin/settings", settingsForm(nil))
	if v, _ := d.db.Alerts.Setting(context.Background(), scheme.SettingRequireApproval, ""); v != "true" {
		t.Errorf("setting is %q after ticking it again", v)
	}
}

func TestAlertDeliveries_CountsRetryAndPausedChannels(t *testing.T) {
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	a := d.publish(alert.Input{Title: ptr("Robbery — Hackney")})
	d.get("member", "/alerts/"+a.ID) // one member opens it
	path := "/coordinator/alerts/" + a.ID + "/deliveries"

	// Four London members get it in the app; the one who chose email gets
	// an email too. Nobody chose SMS.
	body := d.get("coordA", path)
	for _, want := range []string{"On the website <span class=\"al-channel__total\">4 in all", "Email <span class=\"al-channel__total\">1 in all",
		"SMS <span class=\"al-channel__total\">0 in all", "<dt>Delivered, not opened yet</dt><dd>3</dd>", "<dt>Opened</dt><dd>1</dd>", "No failures."} {
		if !strings.Contains(body, want) {
			t.Errorf("the deliveries page lacks %q", want)
		}
	}

	// Push, one message a device: the member's two devices.
	for _, dev := range []string{"DEVICEONE", "DEVICETWO"} {
		if _, err := d.db.Writer().ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, user_id, channel, device, status, next_attempt_at, updated_at)
			VALUES ($1, $2, 'push', $3, 'sent', $4, $4)`, a.ID, d.users["member"].ID, dev, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	if body := d.get("coordA", path); !strings.Contains(body, "Push to phones and browsers <span class=\"al-channel__total\">2 in all") {
		t.Error("the deliveries page does not count push, one a device")
	}

	// A failed email: shown with its reason, never the address, and retried.
	if _, err := d.db.Writer().ExecContext(ctx, `UPDATE alert_deliveries SET status = 'failed', error = 'smtp 550 mailbox unavailable', attempts = 5
		WHERE alert_id = $1 AND channel = 'email'`, a.ID); err != nil {
		t.Fatal(err)
	}
	body = d.get("coordA", path)
	if !strings.Contains(body, "smtp 550 mailbox unavailable") || !strings.Contains(body, `<dt>Failed</dt><dd>1</dd>`) || !strings.Contains(body, "Retry the 1 failed") {
		t.Error("the failure, its reason or the retry button is missing")
	}
	for _, leak := range []string{"iris@example.org", "coral@example.org", "07700 900555", d.users["member"].ID} {
		if strings.Contains(body, leak) {
			t.Errorf("the deliveries page shows who or where: %s", leak)
		}
	}
	if status, _, _ := d.do("coordA", "POST", path+"/retry", url.Values{"channel": {"pigeon"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("retrying an unknown channel: %d, want 422", status)
	}
	loc := d.post("coordA", path+"/retry", url.Values{"channel": {"email"}})
	if body := d.get("coordA", loc); !strings.Contains(body, "1 failed message(s) queued again") || strings.Contains(body, "Retry the 1 failed") {
		t.Errorf("after retrying: no confirmation, or still failed")
	}

	// A channel that paused itself: a banner on the list and here, and Resume.
	if err := d.db.Deliveries.PauseChannel(ctx, "sms", "provider refused 20 messages in a row"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/coordinator/alerts", path} {
		if body := d.get("coordA", p); !strings.Contains(body, "SMS sending is paused") || !strings.Contains(body, `action="/coordinator/deliveries/sms/resume"`) {
			t.Errorf("%s: no paused-channel banner with Resume", p)
		}
	}
	if loc := d.post("coordA", "/coordinator/deliveries/sms/resume", url.Values{"alert": {a.ID}}); loc != path+"?done=resumed" {
		t.Errorf("after resuming: %s, want back to the deliveries", loc)
	}
	if body := d.get("coordA", "/coordinator/alerts"); strings.Contains(body, "sending is paused") {
		t.Error("the banner stays after resuming")
	}
}

// TestAlertPages_WritingTwiceOpensTheSameDraft: "Write an alert" on a
// report that has a draft goes to that draft, on the page and through the
// API, and the case page says so.
func TestAlertPages_WritingTwiceOpensTheSameDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := newAlertDesk(t, db)
		rep := d.report()
		editor := regexp.MustCompile(`^/coordinator/alerts/([^/?#]+)\?done=(created|existing)$`)
		var ids, dones []string
		for _, who := range []string{"coordA", "coordB"} {
			m := editor.FindStringSubmatch(d.post(who, "/coordinator/alerts", url.Values{"report_ids": {rep.ID}}))
			if m == nil {
				t.Fatalf("writing as %s does not open an editor", who)
			}
			ids, dones = append(ids, m[1]), append(dones, m[2])
		}
		if ids[0] != ids[1] || dones[0] != "created" || dones[1] != "existing" {
			t.Fatalf("writing twice: drafts %v (%v), want one draft, then the same again", ids, dones)
		}
		if page := d.get("coordB", "/coordinator/alerts/"+ids[0]+"?done=existing"); !strings.Contains(page, "This report already has a draft alert: here it is.") {
			t.Error("the editor does not say the draft already existed")
		}
		if c := d.get("coordA", "/coordinator/reports/"+rep.ID); !strings.Contains(c, "Open the draft alert") || strings.Contains(c, ">Write an alert<") {
			t.Error("the case page of a report with a draft still offers to write one")
		}

		// The API: the same draft, 200 instead of 201, its fields not applied.
		tok := d.apiToken("coordA")
		api := func(body string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest("POST", d.ts.URL+"/api/v1/alerts", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			resp, err := d.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, out
		}
		status, a := api(`{"report_ids":["` + rep.ID + `"],"title":"Not applied"}`)
		if status != http.StatusOK || a["id"] != ids[0] || a["title"] == "Not applied" || a["status"] != "draft" {
			t.Errorf("API write from a report with a draft: %d %v %q, want 200 with draft %s unchanged", status, a["id"], a["title"], ids[0])
		}
		other := d.report()
		status, a = api(`{"report_ids":["` + other.ID + `"]}`)
		if status != http.StatusCreated || a["id"] == ids[0] {
			t.Errorf("API write from another report: %d %v, want 201 with a new draft", status, a["id"])
		}
		if status, again := api(`{"report_ids":["` + other.ID + `"]}`); status != http.StatusOK || again["id"] != a["id"] {
			t.Errorf("API write twice: %d %v, want 200 with %v", status, again["id"], a["id"])
		}
	})
}
