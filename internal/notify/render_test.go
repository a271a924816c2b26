package notify_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"uglymugs/internal/notify"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// longURL is longer than any sign-in address a scheme is likely to have.
var longURL = "https://members.a-rather-long-coordinating-body-name.example.org.uk/sign-in/" +
	strings.Repeat("x", 100-77)

var allKeys = []string{
	outbox.TemplateAccountRevoked,
	outbox.TemplateAlertPublished,
	outbox.TemplateApplicationApproved,
	outbox.TemplateApplicationInfoRequested,
	outbox.TemplateApplicationReceived,
	outbox.TemplateApplicationRejected,
	outbox.TemplateContactMessage,
	outbox.TemplateDisclosureMade,
	outbox.TemplateNewsletterConfirm,
	outbox.TemplateNewsletterIssue,
	outbox.TemplateNewsletterSubscribed,
	outbox.TemplatePasswordChanged,
	outbox.TemplatePasswordResetCode,
	outbox.TemplateReportMessage,
	outbox.TemplateStaffLoginCreated,
	outbox.TemplateTrainingCancelled,
	outbox.TemplateTrainingDue,
}

// fullParams has every param a template may use, at its longest, and some
// identifying ones that no template may use.
func fullParams() map[string]string {
	return map[string]string{
		"url":      longURL,
		"scheme":   "National Ugly Mugs",
		"code":     "12345678",
		"minutes":  "60",
		"reply_by": "Wednesday 30 September",
		"name":     "Jasmine Quill",
		"username": "jazzy_q",
		"reason":   "duplicate membership",
		"email":    "jasmine@example.net",
		"phone":    "+447700900123",
		"reply":    "jasmine@example.net",
		"message":  "Hello, how do I join?",
		"subject":  "Autumn news",
		"body":     "Hello.\n\nOur autumn news.",
	}
}

func TestRender_EveryKeyHasAnEmailAndAnSMSTemplate(t *testing.T) {
	if got := notify.Keys(); !slices.Equal(got, allKeys) {
		t.Fatalf("Keys() = %v, want %v", got, allKeys)
	}
	for _, k := range allKeys {
		for _, ch := range []scheme.Channel{scheme.ChannelEmail, scheme.ChannelSMS} {
			subject, text, err := notify.Render(scheme.Notification{Channel: ch, Template: k, Params: fullParams()})
			if err != nil {
				t.Errorf("%s %s: %v", k, ch, err)
				continue
			}
			if text == "" || (ch == scheme.ChannelEmail) != (subject != "") {
				t.Errorf("%s %s: subject %q, text %q", k, ch, subject, text)
			}
		}
	}
}

func TestRender_NothingIdentifyingOrRevealing(t *testing.T) {
	// Words that would tell someone glancing at a lock screen, or reading
	// over a shoulder, what the service is or what happened.
	forbidden := []string{
		"sex", "ugly", "mugs", "escort", "brothel", "sauna", "massage", "punter", "client",
		"offender", "police", "crime", "assault", "rape", "violen", "abuse", "danger",
		"report", "alert", "warning", "victim", "safety", "revoked", "rejected", "false",
	}
	p := fullParams()
	identifying := []string{p["name"], "jasmine", p["username"], p["reason"], p["email"], p["phone"], p["scheme"]}
	for _, k := range allKeys {
		if k == outbox.TemplateContactMessage || k == outbox.TemplateNewsletterIssue {
			continue // the visitor's or the admin's own words, to the scheme's inbox or to subscribers who asked
		}
		for _, ch := range []scheme.Channel{scheme.ChannelEmail, scheme.ChannelSMS} {
			subject, text, err := notify.Render(scheme.Notification{Channel: ch, Template: k, Params: fullParams()})
			if err != nil {
				t.Fatalf("%s %s: %v", k, ch, err)
			}
			all := strings.ToLower(subject + "\n" + strings.ReplaceAll(text, longURL, ""))
			for _, w := range forbidden {
				if k == outbox.TemplateAlertPublished && (w == "alert" || w == "safety") {
					continue // PRODUCT.md's wording: "New safety alert for your area. Sign in to read it."
				}
				if strings.Contains(all, w) {
					t.Errorf("%s %s mentions %q:\n%s\n%s", k, ch, w, subject, text)
				}
			}
			for _, v := range identifying {
				if strings.Contains(all, strings.ToLower(v)) {
					t.Errorf("%s %s contains %q", k, ch, v)
				}
			}
		}
	}
}

