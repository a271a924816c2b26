package main

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// clientOf is a client address of each person's own (in 198.18.0.0/15,
// the range set aside for testing), so that many people can join and
// sign in to a server started with --behind-proxy without its per-address
// throttle refusing them.
func clientOf(username string) string {
	h := fnv.New32a()
	h.Write([]byte(username))
	n := h.Sum32()
	return fmt.Sprintf("198.%d.%d.%d", 18+n>>16&1, n>>8&0xff, n&0xff)
}

// join applies through the API with app, is approved by coord, and signs
// in, from the applicant's own client address.
func join(t *testing.T, base, coord string, app map[string]any) (token, id string) {
	t.Helper()
	username := app["username"].(string)
	st, body := apiFrom(t, clientOf(username), "POST", base+"/api/v1/applications", "", app)
	if st != http.StatusCreated {
		t.Fatalf("apply %s: %d %v", username, st, body)
	}
	if st, body := api(t, "POST", base+"/api/v1/applications/"+body["id"].(string)+"/approve", coord, nil); st != 200 {
		t.Fatalf("approve %s: %d %v", username, st, body)
	}
	return signIn(t, base, username)
}

func signIn(t *testing.T, base, username string) (token, id string) {
	t.Helper()
	st, s := apiFrom(t, clientOf(username), "POST", base+"/api/v1/session", "", map[string]string{"username": username, "password": "a long test passphrase"})
	if st != http.StatusCreated {
		t.Fatalf("sign in %s: %d %v", username, st, s)
	}
	token = s["token"].(string)
	_, me := api(t, "GET", base+"/api/v1/me", token, nil)
	return token, me["id"].(string)
}

// individual is an individual's application with exactly the alert
// channels given (an email and a mobile are given only when named).
func individual(username, workName, email, mobile string, channels []string, regions []string, sector, gender string) map[string]any {
	a := map[string]any{"type": "individual", "username": username, "password": "a long test passphrase", "work_name": workName,
		"regions": regions, "alert_channels": channels, "sector": sector, "gender": gender, "terms_version": 1}
	if email != "" {
		a["email"] = email
	}
	if mobile != "" {
		a["mobile"] = mobile
	}
	return a
}

