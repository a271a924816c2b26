-- +goose Up
-- An alert's fan-out in parts, each a range of member ids with its own
-- cursor and its own job, so that several workers (on several instances)
-- can make one alert's deliveries at once.
CREATE TABLE alert_fanout_parts (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    part     INTEGER NOT NULL,
    cursor   TEXT NOT NULL DEFAULT '',
    done_at  TIMESTAMP,
    PRIMARY KEY (alert_id, part)
);

-- +goose Down
DROP TABLE alert_fanout_parts;