func TestRender_EverySMSFitsOneSegmentWithALongURL(t *testing.T) {
	// Plain ASCII without GSM-7's two-septet characters (^{}[]~|\ and €), so
	// that a character is a septet; the package checks GSM-7 itself too.
	safe := func(r rune) bool {
		return r >= ' ' && r <= '~' && !strings.ContainsRune("^{}[]~|\\`", r)
	}
	for _, k := range allKeys {
		_, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelSMS, Template: k, Params: fullParams()})
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if n := len([]rune(text)); n > notify.SMSMaxLen {
			t.Errorf("%s: %d characters, more than %d: %q", k, n, notify.SMSMaxLen, text)
		}
		if i := strings.IndexFunc(text, func(r rune) bool { return !safe(r) }); i >= 0 {
			t.Errorf("%s: character %q at %d is not plain GSM-7: %q", k, text[i], i, text)
		}
		t.Logf("%-27s %3d  %s", k, len(text), strings.ReplaceAll(text, longURL, "<url>"))
	}
	if err := notify.CheckSiteURL(longURL); err != nil {
		t.Errorf("CheckSiteURL(%d-character URL): %v", len(longURL), err)
	}
}

func TestCheckSiteURL_RefusesAnAddressTooLongForOneSMS(t *testing.T) {
	err := notify.CheckSiteURL(longURL + strings.Repeat("y", 100))
	if err == nil || !strings.Contains(err.Error(), "more than 160") {
		t.Fatalf("err = %v, want it to say the SMS is too long", err)
	}
	if err := notify.CheckSiteURL("https://example.org/sign-in?x=ł"); err == nil || !strings.Contains(err.Error(), "GSM-7") {
		t.Fatalf("err = %v, want it to name GSM-7", err)
	}
}

func TestRender_EmailHasOneLineSubjectAndBodyWithTheLink(t *testing.T) {
	for _, k := range allKeys {
		subject, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: k, Params: fullParams()})
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(subject, "\r\n") || len(subject) > 40 {
			t.Errorf("%s: subject %q should be one short line", k, subject)
		}
		if !strings.HasSuffix(text, "\n") || strings.HasPrefix(text, "\n") || strings.Contains(text, "\n\n\n") {
			t.Errorf("%s: untidy body %q", k, text)
		}
		if k != outbox.TemplatePasswordResetCode && !strings.Contains(text, longURL) {
			t.Errorf("%s: body lacks the sign-in link", k)
		}
	}
}

func TestRender_PasswordResetCodeCarriesTheCodeAndOptionalLifetime(t *testing.T) {
	for _, ch := range []scheme.Channel{scheme.ChannelEmail, scheme.ChannelSMS} {
		n := scheme.Notification{Channel: ch, Template: outbox.TemplatePasswordResetCode,
			Params: map[string]string{"url": longURL, "code": "482913"}}
		_, text, err := notify.Render(n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "482913") || strings.Contains(text, "minutes") {
			t.Errorf("%s without minutes: %q", ch, text)
		}
		n.Params["minutes"] = "15"
		if _, text, _ = notify.Render(n); !strings.Contains(text, "15 minutes") {
			t.Errorf("%s with minutes: %q", ch, text)
		}
	}
}

