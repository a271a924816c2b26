package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/notify"
	"uglymugs/internal/notify/notifytest"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// An alert's email and SMS say nothing about it (docs/openapi.yaml, "Email
// and SMS say nothing about the alert"), in any language: a translated
// alert reaches a Portuguese reader in the Portuguese message, which
// carries neither the English nor the Portuguese title or text, only the
// link to read it (where she reads the translation). Read from the real
// SMTP server and the SMS provider's stub.
func TestAlertDelivery_ATranslatedAlertsMessagesCarryNoTitleInAnyLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := notifytest.StartMailpit(t)
		stub := notifytest.StartSMSStub(t)
		ids := addMembers(t, db, alertMember{Name: "reads-pt", Email: "pt@example.org", Mobile: "+447700900621", AlertEmail: true, AlertSMS: true})
		if err := db.Accounts.SetLanguage(ctx, ids["reads-pt"], "pt-BR"); err != nil {
			t.Fatal(err)
		}
		pt := scheme.AlertTranslation{Title: "Roubo — Camden", Body: "Um homem levou a bolsa de uma trabalhadora."}
		a, err := db.Alerts.CreateAlert(ctx, "coord-a", scheme.Alert{
			AlertContent: scheme.AlertContent{Title: alertTitle, Body: alertBody, Area: alertArea,
				Translations: map[string]scheme.AlertTranslation{"pt-BR": pt}},
			Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now().Add(-time.Hour), Regions: []string{"london"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord-a", a.ID, store.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		startAlertQueue(t, db, &notify.AlertDeliverWorker{Mail: newSMTP(t, mp.SMTPURL()), SMS: newSMS(t, stub.Config())})
		settled(t, db, a.ID)
		msgs := mp.Messages(t)
		sms := stub.Received()
		if len(msgs) != 1 || msgs[0].Subject != "Novo alerta de segurança" || !strings.Contains(msgs[0].Text, "/alerts/"+a.ID) {
			t.Fatalf("emails %+v, want one, in Portuguese, with the link", msgs)
		}
		if len(sms) != 1 || !strings.HasPrefix(sms[0].Text, "Novo alerta") {
			t.Fatalf("SMS %+v, want one, in Portuguese", sms)
		}
		for _, text := range []string{msgs[0].Subject + "\n" + msgs[0].Text, sms[0].Text} {
			for _, never := range []string{alertTitle, pt.Title, "Roubo", "Camden", pt.Body, alertBody} {
				if strings.Contains(text, never) {
					t.Errorf("a message carries %q: %q", never, text)
				}
			}
		}
	})
}
