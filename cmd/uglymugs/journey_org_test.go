package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"uglymugs/internal/browsertest"
)

// TestJourney_OrganisationJoinsAddsStaffWhoReport follows an outreach
// project through the real pages, at a phone's width and a desktop's: its
// key contact applies for it, a coordinator (with a second factor)
// approves it, the key contact adds a staff login (first forgetting the
// name), and the staff member reports for someone they support. Half-way
// through the report the page is reloaded and nothing typed on the earlier
// steps is lost; from the last step the quick exit leaves for the neutral
// site and takes the report page out of the back history.
func TestJourney_OrganisationJoinsAddsStaffWhoReport(t *testing.T) {
	// Nothing listens here: the browser's attempt to go there is the proof.
	const neutral = "https://127.0.0.1:9/weather"
	for _, v := range []struct {
		width int64
		theme string
	}{{360, "dark"}, {1280, "light"}} {
		width := v.width
		t.Run(fmt.Sprintf("%dpx-%s", width, v.theme), func(t *testing.T) {
			t.Parallel()
			base, stdout, stderr := start(t, "demo", "--quick-exit-url", neutral)
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("server log:\n%s", stderr)
				}
			})
			j := &journey{t: t, ctx: browsertest.New(t), base: base, width: width, theme: v.theme}
			if err := chromedp.Do(j.ctx, chromedp.EmulateViewport(width, 800)); err != nil {
				t.Fatal(err)
			}
			j.chooseTheme()

			// The key contact applies for the project.
			j.open("/join/project")
			j.sees("Your organisation")
			j.check("org-apply")
			for id, v := range map[string]string{
				"organisation.name":        "Harbour Outreach",
				"organisation.website":     "https://harbour.example.org",
				"organisation.email":       "info@harbour.example.org",
				"organisation.key_contact": "Alex Lead",
				"organisation.description": "Night outreach and drop-in for street-based sex workers.",
				"username":                 "harbour.lead",
				"password":                 "harbour lead passphrase",
			} {
				j.fill(id, v)
			}
			j.tick("alert_channels-email")
			j.tick("regions-south-west")
			j.tick("terms_version")
			j.press("Send my application")
			j.sees("we have your application")

			// A coordinator approves it.
			j.signIn("demo-coordinator", "demo coordinator password", demoTOTPSecret(t, stdout.String(), "demo-coordinator"))
			j.at("/coordinator/reports") // staff land on their work
			j.open("/coordinator/applications")
			j.follow("the last application", chromedp.Click(chromedp.CSS(`main tbody tr:last-child a`)))
			j.sees("Harbour Outreach", "harbour.lead")
			j.check("org-application")
			j.press("Approve")
			j.at("/coordinator/applications")
			j.signOut()

			// The key contact adds a staff login, forgetting the name first.
			j.signIn("harbour.lead", "harbour lead passphrase", "")
			j.open("/organisation/staff")
			j.sees("No staff logins yet")
			j.fill("username", "harbour.jo")
			j.fill("password", "jo outreach passphrase")
			j.press("Add staff login")
			j.sees("There is a problem")
			if got := j.text(`document.getElementById('username').value`); got != "harbour.jo" {
				t.Errorf("the username typed is %q after the error, want it kept", got)
			}
			j.check("staff-error")
			j.fill("name", "Jo, outreach")
			j.fill("password", "jo outreach passphrase")
			j.press("Add staff login")
			j.sees("harbour.jo", "Jo, outreach")
			j.check("staff-added")
			j.signOut()

			// The staff member reports for someone they support.
			j.signIn("harbour.jo", "jo outreach passphrase", "")
			j.open("/reports")
			j.press("Make a report")
			j.sees("You are reporting for someone else")
			account := "A man followed her from the drop-in and would not leave her alone."
			j.steps(
				chromedp.Click(chromedp.CSS(`label[for="incident_types-harassment-stalking"]`), chromedp.NodeVisible),
				chromedp.SendKeys(chromedp.CSS(`#account`), account),
			)
			j.check("staff-report-what")
			j.button(`.rp-actions button[value="next"]`)
			day := time.Now().AddDate(0, 0, -2)
			j.steps(
				chromedp.WaitVisible(chromedp.CSS(`#incident_at`)),
				chromedp.SendKeys(chromedp.CSS(`#incident_at`), fmt.Sprint(day.Day())),
				chromedp.SendKeys(chromedp.CSS(`#incident_at-month`), fmt.Sprint(int(day.Month()))),
				chromedp.SendKeys(chromedp.CSS(`#incident_at-year`), fmt.Sprint(day.Year())),
				chromedp.SetValue(chromedp.CSS(`#region`), "south-west"),
				chromedp.SendKeys(chromedp.CSS(`#town`), "Plymouth"),
			)
			j.button(`.rp-actions button[value="next"]`)

			// The page is reloaded half-way: the earlier steps are all there.
			step3 := j.location()
			if err := chromedp.Do(j.ctx, chromedp.Reload()); err != nil {
				t.Fatal(err)
			}
			if got := j.location(); got != step3 {
				t.Fatalf("the reload went to %s, want %s", got, step3)
			}
			j.open(strings.TrimPrefix(strings.TrimSuffix(step3, "3"), base) + "1")
			if got := j.text(`document.getElementById('account').value`); got != account {
				t.Errorf("after a reload step 1 holds %q, want %q", got, account)
			}
			if !j.eval(`document.getElementById('incident_types-harassment-stalking').checked`) {
				t.Error("after a reload the incident type is no longer ticked")
			}
			j.open(strings.TrimPrefix(strings.TrimSuffix(step3, "3"), base) + "2")
			if got := j.text(`document.getElementById('town').value`); got != "Plymouth" {
				t.Errorf("after a reload step 2 holds town %q", got)
			}
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`)),
				chromedp.SendKeys(chromedp.CSS(`[id="offenders.0.identifiers.0.value"]`), "07700 900571"))
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`#contact_method`)))
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`label[for="consents.alert-yes"]`)))
			j.answer(map[string]bool{"alert": true, "police": false, "support": false, "police_contact": false})
			j.check("staff-report-consents")
			j.button(`.rp-actions button[value="next"]`)
			j.steps(chromedp.WaitVisible(chromedp.CSS(`.rp-actions button[value="submit"]`)))
			j.button(`.rp-actions button[value="submit"]`)
			j.sees("Your report is sent")
			j.open("/reports")
			j.sees("Harassment or stalking")
			j.check("staff-reports")

			// Quick exit from a report page.
			j.open("/reports")
			j.press("Make a report")
			left := j.location()
			if err := chromedp.Do(j.ctx, chromedp.Click(chromedp.CSS(`a.quick-exit`), chromedp.NodeVisible)); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			var urls []string
			for time.Now().Before(deadline) {
				urls = urls[:0]
				err := chromedp.Do(j.ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
					res, err := cdp.Call(ctx, tgt, page.GetNavigationHistory, cdp.Empty{})
					for _, e := range res.Entries {
						urls = append(urls, e.URL)
					}
					return err
				}))
				if err == nil && len(urls) > 0 && urls[len(urls)-1] == neutral {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if len(urls) == 0 || urls[len(urls)-1] != neutral {
				t.Fatalf("the quick exit did not leave for %s; history %v", neutral, urls)
			}
			for _, u := range urls {
				if u == left {
					t.Errorf("the report page left is still in the back history: %v", urls)
				}
			}
		})
	}
}