func TestRender_FailsClearly(t *testing.T) {
	base := scheme.Notification{Channel: scheme.ChannelSMS, Template: outbox.TemplatePasswordResetCode,
		Params: map[string]string{"url": "https://example.org", "code": "123456"}}
	with := func(f func(*scheme.Notification)) scheme.Notification {
		n := base
		n.Params = maps.Clone(base.Params)
		f(&n)
		return n
	}
	for _, tc := range []struct {
		name string
		n    scheme.Notification
		want string
	}{
		{"unknown key", with(func(n *scheme.Notification) { n.Template = "welcome_pack" }), `unknown template key "welcome_pack"`},
		{"empty key", with(func(n *scheme.Notification) { n.Template = "" }), "unknown template key"},
		{"path as key", with(func(n *scheme.Notification) { n.Template = "../sms/password_changed" }), "unknown template key"},
		{"unknown channel", with(func(n *scheme.Notification) { n.Channel = "fax" }), `unknown channel "fax"`},
		{"missing param", with(func(n *scheme.Notification) { delete(n.Params, "code") }), `needs the param "code"`},
		{"empty param", with(func(n *scheme.Notification) { n.Params["code"] = "" }), `needs the param "code"`},
		{"missing url", with(func(n *scheme.Notification) {
			n.Template = outbox.TemplateApplicationApproved
			delete(n.Params, "url")
		}), `needs the param "url"`},
		{"no params", with(func(n *scheme.Notification) { n.Params = nil }), `needs the param "code"`},
	} {
		_, _, err := notify.Render(tc.n)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %s", tc.name, err, tc.want)
		}
	}
}

func TestRender_LineBreaksOnlyInTextParams(t *testing.T) {
	p := fullParams()
	_, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateNewsletterIssue, Params: p})
	if err != nil || !strings.Contains(text, "Hello.\n\nOur autumn news.") {
		t.Errorf("a newsletter's body lost its lines: %q %v", text, err)
	}
	p["subject"] = "Autumn\nBcc: someone@example.org"
	if subject, _, err := notify.Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateNewsletterIssue, Params: p}); err != nil || strings.ContainsAny(subject, "\r\n") || !strings.Contains(subject, "Autumn Bcc: someone@example.org") {
		t.Errorf("a subject with a line break: %q %v, want it on one line", subject, err)
	}
	// A body's other control characters cannot bend a header: they are
	// shown as U+FFFD, and the message still goes.
	p = fullParams()
	p["body"] = "Hello\x00\tthere"
	if _, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateNewsletterIssue, Params: p}); err != nil || !strings.Contains(text, "Hello\uFFFD\tthere") {
		t.Errorf("a body with a NUL and a tab: %q %v", text, err)
	}
}

// A contact message typed in a browser's textarea comes with "\r\n" line
// breaks (and old Mac text with "\r"): they are line breaks, not control
// characters to refuse the message over. Before, such a message failed
// for good ("param \"message\" holds a control character") and was lost.
func TestRender_AMessageWithCRLFLineBreaksKeepsItsLines(t *testing.T) {
	p := fullParams()
	p["message"] = "Please help.\r\nHe has my number.\r\n\r\nCall me after six.\rThank you."
	_, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateContactMessage, Params: p})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Please help.\nHe has my number.\n\nCall me after six.\nThank you.") || strings.Contains(text, "\r") {
		t.Errorf("the message's lines: %q", text)
	}
	// A name with a line break must not forge a labelled line, and a name
	// pasted with a tab must not lose the message: both go on one line.
	p["name"] = "Ann\r\nHow to reply: someone@example.org\tx\x00"
	_, text, err = notify.Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateContactMessage, Params: p})
	if err != nil || !strings.Contains(text, "Ann How to reply: someone@example.org x\uFFFD") {
		t.Errorf("a name with a line break, a tab and a NUL: %v\n%s", err, text)
	}
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "How to reply: someone@") {
			t.Errorf("the name forged a line: %q", line)
		}
	}
	// An SMS code param cannot add a line either.
	if _, sms, err := notify.Render(scheme.Notification{Channel: scheme.ChannelSMS, Template: outbox.TemplatePasswordResetCode,
		Params: map[string]string{"code": "1\nCall +447700900999", "minutes": "15"}}); err != nil || strings.Contains(sms, "\n") {
		t.Errorf("an SMS param with a line break: %q %v, want one line", sms, err)
	}
}
