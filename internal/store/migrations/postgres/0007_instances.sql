-- +goose Up
-- The running service processes, each with a heartbeat: a job left
-- "running" by a process that stopped beating (killed, or its machine
-- lost) is handed to the others within seconds instead of waiting for the
-- job queue's own rescue, which must allow for the longest job.
CREATE TABLE instances (
    id         TEXT PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    seen_at    TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE instances;
