package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"uglymugs/internal/notify"
	"uglymugs/internal/outbox"
	"uglymugs/internal/pushaddr"
	"uglymugs/internal/pushtest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// subscribe turns push on for a new device of userID's at the test push
// service.
func subscribe(t *testing.T, db *store.DB, ps *pushtest.Service, userID string) pushtest.Subscription {
	t.Helper()
	sub := ps.Subscribe()
	if _, err := db.Push.Subscribe(context.Background(), userID, store.PushSubscription{Endpoint: sub.Endpoint,
		Keys: outbox.PushKeys{P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth}, Label: "Firefox on Android"}); err != nil {
		t.Fatal(err)
	}
	return sub
}

func newWebPush(t *testing.T, db *store.DB, ps *pushtest.Service) *notify.WebPush {
	t.Helper()
	public, private, ok := db.VAPID()
	if !ok {
		t.Fatal("the test key file has no push key")
	}
	ps.VAPIDKey = public
	return notify.NewWebPush(pushaddr.Policy{Allow: []string{ps.HostPort()}}, public, private, alertBase)
}

// TestAlertPush_OneMessagePerDeviceNeutralWordsAndGoneForgotten: every
// device with push on gets each alert once, encrypted to it and signed
// with the service's VAPID key (the push service checks both); the words
// are neutral (nothing of the alert but its link), in the member's
// language, a notes app's in discreet mode; a device the push service
// says is gone (410) is forgotten and its message not retried.
func TestAlertPush_OneMessagePerDeviceNeutralWordsAndGoneForgotten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps := pushtest.Start()
		t.Cleanup(ps.Close)
		ids := addMembers(t, db,
			alertMember{Name: "two-phones", Email: "two@example.org"},
			alertMember{Name: "discreet", Email: "discreet@example.org"},
			alertMember{Name: "romanian", Email: "ro@example.org"},
			alertMember{Name: "gone", Email: "gone@example.org"},
			alertMember{Name: "no-push", Email: "nopush@example.org", AlertEmail: true},
			alertMember{Name: "in-wales", Email: "wales@example.org", Region: "wales"},
		)
		devices := map[string]string{} // push service device → member name
		for _, name := range []string{"two-phones", "two-phones", "discreet", "romanian", "gone", "in-wales"} {
			devices[ps.Device(subscribe(t, db, ps, ids[name]).Endpoint)] = name
		}
		if err := db.Push.SetDiscreet(ctx, ids["discreet"], true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Writer().ExecContext(ctx, `UPDATE users SET language = 'ro' WHERE id = $1`, ids["romanian"]); err != nil {
			t.Fatal(err)
		}
		var goneDevice string
		for d, name := range devices {
			if name == "gone" {
				goneDevice = d
			}
		}
		gone, err := db.Push.Devices(ctx, ids["gone"])
		if err != nil || len(gone) != 1 {
			t.Fatalf("devices of gone: %v %v", gone, err)
		}
		ps.Gone(ps.URLOf(goneDevice))

		a := publishLondon(t, db)
		aud, err := db.Alerts.Audience(ctx, a.ID)
		if err != nil || aud.Push != 5 {
			t.Fatalf("audience %+v (%v): want 5 devices by push (not Wales's)", aud, err)
		}
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Push: newWebPush(t, db, ps)})
		settled(t, db, a.ID)

		if r := ps.Refused(); len(r) > 0 {
			t.Fatalf("the push service refused messages: %v", r)
		}
		got := map[string]int{}
		for _, m := range ps.Received() {
			got[m.Device]++
			name := devices[m.Device]
			var p notify.PushPayload
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatalf("payload %q: %v", m.Payload, err)
			}
			if p.URL != alertBase+"/alerts/"+a.ID {
				t.Errorf("%s: link %q", name, p.URL)
			}
			for _, secret := range []string{alertTitle, alertBody, alertArea, "Camden", "07700", "robbery", "Robbery"} {
				if strings.Contains(string(m.Payload), secret) {
					t.Errorf("%s: the payload carries %q: %s", name, secret, m.Payload)
				}
			}
			want := map[string][2]string{
				"two-phones": {"New safety alert", "There is a new safety alert for your area. Open it to read it."},
				"discreet":   {"Notes", "You have a new note."},
				"romanian":   {"Alertă nouă de siguranță", "Există o alertă nouă de siguranță pentru zona ta. Deschide-o ca să o citești."},
			}[name]
			if p.Title != want[0] || p.Body != want[1] || p.Discreet != (name == "discreet") {
				t.Errorf("%s: got %q / %q (discreet %v), want %q / %q", name, p.Title, p.Body, p.Discreet, want[0], want[1])
			}
			if m.Topic == "" || len(m.Topic) > 32 || m.TTL == "" || m.Urgency != "normal" {
				t.Errorf("%s: Topic %q, TTL %q, Urgency %q", name, m.Topic, m.TTL, m.Urgency)
			}
		}
		want := 0
		for d, name := range devices {
			switch name {
			case "gone", "in-wales":
				if got[d] != 0 {
					t.Errorf("%s's device got %d messages", name, got[d])
				}
			default:
				want++
				if got[d] != 1 {
					t.Errorf("%s's device got %d messages, want 1", name, got[d])
				}
			}
		}
		if len(ps.Received()) != want {
			t.Errorf("%d messages for %d devices", len(ps.Received()), want)
		}
		c := counts(t, db, a.ID)
		if c["push"]["sent"] != 4 || c["push"]["cancelled"] != 1 || c["push"]["failed"] != 0 {
			t.Errorf("push counts %v: want 4 sent, the gone device's cancelled", c["push"])
		}
		if left, err := db.Push.Devices(ctx, ids["gone"]); err != nil || len(left) != 0 {
			t.Errorf("the gone device is still listed: %v %v", left, err)
		}
		if ds, _ := db.Push.Devices(ctx, ids["two-phones"]); len(ds) != 2 || ds[0].LastSentAt == nil || ds[0].Label != "Firefox on Android" {
			t.Errorf("two-phones' devices after the alert: %+v", ds)
		}
	})
}

