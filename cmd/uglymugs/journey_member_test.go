package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"uglymugs/internal/browsertest"
	"uglymugs/internal/notify/notifytest"
)

// TestJourney_ReportToAlertToCheck follows one person from joining to
// leaving through the real pages, at a phone's width and a desktop's: she
// applies as an individual in London wanting alerts by email; a
// coordinator (with a second factor) approves her; she signs in and
// reports a robbery with the offender's phone; the coordinator writes an
// alert from it; an admin approves and publishes it; she sees it in the
// app and gets its email at the test's SMTP server, checks the phone
// written another way and finds the alert, withdraws her police consent,
// and leaves the scheme.
func TestJourney_ReportToAlertToCheck(t *testing.T) {
	mail := notifytest.StartMailpit(t)
	for _, width := range []int64{360, 1280} {
		t.Run(fmt.Sprintf("%dpx", width), func(t *testing.T) {
			base, stdout, stderr := start(t, "demo", "--smtp-url", mail.SMTPURL(), "--smtp-from", "alerts@uglymugs.example.org")
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("server log:\n%s", stderr)
				}
			})
			j := &journey{t: t, ctx: browsertest.New(t), base: base, width: width, theme: "light"}
			if err := chromedp.Do(j.ctx, chromedp.EmulateViewport(width, 800)); err != nil {
				t.Fatal(err)
			}
			// Each width has its own offender number, so the two runs'
			// alerts and emails are told apart in the one mailpit.
			phone := map[int64]string{360: "07700 900561", 1280: "07700 900562"}[width]
			e164 := "+44 " + strings.TrimPrefix(phone, "0")

			// She applies, and a coordinator approves her.
			username := fmt.Sprintf("juniper.%d", width)
			email := fmt.Sprintf("juniper.%d@example.org", width)
			const password = "juniper journey passphrase"
			coordSecret := demoTOTPSecret(t, stdout.String(), "demo-coordinator")
			j.open("/join/individual")
			for id, v := range map[string]string{"work_name": "Juniper", "email": email, "username": username, "password": password} {
				j.fill(id, v)
			}
			j.tick("alert_channels-email")
			j.tick("regions-london")
			j.tick("terms_version")
			j.press("Send my application")
			j.sees("we have your application")
			j.signIn("demo-coordinator", "demo coordinator password", coordSecret)
			j.at("/coordinator/reports") // staff land on their work
			j.open("/coordinator/applications")
			j.follow("the last application", chromedp.Click(chromedp.CSS(`main tbody tr:last-child a`)))
			j.sees("Juniper", username)
			j.press("Approve")
			j.at("/coordinator/applications")
			j.signOut()

			// She reports.
			j.signIn(username, password, "")
			j.open("/reports")
			j.press("Make a report")
			j.steps(
				chromedp.WaitVisible(chromedp.CSS(`label[for="incident_types-robbery"]`)),
				chromedp.Click(chromedp.CSS(`label[for="incident_types-robbery"]`), chromedp.NodeVisible),
				chromedp.SendKeys(chromedp.CSS(`#account`), "He took my bag and my phone when I asked him to pay."),
			)
			j.button(`.rp-actions button[value="next"]`)
			now := time.Now()
			j.steps(
				chromedp.WaitVisible(chromedp.CSS(`#incident_at`)),
				chromedp.SendKeys(chromedp.CSS(`#incident_at`), fmt.Sprint(now.AddDate(0, 0, -1).Day())),
				chromedp.SendKeys(chromedp.CSS(`#incident_at-month`), fmt.Sprint(int(now.AddDate(0, 0, -1).Month()))),
				chromedp.SendKeys(chromedp.CSS(`#incident_at-year`), fmt.Sprint(now.AddDate(0, 0, -1).Year())),
				chromedp.SetValue(chromedp.CSS(`#region`), "london"),
				chromedp.SendKeys(chromedp.CSS(`#town`), "Camden"),
			)
			j.check("report-when-where")
			j.button(`.rp-actions button[value="next"]`)
			j.steps(
				chromedp.WaitVisible(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`)),
				chromedp.SendKeys(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`), phone),
			)
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`#contact_method`)))
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`label[for="consents.alert-yes"]`)))
			// Continue before answering: each question is asked again.
			j.button(`.rp-actions button[value="next"]`)
			j.sees("Answer yes or no: May we warn other members?")
			j.answer(map[string]bool{"alert": true, "police": true, "support": false, "police_contact": false})
			j.check("report-consents")
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`.rp-actions button[value="submit"]`)))
			j.button(`.rp-actions button[value="submit"]`)
			j.sees("Your report is sent")
			reportPath := j.text(`document.querySelector('a.button[href^="/reports/"]').getAttribute('href')`)
			reportID := strings.TrimPrefix(reportPath, "/reports/")
			j.signOut()

			// A coordinator writes the alert.
			j.signIn("demo-coordinator", "demo coordinator password", coordSecret)
			j.open("/coordinator/reports/" + reportID)
			j.sees("Camden")
			j.press("Write an alert")
			editor := j.location()
			j.sees("Another coordinator must approve this")
			// Her report gave no gender: the drafted text says "they".
			if body := j.text(`document.getElementById('body').value`); !strings.Contains(body, "If they contact you") || strings.Contains(body, " he ") {
				t.Errorf("the drafted alert guesses a pronoun: %q", body)
			}
			j.check("alert-draft")
			j.signOut()

			// An admin approves it and publishes it.
			j.signIn("demo-admin", "demo admin password", demoTOTPSecret(t, stdout.String(), "demo-admin"))
			j.open(strings.TrimPrefix(editor, base))
			j.press("Approve this alert")
			if j.count(`#override_reason`) > 0 {
				j.fill("override_reason", "Read through: the town is an area, not an address.")
			}
			j.press("Publish the alert")
			j.sees("Published")
			title := j.text(`document.querySelector('h1').innerText`)
			j.signOut()

			// She sees it, and gets its email.
			j.signIn(username, password, "")
			j.open("/alerts")
			j.sees("Robbery")
			j.check("alert-feed")
			deadline := time.Now().Add(30 * time.Second)
			found := false
			for !found && time.Now().Before(deadline) {
				for _, m := range mail.Messages(t) {
					if strings.Contains(m.To, email) && m.Subject == "New safety alert" && strings.Contains(m.Text, "/alerts/") {
						found = found || !strings.Contains(m.Text, phone)
					}
				}
				time.Sleep(200 * time.Millisecond)
			}
			if !found {
				t.Errorf("no alert email reached the member (alert %q)", title)
			}

			// She checks the number written another way.
			j.open("/check")
			j.fill("check-value", e164)
			j.press("Check")
			j.sees("Reported in")
			j.check("check-found")

			// She withdraws her police consent.
			j.open(reportPath)
			if err := chromedp.Do(j.ctx, chromedp.Click(chromedp.CSS(`label[for="consents.police"]`))); err != nil {
				t.Fatal(err)
			}
			if j.eval(`document.getElementById('consents.police').checked`) {
				t.Fatal("the police consent is still ticked")
			}
			j.press("Save my choices")
			j.open(reportPath)
			if j.eval(`document.getElementById('consents.police').checked`) {
				t.Error("the police consent came back after saving")
			}

			// And leaves.
			j.open("/account/leave")
			j.tick("confirm")
			j.press("Leave and erase my details")
			j.open("/signin")
			j.fill("username", username)
			j.fill("password", password)
			j.press("Sign in")
			j.at("/signin")
		})
	}
}