func items(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	raw, ok := body["items"].([]any)
	if !ok {
		t.Fatalf("no items in %v", body)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

func ids(list []map[string]any) []string {
	var out []string
	for _, x := range list {
		out = append(out, x["id"].(string))
	}
	return out
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// Members are also emailed and texted about their applications, by
// workers that may still be at it when the alert goes out; those messages
// all carry a sign-in link (/signin), and alert messages do not.

// alertMail returns the messages to an address that are not about an
// application, oldest first.
func alertMail(t *testing.T, mail *notifytest.Mailpit, to string) []notifytest.Message {
	t.Helper()
	var out []notifytest.Message
	for _, m := range mail.Messages(t) {
		if slices.Contains(strings.Split(m.To, ", "), to) && !strings.Contains(m.Text, "/signin") {
			out = append(out, m)
		}
	}
	return out
}

// alertSMS returns the texts to a number that are not about an
// application, oldest first.
func alertSMS(sms *notifytest.SMSStub, to string) []string {
	var out []string
	for _, m := range sms.Received() {
		if m.To == to && !strings.Contains(m.Text, "/signin") {
			out = append(out, m.Text)
		}
	}
	return out
}

// eventually polls cond until it holds, failing the test with what was
// last seen if it does not within 30 seconds. The deadline guards against
// hanging; it is not a timing assertion.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	eventuallyWithin(t, 30*time.Second, what, cond)
}

func eventuallyWithin(t *testing.T, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not so after %s; last seen: %s", what, limit, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// gsm7Segment reports whether s fits one GSM-7 SMS segment: only the GSM
// 03.38 alphabet, at most 160 septets (extension characters count two).
func gsm7Segment(s string) bool {
	const basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	const ext = "^{}\\[~]|€\f"
	n := 0
	for _, r := range s {
		switch {
		case strings.ContainsRune(basic, r):
			n++
		case strings.ContainsRune(ext, r):
			n += 2
		default:
			return false
		}
	}
	return n <= 160
}

func TestAPI_Alerts_DraftedCheckedApprovedPublishedAndDeliveredToExactlyTheirAudience(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	sms := notifytest.StartSMSStub(t)
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			cfg := sms.Config()
			base, _, _ := start(t, "serve", "--db", dbs, "--keys", keys, "--behind-proxy",
				"--smtp-url", mail.SMTPURL(), "--smtp-from", "alerts@uglymugs.example.org",
				"--sms-url", cfg.URL, "--sms-account", cfg.Account, "--sms-token", cfg.Token, "--sms-from", cfg.From)
			coord := coordinatorToken(t, base, dbs, keys)
			coord2 := staffToken(t, base, dbs, keys, "coord.two", "coordinator")
			_, coord2me := api(t, "GET", base+"/api/v1/me", coord2, nil)

			// Both databases run in one mailpit and one SMS stub: every
			// address and number is this subtest's own.
			n := map[store.Dialect]int{store.SQLite: 1, store.Postgres: 2}[d]
			addr := func(name string) string { return fmt.Sprintf("%s.%s@example.org", name, d) }
			mobile := func(k int) string { return fmt.Sprintf("07700 900%d%02d", n+2, k) }
			e164 := func(k int) string { return "+44" + strings.ReplaceAll(mobile(k), " ", "")[1:] }
			nw := []string{"north-west"}

			// The reporter lives in London (outside the alert), with a work
			// name and a mobile the anonymisation check must find.
			reporter, _ := join(t, base, coord, individual("saffron."+string(d), "Saffron Vale", addr("saffron"), mobile(11), []string{}, []string{"london"}, "", ""))
			emailOnly, _ := join(t, base, coord, individual("emma."+string(d), "Emma", addr("emma"), "", []string{"email"}, nw, "escort", "woman"))
			smsOnly, _ := join(t, base, coord, individual("sam."+string(d), "Sam", "", mobile(12), []string{"sms"}, nw, "", ""))
			inApp, _ := join(t, base, coord, individual("ines."+string(d), "Ines", addr("ines"), "", []string{}, nw, "escort", "prefer-not"))
			far, _ := join(t, base, coord, individual("farah."+string(d), "Farah", addr("farah"), mobile(13), []string{"email", "sms"}, []string{"london"}, "escort", "woman"))
			street, _ := join(t, base, coord, individual("stella."+string(d), "Stella", addr("stella"), "", []string{"email"}, nw, "street", "woman"))
			man, _ := join(t, base, coord, individual("marc."+string(d), "Marc", addr("marc"), mobile(14), []string{"email", "sms"}, nw, "escort", "man"))
			// Emma and Sam read Portuguese, chosen through the API: their
			// alert email and SMS come in it.
			for _, tok := range []string{emailOnly, smsOnly} {
				if st, me := api(t, "PATCH", base+"/api/v1/me", tok, map[string]any{"language": "pt-BR"}); st != http.StatusOK || me["language"] != "pt-BR" {
					t.Fatalf("choosing Portuguese: %d %v", st, me)
				}
				if _, me := api(t, "GET", base+"/api/v1/me", tok, nil); me["language"] != "pt-BR" {
					t.Fatalf("GET /api/v1/me after choosing Portuguese: %v", me)
				}
			}
			outside := map[string]string{"another region": far, "another sector": street, "another gender": man}
			targeted := map[string]string{"email-only": emailOnly, "SMS-only": smsOnly, "in-app-only": inApp}

			consented := reportBody("07700 900888", 2)
			st, body := api(t, "POST", base+"/api/v1/reports", reporter, consented)
			if st != http.StatusCreated {
				t.Fatalf("report: %d %v", st, body)
			}
			reportID := body["id"].(string)
			withheld := reportBody("07700 900777", 3)
			withheld["consents"] = map[string]bool{"alert": false, "police": true}
			_, body = api(t, "POST", base+"/api/v1/reports", reporter, withheld)
			withheldID := body["id"].(string)

			draft := map[string]any{
				"report_ids": []string{reportID},
				"title":      "Physical assault — Salford",
				"body":       "A man pushed a worker down the stairs in Salford. Saffron Vale says call her on 07700 900" + fmt.Sprint(n+2) + "11 for more.",
				"regions":    nw, "sectors": []string{"escort"}, "genders": []string{"woman"},
				"severity": "high",
			}

			// No alert from a report whose reporter withheld consent.
			noConsent := map[string]any{"report_ids": []string{withheldID}, "title": "x", "body": "y", "regions": nw, "severity": "high"}
			if st, body := api(t, "POST", base+"/api/v1/alerts", coord, noConsent); st != 422 || errField(body, "report_ids") == "" {
				t.Errorf("alert from a report without consent: %d %v", st, body)
			}
			bad := map[string]any{"report_ids": []string{reportID}, "title": "", "regions": []string{"atlantis"}, "severity": "dire"}
			if st, body := api(t, "POST", base+"/api/v1/alerts", coord, bad); st != 422 || errField(body, "title") == "" || errField(body, "regions") == "" || errField(body, "severity") == "" {
				t.Errorf("invalid draft: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts", coord, map[string]any{"report_ids": []string{reportID}, "colour": "red"}); st != 422 || errField(body, "colour") == "" {
				t.Errorf("unknown field: %d %v", st, body)
			}

			// The draft: flagged for the reporter's name and mobile; filled
			// from the report where the body leaves fields out.
			st, a := api(t, "POST", base+"/api/v1/alerts", coord, draft)
			if st != http.StatusCreated || a["status"] != "draft" {
				t.Fatalf("draft: %d %v", st, a)
			}
			id := a["id"].(string)
			flagged := func(a map[string]any, want string) bool {
				for _, f := range list(a["anonymisation_flags"]) {
					if strings.Contains(f.(map[string]any)["text"].(string), want) {
						return true
					}
				}
				return false
			}
			if !flagged(a, "Saffron") || !flagged(a, "900"+fmt.Sprint(n+2)+"11") {
				t.Errorf("flags on a body naming the reporter and her mobile: %v", a["anonymisation_flags"])
			}
			if fmt.Sprint(a["report_ids"]) != "["+reportID+"]" || fmt.Sprint(a["incident_types"]) != "[physical-assault]" ||
				len(list(a["identifiers"])) != 2 || a["approval_required"] != true {
				t.Errorf("draft filled from the report: %v", a)
			}
			aud, _ := a["audience"].(map[string]any)
			if aud["in_app"] != float64(3) || aud["email"] != float64(1) || aud["sms"] != float64(1) {
				t.Errorf("audience before publishing: %v", a["audience"])
			}

			// Edits recompute the flags, both ways.
			clean := "A man pushed a worker down the stairs in Salford. He is in his 30s with ginger hair."
			st, a = api(t, "PATCH", base+"/api/v1/alerts/"+id, coord, map[string]any{"body": clean})
			if st != 200 || len(list(a["anonymisation_flags"])) != 0 || a["body"] != clean || a["title"] != draft["title"] {
				t.Errorf("edit removing the name and mobile: %d %v", st, a)
			}
			st, a = api(t, "PATCH", base+"/api/v1/alerts/"+id, coord, map[string]any{"body": clean + " Ask Saffron Vale."})
			if st != 200 || !flagged(a, "Saffron") {
				t.Errorf("edit naming the reporter again: %d %v", st, a)
			}

			// Two people: the writer cannot approve, and nothing goes out
			// unapproved; flags need a reason.
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/approve", coord, nil); st != http.StatusForbidden {
				t.Errorf("self-approval: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, map[string]string{"override_reason": "Agreed with her."}); st != http.StatusConflict {
				t.Errorf("publish before approval: %d %v", st, body)
			}
			st, a = api(t, "POST", base+"/api/v1/alerts/"+id+"/approve", coord2, nil)
			if st != 200 || a["approved_by"] != coord2me["id"] || a["status"] != "draft" {
				t.Fatalf("approval: %d %v", st, a)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, nil); st != 422 || errField(body, "override_reason") == "" {
				t.Errorf("publish with open flags and no reason: %d %v", st, body)
			}
			st, body = api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, map[string]string{"override_reason": "She asked to be named."})
			rec, _ := body["recipients"].(map[string]any)
			if st != 200 || rec["in_app"] != float64(3) || rec["email"] != float64(1) || rec["sms"] != float64(1) {
				t.Fatalf("publish: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, map[string]string{"override_reason": "again"}); st != http.StatusConflict {
				t.Errorf("publishing twice: %d %v", st, body)
			}
			st, a = api(t, "GET", base+"/api/v1/alerts/"+id, coord, nil)
			if st != 200 || a["status"] != "published" || a["override_reason"] != "She asked to be named." || len(list(a["versions"])) != 1 || !flagged(a, "Saffron") {
				t.Errorf("the published alert, for coordinators: %d %v", st, a)
			}
			title := a["title"].(string)

			// Delivered by the real workers: counted per channel, no failures.
			var dl map[string]any
			eventually(t, "deliveries sent", func() (bool, string) {
				_, dl = api(t, "GET", base+"/api/v1/alerts/"+id+"/deliveries", coord, nil)
				c, _ := dl["counts"].(map[string]any)
				em, _ := c["email"].(map[string]any)
				sm, _ := c["sms"].(map[string]any)
				return em["sent"] == float64(1) && sm["sent"] == float64(1), fmt.Sprint(dl)
			})
			if len(list(dl["failures"])) != 0 {
				t.Errorf("failures: %v", dl["failures"])
			}

			// The email says there is an alert and links to it: nothing else.
			var msg notifytest.Message
			eventually(t, "the alert email", func() (bool, string) {
				ms := alertMail(t, mail, addr("emma"))
				if len(ms) > 0 {
					msg = ms[0]
					return true, ""
				}
				return false, "no message"
			})
			if msg.Subject != "Novo alerta de segurança" || !strings.Contains(msg.Text, "/alerts/"+id) {
				t.Errorf("alert email, in Portuguese: subject %q, text %q", msg.Subject, msg.Text)
			}
			for _, secret := range []string{title, "Salford", "pushed", "ginger", "Saffron", "Emma", "07700", "900888", "MA21", "Physical assault", "physical-assault"} {
				if strings.Contains(msg.Subject+"\n"+msg.Text, secret) {
					t.Errorf("the alert email carries %q: %q / %q", secret, msg.Subject, msg.Text)
				}
			}
			// The SMS: one GSM-7 segment, no detail.
			var text string
			eventually(t, "the alert SMS", func() (bool, string) {
				got := alertSMS(sms, e164(12))
				if len(got) > 0 {
					text = got[0]
					return true, ""
				}
				return false, "no SMS"
			})
			if !gsm7Segment(text) {
				t.Errorf("alert SMS is not one GSM-7 segment (%d characters): %q", utf8.RuneCountInString(text), text)
			}
			if !strings.HasPrefix(text, "Novo alerta de seguranca") {
				t.Errorf("alert SMS, in Portuguese (GSM-7, without accents): %q", text)
			}
			for _, secret := range []string{title, "Salford", "assault", "Saffron", "Sam", "07700", "900888", "MA21"} {
				if strings.Contains(text, secret) {
					t.Errorf("the alert SMS carries %q: %q", secret, text)
				}
			}
			// Once each, and nobody else was emailed or texted (the
			// deliveries are all sent by now).
			if got := alertMail(t, mail, addr("emma")); len(got) != 1 {
				t.Errorf("email-only member got %d alert emails", len(got))
			}
			if got := alertSMS(sms, e164(12)); len(got) != 1 {
				t.Errorf("SMS-only member got %d alert SMS", len(got))
			}
			for _, who := range []string{"ines", "farah", "stella", "marc", "saffron"} {
				if got := alertMail(t, mail, addr(who)); len(got) != 0 {
					t.Errorf("%s got an alert email: %v", who, got)
				}
			}
			for _, k := range []int{11, 13, 14} {
				if got := alertSMS(sms, e164(k)); len(got) != 0 {
					t.Errorf("%s got an alert SMS: %q", e164(k), got)
				}
			}

			// In the app: every targeted member, nobody else.
			for who, tok := range targeted {
				st, feed := api(t, "GET", base+"/api/v1/alerts", tok, nil)
				if st != 200 || fmt.Sprint(ids(items(t, feed))) != "["+id+"]" {
					t.Errorf("%s member's feed: %d %v", who, st, feed)
				}
			}
			for who, tok := range outside {
				if st, feed := api(t, "GET", base+"/api/v1/alerts", tok, nil); st != 200 || len(items(t, feed)) != 0 {
					t.Errorf("member in %s: feed %d %v", who, st, feed)
				}
				if st, body := api(t, "GET", base+"/api/v1/alerts/"+id, tok, nil); st != http.StatusNotFound {
					t.Errorf("member in %s reading the alert: %d %v", who, st, body)
				}
			}
			if st, feed := api(t, "GET", base+"/api/v1/alerts", reporter, nil); st != 200 || len(items(t, feed)) != 0 {
				t.Errorf("the reporter (in London): %d %v", st, feed)
			}

			// A member's view: the alert, nothing about where it came from.
			st, m := api(t, "GET", base+"/api/v1/alerts/"+id, emailOnly, nil)
			if st != 200 || m["title"] != title || m["status"] != "published" || len(list(m["identifiers"])) != 2 {
				t.Errorf("member reading the alert: %d %v", st, m)
			}
			for _, k := range []string{"anonymisation_flags", "report_ids", "override_reason", "created_by", "approved_by", "published_by", "versions", "audience"} {
				if _, ok := m[k]; ok {
					t.Errorf("a member sees %s: %v", k, m[k])
				}
			}
			_, feed := api(t, "GET", base+"/api/v1/alerts", emailOnly, nil)
			if it := items(t, feed); len(it) != 1 || it[0]["read_at"] == nil {
				t.Errorf("read alert not marked read: %v", feed)
			}
			_, feed = api(t, "GET", base+"/api/v1/alerts", smsOnly, nil)
			if it := items(t, feed); len(it) != 1 || it[0]["read_at"] != nil || it[0]["report_ids"] != nil || it[0]["anonymisation_flags"] != nil {
				t.Errorf("unread alert in the feed: %v", feed)
			}

			// Feed filters (days on the scheme's clock).
			london, err := time.LoadLocation("Europe/London")
			if err != nil {
				t.Fatal(err)
			}
			day := func(d int) string { return time.Now().In(london).AddDate(0, 0, d).Format(time.DateOnly) }
			hourAgo := url.QueryEscape(time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
			for q, want := range map[string]int{
				"region=north-west":                     1,
				"region=london":                         0,
				"type=physical-assault":                 1,
				"type=robbery":                          0,
				"since=" + day(0):                       1,
				"since=" + day(1):                       0,
				"until=" + day(-1):                      0,
				"since=" + day(-2) + "&until=" + day(0): 1,
				"before=" + hourAgo:                     0,
				"limit=1":                               1,
			} {
				if st, feed := api(t, "GET", base+"/api/v1/alerts?"+q, inApp, nil); st != 200 || len(items(t, feed)) != want {
					t.Errorf("feed ?%s: %d %v, want %d items", q, st, feed, want)
				}
			}
			// A full page says where the next one starts; it is empty here.
			_, page := api(t, "GET", base+"/api/v1/alerts?limit=1", inApp, nil)
			next, _ := page["next_before"].(string)
			if st, rest := api(t, "GET", base+"/api/v1/alerts?limit=1&before="+url.QueryEscape(next), inApp, nil); next == "" || st != 200 || len(items(t, rest)) != 0 {
				t.Errorf("paging from %q: %d %v", next, st, rest)
			}
			if st, body := api(t, "GET", base+"/api/v1/alerts?since="+day(0)+"&until="+day(-1), inApp, nil); st != 422 || errField(body, "until") == "" {
				t.Errorf("until before since: %d %v", st, body)
			}
			st, body = api(t, "GET", base+"/api/v1/alerts?since=yesterday&region=atlantis&type=x&limit=0", inApp, nil)
			if st != 422 || errField(body, "since") == "" || errField(body, "region") == "" || errField(body, "type") == "" || errField(body, "limit") == "" {
				t.Errorf("bad feed filters: %d %v", st, body)
			}

			// Coordinators list every alert, by status.
			for q, want := range map[string]int{"": 1, "?status=published": 1, "?status=draft": 0} {
				if st, all := api(t, "GET", base+"/api/v1/alerts"+q, coord, nil); st != 200 || len(items(t, all)) != want {
					t.Errorf("coordinators' list %q: %d %v", q, st, all)
				}
			}
			if st, body := api(t, "GET", base+"/api/v1/alerts?status=lost", coord, nil); st != 422 || errField(body, "status") == "" {
				t.Errorf("unknown status: %d %v", st, body)
			}

			// Additions: a recipient adds, a coordinator sees it at once;
			// other members only once it is approved.
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/additions", far, map[string]string{"body": "I saw him too."}); st != http.StatusNotFound {
				t.Errorf("addition by a member who did not receive it: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/additions", emailOnly, map[string]string{"body": " "}); st != 422 || errField(body, "body") == "" {
				t.Errorf("empty addition: %d %v", st, body)
			}
			st, ad := api(t, "POST", base+"/api/v1/alerts/"+id+"/additions", emailOnly, map[string]string{"body": "He texted me from the same number last night."})
			if st != http.StatusCreated || ad["status"] != "pending" || ad["id"] == nil {
				t.Errorf("addition: %d %v", st, ad)
			}
			if _, a := api(t, "GET", base+"/api/v1/alerts/"+id, coord, nil); len(list(a["additions"])) != 1 {
				t.Errorf("coordinator's view of additions: %v", a["additions"])
			}
			if _, a := api(t, "GET", base+"/api/v1/alerts/"+id, emailOnly, nil); len(list(a["additions"])) != 1 {
				t.Errorf("the author's view of her addition: %v", a["additions"])
			}
			// Her own data, downloaded, holds what she added (and the document says so).
			if st, e := api(t, "GET", base+"/api/v1/me/export", emailOnly, nil); st != http.StatusOK || len(list(e["alert_additions"])) != 1 {
				t.Errorf("her export's additions: %d %v", st, e["alert_additions"])
			}
			if _, a := api(t, "GET", base+"/api/v1/alerts/"+id, smsOnly, nil); len(list(a["additions"])) != 0 {
				t.Errorf("another member sees a pending addition: %v", a["additions"])
			}

			// Retrying: a channel is named; nothing failed, so nothing moves.
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/deliveries/retry", coord, map[string]string{"channel": "fax"}); st != 422 || errField(body, "channel") == "" {
				t.Errorf("retry an unknown channel: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/deliveries/retry", coord, map[string]string{"channel": "email"}); st != 200 {
				t.Errorf("retry: %d %v", st, body)
			}

			// Editing a published alert makes a new version; who it went to
			// cannot change.
			fixed := "A man pushed a worker down the stairs. He is in his 30s with ginger hair."
			st, a = api(t, "PATCH", base+"/api/v1/alerts/"+id, coord2, map[string]any{"body": fixed})
			if st != 200 || a["version"] != float64(2) || len(list(a["versions"])) != 2 || len(list(a["anonymisation_flags"])) != 0 {
				t.Errorf("editing the published alert: %d %v", st, a)
			}
			if st, body := api(t, "PATCH", base+"/api/v1/alerts/"+id, coord2, map[string]any{"regions": []string{"london"}}); st != http.StatusConflict {
				t.Errorf("retargeting a published alert: %d %v", st, body)
			}
			if _, m := api(t, "GET", base+"/api/v1/alerts/"+id, inApp, nil); m["body"] != fixed || m["version"] != float64(2) {
				t.Errorf("members read the new version: %v", m)
			}

			// Withdrawn: the notice stays, the content goes.
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/withdraw", coord, map[string]string{}); st != 422 || errField(body, "notice") == "" {
				t.Errorf("withdraw without a notice: %d %v", st, body)
			}
			st, a = api(t, "POST", base+"/api/v1/alerts/"+id+"/withdraw", coord, map[string]string{"notice": "This alert was sent in error."})
			if st != 200 || a["status"] != "withdrawn" {
				t.Fatalf("withdraw: %d %v", st, a)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/withdraw", coord, map[string]string{"notice": "Again."}); st != http.StatusConflict {
				t.Errorf("withdrawing twice: %d %v", st, body)
			}
			for who, tok := range targeted {
				_, feed := api(t, "GET", base+"/api/v1/alerts", tok, nil)
				it := items(t, feed)
				if len(it) != 1 || it[0]["status"] != "withdrawn" || it[0]["notice"] != "This alert was sent in error." ||
					it[0]["title"] != "" || it[0]["body"] != "" || len(list(it[0]["identifiers"])) != 0 || it[0]["area"] != nil {
					t.Errorf("%s member's feed after withdrawal: %v", who, feed)
				}
			}
			_, m = api(t, "GET", base+"/api/v1/alerts/"+id, emailOnly, nil)
			if m["status"] != "withdrawn" || m["body"] != "" || m["additions"] != nil {
				t.Errorf("a withdrawn alert, for a member: %v", m)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/additions", emailOnly, map[string]string{"body": "More."}); st != http.StatusNotFound {
				t.Errorf("addition to a withdrawn alert: %d %v", st, body)
			}
		})
	}
}

func TestAPI_Alerts_EveryEndpointRefusesEveryRoleItIsNotFor(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			base, _, _ := start(t, "serve", "--db", dbs, "--keys", keys, "--behind-proxy")
			coord := coordinatorToken(t, base, dbs, keys)
			admin := staffToken(t, base, dbs, keys, "admin.api", "admin")
			memberTok, _ := join(t, base, coord, individual("mira.z", "Mira", "mira.z@example.org", "", []string{"email"}, []string{"north-west"}, "", ""))
			org := map[string]any{"type": "project", "username": "project.z", "password": "a long test passphrase", "regions": []string{"wales"},
				"alert_channels": []string{}, "terms_version": 1, "organisation": map[string]string{
					"name": "Outreach Project", "website": "https://outreach.example.org", "email": "team@outreach.example.org",
					"key_contact": "Jo Bloggs", "description": "We run outreach for street-based sex workers in Cardiff."}}
			orgTok, _ := join(t, base, coord, org)
			if _, me := api(t, "GET", base+"/api/v1/me", orgTok, nil); me["role"] != "org_contact" {
				t.Fatalf("organisation's key contact: %v", me)
			}
			if st, body := apiFrom(t, clientOf("ari.z"), "POST", base+"/api/v1/applications", "", individual("ari.z", "Ari", "ari.z@example.org", "", []string{}, []string{"london"}, "", "")); st != http.StatusCreated {
				t.Fatalf("apply: %d %v", st, body)
			}
			applicant, _ := signIn(t, base, "ari.z")

			_, rep := api(t, "POST", base+"/api/v1/reports", memberTok, reportBody("07700 900555", 2))
			reportID := rep["id"].(string)
			create := map[string]any{"report_ids": []string{reportID}, "title": "Physical assault — Salford",
				"body": "A man in his 30s with ginger hair pushed a worker.", "regions": []string{"north-west"}, "severity": "high"}
			st, a := api(t, "POST", base+"/api/v1/alerts", coord, create)
			if st != http.StatusCreated {
				t.Fatalf("draft: %d %v", st, a)
			}
			id := a["id"].(string)

			type call struct {
				method, path string
				body         any
				staff        bool // coordinators' endpoint
			}
			p := "/api/v1/alerts/" + id
			calls := []call{
				{"POST", "/api/v1/alerts", create, true},
				{"GET", "/api/v1/alerts", nil, false},
				{"GET", p, nil, false},
				{"PATCH", p, map[string]any{"severity": "highest"}, true},
				{"POST", p + "/approve", nil, true},
				{"POST", p + "/publish", map[string]string{"override_reason": "Checked."}, true},
				{"GET", p + "/deliveries", nil, true},
				{"POST", p + "/deliveries/retry", map[string]string{"channel": "sms"}, true},
				{"POST", p + "/additions", map[string]string{"body": "Me too."}, false},
				{"POST", p + "/withdraw", map[string]string{"notice": "Sent in error."}, true},
			}
			// Before anyone may: signed out, 401; applicants, 403 everywhere
			// (they receive no alerts); members and organisations, 403 on
			// the coordinators' endpoints and 404 for an alert they did not
			// receive.
			for _, c := range calls {
				what := c.method + " " + strings.Replace(c.path, id, "{id}", 1)
				if st, body := api(t, c.method, base+c.path, "", c.body); st != http.StatusUnauthorized || errCode(body) != "unauthenticated" {
					t.Errorf("signed out, %s: %d %v", what, st, body)
				}
				if st, body := api(t, c.method, base+c.path, applicant, c.body); st != http.StatusForbidden {
					t.Errorf("applicant, %s: %d %v", what, st, body)
				}
				for who, tok := range map[string]string{"member": memberTok, "organisation": orgTok} {
					st, body := api(t, c.method, base+c.path, tok, c.body)
					want := http.StatusForbidden
					switch {
					case !c.staff && c.path == "/api/v1/alerts":
						want = http.StatusOK
					case !c.staff:
						want = http.StatusNotFound
					}
					if st != want || (want == http.StatusOK && len(list(body["items"])) != 0) {
						t.Errorf("%s, %s: %d %v, want %d (and nothing received yet)", who, what, st, body, want)
					}
				}
			}
			// Coordinators (and admins) may, in the order of an alert's life;
			// they add nothing to alerts themselves. Writing from the same
			// report again gives the draft it already has (200).
			want := map[string]int{
				"POST /api/v1/alerts": 200, "GET /api/v1/alerts": 200, "GET {id}": 200, "PATCH {id}": 200,
				"POST {id}/approve": 200, "POST {id}/publish": 200, "GET {id}/deliveries": 200,
				"POST {id}/deliveries/retry": 200, "POST {id}/additions": 403, "POST {id}/withdraw": 200,
			}
			for _, c := range calls {
				key := c.method + " " + strings.Replace(c.path, "/api/v1/alerts/"+id, "{id}", 1)
				// The coordinator writes and edits; the admin approves and
				// does the rest.
				tok := admin
				if key == "POST /api/v1/alerts" || key == "PATCH {id}" || key == "GET {id}/deliveries" {
					tok = coord
				}
				if st, body := api(t, c.method, base+c.path, tok, c.body); st != want[key] {
					t.Errorf("staff, %s: %d %v, want %d", key, st, body, want[key])
				}
			}
			if st, body := api(t, "GET", base+"/api/v1/alerts/NOSUCHALERTNOSUCHALERTNOSU", coord, nil); st != http.StatusNotFound {
				t.Errorf("unknown alert: %d %v", st, body)
			}
		})
	}
}

