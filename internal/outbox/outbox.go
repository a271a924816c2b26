// Package outbox names what waits to go out, so that the store (which
// queues it in the same transaction as the change that causes it) and
// notify (which sends it) agree without importing each other: the queued
// jobs' arguments, the message templates' names, and an alert's deliveries.
package outbox

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Template keys: one email and one SMS template each (notify/templates).
// Every template may use
// the params "url" (the site's sign-in address); those marked below need more.
const (
	TemplateApplicationReceived      = "application_received" // optional "reply_by" (email only), e.g. "Tuesday 14 May"
	TemplateApplicationApproved      = "application_approved"
	TemplateApplicationRejected      = "application_rejected"
	TemplateApplicationInfoRequested = "application_info_requested"
	TemplatePasswordResetCode        = "password_reset_code" // "code"; optional "minutes" it stays valid
	TemplatePasswordChanged          = "password_changed"
	TemplateAccountRevoked           = "account_revoked"
	TemplateStaffLoginCreated        = "staff_login_created"
	TemplateReportMessage            = "report_message"
	TemplateAlertPublished           = "alert_published"    // "url": the alert's page (email only; the SMS names nothing)
	TemplateDisclosureMade           = "disclosure_made"    // "url": the account page, where the member reads about it
	TemplateTrainingDue              = "training_due"       // "url": the sign-in page; to an overdue organisation's key contacts
	TemplateTrainingCancelled        = "training_cancelled" // "url": the sign-in page; to key contacts with places on a cancelled event
	// TemplateContactMessage goes to the scheme's own inbox, never to a
	// member: it carries what a visitor wrote in the contact form
	// ("name", "reply", "message"), kept encrypted until it is sent.
	TemplateContactMessage = "contact_message"
	// The newsletter's, to people who are not members, by email only (the
	// SMS texts exist because every key needs both).
	TemplateNewsletterConfirm    = "newsletter_confirm"    // "url": the confirmation page
	TemplateNewsletterSubscribed = "newsletter_subscribed" // "url": the unsubscribe page (signed up again while subscribed)
	TemplateNewsletterIssue      = "newsletter_issue"      // "subject", "body" (Markdown as text), "url": the unsubscribe page
)

// SendArgs is the "notify_send" job. It holds only the notification's id: the
// address and params stay encrypted in the store, not in the job table.
type SendArgs struct {
	ID string `json:"id"`
}

func (SendArgs) Kind() string { return "notify_send" }

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
var AlertChannels = []string{"email", "sms", "push"}

// FastChannels are the channels that reach a member within seconds, on
// her phone, fastest first: their senders are started before the others'
// (StartOrder), so that a warning goes by them first.
var FastChannels = []string{"push", "sms"}

// StartOrder returns channels in the order their senders are started:
// FastChannels first, in their order, then the others as given.
func StartOrder(channels []string) []string {
	out := make([]string, 0, len(channels))
	for _, fast := range FastChannels {
		if slices.Contains(channels, fast) {
			out = append(out, fast)
		}
	}
	for _, ch := range channels {
		if !slices.Contains(FastChannels, ch) {
			out = append(out, ch)
		}
	}
	return out
}

// AlertDelivery is one claimed delivery: one alert, to one member, by one
// channel (and for push, to one of her devices). To is the member's
// current address, decrypted (for push, the subscription's endpoint),
// never stored with the delivery, logged or put in an error.
type AlertDelivery struct {
	AlertID  string
	UserID   string
	Channel  string
	Device   string // push: the subscription's id; "" for email and SMS
	To       string
	Keys     PushKeys // push: the subscription's keys
	Discreet bool     // push: the member chose neutral words
	Urgent   bool     // the alert was published as urgent
	Language string   // the member's ("" for her browser's, unknown here: English)
	Attempts int      // including this one
	Wanted   bool     // the member is active, still chose this channel and has an address for it
	Live     bool     // the alert is still published
}

// PushKeys are a push subscription's keys (RFC 8291), base64url as the
// browser gives them.
type PushKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// Ref is the delivery's stable reference (see DeliveryRef).
func (d AlertDelivery) Ref() string {
	if d.Device != "" {
		return DeliveryRef(d.AlertID, d.UserID, d.Channel+"\x00"+d.Device)
	}
	return DeliveryRef(d.AlertID, d.UserID, d.Channel)
}

// DeliveryRef is an opaque reference to one delivery, the same every time
// it is computed: a hash of the alert, member and channel, from which
// neither can be read back. It is the email's Message-ID, the SMS's
// Idempotency-Key, a push message's Topic, and what coordinators see
// instead of a member.
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

// NudgeAfter is how long a nudge waits for a running sender to finish.
const NudgeAfter = 2 * time.Second
