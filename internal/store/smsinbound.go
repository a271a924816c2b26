package store

import (
	"context"
	"time"

	"uglymugs/internal/vault"
)

// SMSSeenFor is how long the inbound SMS webhook's message ids are kept at
// least: a replay of a request seen within it is recognised. The daily
// retention job deletes older ones, so each is kept one to two days.
const SMSSeenFor = 24 * time.Hour

// FirstSMSInbound records that the SMS provider delivered the inbound
// message with this id (Twilio's MessageSid) and reports whether it is the
// first time: false means the request is a replay, to be answered without
// acting on it again. The id is stored only as a keyed hash, shared by
// every instance.
func (area Checks) FirstSMSInbound(ctx context.Context, messageID string) (bool, error) {
	db := area.db

	// The index keys are per kind; a NUL cannot occur in a username, so
	// this domain never meets real usernames (as for throttles).
	idx, err := db.index(vault.KindUsername, "sms-inbound\x00"+messageID)
	if err != nil {
		return false, err
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO sms_inbound_seen (sid_idx, seen_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		idx, db.now().UTC())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// sweepSMSInbound deletes the message ids seen longer ago than SMSSeenFor.
func (db *core) sweepSMSInbound(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sms_inbound_seen WHERE seen_at < $1`, now.Add(-SMSSeenFor))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
