// Package push is a member's push notifications: turning push on for one
// of her browsers or installed apps (a Web Push subscription), seeing and
// removing them, the VAPID public key her browser needs, and discreet
// mode, which makes the installed app and every notification look like a
// notes app's. The web page and the API call the same methods.
package push

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"unicode"

	"uglymugs/internal/outbox"
	"uglymugs/internal/pushaddr"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// Service is the push use cases.
type Service struct {
	DB     *store.DB
	Policy pushaddr.Policy
	// public is the VAPID public key browsers subscribe with; "" when the
	// key file has none (push is off).
	public string
}

// New makes the service; push is on when the key file has a VAPID key.
func New(db *store.DB, p pushaddr.Policy) *Service {
	public, _, _ := db.VAPID()
	return &Service{DB: db, Policy: p, public: public}
}

// Subscription is a browser's PushSubscription as its JSON gives it.
type Subscription struct {
	Endpoint string          `json:"endpoint"`
	Keys     outbox.PushKeys `json:"keys"`
}

// MaxDevices is how many devices a member may have push on: enough for a
// phone, a second phone and a computer or two; a member past it removes one.
const MaxDevices = 10 // the message below says 10

// receivers are the roles alerts reach.
var receivers = []scheme.Role{scheme.RoleMember, scheme.RoleOrgContact, scheme.RoleOrgStaff}

func canReceive(u scheme.User) error {
	if !slices.Contains(receivers, u.Role) || u.Status != scheme.StatusActive {
		return scheme.Errorf(scheme.CodeForbidden, "Only members get alerts as notifications.")
	}
	return nil
}

// ErrOff is the answer while the key file has no push key.
var ErrOff = scheme.Errorf(scheme.CodeNotFound, "Notifications are not set up on this service yet.")

// Key returns the VAPID public key (base64url), for the browser's
// applicationServerKey.
func (s *Service) Key() (string, error) {
	if s.public == "" {
		return "", ErrOff
	}
	return s.public, nil
}

// Subscribe turns push on for a device of u's and returns its id. label
// says which device it is, for her list ("Chrome on Android").
func (s *Service) Subscribe(ctx context.Context, u scheme.User, sub Subscription, label string) (string, error) {
	if err := canReceive(u); err != nil {
		return "", err
	}
	if s.public == "" {
		return "", ErrOff
	}
	problems := map[string]string{}
	sub.Endpoint = strings.TrimSpace(sub.Endpoint)
	switch err := s.Policy.Check(ctx, sub.Endpoint); {
	case sub.Endpoint == "":
		problems["endpoint"] = "Give the subscription's endpoint."
	case errors.Is(err, pushaddr.ErrRefused):
		// The reason is pushaddr's (in English, for the log of a client's
		// developer); the member's words are one sentence.
		problems["endpoint"] = "This endpoint cannot be used: notifications go only to https addresses on the public internet."
	case err != nil:
		return "", err
	}
	if raw, err := decode(sub.Keys.P256dh); err != nil || len(raw) != 65 {
		problems["keys.p256dh"] = "Give the subscription's p256dh key: a P-256 public key, base64url."
	} else if _, err := ecdh.P256().NewPublicKey(raw); err != nil {
		problems["keys.p256dh"] = "The p256dh key is not a point on the P-256 curve."
	}
	if raw, err := decode(sub.Keys.Auth); err != nil || len(raw) != 16 {
		problems["keys.auth"] = "Give the subscription's auth secret: 16 bytes, base64url."
	}
	if len(problems) > 0 {
		return "", scheme.Invalid(problems)
	}
	devices, err := s.DB.Push.Devices(ctx, u.ID)
	if err != nil {
		return "", err
	}
	if len(devices) >= MaxDevices {
		return "", scheme.Errorf(scheme.CodeConflict, "You have notifications on 10 devices, the most there can be. Remove one you no longer use first.")
	}
	return s.DB.Push.Subscribe(ctx, u.ID, store.PushSubscription{Endpoint: sub.Endpoint, Keys: sub.Keys, Label: Label(label)})
}

// decode reads base64url with or without padding (browsers give it
// without; some libraries with).
func decode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// Label is a device's name as shown in her list: the words given, made
// one short line, or "A browser".
func Label(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60])
	}
	if s == "" {
		return "A browser"
	}
	return s
}

// Devices lists u's devices with push on.
func (s *Service) Devices(ctx context.Context, u scheme.User) ([]scheme.PushDevice, error) {
	return s.DB.Push.Devices(ctx, u.ID)
}

// Unsubscribe turns push off for one of u's devices (not found for
// another member's).
func (s *Service) Unsubscribe(ctx context.Context, u scheme.User, id string) error {
	return s.DB.Push.Unsubscribe(ctx, u.ID, id)
}

// Discreet reports whether u chose discreet mode.
func (s *Service) Discreet(ctx context.Context, u scheme.User) (bool, error) {
	return s.DB.Push.Discreet(ctx, u.ID)
}

// SetDiscreet records u's choice of discreet mode.
func (s *Service) SetDiscreet(ctx context.Context, u scheme.User, on bool) error {
	if err := canReceive(u); err != nil {
		return err
	}
	return s.DB.Push.SetDiscreet(ctx, u.ID, on)
}

// DeviceName names a device from its browser's User-Agent, as a member
// would ("Chrome on Android"), to tell her devices apart in her list.
// Nothing finer (no version, no model) is kept.
func DeviceName(ua string) string {
	browser := "A browser"
	for _, b := range []struct{ token, name string }{
		{"SamsungBrowser", "Samsung Internet"}, {"OPR/", "Opera"}, {"Edg", "Edge"}, {"Firefox", "Firefox"},
		{"FxiOS", "Firefox"}, {"CriOS", "Chrome"}, {"Chrome", "Chrome"}, {"Safari", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "a Mac"}, {"CrOS", "a Chromebook"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			return browser + " on " + o.name
		}
	}
	return browser
}
