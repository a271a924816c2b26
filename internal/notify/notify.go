// Package notify sends the service's email and SMS notifications: it renders
// them from embedded plain-text templates, delivers them over SMTP or a
// Twilio-compatible HTTP API, and works the durable "notify_send" job that
// ties a stored notification to its delivery.
//
// Everything sent is written to be safe on a lock screen or in front of a
// partner: no names, usernames, reasons or report contents, and no mention of
// what the service is. Errors and logs carry ids, template keys and status
// codes only, never an address or a message's text, because River keeps job
// errors in the database and logs travel further than the database does.
package notify

import (
	"context"
	"errors"
)

// Email is one plain-text email to one address. ID, when set, becomes the
// Message-ID's local part: the same for every attempt at one message, so
// that a copy sent again after a crash can be recognised as the same one.
// It must be letters, digits, dots, dashes and underscores only.
type Email struct {
	To, Subject, Text, ID string
	// Unsubscribe, for a newsletter, is the subscriber's own unsubscribe
	// address: sent as List-Unsubscribe with List-Unsubscribe-Post, so
	// that mail programs offer one-click unsubscribing (RFC 8058).
	Unsubscribe string
}

// SMS is one text message to one E.164 number. Key, when set, goes to the
// provider as the Idempotency-Key header: the same for every attempt at one
// message, so that a provider that honours it sends a repeat only once.
type SMS struct{ To, Text, Key string }

// Mailer sends email.
type Mailer interface {
	SendEmail(ctx context.Context, m Email) error
}

// Texter sends SMS.
type Texter interface {
	SendSMS(ctx context.Context, m SMS) error
}

// ErrPermanent marks a failure that sending again will not mend: the
// recipient or the message was refused. Senders wrap it (errors.Is finds it);
// the worker gives up on such a notification instead of retrying it. Every
// other error is taken as temporary.
var ErrPermanent = errors.New("permanent failure")
