-- +goose Up
-- Append-only, hash-chained audit log: ids and codes only, never personal data.
-- seq is given by the writer (last + 1 under a lock), not by a sequence, so
-- that a gap means a deleted entry and not a rolled-back insert.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_type TEXT NOT NULL DEFAULT '',
    subject_id   TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- Everyone who can sign in. The username is encrypted; username_idx is its
-- keyed blind index, which keeps usernames unique without storing them plain.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username_idx   BLOB NOT NULL UNIQUE,
    username_ct    BLOB NOT NULL,
    role           TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'active',
    password_hash  TEXT NOT NULL,
    totp_secret_ct BLOB,
    totp_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);

-- Terms and conditions are data: each version is kept for ever, because a
-- member's acceptance names the version they accepted.
CREATE TABLE terms_versions (
    version      INTEGER PRIMARY KEY,
    body         TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);

CREATE TABLE regions (
    slug     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE sectors (
    slug     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE incident_types (
    slug     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'highest')),
    position INTEGER NOT NULL
);

-- +goose Down
DROP TABLE incident_types;
DROP TABLE sectors;
DROP TABLE regions;
DROP TABLE terms_versions;
DROP TABLE users;
DROP TABLE audit_log;
