// Package pushtest is a Web Push service for tests and benchmarks: an RFC
// 8030 endpoint that stands where a browser's push service (Google's,
// Mozilla's, Apple's) would. It makes subscriptions as a browser does (a
// P-256 key pair and an auth secret per device), and for every message it
// receives it checks the VAPID JWT (RFC 8292: ES256, signed by the key in
// the header, aud the endpoint's origin, exp within a day, a sub) and
// decrypts the payload with the device's private key (RFC 8291,
// aes128gcm). It keeps what arrived, by device, and can answer a device's
// messages with 410 Gone, as a push service does once the browser has
// unsubscribed.
package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Message is one push message as the device would get it.
type Message struct {
	Device  string // the subscription's id here
	Topic   string
	Urgency string
	TTL     string
	Payload []byte // decrypted
}

// Subscription is what a browser's PushSubscription.toJSON() gives.
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

type device struct {
	key  *ecdh.PrivateKey
	auth []byte
	gone bool
}

// Service is a running test push service.
type Service struct {
	srv *httptest.Server
	// VAPIDKey, when set, is the only VAPID public key (base64url) accepted.
	VAPIDKey string

	mu       sync.Mutex
	devices  map[string]*device
	received []Message
	refused  []string // why each refused message was refused
	// Decrypt false skips decryption (a benchmark's counting sink): the
	// JWT is still checked. True by default.
	decrypt bool
	shared  *device // Shared: every device's keys, for benchmarks
}

// Start runs a push service on a loopback port until t's cleanup (or
// Close).
func Start() *Service {
	s := &Service{devices: map[string]*device{}, decrypt: true}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops it.
func (s *Service) Close() { s.srv.Close() }

// HostPort is its address, for --push-allow-host.
func (s *Service) HostPort() string { return strings.TrimPrefix(s.srv.URL, "http://") }

// SetDecrypt turns decryption of payloads on or off.
func (s *Service) SetDecrypt(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.decrypt = on
}

// Subscribe makes a new device's subscription, as a browser would.
func (s *Service) Subscribe() Subscription {
	d := &device{auth: make([]byte, 16)}
	var err error
	if d.key, err = ecdh.P256().GenerateKey(rand.Reader); err != nil {
		panic(err)
	}
	_, _ = rand.Read(d.auth)
	return s.add(d)
}

// SubscribeShared makes a device that shares its keys with every other
// device made this way: a benchmark's hundred thousand devices without a
// hundred thousand key pairs.
func (s *Service) SubscribeShared() Subscription {
	s.mu.Lock()
	if s.shared == nil {
		s.mu.Unlock()
		one := s.Subscribe()
		s.mu.Lock()
		s.shared = s.devices[strings.TrimPrefix(one.Endpoint, s.srv.URL+"/push/")]
	}
	d := &device{key: s.shared.key, auth: s.shared.auth}
	s.mu.Unlock()
	return s.add(d)
}

func (s *Service) add(d *device) Subscription {
	id := rand.Text()
	s.mu.Lock()
	s.devices[id] = d
	s.mu.Unlock()
	var sub Subscription
	sub.Endpoint = s.srv.URL + "/push/" + id
	sub.Keys.P256dh = base64.RawURLEncoding.EncodeToString(d.key.PublicKey().Bytes())
	sub.Keys.Auth = base64.RawURLEncoding.EncodeToString(d.auth)
	return sub
}

// Device is the id of the device an endpoint of this service names.
func (s *Service) Device(endpoint string) string {
	return strings.TrimPrefix(endpoint, s.srv.URL+"/push/")
}

// Gone makes the service answer 410 for the device from now on.
func (s *Service) Gone(endpoint string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.devices[s.Device(endpoint)]; d != nil {
		d.gone = true
	}
}

// Received returns the messages accepted so far.
func (s *Service) Received() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.received...)
}

// Count is how many messages were accepted.
func (s *Service) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.received)
}

