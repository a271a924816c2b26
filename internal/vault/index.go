package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
)

// Index returns the blind index of an already-normalised value of kind k:
// HMAC-SHA256 keyed with that kind's key, 32 bytes. Normalisation (e.g. a
// phone number to E.164) is the caller's job; this function hashes exactly
// the bytes it is given, so two spellings of one number give different
// indexes unless normalised first.
//
// Do not index empty values: every empty input of a kind gets the same index,
// which would link all rows that lack the value.
//
// It panics if k is not one of Kinds: that is a programming error, not a
// runtime condition.
func (v *Vault) Index(k Kind, normalised string) []byte {
	key, ok := v.k.index[k]
	if !ok {
		panic(fmt.Sprintf("vault: unknown blind-index kind %q", k))
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(normalised))
	return mac.Sum(nil)
}
