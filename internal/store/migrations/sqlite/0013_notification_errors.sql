-- +goose Up
-- Why a notification was not sent (a reason code, never an address or its
-- text), so that admins see a failed one, and why, beside the outbox.
ALTER TABLE notifications ADD COLUMN error TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE notifications DROP COLUMN error;
