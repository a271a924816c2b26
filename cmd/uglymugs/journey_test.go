package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"uglymugs/internal/browsertest"
)

// TestJourney_ApplyVetApproveSignInAndLeave follows one person through the
// real pages in Chromium, on a phone-sized screen and a desktop one: they
// apply (first with a mistake), a coordinator signs in with a second factor
// and approves them, they sign in, leave, and can no longer sign in. It
// asserts on what a person sees: text on the page and the address.
func TestJourney_ApplyVetApproveSignInAndLeave(t *testing.T) {
	for _, v := range []struct {
		width int64
		theme string
	}{{360, "light"}, {360, "dark"}, {1280, "light"}} {
		t.Run(fmt.Sprintf("%dpx-%s", v.width, v.theme), func(t *testing.T) {
			t.Parallel()
			base, stdout, stderr := start(t, "demo")
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("server log:\n%s", stderr)
				}
			})
			secret := demoTOTPSecret(t, stdout.String(), "demo-coordinator")
			j := &journey{t: t, ctx: browsertest.New(t), base: base, width: v.width, theme: v.theme}
			if err := chromedp.Do(j.ctx, chromedp.EmulateViewport(v.width, 800)); err != nil {
				t.Fatal(err)
			}
			j.chooseTheme()
			j.apply()
			j.vet(secret)
			j.signInAndLeave()
		})
	}
}

// The applicant: fictional data only (Ofcom's drama range, example.org).
const (
	journeyWorkName = "Robin"
	journeyUsername = "robin.journey"
	journeyPassword = "lantern orchard pebble"
)

// demoTOTPSecret reads a login's second-factor key from what the demo
// prints above its QR code ("demo-admin (key UMDE MOAD MINT OTP2)").
func demoTOTPSecret(t *testing.T, out, username string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(username) + ` \(key ([A-Z2-7 ]+)\)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo printed no key for %s:\n%s", username, out)
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// journey is one browser tab driving the site.
type journey struct {
	t     *testing.T
	ctx   context.Context
	base  string
	width int64
	theme string
	step  int
	// usedStep is the last TOTP time step signed in with, by secret.
	usedStep map[string]int64
}

// open goes to a path and waits for the page to load.
func (j *journey) open(path string) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, chromedp.Navigate(j.base+path)); err != nil {
		j.t.Fatalf("open %s: %v", path, err)
	}
}

// follow runs a click that loads a new page (on a link or a submit button)
// and waits, for at most 20 s, until the new page has loaded.
func (j *journey) follow(what string, click chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	ctx, cancel := context.WithTimeout(j.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, click); err != nil {
		j.t.Fatalf("click %s at %s: %v", what, j.location(), err)
	}
}

// link follows the link with exactly this visible text.
func (j *journey) link(text string) {
	j.t.Helper()
	j.follow("link "+text, chromedp.Click(fmt.Sprintf(`//a[normalize-space(.)=%q]`, text)))
}

// press clicks the button with exactly this visible text.
func (j *journey) press(text string) {
	j.t.Helper()
	xpath := fmt.Sprintf(`//button[normalize-space(.)=%q]`, text)
	// To the middle of the screen first: the quick-exit bar is sticky at
	// the top, and a press under it would rightly leave the site.
	chromedp.Run(j.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(function(){var e=document.evaluate(%q,document,null,XPathResult.FIRST_ORDERED_NODE_TYPE,null).singleNodeValue;if(e)e.scrollIntoView({block:"center"});return true})()`, xpath))) //nolint:errcheck // the click below reports a missing button
	j.follow("button "+text, chromedp.Click(xpath))
}

// fill types into the input or textarea with this id.
func (j *journey) fill(id, value string) {
	j.t.Helper()
	// By attribute: an id may hold a dot ("organisation.name").
	if err := chromedp.Do(j.ctx, chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`[id=%q]`, id)), value)); err != nil {
		j.t.Fatalf("type into #%s: %v", id, err)
	}
}

// choose picks an option of the select with this id.
func (j *journey) choose(id, value string) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, chromedp.SetValue(chromedp.ID(id), value)); err != nil {
		j.t.Fatalf("choose %s in #%s: %v", value, id, err)
	}
}

// tick clicks the label of a checkbox, as a person with a finger would.
func (j *journey) tick(id string) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`))); err != nil {
		j.t.Fatalf("tick #%s: %v", id, err)
	}
	if !j.eval(fmt.Sprintf(`document.getElementById(%q).checked`, id)) {
		j.t.Fatalf("#%s is not ticked after a click on its label", id)
	}
}

// answer says yes or no to each consent question on the report form.
func (j *journey) answer(yes map[string]bool) {
	j.t.Helper()
	for key, y := range yes {
		id := "consents." + key + "-no"
		if y {
			id = "consents." + key + "-yes"
		}
		j.tick(id)
	}
}

