package audit

import (
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"
)

func chain(actions ...string) []Entry {
	var out []Entry
	var prev *Entry
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for i, a := range actions {
		e := Next(prev, Entry{At: at.Add(time.Duration(i) * time.Minute), Actor: "system", Action: a, Detail: "{}"})
		out = append(out, e)
		prev = &out[len(out)-1]
	}
	return out
}

// appendPurge adds a purge entry claiming the given checkpoint.
func appendPurge(es []Entry, through int64, hash []byte) []Entry {
	e := Next(&es[len(es)-1], Entry{At: es[len(es)-1].At.Add(time.Minute), Actor: "system", Action: PurgeAction,
		Detail: fmt.Sprintf(`{"through":%d,"hash":%q}`, through, hex.EncodeToString(hash))})
	return append(append([]Entry(nil), es...), e)
}

func seq(es []Entry) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for _, e := range es {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func TestVerify_APurgedChainHoldsOnlyFromTheCheckpointItRecords(t *testing.T) {
	full := chain("a", "b", "c", "d", "e")
	purged := appendPurge(full, 2, full[1].Hash)
	edited := append([]Entry(nil), purged[2:]...)
	edited[1].Detail = `{"x":1}`
	for _, tc := range []struct {
		name     string
		entries  []Entry
		brokenAt int64 // 0: intact
		head     int64
	}{
		{"whole chain", full, 0, 5},
		{"oldest two purged, the purge recorded", purged[2:], 0, 6},
		{"oldest two deleted, no purge entry", full[2:], 3, 0},
		{"oldest three deleted, the purge says two", purged[3:], 4, 0},
		{"purge claims another hash", appendPurge(full, 2, full[0].Hash)[2:], 3, 0},
		{"an entry after the checkpoint edited", edited, 4, 0},
		{"purge detail unreadable", func() []Entry {
			es := append([]Entry(nil), full...)
			return append(es, Next(&es[4], Entry{At: es[4].At, Actor: "system", Action: PurgeAction, Detail: `{}`}))
		}(), 6, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			head, err := Verify(seq(tc.entries))
			var broken *BrokenError
			switch {
			case tc.brokenAt == 0 && err != nil:
				t.Fatalf("verify: %v", err)
			case tc.brokenAt == 0 && head.Seq != tc.head:
				t.Errorf("head at %d, want %d", head.Seq, tc.head)
			case tc.brokenAt != 0 && !errors.As(err, &broken):
				t.Fatalf("verify = %v, want broken at %d", err, tc.brokenAt)
			case tc.brokenAt != 0 && broken.Seq != tc.brokenAt:
				t.Errorf("broken at %d (%s), want %d", broken.Seq, broken.Reason, tc.brokenAt)
			}
		})
	}
}
