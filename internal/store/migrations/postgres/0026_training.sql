-- +goose Up
-- Training for member organisations (terms, clause 2): coordinators
-- publish events, key contacts book places for their organisation's
-- people, coordinators record who attended. An organisation has been
-- trained when someone it booked attended; one that has not, a set number
-- of days after joining (the setting training.due_days), is overdue, and
-- its key contacts are reminded once per that period
-- (training_reminders, so that a restart never sends twice).
--
-- An event's title is the scheme's wording, never a person's. Bookings
-- name people by their user id only (their names stay encrypted in
-- profiles); one who leaves becomes NULL, and the booking, with the
-- organisation's attendance, stays.
CREATE TABLE training_events (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    starts_at    TIMESTAMPTZ NOT NULL,
    online       BOOLEAN NOT NULL,
    town         TEXT REFERENCES towns (slug) ON UPDATE CASCADE,
    places       INTEGER NOT NULL CHECK (places > 0),
    status       TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'cancelled')),
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    cancelled_at TIMESTAMPTZ,
    CHECK (online OR town IS NOT NULL)
);
CREATE INDEX training_events_starts ON training_events (starts_at, id);

CREATE TABLE training_bookings (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES training_events (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         TEXT REFERENCES users (id) ON DELETE SET NULL,
    booked_by       TEXT NOT NULL,
    booked_at       TIMESTAMPTZ NOT NULL,
    attended        BOOLEAN,
    recorded_by     TEXT,
    recorded_at     TIMESTAMPTZ
);
CREATE UNIQUE INDEX training_bookings_person ON training_bookings (event_id, user_id);
CREATE INDEX training_bookings_org ON training_bookings (organisation_id, event_id);

CREATE TABLE training_reminders (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    reminded_at     TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE training_reminders;
DROP TABLE training_bookings;
DROP TABLE training_events;