func TestAPI_Alerts_FailedDeliveriesAreListedWithoutAddressesAndRetried(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			dbs, keys := dbArg(storetest.Source(t, d)), keyFile(t)
			base, _, _ := start(t, "serve", "--db", dbs, "--keys", keys, "--behind-proxy",
				"--smtp-url", mail.SMTPURL(), "--smtp-from", "alerts@uglymugs.example.org")
			coord := coordinatorToken(t, base, dbs, keys)
			coord2 := staffToken(t, base, dbs, keys, "coord.two", "coordinator")
			email := "rhea." + string(d) + "@example.org"
			rhea, _ := join(t, base, coord, individual("rhea."+string(d), "Rhea", email, "", []string{"email"}, []string{"north-west"}, "", ""))
			_, rep := api(t, "POST", base+"/api/v1/reports", rhea, reportBody("07700 900666", 2))
			st, a := api(t, "POST", base+"/api/v1/alerts", coord, map[string]any{"report_ids": []any{rep["id"]}, "title": "Physical assault — Salford",
				"body": "A man in his 30s with ginger hair pushed a worker.", "regions": []string{"north-west"}, "severity": "high"})
			if st != http.StatusCreated {
				t.Fatalf("draft: %d %v", st, a)
			}
			id := a["id"].(string)
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/approve", coord2, nil); st != 200 {
				t.Fatalf("approve: %d %v", st, body)
			}
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/deliveries/retry", coord, map[string]string{"channel": "email"}); st != http.StatusConflict {
				t.Errorf("retrying a draft's messages: %d %v", st, body)
			}

			// The mail server refuses every recipient, for good.
			mail.SetChaos(t, notifytest.Chaos{Recipient: 550})
			st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/publish", coord, nil)
			if rec, _ := body["recipients"].(map[string]any); st != 200 || rec["email"] != float64(1) {
				t.Fatalf("publish: %d %v", st, body)
			}
			var dl map[string]any
			eventually(t, "the email failed", func() (bool, string) {
				_, dl = api(t, "GET", base+"/api/v1/alerts/"+id+"/deliveries", coord, nil)
				c, _ := dl["counts"].(map[string]any)
				em, _ := c["email"].(map[string]any)
				return em["failed"] == float64(1), fmt.Sprint(dl)
			})
			c := dl["counts"].(map[string]any)
			if em := c["email"].(map[string]any); em["sent"] != float64(0) || len(em) != 7 {
				t.Errorf("email counts: %v", em)
			}
			if ia := c["in_app"].(map[string]any); ia["delivered"] != float64(1) {
				t.Errorf("in-app counts: %v", ia)
			}
			fs := list(dl["failures"])
			if len(fs) != 1 {
				t.Fatalf("failures: %v", dl["failures"])
			}
			f := fs[0].(map[string]any)
			reason, _ := f["error"].(string)
			if f["channel"] != "email" || f["state"] != "failed" || !strings.Contains(reason, "550") {
				t.Errorf("failure: %v", f)
			}
			for _, secret := range []string{email, "rhea", "@"} {
				if strings.Contains(fmt.Sprint(f), secret) {
					t.Errorf("the failure shows %q: %v", secret, f)
				}
			}

			// Mended, and retried: it goes out, once.
			mail.SetChaos(t, notifytest.Chaos{})
			st, body = api(t, "POST", base+"/api/v1/alerts/"+id+"/deliveries/retry", coord, map[string]string{"channel": "email"})
			if st != 200 || body["queued"] != float64(1) {
				t.Fatalf("retry: %d %v", st, body)
			}
			// The sender that failed may still be finishing its run (a job
			// stays "running" until River records it done); the retry leaves
			// a nudge that starts it again within seconds. The limit is well
			// under the minute of the periodic sweep, so that a lost wake-up
			// fails this test instead of hiding behind the sweep.
			eventuallyWithin(t, 20*time.Second, "the email sent on retry", func() (bool, string) {
				_, dl = api(t, "GET", base+"/api/v1/alerts/"+id+"/deliveries", coord, nil)
				em := dl["counts"].(map[string]any)["email"].(map[string]any)
				return em["sent"] == float64(1) && em["failed"] == float64(0), fmt.Sprint(dl)
			})
			if len(list(dl["failures"])) != 0 {
				t.Errorf("failures after the retry: %v", dl["failures"])
			}
			eventually(t, "the alert email", func() (bool, string) {
				got := alertMail(t, mail, email)
				return len(got) == 1 && strings.Contains(got[0].Text, "/alerts/"+id), fmt.Sprint(len(got))
			})
			if st, body := api(t, "POST", base+"/api/v1/alerts/"+id+"/deliveries/retry", coord, map[string]string{"channel": "email"}); st != 200 || body["queued"] != float64(0) {
				t.Errorf("retry with nothing failed: %d %v", st, body)
			}
		})
	}
}
