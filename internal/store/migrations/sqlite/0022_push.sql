-- +goose Up
-- Push, the fourth channel: a member's browsers and installed apps that
-- turned push on, one row each. The endpoint (a capability URL at the
-- browser's push service) and its keys are personal data, sealed; the
-- endpoint's SHA-256 finds a browser that subscribes again (or that another
-- member signs in on, who then takes it over). The label ("Chrome on
-- Android") is sealed too.
CREATE TABLE push_subscriptions (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint_hash TEXT NOT NULL UNIQUE,
    endpoint_ct   BLOB NOT NULL,
    keys_ct       BLOB NOT NULL,
    label_ct      BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_sent_at  TIMESTAMP
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- Discreet mode: the installed app's name and icon, and every push
-- notification's words, are neutral.
ALTER TABLE profiles ADD COLUMN discreet BOOLEAN NOT NULL DEFAULT FALSE;

-- A push delivery is one alert × member × device: the device (the
-- subscription's id; '' for email and SMS) joins the key.
CREATE TABLE alert_deliveries_new (
    alert_id        TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
    device          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled', 'outbox')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    claimed_by      TEXT,
    PRIMARY KEY (alert_id, user_id, channel, device)
);
INSERT INTO alert_deliveries_new (alert_id, user_id, channel, device, status, attempts, next_attempt_at, error, updated_at, sent_at, claimed_by)
    SELECT alert_id, user_id, channel, '', status, attempts, next_attempt_at, error, updated_at, sent_at, claimed_by FROM alert_deliveries;
DROP TABLE alert_deliveries;
ALTER TABLE alert_deliveries_new RENAME TO alert_deliveries;
CREATE INDEX alert_deliveries_due ON alert_deliveries (channel, status, next_attempt_at);
CREATE INDEX alert_deliveries_claims ON alert_deliveries (claimed_by) WHERE status = 'sending';

CREATE TABLE delivery_pauses_new (
    channel   TEXT PRIMARY KEY CHECK (channel IN ('email', 'sms', 'push')),
    paused_at TIMESTAMP NOT NULL,
    reason    TEXT NOT NULL
);
INSERT INTO delivery_pauses_new SELECT channel, paused_at, reason FROM delivery_pauses;
DROP TABLE delivery_pauses;
ALTER TABLE delivery_pauses_new RENAME TO delivery_pauses;

-- +goose Down
DELETE FROM delivery_pauses WHERE channel = 'push';
CREATE TABLE delivery_pauses_old (
    channel   TEXT PRIMARY KEY CHECK (channel IN ('email', 'sms')),
    paused_at TIMESTAMP NOT NULL,
    reason    TEXT NOT NULL
);
INSERT INTO delivery_pauses_old SELECT channel, paused_at, reason FROM delivery_pauses;
DROP TABLE delivery_pauses;
ALTER TABLE delivery_pauses_old RENAME TO delivery_pauses;

CREATE TABLE alert_deliveries_old (
    alert_id        TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled', 'outbox')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP,
    claimed_by      TEXT,
    PRIMARY KEY (alert_id, user_id, channel)
);
INSERT INTO alert_deliveries_old (alert_id, user_id, channel, status, attempts, next_attempt_at, error, updated_at, sent_at, claimed_by)
    SELECT alert_id, user_id, channel, status, attempts, next_attempt_at, error, updated_at, sent_at, claimed_by FROM alert_deliveries WHERE channel <> 'push';
DROP TABLE alert_deliveries;
ALTER TABLE alert_deliveries_old RENAME TO alert_deliveries;
CREATE INDEX alert_deliveries_due ON alert_deliveries (channel, status, next_attempt_at);
CREATE INDEX alert_deliveries_claims ON alert_deliveries (claimed_by) WHERE status = 'sending';

ALTER TABLE profiles DROP COLUMN discreet;
DROP TABLE push_subscriptions;
