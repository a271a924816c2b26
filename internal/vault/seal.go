package vault

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

const (
	version1  byte = 1
	headerLen      = 1 + len(keyID{})
	nonceLen       = chacha20poly1305.NonceSizeX
	tagLen         = chacha20poly1305.Overhead
	prefixLen      = headerLen + nonceLen

	// maxPartLen bounds each Field part so it fits its 2-byte length prefix.
	maxPartLen = 1<<16 - 1
	// maxPlaintext is where the AEAD's block counter runs out; Seal returns
	// an error rather than letting the library panic.
	maxPlaintext = 1<<38 - 64
)

// ErrDecrypt means a ciphertext could not be opened: it was altered or
// truncated, belongs to another Field, or was sealed with another key. The
// causes are deliberately not distinguished, so an attacker learns nothing
// from the error.
var ErrDecrypt = errors.New("vault: cannot decrypt: ciphertext altered, moved from another field, or sealed with another key")

// ErrUnknownKey means the ciphertext names a key id this vault does not hold
// (for example a key dropped from the file too early, or a key file from
// another installation). Errors that match it also match ErrDecrypt, so a
// caller checking only ErrDecrypt still treats the value as unreadable.
var ErrUnknownKey = errors.New("vault: unknown key id")

// unknownKeyError carries the (non-secret) key id for whoever reads the log.
type unknownKeyError struct{ id keyID }

func (e unknownKeyError) Error() string {
	return fmt.Sprintf("vault: ciphertext sealed with key id %s, which is not in this key file", e.id)
}

func (e unknownKeyError) Unwrap() []error { return []error{ErrUnknownKey, ErrDecrypt} }

// Field says where a ciphertext lives; it is bound into the ciphertext as
// associated data, so a ciphertext copied to another row or column fails to
// open.
//
// All three parts must be non-empty: a ciphertext bound to no row could be
// swapped between rows undetected, so seal only once the row id is known.
type Field struct {
	Table, Column string
	RowID         string
}

func (f Field) check() error {
	for _, p := range [...]struct{ name, val string }{
		{"table", f.Table}, {"column", f.Column}, {"row id", f.RowID},
	} {
		switch {
		case p.val == "":
			return fmt.Errorf("vault: field has an empty %s; every ciphertext must be bound to its table, column and row", p.name)
		case len(p.val) > maxPartLen:
			return fmt.Errorf("vault: field %s is %d bytes, longer than %d", p.name, len(p.val), maxPartLen)
		}
	}
	return nil
}

// associatedData authenticates the header and the Field. Each Field part is
// length-prefixed so that no two different Fields encode to the same bytes.
func associatedData(header []byte, f Field) []byte {
	ad := make([]byte, 0, len(header)+6+len(f.Table)+len(f.Column)+len(f.RowID))
	ad = append(ad, header...)
	for _, s := range [...]string{f.Table, f.Column, f.RowID} {
		ad = binary.BigEndian.AppendUint16(ad, uint16(len(s))) // #nosec G115 -- at most maxPartLen (1<<16 - 1), checked by f.check before sealing or opening
		ad = append(ad, s...)
	}
	return ad
}

// Seal encrypts plaintext with the active key, bound to f. An empty plaintext
// still produces a full ciphertext; use SealString to store empty as NULL.
func (v *Vault) Seal(f Field, plaintext []byte) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if uint64(len(plaintext)) > maxPlaintext {
		return nil, errors.New("vault: plaintext too large to seal")
	}
	v.k.mu.RLock()
	key := v.k.active
	v.k.mu.RUnlock()

	out := make([]byte, prefixLen, prefixLen+len(plaintext)+tagLen)
	out[0] = version1
	copy(out[1:headerLen], key.id[:])
	// A random 192-bit nonce never repeats in practice, so no counter has to
	// be kept in step across processes or restarts.
	rand.Read(out[headerLen:prefixLen]) // never fails since Go 1.24
	return key.aead.Seal(out, out[headerLen:prefixLen], plaintext, associatedData(out[:headerLen], f)), nil
}

// parseHeader returns the key id of a well-formed version-1 ciphertext.
func parseHeader(ciphertext []byte) (keyID, error) {
	var id keyID
	if len(ciphertext) < prefixLen+tagLen {
		return id, fmt.Errorf("%w (too short to be a vault ciphertext)", ErrDecrypt)
	}
	if ciphertext[0] != version1 {
		return id, fmt.Errorf("%w (unsupported ciphertext version %d)", ErrDecrypt, ciphertext[0])
	}
	copy(id[:], ciphertext[1:headerLen])
	return id, nil
}

// Open decrypts a ciphertext made by Seal for the same Field. It fails with
// ErrDecrypt if anything was altered, the Field differs, or the key is wrong,
// and with an error matching both ErrUnknownKey and ErrDecrypt if the key id
// is not in this vault.
func (v *Vault) Open(f Field, ciphertext []byte) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	id, err := parseHeader(ciphertext)
	if err != nil {
		return nil, err
	}
	v.k.mu.RLock()
	key, ok := v.k.enc[id]
	v.k.mu.RUnlock()
	if !ok {
		return nil, unknownKeyError{id}
	}
	pt, err := key.aead.Open(nil, ciphertext[headerLen:prefixLen], ciphertext[prefixLen:], associatedData(ciphertext[:headerLen], f))
	if err != nil {
		return nil, ErrDecrypt
	}
	if pt == nil {
		pt = []byte{} // an empty sealed value opens to empty, not nil
	}
	return pt, nil
}

// SealString seals s. The empty string seals to nil, so optional fields stay
// NULL in the database rather than holding a ciphertext of nothing.
func (v *Vault) SealString(f Field, s string) ([]byte, error) {
	if s == "" {
		if err := f.check(); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return v.Seal(f, []byte(s))
}

// OpenString opens a ciphertext made by SealString; nil or empty (a NULL
// column) opens to "". Authentication cannot detect that a value was replaced
// by NULL, so callers must not treat an empty result as proof of anything.
func (v *Vault) OpenString(f Field, ciphertext []byte) (string, error) {
	if len(ciphertext) == 0 {
		if err := f.check(); err != nil {
			return "", err
		}
		return "", nil
	}
	pt, err := v.Open(f, ciphertext)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// KeyID reports which key sealed a ciphertext, so a rotation job can find
// values still sealed with an old key. It does not authenticate the
// ciphertext; only Open does.
func KeyID(ciphertext []byte) (string, error) {
	id, err := parseHeader(ciphertext)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}
