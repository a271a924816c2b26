-- +goose Up
-- Reports and cases. What a reporter wrote is kept twice, both encrypted as
-- one document each: the original submission, never changed, and the
-- coordinators' working copy. The columns beside them hold only codes, dates
-- and flags, for the queue, statistics and alert targeting.

CREATE TABLE reports (
    id                     TEXT PRIMARY KEY,
    reporter_id            TEXT REFERENCES users (id) ON DELETE SET NULL,
    source_draft           TEXT UNIQUE, -- the draft it was sent from: sending twice files one report
    organisation_id        TEXT REFERENCES organisations (id) ON DELETE SET NULL,
    third_party            BOOLEAN NOT NULL DEFAULT FALSE,
    status                 TEXT NOT NULL CHECK (status IN ('submitted', 'in_review', 'published', 'intelligence', 'rejected')),
    severity               TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'highest')),
    severity_rank          INTEGER NOT NULL,
    region                 TEXT NOT NULL REFERENCES regions (slug) ON UPDATE CASCADE,
    incident_at            TIMESTAMPTZ NOT NULL,
    time_known             BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at           TIMESTAMPTZ NOT NULL,
    delay_minutes          BIGINT NOT NULL,
    late                   BOOLEAN NOT NULL,
    place_kind             TEXT NOT NULL DEFAULT '',
    contact_method         TEXT NOT NULL DEFAULT '',
    victim_gender          TEXT NOT NULL DEFAULT '',
    victim_sector          TEXT NOT NULL DEFAULT '',
    police_reported        BOOLEAN NOT NULL DEFAULT FALSE,
    consent_alert          BOOLEAN NOT NULL DEFAULT FALSE,
    consent_police         BOOLEAN NOT NULL DEFAULT FALSE,
    consent_support        BOOLEAN NOT NULL DEFAULT FALSE,
    consent_police_contact BOOLEAN NOT NULL DEFAULT FALSE,
    original_ct            BYTEA NOT NULL,
    working_ct             BYTEA NOT NULL,
    reason_ct              BYTEA,
    acknowledge_by         TIMESTAMPTZ NOT NULL,
    acknowledged_at        TIMESTAMPTZ,
    updated_at             TIMESTAMPTZ NOT NULL
);
CREATE INDEX reports_queue ON reports (status, severity_rank, submitted_at);
CREATE INDEX reports_reporter ON reports (reporter_id);

CREATE TABLE report_incident_types (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    type      TEXT NOT NULL REFERENCES incident_types (slug) ON UPDATE CASCADE,
    PRIMARY KEY (report_id, type)
);

-- One likely person behind one or more reports' offenders.
CREATE TABLE offender_profiles (
    id         TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE offenders (
    id         TEXT PRIMARY KEY,
    report_id  TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    profile_id TEXT NOT NULL REFERENCES offender_profiles (id),
    pinned     BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX offenders_profile ON offenders (profile_id);
CREATE INDEX offenders_report ON offenders (report_id);

-- Identifiers, looked up by keyed blind index of the normalised value;
-- partial ones ("07700 90...") are kept as given and never auto-linked.
CREATE TABLE offender_identifiers (
    id          TEXT PRIMARY KEY,
    offender_id TEXT NOT NULL REFERENCES offenders (id) ON DELETE CASCADE,
    report_id   TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'vehicle', 'name', 'username')),
    value_idx   BYTEA NOT NULL,
    value_ct    BYTEA NOT NULL,
    partial     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX offender_identifiers_value ON offender_identifiers (kind, value_idx);
CREATE INDEX offender_identifiers_offender ON offender_identifiers (offender_id);

-- The case timeline: everything that happened to a report. body_ct holds
-- a note's, message's or reason's text, encrypted.
CREATE TABLE report_events (
    id        TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    body_ct   BYTEA
);
CREATE INDEX report_events_report ON report_events (report_id, at);

CREATE TABLE case_tasks (
    id         TEXT PRIMARY KEY,
    report_id  TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    title_ct   BYTEA NOT NULL,
    due_at     TIMESTAMPTZ,
    done_at    TIMESTAMPTZ,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX case_tasks_report ON case_tasks (report_id);

-- Messages between the scheme and the reporter about a report.
CREATE TABLE report_messages (
    id          TEXT PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    from_scheme BOOLEAN NOT NULL,
    author_id   TEXT NOT NULL,
    body_ct     BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ
);
CREATE INDEX report_messages_report ON report_messages (report_id, created_at);

-- A report being written, saved step by step so nothing is lost.
CREATE TABLE report_drafts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step       INTEGER NOT NULL DEFAULT 1,
    data_ct    BYTEA NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_drafts_user ON report_drafts (user_id);

-- +goose Down
DROP TABLE report_drafts;
DROP TABLE report_messages;
DROP TABLE case_tasks;
DROP TABLE report_events;
DROP TABLE offender_identifiers;
DROP TABLE offenders;
DROP TABLE offender_profiles;
DROP TABLE report_incident_types;
DROP TABLE reports;
