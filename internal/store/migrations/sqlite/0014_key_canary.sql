-- +goose Up
-- One sealed value that proves a key file belongs to this database: sealed
-- with its encryption key and holding its blind indexes of a fixed text.
-- The first command run with a key file writes it (after checking the key
-- file against data already there); every start and /healthz check it.
CREATE TABLE key_canary (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    sealed      BLOB NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE key_canary;
