-- +goose Up
-- Sign-in, reset and joining are throttled per client address, shared by
-- every instance: the address is stored only as a keyed hash, with the time
-- its allowance is next back to full (GCRA, in microseconds since the
-- epoch); rows past that time are deleted within minutes.
CREATE TABLE throttles (
    key_idx BYTEA PRIMARY KEY,
    tat     BIGINT NOT NULL
);

-- +goose Down
DROP TABLE throttles;
