package notify

import (
	"context"
	"time"

	"uglymugs/internal/outbox"
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
// Message-ID / Idempotency-Key (see outbox.DeliveryRef), which a provider can use
// to drop the repeat; a claim with no recorded process is taken again
// after StaleAfter. Only the sends in flight at the crash can go twice.

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
	ClaimDeliveries(ctx context.Context, channel, claimant string, limit int, staleAfter time.Duration) ([]outbox.AlertDelivery, error)
	// NextDeliveryAt returns when the next delivery of channel falls due,
	// and false when there is none waiting.
	NextDeliveryAt(ctx context.Context, channel string, staleAfter time.Duration) (time.Time, bool, error)
	// MarkDelivery records what became of a claimed delivery.
	MarkDelivery(ctx context.Context, d outbox.AlertDelivery, m outbox.DeliveryMark) error
	// MarkSent records deliveries as sent, in one transaction.
	MarkSent(ctx context.Context, ds []outbox.AlertDelivery) error
	// PauseChannel stops sending on channel until a coordinator resumes it.
	PauseChannel(ctx context.Context, channel, reason string) error
	// WakeDeliveries starts channel's sender, or wakes it if it waits for
	// a retry, and reports whether one is running (and could not be woken).
	WakeDeliveries(ctx context.Context, channel string) (running bool, err error)
	// PushGone removes a push subscription its push service no longer
	// knows (404 or 410).
	PushGone(ctx context.Context, device string) error
}
