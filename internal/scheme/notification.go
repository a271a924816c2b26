package scheme

import "time"

// Channel is how a notification reaches someone.
type Channel string

const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	ChannelPush  Channel = "push" // alerts only: Web Push to a member's devices
)

// Notification is one message to one person, kept (encrypted) until sent.
// To is the decrypted address (email or E.164 phone). Params hold only
// non-identifying values (a status, a link, a one-time code).
type Notification struct {
	ID        string
	Channel   Channel
	To        string
	Template  string
	Params    map[string]string
	Language  string // the recipient's: a code of i18n.Languages; "" is English
	Status    string // "queued", "sent", "failed", "outbox"
	Attempts  int
	CreatedAt time.Time
	SentAt    time.Time
	Batch     string // one of many (a newsletter issue's id): sent at a low priority, paced
	// Error is why it was not sent (failed, or waiting to be tried
	// again): a reason code, never an address or the message's text.
	Error string
}