// TestPushSubscriptions_OneBrowserOneMemberAndGoneWhenShesRevoked: the
// same browser subscribing again keeps its id; signed in as another
// member it becomes hers; a revoked member's devices are deleted, and the
// endpoint and keys are never stored readable.
func TestPushSubscriptions_OneBrowserOneMemberAndGoneWhenShesRevoked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps := pushtest.Start()
		t.Cleanup(ps.Close)
		ids := addMembers(t, db, alertMember{Name: "ana"}, alertMember{Name: "bea"})
		sub := ps.Subscribe()
		in := store.PushSubscription{Endpoint: sub.Endpoint, Keys: outbox.PushKeys{P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth}, Label: "Chrome on Android"}
		first, err := db.Push.Subscribe(ctx, ids["ana"], in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := db.Push.Subscribe(ctx, ids["ana"], in)
		if err != nil || again != first {
			t.Errorf("subscribing again: id %q (%v), want %q", again, err, first)
		}
		taken, err := db.Push.Subscribe(ctx, ids["bea"], in)
		if err != nil || taken == first {
			t.Errorf("another member's browser: id %q (%v)", taken, err)
		}
		if ds, _ := db.Push.Devices(ctx, ids["ana"]); len(ds) != 0 {
			t.Errorf("ana still has the browser bea signed in on: %v", ds)
		}
		var raw string
		if err := db.Writer().QueryRowContext(ctx, `SELECT endpoint_ct || keys_ct || label_ct FROM push_subscriptions`).Scan(&raw); err == nil &&
			(strings.Contains(raw, ps.Device(sub.Endpoint)) || strings.Contains(raw, sub.Keys.Auth) || strings.Contains(raw, "Chrome")) {
			t.Error("a subscription is stored readable")
		}
		if err := db.Push.Unsubscribe(ctx, ids["ana"], taken); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("removing another member's device: %v, want not found", err)
		}
		if err := db.Accounts.Revoke(ctx, "coord", ids["bea"], "False reports.", "https://example.org"); err != nil {
			t.Fatal(err)
		}
		if ds, _ := db.Push.Devices(ctx, ids["bea"]); len(ds) != 0 {
			t.Errorf("a revoked member keeps %d devices", len(ds))
		}
	})
}

// TestAlertPush_UrgentGoesWithHighUrgency: an urgent alert's push messages
// ask the push service to wake the device (Urgency: high); others do not.
func TestAlertPush_UrgentGoesWithHighUrgency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ps := pushtest.Start()
		t.Cleanup(ps.Close)
		ids := addMembers(t, db, alertMember{Name: "phone", Email: "phone@example.org"})
		subscribe(t, db, ps, ids["phone"])
		urgent, plain := publishLondon(t, db), publishLondon(t, db)
		// Marked urgent as publishing out of hours does, before its fan-out runs.
		if _, err := db.Writer().ExecContext(ctx, `UPDATE alerts SET urgent = TRUE WHERE id = $1`, urgent.ID); err != nil {
			t.Fatal(err)
		}
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Push: newWebPush(t, db, ps)})
		settled(t, db, urgent.ID, plain.ID)
		got := map[string]string{}
		for _, m := range ps.Received() {
			var p notify.PushPayload
			if err := json.Unmarshal(m.Payload, &p); err != nil {
				t.Fatal(err)
			}
			got[p.URL] = m.Urgency
		}
		if got[alertBase+"/alerts/"+urgent.ID] != "high" || got[alertBase+"/alerts/"+plain.ID] != "normal" || len(got) != 2 {
			t.Errorf("Urgency by alert: %v; want high for the urgent one, normal for the other", got)
		}
	})
}
