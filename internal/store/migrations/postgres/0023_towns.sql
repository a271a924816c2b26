-- +goose Up
-- Towns or areas within each region, which admins add, rename, reorder
-- and retire while the service runs (regions are written by migrations
-- only). A member may narrow her alerts to some towns of her regions
-- (none in a region: the whole region), and an alert may name towns of
-- its regions. A town is never deleted, only retired: members and alerts
-- that named it keep the row they point at. The slug is made from the
-- first name given and stays when the town is renamed.
CREATE TABLE towns (
    slug       TEXT PRIMARY KEY,
    region     TEXT NOT NULL REFERENCES regions (slug) ON UPDATE CASCADE,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    retired_at TIMESTAMPTZ,
    UNIQUE (region, name)
);
CREATE INDEX towns_region ON towns (region, position);

CREATE TABLE profile_towns (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    town    TEXT NOT NULL REFERENCES towns (slug) ON UPDATE CASCADE,
    PRIMARY KEY (user_id, town)
);
CREATE INDEX profile_towns_town ON profile_towns (town, user_id);

CREATE TABLE alert_towns (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    town     TEXT NOT NULL REFERENCES towns (slug) ON UPDATE CASCADE,
    PRIMARY KEY (alert_id, town)
);

-- +goose Down
DROP TABLE alert_towns;
DROP TABLE profile_towns;
DROP TABLE towns;
