-- +goose Up
-- Each claim of a delivery records the process (its heartbeat id in
-- instances) that claimed it, so that the claims of a process that died
-- are handed back as soon as its heartbeat stops, like its jobs, instead
-- of after the claim's age gives it away.
ALTER TABLE alert_deliveries ADD COLUMN claimed_by TEXT;
CREATE INDEX alert_deliveries_claims ON alert_deliveries (claimed_by) WHERE status = 'sending';

-- +goose Down
DROP INDEX alert_deliveries_claims;
ALTER TABLE alert_deliveries DROP COLUMN claimed_by;
