-- +goose Up
-- The inbound SMS webhook's requests seen in the last day, by the
-- provider's message id (kept only as a keyed hash), so that a request
-- replayed (by an attacker who captured one, or by the provider retrying)
-- is answered without running its check or sending its reply again.
-- Swept by the retention job once older than a day.
CREATE TABLE sms_inbound_seen (
    sid_idx BYTEA PRIMARY KEY,
    seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sms_inbound_seen_at ON sms_inbound_seen (seen_at);

-- +goose Down
DROP TABLE sms_inbound_seen;