func (j *journey) eval(js string) bool {
	j.t.Helper()
	v, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](js))
	if err != nil {
		j.t.Fatalf("%s: %v", js, err)
	}
	return v
}

func (j *journey) text(js string) string {
	j.t.Helper()
	v, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		j.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// count is how many elements match a CSS selector.
func (j *journey) count(sel string) int {
	j.t.Helper()
	n, err := chromedp.Run(j.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		j.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func (j *journey) location() string {
	loc, _ := chromedp.Run(j.ctx, chromedp.Location())
	return loc
}

// at fails unless the page's address is base+path (query aside).
func (j *journey) at(path string) {
	j.t.Helper()
	loc := j.location()
	if u, err := url.Parse(loc); err != nil || u.Path != path {
		j.t.Fatalf("at %s, want %s; the page says:\n%s", loc, path, j.pageText())
	}
}

func (j *journey) pageText() string {
	j.t.Helper()
	return j.text(`document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText`)
}

// sees fails unless the main part of the page shows every one of texts.
func (j *journey) sees(texts ...string) {
	j.t.Helper()
	page := j.pageText()
	for _, s := range texts {
		if !strings.Contains(page, s) {
			j.t.Errorf("%s does not show %q; it says:\n%s", j.location(), s, page)
		}
	}
}

// check looks at the page as it is now: nothing blocked by the
// Content-Security-Policy, no sideways scrolling, no WCAG 2.2 A/AA
// violation (axe-core); and saves a screenshot.
func (j *journey) check(name string) {
	j.t.Helper()
	j.step++
	if v := browsertest.CSPViolations(j.t, j.ctx); len(v) > 0 {
		j.t.Errorf("%s: the Content-Security-Policy blocked %v", name, v)
	}
	overflow, err := chromedp.Run(j.ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		j.t.Fatal(err)
	}
	if overflow > 0 {
		j.t.Errorf("%s at %d px scrolls sideways by %d px", name, j.width, overflow)
	}
	// axe judges the page as it is on the screen: from the top, as it
	// loads, so that the sticky exit bar covers nothing it would not
	// cover for a person arriving on the page.
	if _, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](`(window.scrollTo(0, 0), true)`)); err != nil {
		j.t.Fatal(err)
	}
	for _, v := range browsertest.Axe(j.t, j.ctx) {
		j.t.Errorf("%s at %d px: %s (%s, %s) at %v", name, j.width, v.Help, v.ID, v.Impact, v.Targets)
	}
	browsertest.Screenshot(j.t, j.ctx, fmt.Sprintf("journey-%d-%s-%02d-%s", j.width, j.theme, j.step, name))
}

// chooseTheme picks the colours with the switch at the foot of every page
// (a cookie, so it holds for the whole journey).
func (j *journey) chooseTheme() {
	j.t.Helper()
	j.open("/")
	if j.theme == "light" {
		j.press("Light")
	} else {
		j.press("Dark")
	}
	if got := j.text(`document.documentElement.dataset.theme`); got != j.theme {
		j.t.Fatalf("after choosing %s colours the page has theme %q", j.theme, got)
	}
}

// apply: a visitor applies as an individual, forgets the work name, is told
// so without losing what they typed, and applies again.
func (j *journey) apply() {
	t := j.t
	j.open("/join")
	j.check("join")
	j.link("Apply as an individual")
	j.at("/join/individual")
	j.sees("Join as an individual")
	j.check("apply-form")

	typed := map[string]string{
		"real_name": "Sam Example",
		"email":     "robin.journey@example.org",
		"mobile":    "07700 900456",
		"area":      "Cardiff Bay",
		"username":  journeyUsername,
	}
	// The optional parts are folded until opened.
	j.steps(chromedp.Click(chromedp.CSS(`.form-more > summary`)))
	for _, id := range []string{"real_name", "email", "mobile", "area", "username"} {
		j.fill(id, typed[id])
	}
	j.fill("password", journeyPassword)
	j.choose("gender", "non-binary")
	j.choose("sector", "indoor-independent")
	ticked := []string{"alert_channels-email", "regions-wales", "regions-south-west"}
	for _, id := range ticked {
		j.tick(id)
	}
	j.tick("terms_version")
	j.press("Send my application")

	// a. The same page again, with the problem named at the top and beside
	// the field, and everything else still as typed (but the password).
	j.at("/join/individual")
	j.sees("There is a problem", "Give the name you work under")
	beside := j.text(`document.getElementById('work_name').closest('.form-group').innerText`)
	if !strings.Contains(beside, "Give the name you work under") {
		t.Errorf("no message beside the work name; its group says %q", beside)
	}
	if !j.eval(`document.getElementById('work_name').getAttribute('aria-invalid') === 'true'`) {
		t.Error("the work name is not marked invalid for screen readers")
	}
	if !j.eval(`!!document.querySelector('.error-summary a[href="#work_name"]')`) {
		t.Error("the error summary does not link to the work name")
	}
	for id, want := range typed {
		if got := j.text(fmt.Sprintf(`document.getElementById(%q).value`, id)); got != want {
			t.Errorf("#%s after the error = %q, want %q as typed", id, got, want)
		}
	}
	for id, want := range map[string]string{"gender": "non-binary", "sector": "indoor-independent"} {
		if got := j.text(fmt.Sprintf(`document.getElementById(%q).value`, id)); got != want {
			t.Errorf("%s after the error = %q, want %q as chosen", id, got, want)
		}
	}
	for _, id := range append(ticked, "terms_version") {
		if !j.eval(fmt.Sprintf(`document.getElementById(%q).checked`, id)) {
			t.Errorf("#%s is no longer ticked after the error", id)
		}
	}
	if j.eval(`document.getElementById('regions-london').checked || document.getElementById('alert_channels-sms').checked`) {
		t.Error("a box that was not ticked is ticked after the error")
	}
	if got := j.text(`document.getElementById('password').value`); got != "" {
		t.Errorf("the password was sent back into the page (%d characters)", len(got))
	}
	j.sees("we did not keep your password: type it again")
	j.check("apply-errors")

	// b. Fixed: the application is received.
	j.fill("work_name", journeyWorkName)
	j.fill("password", journeyPassword)
	j.press("Send my application")
	j.sees("we have your application", "by email")
	j.check("applied")
}

// vet: the coordinator signs in with a password and a code, sees the queue
// with its warnings, opens the new application and approves it.
func (j *journey) vet(secret string) {
	t := j.t
	j.open("/signin")
	j.fill("username", "demo-coordinator")
	j.fill("password", "demo coordinator password")
	j.check("signin-coordinator")
	j.press("Sign in")
	j.at("/signin/code")
	j.sees("Enter your code")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	j.fill("code", code)
	j.check("signin-code")
	j.press("Continue")

	j.at("/coordinator/reports") // staff land on their work
	j.open("/coordinator/applications")
	j.sees("Applications waiting",
		"Possible multiple membership", "Possible offender", "not on its website's domain")
	waiting := j.count(`main tbody tr`)
	if waiting < 2 {
		t.Errorf("the queue has %d applications, want the demo's and the new one", waiting)
	}
	j.check("queue")

	// Oldest first: the new application is the last row.
	j.follow("the last application's Open link", chromedp.Click(chromedp.CSS(`main tbody tr:last-child a`)))
	j.sees("Application from an individual", journeyWorkName, journeyUsername, "robin.journey@example.org")
	if j.eval(`!!document.querySelector('main .notice--danger')`) {
		t.Error("the new application shows a warning; it matches nobody")
	}
	j.check("application")
	j.press("Approve")

	j.at("/coordinator/applications")
	if n := j.count(`main tbody tr`); n != waiting-1 {
		t.Errorf("after approving, the queue has %d applications, want %d", n, waiting-1)
	}
	j.check("queue-after-approve")
	j.signOut()
	j.at("/")
	if !j.eval(`[...document.querySelectorAll('header nav a')].some(a => a.textContent.trim() === 'Sign in')`) {
		t.Error("after signing out, the navigation offers no way to sign in")
	}
}

// signInAndLeave: the new member signs in, leaves the scheme (first
// forgetting to tick the box), and cannot sign in again.
func (j *journey) signInAndLeave() {
	t := j.t
	j.open("/signin")
	j.fill("username", journeyUsername)
	j.fill("password", journeyPassword)
	j.press("Sign in")
	j.at("/alerts") // a member lands on her alerts
	j.open("/account")
	j.sees("Signed in as "+journeyUsername, journeyWorkName)
	j.check("account")

	j.link("Leave the scheme")
	j.at("/account/leave")
	j.check("leave")
	j.press("Leave and erase my details")
	j.at("/account/leave")
	j.sees("There is a problem", "Tick the box to confirm")
	j.check("leave-error")
	j.tick("confirm")
	j.press("Leave and erase my details")
	j.sees("You have left the scheme")
	j.check("left")

	j.open("/signin")
	j.fill("username", journeyUsername)
	j.fill("password", journeyPassword)
	j.press("Sign in")
	j.at("/signin")
	j.sees("That username and password do not match")
	if strings.Contains(j.pageText(), journeyWorkName) {
		t.Error("the refused sign-in page mentions the erased work name")
	}
	j.check("signin-after-leaving")
}
