package vault

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// A member's own data key.
//
// Each member's personal fields are sealed with a data key of her own,
// kept in the database wrapped (sealed) under the vault's encryption key
// and bound to her id. Leaving deletes the wrapped key with her account,
// so what was sealed with it cannot be opened again, by anyone, from any
// copy of the database that does not hold the key: a backup whose keys
// are kept apart (see package backup) becomes unreadable for her the
// moment the newest copy of the keys no longer has hers.
//
// # Ciphertext format (version 2)
//
//	offset  size  content
//	0       1     format version, 0x02
//	1       1     n, the length of the member's id (1 to 64)
//	2       n     the member's id (whose key sealed it)
//	2+n     24    XChaCha20-Poly1305 nonce, random per Seal
//	26+n    m+16  sealed box of the m-byte plaintext
//
// The associated data is the header (version, n, id) followed by the Field
// as in version 1, so neither the id nor the place can be changed.

const version2 byte = 2

const maxSubjectLen = 64

// ErrForgotten means a ciphertext was sealed with a member's key that no
// longer exists: she left and her key went with her. It matches ErrDecrypt,
// so callers treat the value as unreadable.
var ErrForgotten = errors.New("vault: sealed with the key of a member who has left")

type forgottenError struct{}

func (forgottenError) Error() string   { return ErrForgotten.Error() }
func (forgottenError) Unwrap() []error { return []error{ErrForgotten, ErrDecrypt} }

// Forgotten is the error for a value whose member key is gone.
func Forgotten() error { return forgottenError{} }

// MemberKey is one member's data key, opened. It seals and opens her
// personal fields; it is safe for concurrent use.
type MemberKey struct {
	subject string
	aead    cipher.AEAD
}

// Subject is the member whose key it is.
func (k MemberKey) Subject() string { return k.subject }

// Valid reports whether k is a key (the zero MemberKey is not).
func (k MemberKey) Valid() bool { return k.aead != nil }

func memberKeyField(subject string) Field {
	return Field{Table: "member_keys", Column: "key", RowID: subject}
}

func checkSubject(subject string) error {
	if subject == "" || len(subject) > maxSubjectLen {
		return fmt.Errorf("vault: a member id must be 1 to %d bytes", maxSubjectLen)
	}
	return nil
}

// NewMemberKey makes a fresh random data key for the member subject, and
// returns it with its wrapped form (sealed under the vault's active key,
// bound to her id) to store.
func (v *Vault) NewMemberKey(subject string) (MemberKey, []byte, error) {
	if err := checkSubject(subject); err != nil {
		return MemberKey{}, nil, err
	}
	raw := newKey()
	wrapped, err := v.Seal(memberKeyField(subject), raw)
	if err != nil {
		return MemberKey{}, nil, err
	}
	k, err := memberKey(subject, raw)
	return k, wrapped, err
}

// OpenMemberKey opens a wrapped key of the member subject, as stored.
func (v *Vault) OpenMemberKey(subject string, wrapped []byte) (MemberKey, error) {
	if err := checkSubject(subject); err != nil {
		return MemberKey{}, err
	}
	raw, err := v.Open(memberKeyField(subject), wrapped)
	if err != nil {
		return MemberKey{}, err
	}
	if len(raw) != keySize {
		return MemberKey{}, ErrDecrypt
	}
	return memberKey(subject, raw)
}

func memberKey(subject string, raw []byte) (MemberKey, error) {
	aead, err := chacha20poly1305.NewX(raw)
	if err != nil {
		return MemberKey{}, fmt.Errorf("vault: %w", err)
	}
	return MemberKey{subject: subject, aead: aead}, nil
}

// Seal encrypts plaintext with her key, bound to f.
func (k MemberKey) Seal(f Field, plaintext []byte) ([]byte, error) {
	if !k.Valid() {
		return nil, errors.New("vault: no member key")
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	if uint64(len(plaintext)) > maxPlaintext {
		return nil, errors.New("vault: plaintext too large to seal")
	}
	hl := 2 + len(k.subject)
	out := make([]byte, hl+nonceLen, hl+nonceLen+len(plaintext)+tagLen)
	out[0], out[1] = version2, byte(len(k.subject)) // #nosec G115 -- at most maxSubjectLen, checked when the key was made
	copy(out[2:hl], k.subject)
	rand.Read(out[hl : hl+nonceLen]) // never fails since Go 1.24
	// #nosec G407 -- the nonce is random, read just above, never a constant
	return k.aead.Seal(out, out[hl:hl+nonceLen], plaintext, associatedData(out[:hl], f)), nil
}

// SealString seals s with her key; the empty string seals to nil, as
// Vault.SealString.
func (k MemberKey) SealString(f Field, s string) ([]byte, error) {
	if s == "" {
		return nil, f.check()
	}
	return k.Seal(f, []byte(s))
}

// Open decrypts a ciphertext her key sealed for f.
func (k MemberKey) Open(f Field, ciphertext []byte) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	subject, ok := Subject(ciphertext)
	if !ok || subject != k.subject || !k.Valid() {
		return nil, ErrDecrypt
	}
	hl := 2 + len(subject)
	if len(ciphertext) < hl+nonceLen+tagLen {
		return nil, ErrDecrypt
	}
	pt, err := k.aead.Open(nil, ciphertext[hl:hl+nonceLen], ciphertext[hl+nonceLen:], associatedData(ciphertext[:hl], f))
	if err != nil {
		return nil, ErrDecrypt
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

// Subject names the member whose key sealed ciphertext, or ok is false for
// a ciphertext sealed with the vault's own key (version 1) or not one at
// all. It does not authenticate anything; only opening does.
func Subject(ciphertext []byte) (subject string, ok bool) {
	if len(ciphertext) < 2 || ciphertext[0] != version2 {
		return "", false
	}
	n := int(ciphertext[1])
	if n == 0 || n > maxSubjectLen || len(ciphertext) < 2+n {
		return "", false
	}
	return string(ciphertext[2 : 2+n]), true
}
