package vault

import (
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/chacha20poly1305"
)

// Kind names a blind-index domain; each kind has its own key, so equal inputs
// of different kinds never give equal indexes.
type Kind string

// The blind-index kinds. Each has its own key in the key file.
const (
	KindPhone    Kind = "phone"
	KindEmail    Kind = "email"
	KindPlate    Kind = "plate"
	KindHandle   Kind = "handle"
	KindUsername Kind = "username"
	KindName     Kind = "name" // names and aliases offenders use
)

// Kinds lists every blind-index kind; a key file must hold a key for each.
var Kinds = []Kind{KindPhone, KindEmail, KindPlate, KindHandle, KindUsername, KindName}

// keySize is the length of every key: 256 bits, what XChaCha20-Poly1305
// requires and what HMAC-SHA256 gains nothing beyond.
const keySize = chacha20poly1305.KeySize

// keyID identifies an encryption key inside ciphertexts. It is random rather
// than sequential so that ids reveal nothing about how often keys rotate and
// two independently generated vaults almost never share one.
type keyID [4]byte

func (id keyID) String() string { return hex.EncodeToString(id[:]) }

// parseKeyID accepts exactly 8 lowercase hex characters, the only form
// keyID.String produces, so every id has one spelling.
func parseKeyID(s string) (keyID, bool) {
	var id keyID
	if len(s) != 2*len(id) {
		return id, false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return id, false
		}
	}
	_, err := hex.Decode(id[:], []byte(s))
	return id, err == nil
}

// encKey is one encryption key. raw is kept only so Marshal can write it back.
type encKey struct {
	id      keyID
	raw     []byte
	created time.Time
	aead    cipher.AEAD
}

func newEncKey(id keyID, raw []byte, created time.Time) (*encKey, error) {
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		// Only possible for a bad length (checked by callers) or in FIPS
		// 140-only mode; neither message contains key bytes.
		return nil, fmt.Errorf("vault: %w", err)
	}
	return &encKey{id: id, raw: raw, created: created, aead: aead}, nil
}

// Vault holds the encryption keys and blind-index keys. It is safe for
// concurrent use.
//
// Its only field is a pointer so that even printing a Vault value through
// reflection (which bypasses String and Format for unexported fields) shows
// an address, never key bytes.
type Vault struct {
	k *keyring
}

type keyring struct {
	mu     sync.RWMutex // guards active, enc and order, which Rotate changes
	active *encKey
	enc    map[keyID]*encKey
	order  []*encKey // oldest first, so Marshal writes a stable, readable file

	// index is never modified after construction, so it is read without
	// locking.
	index map[Kind][]byte

	vapid atomic.Pointer[ecdh.PrivateKey] // Web Push signing key; nil: none yet
}

func newKey() []byte {
	k := make([]byte, keySize)
	rand.Read(k) // never returns an error since Go 1.24; it crashes instead.
	return k
}

// Generate returns a vault with fresh random keys: one active encryption key
// and one independent index key per Kind, each 32 bytes from crypto/rand.
func Generate() (*Vault, error) {
	v := &Vault{k: &keyring{enc: map[keyID]*encKey{}, index: map[Kind][]byte{}}}
	if _, err := v.Rotate(); err != nil {
		return nil, err
	}
	for _, kind := range Kinds {
		v.k.index[kind] = newKey()
	}
	v.AddVAPID()
	return v, nil
}

// AddVAPID gives the vault a new Web Push signing key unless it has one,
// and reports whether it added one (then the file must be written again).
func (v *Vault) AddVAPID() bool {
	p, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return v.k.vapid.CompareAndSwap(nil, p)
}

// VAPID returns the Web Push key pair (RFC 8292) as webpush-go takes it,
// base64url without padding: the public key is the uncompressed P-256
// point browsers are given as applicationServerKey. ok is false when the
// key file has none.
func (v *Vault) VAPID() (public, private string, ok bool) {
	p := v.k.vapid.Load()
	if p == nil {
		return "", "", false
	}
	return base64.RawURLEncoding.EncodeToString(p.PublicKey().Bytes()), base64.RawURLEncoding.EncodeToString(p.Bytes()), true
}

// Rotate adds a new random encryption key and makes it active. Old keys stay
// so that existing ciphertexts still open; a rotation job can find them with
// KeyID, reseal them, and only then may old keys be dropped from the file.
// The caller must persist the vault (Marshal) before sealing anything with the
// new key, or data sealed with it becomes unreadable after a restart.
func (v *Vault) Rotate() (newID string, err error) {
	k := v.k
	k.mu.Lock()
	defer k.mu.Unlock()
	var id keyID
	for {
		rand.Read(id[:])
		if _, taken := k.enc[id]; !taken {
			break
		}
	}
	ek, err := newEncKey(id, newKey(), time.Now().UTC().Truncate(time.Second))
	if err != nil {
		return "", err
	}
	k.enc[id] = ek
	k.order = append(k.order, ek)
	k.active = ek
	return id.String(), nil
}

// ActiveKeyID returns the id of the key that Seal currently uses.
func (v *Vault) ActiveKeyID() string {
	v.k.mu.RLock()
	defer v.k.mu.RUnlock()
	return v.k.active.id.String()
}

// The methods below use value receivers (unlike the rest of the API) so that
// both Vault and *Vault print safely: an accidental %v, %#v or slog attribute
// shows only the active key id and the number of keys.

// String describes the vault without any key material.
func (v Vault) String() string {
	if v.k == nil {
		return "vault(empty)"
	}
	v.k.mu.RLock()
	defer v.k.mu.RUnlock()
	return fmt.Sprintf("vault(active=%s, keys=%d)", v.k.active.id, len(v.k.order))
}

// GoString makes %#v print the same safe description as String.
func (v Vault) GoString() string { return v.String() }

// Format makes every fmt verb (%v, %+v, %x, %q, ...) print the safe
// description, so no verb can reach the key bytes.
func (v Vault) Format(f fmt.State, _ rune) { fmt.Fprint(f, v.String()) }

// LogValue makes log/slog record the safe description, not the struct.
func (v Vault) LogValue() slog.Value { return slog.StringValue(v.String()) }
