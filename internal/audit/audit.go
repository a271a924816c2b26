// Package audit defines the scheme's audit trail: an append-only list of
// entries, each carrying the hash of the one before, so that an edited,
// deleted or reordered entry breaks the chain at that point. Entries hold ids
// and codes, never personal data. Storage is the store's job; this package
// only computes and checks the chain.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"iter"
	"time"
)

// Entry is one audited event.
type Entry struct {
	Seq         int64
	At          time.Time
	Actor       string // user id, or "system", or "cli"
	Action      string // e.g. "user.create", "export.police"
	SubjectType string // e.g. "user", "report"
	SubjectID   string
	Detail      string // JSON of ids and codes only
	PrevHash    []byte
	Hash        []byte
}

// Genesis is the PrevHash of the first entry.
var Genesis = make([]byte, sha256.Size)

// Precision is what timestamps are cut to before hashing, so that both
// databases give back exactly the time that was hashed.
const Precision = time.Microsecond

// Sum returns the hash of e chained to e.PrevHash. Every field is length
// prefixed, so that moving bytes from one field to its neighbour changes the
// hash.
func (e Entry) Sum() []byte {
	h := sha256.New()
	var n [8]byte
	put := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put([]byte("uglymugs-audit-v1"))
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq)) // #nosec G115 -- sequence numbers count up from 1; the bytes hashed must not change
	h.Write(n[:])
	put([]byte(e.At.UTC().Truncate(Precision).Format(time.RFC3339Nano)))
	put([]byte(e.Actor))
	put([]byte(e.Action))
	put([]byte(e.SubjectType))
	put([]byte(e.SubjectID))
	put([]byte(e.Detail))
	put(e.PrevHash)
	return h.Sum(nil)
}

// Next fills in the chain fields of e to follow prev (nil for the first
// entry) and returns it.
func Next(prev *Entry, e Entry) Entry {
	e.At = e.At.UTC().Truncate(Precision)
	e.Seq, e.PrevHash = 1, Genesis
	if prev != nil {
		e.Seq, e.PrevHash = prev.Seq+1, prev.Hash
	}
	e.Hash = e.Sum()
	return e
}

// BrokenError names the first entry at which the chain does not hold.
type BrokenError struct {
	Seq    int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.Seq, e.Reason)
}

// Head is where a verified chain ends; operators can note it elsewhere,
// because deleting the newest entries leaves a chain that is still whole.
type Head struct {
	Entries int64
	Seq     int64
	Hash    string
}

// PurgeAction is the action of the entry a retention purge appends after
// removing the oldest entries; its Detail names the last entry removed
// ("through") and that entry's hash, the checkpoint the chain now starts
// from.
const PurgeAction = "audit.purge"

// Checkpoint is where a chain whose oldest entries were purged begins.
type Checkpoint struct {
	Seq  int64
	Hash []byte
}

// Verify walks entries in seq order and returns the head of the chain, or a
// *BrokenError naming the first entry that does not follow from the one
// before (or an error from reading). A chain may start after entry 1 only
// where a later purge entry, itself in the chain, says it removed exactly
// the entries before.
func Verify(entries iter.Seq2[Entry, error]) (Head, error) {
	var head Head
	var start, claimed *Checkpoint
	prevSeq, prevHash := int64(0), Genesis
	for e, err := range entries {
		if err != nil {
			return head, err
		}
		if head.Entries == 0 && e.Seq > 1 {
			start = &Checkpoint{Seq: e.Seq - 1, Hash: e.PrevHash}
			prevSeq, prevHash = start.Seq, start.Hash
		}
		switch {
		case e.Seq != prevSeq+1:
			return head, &BrokenError{Seq: e.Seq, Reason: fmt.Sprintf("expected entry %d next: an entry is missing or out of order", prevSeq+1)}
		case !bytes.Equal(e.PrevHash, prevHash):
			return head, &BrokenError{Seq: e.Seq, Reason: "it does not point to the entry before it: that entry was changed, removed or moved"}
		case !bytes.Equal(e.Sum(), e.Hash):
			return head, &BrokenError{Seq: e.Seq, Reason: "its contents do not match its hash: it was edited"}
		}
		if e.Action == PurgeAction {
			var d struct {
				Through int64  `json:"through"`
				Hash    string `json:"hash"`
			}
			if json.Unmarshal([]byte(e.Detail), &d) != nil || d.Through < 1 {
				return head, &BrokenError{Seq: e.Seq, Reason: "a purge entry that does not say what it removed"}
			}
			h, err := hex.DecodeString(d.Hash)
			if err != nil {
				return head, &BrokenError{Seq: e.Seq, Reason: "a purge entry whose hash is not hex"}
			}
			claimed = &Checkpoint{Seq: d.Through, Hash: h}
		}
		prevSeq, prevHash = e.Seq, e.Hash
		head = Head{Entries: head.Entries + 1, Seq: e.Seq, Hash: hex.EncodeToString(e.Hash)}
	}
	if start != nil && (claimed == nil || claimed.Seq != start.Seq || !bytes.Equal(claimed.Hash, start.Hash)) {
		return head, &BrokenError{Seq: start.Seq + 1, Reason: "the entries before it are missing, and no retention purge in the chain removed them"}
	}
	return head, nil
}
