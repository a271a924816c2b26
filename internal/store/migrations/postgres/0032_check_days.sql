-- +goose Up
-- How many checks each member, and each partner key, has made in a day:
-- the allowance reads one row instead of counting the day's log, which
-- cost more with every check she made. A day is the instant it began
-- (midnight in the scheme's zone, as the check service passes it). Each
-- row is kept in the transaction that logs the check, so it cannot differ
-- from the log, and holds no more than the log does: who, which day, how
-- many. A member's rows go when she leaves, as her checks do; the
-- retention job prunes them with the log.
--
-- Nothing is backfilled: this SQL cannot tell where the scheme's day
-- began (its zone is a setting the service reads). Instead the day's first
-- check finds no row and counts the log since the day began, as before,
-- and the row starts from that count: a member mid-day when this runs
-- keeps what she has used, and the count stays exact in any zone.
CREATE TABLE check_days_user (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day     TIMESTAMPTZ NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE check_days_key (
    api_key_id TEXT NOT NULL REFERENCES api_keys (id),
    day        TIMESTAMPTZ NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (api_key_id, day)
);

-- +goose Down
DROP TABLE check_days_key;
DROP TABLE check_days_user;
