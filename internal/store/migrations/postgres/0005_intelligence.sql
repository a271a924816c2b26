-- +goose Up
-- Checks, partner keys, police exports, enquiries and the disclosure log.

-- Partner advertising sites' API keys. The key itself is shown once; only
-- its SHA-256 is kept (it is 256 random bits, so a slow hash adds nothing).
-- "prefix" is the key's first characters, shown to tell keys apart.
CREATE TABLE api_keys (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    key_hash        BYTEA NOT NULL UNIQUE,
    per_minute      INTEGER NOT NULL CHECK (per_minute > 0),
    per_day         INTEGER NOT NULL CHECK (per_day > 0),
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ,
    revoked_by      TEXT
);

-- Every check: who asked (a member, or a partner key), how, the blind index
-- of what they asked about and what they were told. Never the typed value.
-- A member's checks go when they leave; a revoked partner key's stay.
CREATE TABLE checks (
    id               TEXT PRIMARY KEY,
    user_id          TEXT REFERENCES users (id) ON DELETE CASCADE,
    api_key_id       TEXT REFERENCES api_keys (id),
    channel          TEXT NOT NULL CHECK (channel IN ('web', 'api', 'sms', 'partner')),
    kind             TEXT NOT NULL,
    value_idx        BYTEA NOT NULL,
    matches          INTEGER NOT NULL,
    highest_severity TEXT NOT NULL DEFAULT '',
    checked_at       TIMESTAMPTZ NOT NULL,
    CHECK ((channel = 'partner' AND api_key_id IS NOT NULL AND user_id IS NULL)
        OR (channel <> 'partner' AND user_id IS NOT NULL AND api_key_id IS NULL))
);
CREATE INDEX checks_user ON checks (user_id, checked_at);
CREATE INDEX checks_key ON checks (api_key_id, checked_at);
CREATE INDEX checks_value ON checks (kind, value_idx);

-- Police intelligence exports: who, when, which reports (included or
-- excluded), purpose and recipient (encrypted), and a reference for
-- follow-up. The exported content itself is not kept.
CREATE TABLE police_exports (
    id           TEXT PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    format       TEXT NOT NULL CHECK (format IN ('csv', 'json', 'print')),
    profile_id   TEXT,
    purpose_ct   BYTEA NOT NULL,
    recipient_ct BYTEA NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE police_export_reports (
    export_id TEXT NOT NULL REFERENCES police_exports (id) ON DELETE CASCADE,
    report_id TEXT NOT NULL,
    included  BOOLEAN NOT NULL,
    PRIMARY KEY (export_id, report_id)
);
CREATE INDEX police_export_reports_report ON police_export_reports (report_id);

-- Police enquiries: a force asks to contact a reporter (about a report, or
-- an offender profile). Force is kept plain for the list; everything they
-- wrote is encrypted.
CREATE TABLE police_enquiries (
    id           TEXT PRIMARY KEY,
    force        TEXT NOT NULL,
    unit_ct      BYTEA,
    reference_ct BYTEA,
    request_ct   BYTEA NOT NULL,
    report_id    TEXT REFERENCES reports (id) ON DELETE SET NULL,
    profile_id   TEXT,
    status       TEXT NOT NULL CHECK (status IN ('open', 'forwarded', 'answered', 'closed')),
    respond_by   TIMESTAMPTZ NOT NULL,
    outcome_ct   BYTEA,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    closed_at    TIMESTAMPTZ,
    closed_by    TEXT
);
CREATE INDEX police_enquiries_status ON police_enquiries (status, respond_by);

-- An enquiry forwarded about one report, to its reporter or to the
-- organisation that filed it, and what they decided.
CREATE TABLE enquiry_forwards (
    id           TEXT PRIMARY KEY,
    enquiry_id   TEXT NOT NULL REFERENCES police_enquiries (id) ON DELETE CASCADE,
    report_id    TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    forwarded_to TEXT NOT NULL CHECK (forwarded_to IN ('reporter', 'organisation')),
    forwarded_by TEXT NOT NULL,
    forwarded_at TIMESTAMPTZ NOT NULL,
    decision     TEXT NOT NULL DEFAULT '' CHECK (decision IN ('', 'yes', 'no', 'caseworker')),
    decided_by   TEXT,
    decided_at   TIMESTAMPTZ,
    UNIQUE (enquiry_id, report_id)
);
CREATE INDEX enquiry_forwards_report ON enquiry_forwards (report_id);

-- Disclosures of personal data without consent. A disclosure is recorded
-- as pending and becomes part of the log only when an admin other than the
-- one who recorded it approves it; then the person is notified, or the
-- reason the law forbids it is kept.
CREATE TABLE disclosures (
    id                TEXT PRIMARY KEY,
    legal_basis       TEXT NOT NULL CHECK (legal_basis IN ('child_protection', 'crime_prevention', 'risk_to_life', 'terrorism', 'court_order')),
    subject_user_id   TEXT REFERENCES users (id) ON DELETE SET NULL,
    report_id         TEXT REFERENCES reports (id) ON DELETE SET NULL,
    what_ct           BYTEA NOT NULL,
    recipient_ct      BYTEA NOT NULL,
    justification_ct  BYTEA NOT NULL,
    notify            BOOLEAN NOT NULL,
    no_notify_ct      BYTEA,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_by      TEXT NOT NULL,
    requested_at      TIMESTAMPTZ NOT NULL,
    decided_by        TEXT,
    decided_at        TIMESTAMPTZ,
    decision_ct       BYTEA,
    notified_at       TIMESTAMPTZ,
    CHECK (notify OR no_notify_ct IS NOT NULL)
);
CREATE INDEX disclosures_status ON disclosures (status, requested_at);
CREATE INDEX disclosures_subject ON disclosures (subject_user_id);

-- +goose Down
DROP TABLE disclosures;
DROP TABLE enquiry_forwards;
DROP TABLE police_enquiries;
DROP TABLE police_export_reports;
DROP TABLE police_exports;
DROP TABLE checks;
DROP TABLE api_keys;
