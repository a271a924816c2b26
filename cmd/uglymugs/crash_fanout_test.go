package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/outbox"
	"uglymugs/internal/pushtest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/vault"
)

// subscribeSeeded turns push on, at the test push service, for n seeded
// members (a second device for one in five of them), as their browsers
// would, and returns how many devices there are.
func subscribeSeeded(t *testing.T, dbPath, keys string, ps *pushtest.Service, n int) int {
	t.Helper()
	ctx := context.Background()
	v, err := vault.Load(keys)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, store.Source{Dialect: store.SQLite, Path: dbPath}, v)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Writer().QueryContext(ctx, `SELECT u.id FROM users u JOIN profile_regions r ON r.user_id = u.id
		WHERE u.status = 'active' AND u.role = 'member' GROUP BY u.id ORDER BY u.id LIMIT $1`, n)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	devices := 0
	for i, id := range ids {
		each := 1
		if i%5 == 0 {
			each = 2
		}
		for range each {
			sub := ps.SubscribeShared()
			if _, err := db.Push.Subscribe(ctx, id, store.PushSubscription{Endpoint: sub.Endpoint,
				Keys: outbox.PushKeys{P256dh: sub.Keys.P256dh, Auth: sub.Keys.Auth}, Label: "Chrome on Android"}); err != nil {
				t.Fatal(err)
			}
			devices++
		}
	}
	return devices
}

// fanOutMembers is how many members the fan-out crash test seeds; another
// number with UGLYMUGS_CRASH_FANOUT_MEMBERS (fewer, to iterate quickly).
func fanOutMembers() int {
	if n, err := strconv.Atoi(os.Getenv("UGLYMUGS_CRASH_FANOUT_MEMBERS")); err == nil && n >= 1000 {
		return n
	}
	return 30_000
}

// claimReturn bounds how long after a kill the deliveries the killed
// process had claimed may stay claimed: its heartbeat is missed after 10 s
// and the survivors look every 2 s.
const claimReturn = 20 * time.Second

