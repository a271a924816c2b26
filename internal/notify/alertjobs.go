package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Alert delivery works in two durable jobs. "alert_fanout", enqueued in the
// transaction that publishes an alert, makes one in-app row per member the
// alert reaches and one delivery per member and chosen channel (email,
// SMS), in batches along a keyset cursor, and enqueues "alert_deliver" for
// the channels that got any. "alert_deliver" sends one channel's due
// deliveries, from every alert, at the provider's rate.
//
// A delivery is claimed (status "sending", attempts+1, the claiming
// process recorded) before it is sent, and marked sent as soon as its send
// returns, so a crash leaves "sending" only what was claimed and not yet
// marked. When the claiming process's heartbeat stops, its claims are
// handed back (store.DB.RescueOrphanedJobs) and sent again with the same
// Message-ID / Idempotency-Key (see DeliveryRef), which a provider can use
// to drop the repeat; a claim with no recorded process is taken again
// after StaleAfter. Only the sends in flight at the crash can go twice.

// AlertFanOutArgs is the "alert_fanout" job, enqueued in the transaction
// that publishes an alert: it creates the alert's per-member deliveries in
// batches (see AlertFanOutWorker).
type AlertFanOutArgs struct {
	AlertID string `json:"alert_id"`
	// Part of Parts: the fan-out is split into ranges of members, each its
	// own job. Jobs from before parts existed have neither: one part.
	Part  int `json:"part,omitempty"`
	Parts int `json:"parts,omitempty"`
}

func (AlertFanOutArgs) Kind() string { return "alert_fanout" }

// AlertDeliverArgs is the "alert_deliver" job: it sends the due deliveries
// of one channel ("email" or "sms"), of every alert (see
// AlertDeliverWorker). It is unique per channel while waiting or running,
// so publishing many alerts does not pile up jobs; whoever enqueues it
// while one waits for a retry wakes that one instead (store.DB does).
type AlertDeliverArgs struct {
	Channel string `json:"channel"`
	// Nudge marks the small job left when deliveries were queued while the
	// channel's sender was running: that sender may already have looked
	// for work for the last time. The nudge starts (or wakes) the sender
	// once the running one has finished, so nothing waits for the sweep.
	Nudge bool `json:"nudge,omitempty"`
}

func (AlertDeliverArgs) Kind() string { return "alert_deliver" }

// InsertOpts makes the job unique by channel in every state River requires
// (available, pending, running, scheduled) but not while retryable, so that
// a job backing off after a database error does not hold up a new alert.
func (AlertDeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{
		ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled},
	}}
}

// AlertChannels are the channels that send messages; in-app needs none.
var AlertChannels = []string{"email", "sms"}

// AlertDelivery is one claimed delivery: one alert, to one member, by one
// channel. To is the member's current address, decrypted, never stored
// with the delivery, logged or put in an error.
type AlertDelivery struct {
	AlertID  string
	UserID   string
	Channel  string
	To       string
	Attempts int  // including this one
	Wanted   bool // the member is active, still chose this channel and has an address for it
	Live     bool // the alert is still published
}

// Ref is the delivery's stable reference (see DeliveryRef).
func (d AlertDelivery) Ref() string { return DeliveryRef(d.AlertID, d.UserID, d.Channel) }

// DeliveryRef is an opaque reference to one delivery, the same every time
// it is computed: a hash of the alert, member and channel, from which
// neither can be read back. It is the email's Message-ID, the SMS's
// Idempotency-Key, and what coordinators see instead of a member.
func DeliveryRef(alertID, userID, channel string) string {
	h := sha256.Sum256([]byte("uglymugs alert delivery\x00" + alertID + "\x00" + userID + "\x00" + channel))
	return hex.EncodeToString(h[:16])
}

// DeliveryMark is what became of a claimed delivery.
type DeliveryMark struct {
	Status      string    // a scheme.Delivery* state, or DeliveryReleased
	NextAttempt time.Time // for retrying
	Reason      string    // a short reason code or status, never an address or text
}

// DeliveryReleased puts a claimed delivery back as it was, its attempt not
// counted: it was never tried (the channel paused, or the worker stopped).
const DeliveryReleased = "released"

// AlertSource is the store side of alert delivery.
type AlertSource interface {
	// FanOutAlert makes the deliveries of alertID for the next batch of
	// accounts and reports whether none remain (or the alert is no longer
	// published). The last call enqueues "alert_deliver" for the channels
	// that need it, in its transaction.
	FanOutAlert(ctx context.Context, alertID string, batch int) (done bool, err error)
	// FanOutPart is FanOutAlert for one part of parts; done means the part
	// is done (the last part to finish marks the alert's fan-out done).
	FanOutPart(ctx context.Context, alertID string, part, parts, batch int) (done bool, err error)
	// ChannelPaused reports whether sending on channel is paused.
	ChannelPaused(ctx context.Context, channel string) (bool, error)
	// ClaimDeliveries marks up to limit due deliveries of channel as
	// sending by claimant (the process's heartbeat id), counting an
	// attempt, and returns them: queued ones, retrying ones whose time has
	// come, and ones left "sending" longer than staleAfter by a sender that
	// stopped.
	ClaimDeliveries(ctx context.Context, channel, claimant string, limit int, staleAfter time.Duration) ([]AlertDelivery, error)
	// NextDeliveryAt returns when the next delivery of channel falls due,
	// and false when there is none waiting.
	NextDeliveryAt(ctx context.Context, channel string, staleAfter time.Duration) (time.Time, bool, error)
	// MarkDelivery records what became of a claimed delivery.
	MarkDelivery(ctx context.Context, d AlertDelivery, m DeliveryMark) error
	// MarkSent records deliveries as sent, in one transaction.
	MarkSent(ctx context.Context, ds []AlertDelivery) error
	// PauseChannel stops sending on channel until a coordinator resumes it.
	PauseChannel(ctx context.Context, channel, reason string) error
	// WakeDeliveries starts channel's sender, or wakes it if it waits for
	// a retry, and reports whether one is running (and could not be woken).
	WakeDeliveries(ctx context.Context, channel string) (running bool, err error)
}
