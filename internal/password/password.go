// Package password hashes and checks passwords with argon2id, the
// memory-hard function OWASP recommends, in the PHC string format so that
// the parameters travel with each hash and can be raised later.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost settings.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows OWASP's password storage guidance (46 MiB, 1 pass, 1 lane).
var Default = Params{Memory: 46 * 1024, Time: 1, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinLength and MaxLength follow OWASP ASVS 5 (6.2.1, 6.2.9): at least 8
	// characters, and at least 64 allowed.
	MinLength = 8
	MaxLength = 256
)

var b64 = base64.RawStdEncoding

// ErrMalformed means a stored hash cannot be read.
var ErrMalformed = errors.New("password: malformed hash")

// Hash returns the PHC string for pw with fresh salt.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC string, and whether the hash was
// made with weaker parameters than want (so the caller can store a new one).
func Verify(phc, pw string, want Params) (ok, rehash bool, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, ErrMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, false, ErrMalformed
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, false, ErrMalformed
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) == 0 || len(key) > 64 {
		return false, false, ErrMalformed
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key))) // #nosec G115 -- at most 64, checked above
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && (p.Memory < want.Memory || p.Time < want.Time), nil
}

// Check returns a plain-words problem with pw, or "" if it is acceptable.
func Check(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		return fmt.Sprintf("Use at least %d characters. A few words strung together make a strong password that is easy to remember.", MinLength)
	case n > MaxLength:
		return fmt.Sprintf("Use at most %d characters.", MaxLength)
	}
	return ""
}
