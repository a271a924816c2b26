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
    endpoint_ct   BYTEA NOT NULL,
    keys_ct       BYTEA NOT NULL,
    label_ct      BYTEA NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    last_sent_at  TIMESTAMPTZ
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- Discreet mode: the installed app's name and icon, and every push
-- notification's words, are neutral.
ALTER TABLE profiles ADD COLUMN discreet BOOLEAN NOT NULL DEFAULT FALSE;

-- A push delivery is one alert × member × device: the device (the
-- subscription's id; '' for email and SMS) joins the key.
ALTER TABLE alert_deliveries ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_pkey;
ALTER TABLE alert_deliveries ADD PRIMARY KEY (alert_id, user_id, channel, device);
ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_channel_check;
ALTER TABLE alert_deliveries ADD CONSTRAINT alert_deliveries_channel_check CHECK (channel IN ('email', 'sms', 'push'));
ALTER TABLE delivery_pauses DROP CONSTRAINT delivery_pauses_channel_check;
ALTER TABLE delivery_pauses ADD CONSTRAINT delivery_pauses_channel_check CHECK (channel IN ('email', 'sms', 'push'));

-- +goose Down
DELETE FROM delivery_pauses WHERE channel = 'push';
ALTER TABLE delivery_pauses DROP CONSTRAINT delivery_pauses_channel_check;
ALTER TABLE delivery_pauses ADD CONSTRAINT delivery_pauses_channel_check CHECK (channel IN ('email', 'sms'));
DELETE FROM alert_deliveries WHERE channel = 'push';
ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_channel_check;
ALTER TABLE alert_deliveries ADD CONSTRAINT alert_deliveries_channel_check CHECK (channel IN ('email', 'sms'));
ALTER TABLE alert_deliveries DROP CONSTRAINT alert_deliveries_pkey;
ALTER TABLE alert_deliveries ADD PRIMARY KEY (alert_id, user_id, channel);
ALTER TABLE alert_deliveries DROP COLUMN device;
ALTER TABLE profiles DROP COLUMN discreet;
DROP TABLE push_subscriptions;
