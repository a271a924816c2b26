-- +goose Up
-- A sender's claim walks only the deliveries still to be sent, in the
-- order it takes them (urgent first, then the oldest due), and stops at
-- its limit: without it, every claim read and sorted every delivery of
-- the channel ever made, sent ones too, so that sending an alert's
-- messages cost time in proportion to their number squared.
CREATE INDEX alert_deliveries_claim ON alert_deliveries (channel, urgent DESC, next_attempt_at, alert_id, user_id, device, status, updated_at)
    WHERE status IN ('queued', 'retrying', 'sending');

-- +goose Down
DROP INDEX alert_deliveries_claim;
