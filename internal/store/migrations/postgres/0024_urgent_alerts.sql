-- +goose Up
-- Urgent alerts out of hours. An admin puts coordinators on call, shift
-- by shift (on_call_shifts: from, to, in UTC); out of office hours one on
-- call may publish an alert alone, marked urgent, which a second
-- coordinator reviews from the start of the next working day
-- (review_state 'pending' until confirmed or withdrawn; review_due_at is
-- that start). An urgent alert's deliveries carry the mark too, so that
-- each channel's sender takes them before any other's.
ALTER TABLE alerts ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE alerts ADD COLUMN review_state TEXT NOT NULL DEFAULT '' CHECK (review_state IN ('', 'pending', 'confirmed', 'withdrawn'));
ALTER TABLE alerts ADD COLUMN review_due_at TIMESTAMPTZ;
ALTER TABLE alerts ADD COLUMN reviewed_by TEXT;
ALTER TABLE alerts ADD COLUMN reviewed_at TIMESTAMPTZ;
CREATE INDEX alerts_review ON alerts (review_due_at, id) WHERE review_state = 'pending';
ALTER TABLE alert_deliveries ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE on_call_shifts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX on_call_shifts_user ON on_call_shifts (user_id, ends_at);
CREATE INDEX on_call_shifts_ends ON on_call_shifts (ends_at, starts_at);

-- +goose Down
DROP TABLE on_call_shifts;
ALTER TABLE alert_deliveries DROP COLUMN urgent;
DROP INDEX alerts_review;
ALTER TABLE alerts DROP COLUMN reviewed_at;
ALTER TABLE alerts DROP COLUMN reviewed_by;
ALTER TABLE alerts DROP COLUMN review_due_at;
ALTER TABLE alerts DROP COLUMN review_state;
ALTER TABLE alerts DROP COLUMN urgent;
