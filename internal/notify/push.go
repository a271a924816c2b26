package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"uglymugs/internal/outbox"
	"uglymugs/internal/pushaddr"
	"uglymugs/internal/scheme"
)

// DefaultPushRate is push messages a second. Push services charge
// nothing and take thousands a second; the limit keeps a burst from
// starving the database the senders share.
const DefaultPushRate = 500

// ErrGone is a push service's answer that the subscription no longer
// exists (404, 410): the device is forgotten, the message not retried.
var ErrGone = fmt.Errorf("push: subscription gone: %w", ErrPermanent)

// PushMessage is one Web Push message to one device.
type PushMessage struct {
	Endpoint string
	Keys     outbox.PushKeys
	Payload  []byte
	// Topic replaces a message of the same topic the push service still
	// holds for the device (RFC 8030 §5.4): a message sent twice after a
	// crash arrives once.
	Topic  string
	Urgent bool // Urgency: high (RFC 8030 §5.3); otherwise normal
}

// Pusher sends Web Push messages.
type Pusher interface {
	SendPush(ctx context.Context, m PushMessage) error
}

// WebPush sends through browsers' push services: RFC 8291 encryption and
// RFC 8292 VAPID by SherClockHolmes/webpush-go, over a client that posts
// only where pushaddr allows.
type WebPush struct {
	Policy pushaddr.Policy
	// PublicKey and PrivateKey are the VAPID key pair, base64url (the key
	// file's; vault.VAPID).
	PublicKey, PrivateKey string
	// Subscriber is who runs the service, for push services to contact: an
	// https URL (the site) or an email address.
	Subscriber string
	// TTL is how long a push service keeps a message for a device that is
	// off; 0: a day (an alert older than that is in the app anyway).
	TTL time.Duration

	client *http.Client
}

// NewWebPush makes the push sender.
func NewWebPush(p pushaddr.Policy, public, private, subscriber string) *WebPush {
	return &WebPush{Policy: p, PublicKey: public, PrivateKey: private, Subscriber: subscriber, client: p.Client(30 * time.Second)}
}

func (w *WebPush) SendPush(ctx context.Context, m PushMessage) error {
	if !w.Policy.SchemeOK(m.Endpoint) {
		return fmt.Errorf("push: endpoint not https: %w", ErrPermanent)
	}
	ttl := w.TTL
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	urgency := webpush.UrgencyNormal
	if m.Urgent {
		urgency = webpush.UrgencyHigh
	}
	res, err := webpush.SendNotificationWithContext(ctx, m.Payload, &webpush.Subscription{
		Endpoint: m.Endpoint, Keys: webpush.Keys{P256dh: m.Keys.P256dh, Auth: m.Keys.Auth},
	}, &webpush.Options{
		HTTPClient: w.client, Subscriber: w.Subscriber, Topic: m.Topic, TTL: int(ttl.Seconds()), Urgency: urgency,
		VAPIDPublicKey: w.PublicKey, VAPIDPrivateKey: w.PrivateKey, RecordSize: 2048,
	})
	if err != nil {
		if errors.Is(err, pushaddr.ErrRefused) {
			return fmt.Errorf("push: endpoint not on a public address: %w", ErrPermanent)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("push: the push service could not be reached")
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
		return ErrGone
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return fmt.Errorf("push: status %d", res.StatusCode)
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return fmt.Errorf("push: status %d (redirects are not followed): %w", res.StatusCode, ErrPermanent)
	}
	return fmt.Errorf("push: status %d: %w", res.StatusCode, ErrPermanent)
}

// PushPayload is what a push message carries, encrypted end to end to the
// device, where the service worker shows it: a neutral sentence in the
// member's language and the alert's link, never anything of the alert
// itself (a locked phone shows notifications to whoever holds it). In
// discreet mode the words are a notes app's, and the icon plain.
type PushPayload struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	URL      string `json:"url"`
	Tag      string `json:"tag"`
	Discreet bool   `json:"discreet"`
}

// AlertPush makes the push message for a claimed delivery.
func AlertPush(d outbox.AlertDelivery, baseURL string) (PushMessage, error) {
	key := outbox.TemplateAlertPublished
	if d.Discreet {
		key += "_discreet"
	}
	title, body, err := Render(scheme.Notification{Channel: scheme.ChannelPush, Template: key, Language: d.Language})
	if err != nil {
		return PushMessage{}, err
	}
	p, err := json.Marshal(PushPayload{Title: title, Body: strings.TrimSpace(body), Discreet: d.Discreet,
		URL: strings.TrimRight(baseURL, "/") + "/alerts/" + url.PathEscape(d.AlertID), Tag: d.Ref()})
	if err != nil {
		return PushMessage{}, err
	}
	return PushMessage{Endpoint: d.To, Keys: d.Keys, Payload: p, Topic: d.Ref(), Urgent: d.Urgent}, nil
}
