-- +goose Up
-- Membership: applications, member profiles, organisations and their staff,
-- sign-in sessions, second-factor recovery codes, password resets, and the
-- notifications waiting to be sent. Personal fields are *_ct (encrypted by
-- the vault, bound to their row) and, where they must be looked up, *_idx
-- (keyed blind index of the normalised value). Leaving deletes the user row,
-- and every personal row cascades with it.

CREATE TABLE organisations (
    id             TEXT PRIMARY KEY,
    type           TEXT NOT NULL CHECK (type IN ('project', 'establishment')),
    name_ct        BYTEA NOT NULL,
    website_ct     BYTEA NOT NULL,
    email_ct       BYTEA NOT NULL,
    email_idx      BYTEA NOT NULL,
    key_contact_ct BYTEA NOT NULL,
    description_ct BYTEA NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

ALTER TABLE users ADD COLUMN organisation_id TEXT REFERENCES organisations (id) ON DELETE SET NULL;
CREATE INDEX users_organisation ON users (organisation_id);

-- What a member told us about themselves. Monitoring answers (gender,
-- sector) are codes, used only in aggregate and for targeting alerts.
CREATE TABLE profiles (
    user_id           TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    membership        TEXT NOT NULL CHECK (membership IN ('individual', 'project', 'establishment', 'staff')),
    work_name_ct      BYTEA,
    real_name_ct      BYTEA,
    email_ct          BYTEA,
    email_idx         BYTEA,
    mobile_ct         BYTEA,
    mobile_idx        BYTEA,
    alert_email       BOOLEAN NOT NULL DEFAULT FALSE,
    alert_sms         BOOLEAN NOT NULL DEFAULT FALSE,
    gender            TEXT NOT NULL DEFAULT '',
    sector            TEXT NOT NULL DEFAULT '',
    area_ct           BYTEA,
    terms_version     INTEGER REFERENCES terms_versions (version),
    terms_accepted_at TIMESTAMPTZ
);
CREATE INDEX profiles_email_idx ON profiles (email_idx);
CREATE INDEX profiles_mobile_idx ON profiles (mobile_idx);

CREATE TABLE profile_regions (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region  TEXT NOT NULL REFERENCES regions (slug) ON UPDATE CASCADE,
    PRIMARY KEY (user_id, region)
);

-- One application per applicant; the coordinator's decision is kept with it.
CREATE TABLE applications (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (type IN ('individual', 'project', 'establishment')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'info_requested', 'approved', 'rejected')),
    flags        TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMPTZ NOT NULL,
    decided_at   TIMESTAMPTZ,
    decided_by   TEXT,
    reason_ct    BYTEA,
    question_ct  BYTEA,
    answer_ct    BYTEA,
    answered_at  TIMESTAMPTZ
);
CREATE INDEX applications_status ON applications (status, submitted_at);

-- A revoked member's user row stays (so they cannot simply apply again
-- under the same contact details); the coordinator's reason is kept here.
CREATE TABLE revocations (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reason_ct  BYTEA NOT NULL,
    revoked_by TEXT NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL
);

-- Every export of personal data without the person's consent: who, when,
-- what, and why (the purpose and recipient, encrypted: they may name people).
CREATE TABLE data_exports (
    id         TEXT PRIMARY KEY,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    purpose_ct BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Sessions are stored by the SHA-256 of their token: a copy of this table
-- cannot be used to sign in.
CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('web', 'api', 'mfa')),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE password_resets (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  BYTEA NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Email and SMS waiting to go (or sent, or held in the outbox when no
-- provider is configured). The address and the template's parameters (which
-- may hold a one-time code) are encrypted, and erased once sent.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT REFERENCES users (id) ON DELETE CASCADE,
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    to_ct      BYTEA NOT NULL,
    template   TEXT NOT NULL,
    params_ct  BYTEA NOT NULL,
    status     TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'outbox')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ
);
CREATE INDEX notifications_status ON notifications (status, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE password_resets;
DROP TABLE recovery_codes;
DROP TABLE sessions;
DROP TABLE revocations;
DROP TABLE data_exports;
DROP TABLE applications;
DROP TABLE profile_regions;
DROP TABLE profiles;
DROP INDEX users_organisation;
ALTER TABLE users DROP COLUMN organisation_id;
DROP TABLE organisations;