// TestCrash_AlertFanOutKilledMidwayEndsExactlyOnce publishes alerts to
// tens of thousands of members with the real binary, mail going to an SMTP
// sink and texts to an SMS stub, and SIGKILLs it twice an alert: while the
// alert's fan-out is under way (after its first batch has committed, so
// the kill lands mid-way), and again while its messages are being sent.
// After restarts, every alert reaches every member it targets exactly once
// in the database: one in-app row per member, one email delivery per
// member who chose email, one SMS delivery per member who chose SMS, none
// missing, none twice, and every one of them sent. A job the killed
// process held is handed back by the heartbeats within seconds, not after
// River's own rescue (minutes), and so are the deliveries it had claimed
// (within 20 s of the kill). At the sinks, every member gets each alert by
// each chosen channel, and a message arrives twice only if it was being
// sent at the instant of a kill: at most the sends in flight per kill.
func TestCrash_AlertFanOutKilledMidwayEndsExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	members := fanOutMembers()
	bin, dir := buildBinary(t), t.TempDir()
	db, keys := filepath.Join(dir, "fanout.db"), keyFile(t)
	if out, err := exec.Command(bin, "seed", "--db", db, "--keys", keys, "--members", strconv.Itoa(members), "--log-level", "error").CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	mail, sms := notifytest.StartSMTPSink(t), notifytest.StartSMSStub(t)
	// Push: a test push service, and a device for one seeded member in ten
	// (two for some), subscribed there.
	ps := pushtest.Start()
	defer ps.Close()
	devices := subscribeSeeded(t, db, keys, ps, members/10)
	smsCfg := sms.Config()
	senders := []string{"--smtp-url", mail.URL(), "--smtp-from", "alerts@uglymugs.example.org",
		"--sms-url", smsCfg.URL, "--sms-account", smsCfg.Account, "--sms-token", smsCfg.Token, "--sms-from", smsCfg.From,
		"--email-rate", "10000", "--sms-rate", "10000", "--push-allow-host", ps.HostPort(), "--push-rate", "10000"}
	cmd, base := startBinary(t, bin, db, keys, senders...)
	defer func() {
		cmd.Process.Kill() //nolint:errcheck
		cmd.Wait()         //nolint:errcheck
	}()
	coord := coordinatorToken(t, base, db, keys)
	admin := staffToken(t, base, db, keys, "fanout.admin", "admin")
	reporter, _ := join(t, base, coord, individual("fanout.reporter", "Wren", "wren@example.org", "", []string{}, []string{"london"}, "", ""))
	st, body := api(t, "POST", base+"/api/v1/reports", reporter, reportBody("07700 900999", 2))
	if st != http.StatusCreated {
		t.Fatalf("report: %d %v", st, body)
	}
	reportID := body["id"].(string)

	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	count := func(q string, args ...any) int {
		var n int
		if err := conn.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// held returns the deliveries claimed ("sending") at this moment, each
	// with the attempt its claim counted.
	held := func() map[string]int {
		rows, err := conn.Query(`SELECT alert_id, user_id, device, channel, attempts FROM alert_deliveries WHERE status = 'sending'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var a, u, dev, ch string
			var n int
			if err := rows.Scan(&a, &u, &dev, &ch, &n); err != nil {
				t.Fatal(err)
			}
			out[a+" "+u+" "+dev+" "+ch] = n
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}

	kills, claimsHeld, slowest := 0, map[string]int{}, time.Duration(0)
	// kill SIGKILLs the service, starts it again and waits until every
	// delivery the killed process had claimed is claimable again (or gone
	// on): within claimReturn of the kill.
	kill := func(what string) {
		t.Helper()
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		killedAt := time.Now()
		cmd.Wait() //nolint:errcheck // killed
		kills++
		claims := held()
		for k := range claims {
			claimsHeld[k[strings.LastIndexByte(k, ' ')+1:]]++
		}
		cmd, base = startBinary(t, bin, db, keys, senders...)
		for {
			still := 0
			for k, n := range held() {
				if m, ok := claims[k]; ok && m == n {
					still++
				}
			}
			if still == 0 {
				slowest = max(slowest, time.Since(killedAt))
				return
			}
			if time.Since(killedAt) > claimReturn {
				t.Fatalf("%s: %d of the %d deliveries the killed process had claimed were still claimed %s after the kill", what, still, len(claims), claimReturn)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	var regions []string
	for _, r := range scheme.DefaultRegions {
		regions = append(regions, r.Slug)
	}
	type published struct {
		id                     string
		inApp, email, sm, push int
	}
	var alerts []published
	rounds, midway, sending := max(crashRounds()/4, 3), 0, 0
	for round := range rounds {
		st, a := api(t, "POST", base+"/api/v1/alerts", coord, map[string]any{
			"report_ids": []string{reportID}, "title": fmt.Sprintf("Robbery, round %d", round),
			"body": "A man took a worker's phone and bag after the booking.", "regions": regions, "severity": "high",
		})
		if st != http.StatusCreated {
			t.Fatalf("round %d: draft %d %v", round, st, a)
		}
		id := a["id"].(string)
		if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/approve", admin, nil); st != http.StatusOK {
			t.Fatalf("round %d: approve %d %v", round, st, body)
		}
		pub := map[string]any{}
		if len(list(a["anonymisation_flags"])) > 0 {
			pub["override_reason"] = "Read through: nothing identifies anyone."
		}
		st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, pub)
		rec, _ := body["recipients"].(map[string]any)
		if st != http.StatusOK || rec == nil {
			t.Fatalf("round %d: publish %d %v", round, st, body)
		}
		p := published{id: id, inApp: int(rec["in_app"].(float64)), email: int(rec["email"].(float64)), sm: int(rec["sms"].(float64)),
			push: int(rec["push"].(float64))}
		if p.inApp < members/2 {
			t.Fatalf("round %d: the alert reaches %d members of %d", round, p.inApp, members)
		}
		if p.push != devices {
			t.Fatalf("round %d: the alert reaches %d devices by push, want all %d", round, p.push, devices)
		}
		alerts = append(alerts, p)
		// Kill once the fan-out has committed its first batch, and a
		// random few batches more.
		deadline := time.Now().Add(30 * time.Second)
		for count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via = 'alert'`, id) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the fan-out did not start", round)
			}
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		kill(fmt.Sprintf("round %d, mid-fan-out", round))
		if count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via = 'alert'`, id) < p.inApp {
			midway++
		}
		// Kill again once the alert's messages are going out: some sent,
		// some claimed.
		deadline = time.Now().Add(90 * time.Second)
		for count(`SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ? AND status = 'sent'`, id) == 0 ||
			count(`SELECT COUNT(*) FROM alert_deliveries WHERE status = 'sending'`) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the alert's messages did not start going out", round)
			}
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
		before := claimsHeld["email"] + claimsHeld["sms"] + claimsHeld["push"]
		kill(fmt.Sprintf("round %d, while sending", round))
		if claimsHeld["email"]+claimsHeld["sms"]+claimsHeld["push"] > before {
			sending++
		}
	}
	if midway == 0 {
		t.Errorf("no kill of %d landed during a fan-out; the test proved nothing", rounds)
	}
	if sending == 0 {
		t.Errorf("no kill of %d landed while messages were claimed; the test proved nothing", rounds)
	}

	// Every alert ends with each recipient once on each channel.
	for _, p := range alerts {
		eventuallyWithin(t, 90*time.Second, "alert "+p.id+" fanned out in full", func() (bool, string) {
			inApp := count(`SELECT COUNT(*) FROM alert_recipients WHERE alert_id = ? AND via = 'alert'`, p.id)
			email := count(`SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ? AND channel = 'email'`, p.id)
			sms := count(`SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ? AND channel = 'sms'`, p.id)
			push := count(`SELECT COUNT(*) FROM alert_deliveries WHERE alert_id = ? AND channel = 'push'`, p.id)
			return inApp == p.inApp && email == p.email && sms == p.sm && push == p.push,
				fmt.Sprintf("in app %d of %d, email %d of %d, SMS %d of %d, push %d of %d", inApp, p.inApp, email, p.email, sms, p.sm, push, p.push)
		})
		for _, q := range []string{
			`SELECT COUNT(*) FROM (SELECT user_id FROM alert_recipients WHERE alert_id = ? GROUP BY user_id HAVING COUNT(*) > 1)`,
			`SELECT COUNT(*) FROM (SELECT user_id, channel, device FROM alert_deliveries WHERE alert_id = ? GROUP BY user_id, channel, device HAVING COUNT(*) > 1)`,
		} {
			if n := count(q, p.id); n != 0 {
				t.Errorf("alert %s: %d members reached twice (%s)", p.id, n, q)
			}
		}
		// Exactly the members the alert targets: every active member with
		// a region, as it was sent to every region.
		if n := count(`SELECT COUNT(*) FROM alert_recipients r LEFT JOIN users u ON u.id = r.user_id AND u.status = 'active'
			WHERE r.alert_id = ? AND r.via = 'alert' AND u.id IS NULL`, p.id); n != 0 {
			t.Errorf("alert %s reached %d accounts that are not active members", p.id, n)
		}
	}
	// Every message is sent in the end (a guard against hanging, not a
	// timing assertion).
	eventuallyWithin(t, 5*time.Minute, "every alert message sent", func() (bool, string) {
		left := count(`SELECT COUNT(*) FROM alert_deliveries WHERE status <> 'sent'`)
		return left == 0, fmt.Sprintf("%d not sent", left)
	})

	// At the sinks: each member's message of each alert by each channel,
	// counted by its reference (the Message-ID, the Idempotency-Key).
	// Push by its Topic at the push service, per device (a push service
	// keeps one pending message per topic; the device would see one).
	atSink := map[string]map[string]int{"email": mail.Counts(), "sms": {}, "push": {}}
	for _, m := range sms.Received() {
		atSink["sms"][m.Key]++
	}
	perDevice := map[string]map[string]bool{} // device → the topics (alerts) it got
	for _, m := range ps.Received() {
		atSink["push"][m.Topic]++
		if perDevice[m.Device] == nil {
			perDevice[m.Device] = map[string]bool{}
		}
		perDevice[m.Device][m.Topic] = true
	}
	// Each device gets one message per alert: a repeat after a kill has
	// the same Topic, which a push service delivers once.
	for dev, topics := range perDevice {
		if len(topics) != len(alerts) {
			t.Errorf("device %s got %d distinct messages for %d alerts", dev, len(topics), len(alerts))
		}
	}
	if len(perDevice) != devices {
		t.Errorf("%d of the %d devices got messages", len(perDevice), devices)
	}
	if r := ps.Refused(); len(r) > 0 {
		t.Errorf("the push service refused %d messages (VAPID or encryption), the first: %s", len(r), r[0])
	}
	rows, err := conn.Query(`SELECT alert_id, user_id, channel, device FROM alert_deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	missing, twice, messages := map[string]int{}, map[string]int{}, map[string]int{}
	for rows.Next() {
		var a, u, ch, dev string
		if err := rows.Scan(&a, &u, &ch, &dev); err != nil {
			t.Fatal(err)
		}
		n := atSink[ch][outbox.AlertDelivery{AlertID: a, UserID: u, Channel: ch, Device: dev}.Ref()]
		messages[ch] += n
		if n == 0 {
			missing[ch]++
		}
		twice[ch] += max(n-1, 0)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	// A kill can repeat only what had gone, or was going, without yet
	// being recorded at that instant: a channel has notify.DefaultWindow
	// such messages at most (its senders go on while theirs are marked,
	// up to that many).
	bounds := map[string]int{}
	for _, ch := range outbox.AlertChannels {
		bounds[ch] = kills * notify.DefaultWindow(ch)
		if missing[ch] > 0 {
			t.Errorf("%s: %d members never got an alert they were sent", ch, missing[ch])
		}
		if twice[ch] > bounds[ch] {
			t.Errorf("%s: %d messages reached the sink twice; at most %d may (%d kills × a window of %d)", ch, twice[ch], bounds[ch], kills, notify.DefaultWindow(ch))
		}
	}
	var integrity string
	if err := conn.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity check: %q %v", integrity, err)
	}
	t.Logf("%d alerts to %d members and %d devices each; %d kills (%d during a fan-out, %d while messages were claimed, holding %d email, %d SMS and %d push claims in all), "+
		"every claim back within %s of its kill; every member reached once on each channel (each device once) in the database; "+
		"at the sinks %d emails (%d twice), %d SMS (%d twice) and %d push messages (%d twice), at most %v allowed",
		len(alerts), alerts[0].inApp, devices, kills, midway, sending, claimsHeld["email"], claimsHeld["sms"], claimsHeld["push"], slowest.Round(100*time.Millisecond),
		messages["email"], twice["email"], messages["sms"], twice["sms"], messages["push"], twice["push"], bounds)
}
