-- +goose Up
-- Alerts: anonymised warnings written from reports and delivered to members.
-- What members read (title, body, area, identifiers) is one encrypted
-- document per version; the columns beside it hold codes and dates for
-- targeting and feeds. The anonymisation check's findings (which may quote a
-- reporter's name) are encrypted too.

CREATE TABLE alerts (
    id                 TEXT PRIMARY KEY,
    status             TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    severity           TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'highest')),
    severity_rank      INTEGER NOT NULL,
    nationwide         BOOLEAN NOT NULL DEFAULT FALSE,
    incident_at        TIMESTAMPTZ NOT NULL,
    content_ct         BYTEA NOT NULL,
    flags_ct           BYTEA NOT NULL,
    flag_count         INTEGER NOT NULL DEFAULT 0,
    override_ct        BYTEA,
    version            INTEGER NOT NULL DEFAULT 1,
    created_by         TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    approved_by        TEXT,
    approved_at        TIMESTAMPTZ,
    published_by       TEXT,
    published_at       TIMESTAMPTZ,
    withdrawn_by       TEXT,
    withdrawn_at       TIMESTAMPTZ,
    notice_ct          BYTEA,
    fanout_cursor      TEXT NOT NULL DEFAULT '', -- the last member id the fan-out reached
    fanout_done_at     TIMESTAMPTZ
);
CREATE INDEX alerts_status ON alerts (status, published_at);

CREATE TABLE alert_reports (
    alert_id  TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, report_id)
);
CREATE INDEX alert_reports_report ON alert_reports (report_id);

CREATE TABLE alert_regions (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    region   TEXT NOT NULL REFERENCES regions (slug) ON UPDATE CASCADE,
    PRIMARY KEY (alert_id, region)
);

CREATE TABLE alert_sectors (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    sector   TEXT NOT NULL REFERENCES sectors (slug) ON UPDATE CASCADE,
    PRIMARY KEY (alert_id, sector)
);

CREATE TABLE alert_genders (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    gender   TEXT NOT NULL,
    PRIMARY KEY (alert_id, gender)
);

CREATE TABLE alert_incident_types (
    alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    type     TEXT NOT NULL REFERENCES incident_types (slug) ON UPDATE CASCADE,
    PRIMARY KEY (alert_id, type)
);

-- Published identifiers, by keyed blind index, for members' search.
CREATE TABLE alert_identifiers (
    alert_id  TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    value_idx BYTEA NOT NULL,
    PRIMARY KEY (alert_id, kind, value_idx)
);
CREATE INDEX alert_identifiers_value ON alert_identifiers (kind, value_idx);

-- Every published version, kept when a published alert is edited.
CREATE TABLE alert_versions (
    alert_id   TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    content_ct BYTEA NOT NULL,
    edited_by  TEXT NOT NULL,
    edited_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, version)
);

-- Who can read an alert in the app: one row per alert and member. "via"
-- says why: the fan-out ("alert", the only rows that get email and SMS),
-- a new member's first 30 days ("backfill"), or a check that matched it
-- ("check").
CREATE TABLE alert_recipients (
    alert_id   TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    via        TEXT NOT NULL DEFAULT 'alert' CHECK (via IN ('alert', 'backfill', 'check')),
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ,
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_user ON alert_recipients (user_id, alert_id);

-- Email and SMS, one row per alert × member × channel: the key makes a
-- retried or restarted fan-out add nothing twice. The address is not copied
-- here; the sender reads the member's current one.
CREATE TABLE alert_deliveries (
    alert_id        TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'retrying', 'failed', 'cancelled', 'outbox')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    error           TEXT NOT NULL DEFAULT '', -- a reason code or status, never an address
    updated_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    PRIMARY KEY (alert_id, user_id, channel)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (channel, status, next_attempt_at);

-- A channel whose provider failed too often stops sending until a
-- coordinator resumes it.
CREATE TABLE delivery_pauses (
    channel   TEXT PRIMARY KEY CHECK (channel IN ('email', 'sms')),
    paused_at TIMESTAMPTZ NOT NULL,
    reason    TEXT NOT NULL
);

-- What members add to an alert, moderated before other members see it.
CREATE TABLE alert_additions (
    id           TEXT PRIMARY KEY,
    alert_id     TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    author_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body_ct      BYTEA NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at   TIMESTAMPTZ NOT NULL,
    moderated_by TEXT,
    moderated_at TIMESTAMPTZ
);
CREATE INDEX alert_additions_alert ON alert_additions (alert_id, status);
CREATE INDEX alert_additions_status ON alert_additions (status, created_at);

-- Scheme settings an admin can change.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Targeting reads members by region, sector and gender.
CREATE INDEX profile_regions_region ON profile_regions (region, user_id);
CREATE INDEX users_status_role ON users (status, role, id);

-- +goose Down
DROP INDEX users_status_role;
DROP INDEX profile_regions_region;
DROP TABLE settings;
DROP TABLE alert_additions;
DROP TABLE delivery_pauses;
DROP TABLE alert_deliveries;
DROP TABLE alert_recipients;
DROP TABLE alert_versions;
DROP TABLE alert_identifiers;
DROP TABLE alert_incident_types;
DROP TABLE alert_genders;
DROP TABLE alert_sectors;
DROP TABLE alert_regions;
DROP TABLE alert_reports;
DROP TABLE alerts;