// Refused returns why each refused message was refused.
func (s *Service) Refused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refused...)
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/push/")
	s.mu.Lock()
	d := s.devices[id]
	decrypt := s.decrypt
	s.mu.Unlock()
	if r.Method != http.MethodPost || !ok || d == nil {
		http.NotFound(w, r)
		return
	}
	if d.gone {
		w.WriteHeader(http.StatusGone)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<10))
	if err == nil {
		err = s.checkVAPID(r)
	}
	if err == nil && r.Header.Get("Content-Encoding") != "aes128gcm" {
		err = errors.New("Content-Encoding is not aes128gcm")
	}
	if err == nil && r.Header.Get("TTL") == "" {
		err = errors.New("no TTL header") // RFC 8030 §5.2: required
	}
	var payload []byte
	if err == nil && decrypt {
		payload, err = Decrypt(body, d.key, d.auth)
	}
	if err != nil {
		s.mu.Lock()
		s.refused = append(s.refused, err.Error())
		s.mu.Unlock()
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.received = append(s.received, Message{Device: id, Topic: r.Header.Get("Topic"), Urgency: r.Header.Get("Urgency"),
		TTL: r.Header.Get("TTL"), Payload: payload})
	s.mu.Unlock()
	w.Header().Set("Location", s.srv.URL+"/message/"+rand.Text())
	w.WriteHeader(http.StatusCreated)
}

// checkVAPID checks the request's "Authorization: vapid t=JWT, k=KEY".
func (s *Service) checkVAPID(r *http.Request) error {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "vapid ")
	if !ok {
		return errors.New("no vapid Authorization")
	}
	var token, key string
	for _, part := range strings.Split(auth, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			token = v
		case "k":
			key = v
		}
	}
	if token == "" || key == "" {
		return errors.New("vapid Authorization lacks t or k")
	}
	if s.VAPIDKey != "" && key != s.VAPIDKey {
		return errors.New("not the expected VAPID key")
	}
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return errors.New("k is not base64url")
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return errors.New("k is not an uncompressed P-256 public key")
	}
	claims := jwt.MapClaims{}
	origin := "http://" + r.Host
	_, err = jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience(origin), jwt.WithExpirationRequired())
	if err != nil {
		return fmt.Errorf("VAPID JWT: %w", err)
	}
	if exp, _ := claims.GetExpirationTime(); exp == nil || exp.After(time.Now().Add(24*time.Hour)) {
		return errors.New("VAPID JWT expires more than 24 hours ahead")
	}
	if sub, _ := claims.GetSubject(); !strings.HasPrefix(sub, "mailto:") && !strings.HasPrefix(sub, "https:") && !strings.HasPrefix(sub, "http:") {
		return errors.New("VAPID JWT has no mailto: or https: sub")
	}
	return nil
}

// Decrypt opens an aes128gcm Web Push body (RFC 8291, RFC 8188) with the
// device's private key and auth secret, and returns the plaintext
// without its padding.
func Decrypt(body []byte, key *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than its header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen || idlen != 65 {
		return nil, errors.New("the header's key id is not a P-256 public key")
	}
	senderRaw, ct := body[21:21+idlen], body[21+idlen:]
	if rs < 18 || int64(len(ct)) > int64(rs) {
		return nil, errors.New("more than one record, or a bad record size")
	}
	sender, err := ecdh.P256().NewPublicKey(senderRaw)
	if err != nil {
		return nil, fmt.Errorf("sender key: %w", err)
	}
	shared, err := key.ECDH(sender)
	if err != nil {
		return nil, err
	}
	info := append(append([]byte("WebPush: info\x00"), key.PublicKey().Bytes()...), senderRaw...)
	ikm, err := hkdf.Key(sha256.New, shared, auth, string(info), 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %w", err)
	}
	// The last record ends with 0x02, then zero or more zeros of padding.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:end], nil
}

// URLOf is the endpoint of one of its devices.
func (s *Service) URLOf(device string) string { return s.srv.URL + "/push/" + device }
