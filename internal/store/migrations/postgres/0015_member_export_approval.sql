-- +goose Up
-- A revoked member's details go to the police only once a second
-- coordinator or admin approves the request (ASVS 2.3.5). Exports made
-- before this rule were handed over at once: they stay on record as such
-- and cannot be downloaded again.
ALTER TABLE data_exports ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE data_exports ADD COLUMN decided_by TEXT;
ALTER TABLE data_exports ADD COLUMN decided_at TIMESTAMPTZ;
UPDATE data_exports SET status = 'exported_unapproved';

-- +goose Down
ALTER TABLE data_exports DROP COLUMN decided_at;
ALTER TABLE data_exports DROP COLUMN decided_by;
ALTER TABLE data_exports DROP COLUMN status;
