package notify_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"uglymugs/internal/i18n"
	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// Every translation is of a language the service speaks, and every SMS,
// in every language, with the longest values its params take, fits one
// segment: 160 GSM-7 characters, or 70 in UCS-2 for any other script.
func TestMessages_EverySMSInEveryLanguageFitsOneSegment(t *testing.T) {
	langs := notify.Languages()
	if len(langs) < 8 {
		t.Fatalf("messages are translated into %v", langs)
	}
	for _, lang := range langs {
		if _, ok := i18n.Find(lang); !ok {
			t.Errorf("templates for %q, which the service does not speak", lang)
		}
	}
	sample := map[string]string{"url": "https://uglymugs.example.org/signin", "code": "12345678", "minutes": "60", "reply_by": "Wednesday 30 September"}
	for _, lang := range append([]string{""}, langs...) {
		for _, k := range notify.Keys() {
			params := map[string]string{}
			for p, v := range sample {
				params[p] = v
			}
			_, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelSMS, Template: k, Params: params, Language: lang})
			if err != nil {
				t.Errorf("%s in %q: %v", k, lang, err)
				continue
			}
			if n, max := notify.SMSLen(text); n > max {
				t.Errorf("%s in %q: %d of %d", k, lang, n, max)
			}
		}
	}
	// The rule itself: Thai counts in UTF-16 units against 70.
	if n, max := notify.SMSLen(strings.Repeat("ก", 71)); n != 71 || max != 70 {
		t.Errorf("SMSLen of 71 Thai letters: %d of %d", n, max)
	}
	if n, max := notify.SMSLen(strings.Repeat("a", 160)); n != 160 || max != 160 {
		t.Errorf("SMSLen of 160 latin letters: %d of %d", n, max)
	}
}

// A message is in the recipient's language when it is translated, else
// in English; the English stays GSM-7.
func TestRender_InTheRecipientsLanguageElseEnglish(t *testing.T) {
	alert := func(lang string, ch scheme.Channel) (string, string) {
		t.Helper()
		s, text, err := notify.Render(scheme.Notification{Channel: ch, Template: "alert_published", Language: lang,
			Params: map[string]string{"url": "https://uglymugs.example.org/alerts/A1"}})
		if err != nil {
			t.Fatal(err)
		}
		return s, text
	}
	if s, text := alert("pt-BR", scheme.ChannelEmail); s != "Novo alerta de segurança" || !strings.Contains(text, "https://uglymugs.example.org/alerts/A1") {
		t.Errorf("Portuguese email: %q / %q", s, text)
	}
	if _, text := alert("th", scheme.ChannelSMS); !strings.Contains(text, "การแจ้งเตือน") {
		t.Errorf("Thai SMS: %q", text)
	}
	// Romanian's accents GSM-7 lacks are dropped from an SMS, so that it
	// keeps 160 characters; never from a value put in it.
	if _, text := alert("ro", scheme.ChannelSMS); text != "Alerta noua pentru zona ta. Intra in cont ca sa o citesti." {
		t.Errorf("Romanian SMS: %q", text)
	}
	_, text, err := notify.Render(scheme.Notification{Channel: scheme.ChannelSMS, Template: "report_message", Language: "ro",
		Params: map[string]string{"url": "https://example.org/łódź"}})
	if err != nil || !strings.HasSuffix(text, "https://example.org/łódź") {
		t.Errorf("a link with accents in a Romanian SMS: %q, %v", text, err)
	}
	if s, _ := alert("", scheme.ChannelEmail); s != "New safety alert" {
		t.Errorf("English email: %q", s)
	}
	if s, _ := alert("fr", scheme.ChannelEmail); s != "New safety alert" {
		t.Errorf("a language with no templates: %q", s)
	}
	if !slices.Contains(notify.Translated("ro"), "alert_published") {
		t.Errorf("Romanian has %v", notify.Translated("ro"))
	}
	// Not yet translated: English.
	_, text, err = notify.Render(scheme.Notification{Channel: scheme.ChannelSMS, Template: "contact_message", Language: "ro",
		Params: map[string]string{"url": "https://uglymugs.example.org/admin/outbox"}})
	if err != nil || !strings.HasPrefix(text, "A message came through the website") {
		t.Errorf("an untranslated message in Romanian: %q, %v", text, err)
	}
}

// A member who reads Portuguese gets the alert's email and SMS in
// Portuguese, read from the real SMTP server and the SMS provider's stub;
// a member who chose nothing gets English.
func TestAlertDelivery_InEachMembersLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		ids := addMembers(t, db,
			alertMember{Name: "reads-pt", Email: "pt@example.org", Mobile: "+447700900611", AlertEmail: true, AlertSMS: true},
			alertMember{Name: "reads-en", Email: "en@example.org", Mobile: "+447700900612", AlertEmail: true, AlertSMS: true},
		)
		if err := db.Accounts.SetLanguage(context.Background(), ids["reads-pt"], "pt-BR"); err != nil {
			t.Fatal(err)
		}
		a := publishLondon(t, db)
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mp.SMTPURL()), SMS: newSMS(t, stub.Config())})
		settled(t, db, a.ID)
		subjects := map[string]string{}
		for _, m := range mp.Messages(t) {
			subjects[m.To] = m.Subject
		}
		if subjects["pt@example.org"] != "Novo alerta de segurança" || subjects["en@example.org"] != "New safety alert" {
			t.Errorf("subjects %v", subjects)
		}
		texts := map[string]string{}
		for _, m := range stub.Received() {
			texts[m.To] = m.Text
		}
		if texts["+447700900611"] != "Novo alerta de seguranca para sua regiao. Entre para ler." || !strings.HasPrefix(texts["+447700900612"], "New safety alert") {
			t.Errorf("SMS %v", texts)
		}
	})
}

// Every message to a member, applicant or subscriber is written in every
// language, by email and by SMS: rendered in the language, it is not the
// English. Two are not: the contact form's message goes to the scheme's
// own inbox, and a newsletter issue is the admins' own words.
func TestMessages_EveryMessageToAPersonInEveryLanguage(t *testing.T) {
	english := map[string]bool{"contact_message": true, "newsletter_issue": true}
	params := map[string]string{"url": "https://uglymugs.example.org/signin", "code": "12345678", "minutes": "60",
		"reply_by": "Wednesday 30 September", "subject": "News", "body": "News.", "name": "Ann", "reply": "ann@example.org", "message": "Hello."}
	render := func(ch scheme.Channel, key, lang string) string {
		t.Helper()
		subject, text, err := notify.Render(scheme.Notification{Channel: ch, Template: key, Params: params, Language: lang})
		if err != nil {
			t.Fatalf("%s %s in %q: %v", ch, key, lang, err)
		}
		return subject + "\n" + text
	}
	for _, key := range notify.Keys() {
		for _, ch := range []scheme.Channel{scheme.ChannelEmail, scheme.ChannelSMS} {
			en := render(ch, key, "")
			for _, l := range i18n.Languages[1:] {
				if translated := render(ch, key, l.Code) != en; translated == english[key] {
					t.Errorf("%s %s in %s: translated %v", ch, key, l.Code, translated)
				}
			}
		}
	}
}
