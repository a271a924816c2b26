package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/alert"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// urgentDesk is the alert desk on a clock the test moves, starting on
// Monday 7 December 2026 at 22:00 UTC (the test scheme's office: Monday
// to Friday, 9:00 to 17:00, UTC), with fresh sessions on that clock.
func urgentDesk(t *testing.T) (*alertDesk, *time.Time) {
	t.Helper()
	d := newAlertDesk(t, storetest.Open(t, store.SQLite))
	now := time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	d.db.SetClock(func() time.Time { return now })
	for _, who := range []string{"coordA", "coordB", "admin", "member"} {
		d.keep(who, d.users[who].ID)
	}
	return d, &now
}

// draft writes a draft from a new report, as coordinator A.
func (d *alertDesk) draft() scheme.Alert {
	d.t.Helper()
	a, err := alert.New(d.db, time.UTC).Draft(context.Background(), d.users["coordA"], alert.Input{ReportIDs: []string{d.report().ID}})
	if err != nil {
		d.t.Fatal(err)
	}
	return a
}

func TestUrgentPages_OnCallCoordinatorPublishesAloneAndAnotherReviewsNextMorning(t *testing.T) {
	d, now := urgentDesk(t)
	a := d.draft()

	// The rota: empty, then coordinator A on call tonight.
	if page := d.get("admin", "/admin/on-call"); !strings.Contains(page, "Nobody is on call now or later") {
		t.Error("the empty rota does not say so")
	}
	status, _, body := d.do("admin", "POST", "/admin/on-call", url.Values{"user_id": {""}, "starts": {"2026-12-07T17:00"}, "ends": {"tomorrow"}, "weeks": {"1"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose the coordinator who is on call.") ||
		!strings.Contains(body, "Give the day and time the shift ends") || !strings.Contains(body, `value="2026-12-07T17:00"`) {
		t.Fatalf("a bad shift: %d, problems %q", status, problemsOn(body))
	}
	if to := d.post("admin", "/admin/on-call", url.Values{"user_id": {d.users["coordA"].ID}, "starts": {"2026-12-07T17:00"}, "ends": {"2026-12-08T09:00"}}); to != "/admin/on-call?done=added" {
		t.Fatalf("adding a shift went to %s", to)
	}
	rota := d.get("admin", "/admin/on-call")
	if !strings.Contains(rota, "staff.coorda") || !strings.Contains(rota, "On call now") {
		t.Errorf("the rota does not show coordinator A on call now")
	}

	// Coordinator B is not on call: the editor says so, and publishing
	// alone is refused.
	if page := d.get("coordB", "/coordinator/alerts/"+a.ID); !strings.Contains(page, "You are not on call now") || strings.Contains(page, `name="urgent"`) {
		t.Error("the editor offers urgent publishing to a coordinator not on call")
	}
	status, _, body = d.do("coordB", "POST", "/coordinator/alerts/"+a.ID+"/publish", url.Values{"urgent": {"true"}})
	if status != http.StatusForbidden || !strings.Contains(body, "You are not on call now, so you cannot publish an alert alone.") {
		t.Fatalf("urgent by a coordinator not on call: %d %q", status, problemsOn(body))
	}

	// Coordinator A is: at 22:00, alone, it goes.
	page := d.get("coordA", "/coordinator/alerts/"+a.ID)
	if !strings.Contains(page, "Publish now as urgent") || !strings.Contains(page, `name="urgent" value="true"`) || !strings.Contains(page, "push and SMS first") {
		t.Fatal("the editor does not offer urgent publishing to the coordinator on call")
	}
	if to := d.post("coordA", "/coordinator/alerts/"+a.ID+"/publish", url.Values{"urgent": {"true"}}); !strings.Contains(to, "done=published") {
		t.Fatalf("urgent publishing went to %s", to)
	}
	got, err := d.db.Alerts.Alert(context.Background(), a.ID)
	if err != nil || got.Status != scheme.AlertPublished || !got.Urgent || got.ApprovedBy != "" {
		t.Fatalf("published: %s urgent %v approved by %q, %v", got.Status, got.Urgent, got.ApprovedBy, err)
	}

	// Members see it marked urgent, in their language.
	d.fanOut(a.ID)
	if item := feedItem(d.get("member", "/alerts"), a.ID); !strings.Contains(item, `al-urgent">Urgent<`) {
		t.Errorf("the member's feed does not mark it urgent: %s", item)
	}

	// In the review queue, flagged with when it falls due; due the next
	// working morning.
	list := d.get("coordB", "/coordinator/alerts")
	if !strings.Contains(list, "Urgent alerts to review") || !strings.Contains(list, "Review due Tue") {
		t.Error("the alerts list has no review queue with the time it is due")
	}
	*now = time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	for _, who := range []string{"coordA", "coordB", "admin"} { // sessions from last night have expired
		d.keep(who, d.users[who].ID)
	}
	if list := d.get("coordB", "/coordinator/alerts"); !strings.Contains(list, "Review due now") {
		t.Error("the next working morning, the review is not due now")
	}

	// The publisher cannot confirm it; another coordinator does.
	if page := d.get("coordA", "/coordinator/alerts/"+a.ID); strings.Contains(page, "Confirm this alert") || !strings.Contains(page, "You published it") {
		t.Error("the publisher is offered the review")
	}
	status, _, body = d.do("coordA", "POST", "/coordinator/alerts/"+a.ID+"/confirm", nil)
	if status != http.StatusForbidden || !strings.Contains(body, "You published this alert, so another coordinator must review it.") {
		t.Errorf("the publisher confirming: %d %q", status, problemsOn(body))
	}
	if page := d.get("coordB", "/coordinator/alerts/"+a.ID); !strings.Contains(page, "Confirm this alert") {
		t.Fatal("the reviewer is not offered the review")
	}
	if to := d.post("coordB", "/coordinator/alerts/"+a.ID+"/confirm", nil); !strings.Contains(to, "done=confirmed") {
		t.Fatalf("confirming went to %s", to)
	}
	if list := d.get("coordB", "/coordinator/alerts"); strings.Contains(list, "Urgent alerts to review") {
		t.Error("a confirmed alert is still in the review queue")
	}
	if page := d.get("coordB", "/coordinator/alerts/"+a.ID); !strings.Contains(page, "Confirmed</span> by staff.coordb") {
		t.Error("the alert does not say who confirmed it")
	}

	// The shift, over now, stays on record; a coming one can go.
	shifts, err := d.db.Alerts.Shifts(context.Background(), time.Time{}, scheme.Page{})
	if err != nil || len(shifts.Items) != 1 {
		t.Fatalf("shifts: %+v %v", shifts, err)
	}
	status, _, body = d.do("admin", "POST", "/admin/on-call/"+shifts.Items[0].ID+"/remove", nil)
	if status != http.StatusConflict || !strings.Contains(body, "That shift is over") {
		t.Errorf("removing a shift that is over: %d %q", status, problemsOn(body))
	}
}

func TestUrgentAPI_PublishUrgentIsRefusedWithAReasonOrGoesAloneAndIsConfirmed(t *testing.T) {
	d, now := urgentDesk(t)
	ctx := context.Background()
	call := func(who, method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, d.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+d.apiToken(who))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
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
	message := func(out map[string]any) string {
		e, _ := out["error"].(map[string]any)
		m, _ := e["message"].(string)
		return m
	}
	if _, err := d.db.Alerts.AddShifts(ctx, d.users["admin"].ID, []scheme.OnCallShift{{UserID: d.users["coordA"].ID, StartsAt: now.Add(-5 * time.Hour), EndsAt: now.Add(11 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	a := d.draft()
	publish := "/api/v1/alerts/" + a.ID + "/publish"

	if status, out := call("coordB", "POST", publish, `{"urgent":true}`); status != http.StatusForbidden || !strings.Contains(message(out), "not on call") {
		t.Errorf("urgent by a coordinator not on call: %d %v", status, out)
	}
	flagged := a.Body + " Coral saw him first."
	if _, err := alert.New(d.db, time.UTC).Update(ctx, d.users["coordA"], a.ID, alert.Input{Body: &flagged}); err != nil {
		t.Fatal(err)
	}
	if status, out := call("coordA", "POST", publish, `{"urgent":true,"override_reason":"Coral is his alias."}`); status != http.StatusUnprocessableEntity || !strings.Contains(message(out), "cannot go out over a flag") {
		t.Errorf("urgent with a flag and a reason: %d %v", status, out)
	}
	clean := a.Body
	if _, err := alert.New(d.db, time.UTC).Update(ctx, d.users["coordA"], a.ID, alert.Input{Body: &clean}); err != nil {
		t.Fatal(err)
	}
	*now = time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC) // Tuesday, office hours
	if status, out := call("coordA", "POST", publish, `{"urgent":true}`); status != http.StatusConflict || !strings.Contains(message(out), "office hours") {
		t.Errorf("urgent in office hours: %d %v", status, out)
	}

	*now = time.Date(2026, 12, 7, 22, 0, 0, 0, time.UTC)
	status, out := call("coordA", "POST", publish, `{"urgent":true}`)
	review, _ := out["review"].(map[string]any)
	if status != http.StatusOK || out["urgent"] != true || review["state"] != "pending" || review["due_at"] != "2026-12-08T09:00:00Z" {
		t.Fatalf("urgent by the coordinator on call: %d %v", status, out)
	}
	d.fanOut(a.ID)
	if status, out := call("coordB", "GET", "/api/v1/alerts?review=pending", ""); status != http.StatusOK || len(out["items"].([]any)) != 1 {
		t.Errorf("the review queue: %d %v", status, out)
	}
	if _, out := call("member", "GET", "/api/v1/alerts/"+a.ID, ""); out["urgent"] != true || out["review"] != nil {
		t.Errorf("the member's view: urgent %v, review %v (want urgent, and no review)", out["urgent"], out["review"])
	}
	if status, out := call("coordA", "POST", "/api/v1/alerts/"+a.ID+"/confirm", ""); status != http.StatusForbidden || !strings.Contains(message(out), "You published this alert") {
		t.Errorf("the publisher confirming: %d %v", status, out)
	}
	status, out = call("coordB", "POST", "/api/v1/alerts/"+a.ID+"/confirm", "")
	review, _ = out["review"].(map[string]any)
	if status != http.StatusOK || review["state"] != "confirmed" || review["reviewed_by"] != d.users["coordB"].ID {
		t.Errorf("confirming: %d %v", status, out)
	}
	if status, _ := call("coordB", "POST", "/api/v1/alerts/"+a.ID+"/confirm", ""); status != http.StatusConflict {
		t.Errorf("confirming twice: %d, want 409", status)
	}
	if status, out := call("coordB", "GET", "/api/v1/alerts?review=pending", ""); status != http.StatusOK || len(out["items"].([]any)) != 0 {
		t.Errorf("the review queue once confirmed: %d %v", status, out)
	}
}