// steps runs browser actions, failing the test on the first error.
func (j *journey) steps(actions ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	for _, a := range actions {
		if err := chromedp.Do(j.ctx, a); err != nil {
			j.t.Fatalf("at %s: %v", j.location(), err)
		}
	}
}

// signIn signs in through the form, with a second-factor code when given
// the secret.
func (j *journey) signIn(username, password, secret string) {
	j.t.Helper()
	j.open("/signin")
	j.fill("username", username)
	j.fill("password", password)
	j.press("Sign in")
	if secret == "" {
		return
	}
	j.at("/signin/code")
	// A code is good once: a second sign-in within the same 30 seconds
	// uses the next step's code, which the service also accepts.
	at := time.Now()
	if j.usedStep[secret] >= at.Unix()/30 {
		at = time.Unix((j.usedStep[secret]+1)*30, 0)
	}
	if j.usedStep == nil {
		j.usedStep = map[string]int64{}
	}
	j.usedStep[secret] = at.Unix() / 30
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		j.t.Fatal(err)
	}
	j.fill("code", code)
	j.press("Continue")
}

func (j *journey) signOut() {
	j.t.Helper()
	// On a phone, signing out is in the menu: open it first, as she would.
	button := `//ul[contains(@class,"nav--wide")]//button[normalize-space(.)="Sign out"]`
	if j.eval(`getComputedStyle(document.querySelector('.nav--wide')).display === 'none'`) {
		j.steps(chromedp.Click(chromedp.CSS(`.nav-menu__button`)))
		button = `//div[contains(@class,"nav-menu__panel")]//button[normalize-space(.)="Sign out"]`
	}
	j.follow("button Sign out", chromedp.Click(button))
}

// button presses the button a CSS selector finds, scrolled to the middle
// of the screen first: the quick-exit bar is sticky at the top, and a
// press under it would leave the site, as it should.
func (j *journey) button(css string) {
	j.t.Helper()
	if _, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "center"}), true)`, css))); err != nil {
		j.t.Fatalf("at %s, %s: %v", j.location(), css, err)
	}
	j.follow(css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}
