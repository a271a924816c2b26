package notify

import (
	"strings"
	"testing"

	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

func TestAlertMessages_SMSIsOneGSM7SegmentAndEmailLinksToTheAlert(t *testing.T) {
	url := "https://members.a-rather-long-coordinating-body-name.example.org.uk/alerts/QOK7HXLR6UMMG5T32SLSE77YSX"
	_, sms, err := Render(scheme.Notification{Channel: scheme.ChannelSMS, Template: outbox.TemplateAlertPublished, Params: map[string]string{"url": url}})
	if err != nil {
		t.Fatal(err)
	}
	if sms != "New safety alert for your area. Sign in to read it." {
		t.Errorf("SMS %q", sms)
	}
	if n, ok := gsm7Len(sms); !ok || n > SMSMaxLen {
		t.Errorf("SMS is %d septets (GSM-7: %v), want one segment of at most %d", n, ok, SMSMaxLen)
	}
	subject, text, err := Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateAlertPublished, Params: map[string]string{"url": url}})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "New safety alert" || !strings.Contains(text, "New safety alert for your area. Sign in to read it") ||
		strings.Count(text, url) != 1 {
		t.Errorf("email %q\n%s", subject, text)
	}
	// The email needs its link; without one it is not made.
	if _, _, err := Render(scheme.Notification{Channel: scheme.ChannelEmail, Template: outbox.TemplateAlertPublished}); err == nil {
		t.Error("an alert email without its link was made")
	}
}
