-- +goose Up
-- The public site's content, images, the newsletter and the contact form.

-- Public pages as Markdown; every version is kept and the newest is shown.
CREATE TABLE content_versions (
    slug      TEXT NOT NULL CHECK (slug IN ('about', 'join', 'privacy', 'contact', 'case-studies', 'supporters')),
    version   INTEGER NOT NULL,
    body      TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (slug, version)
);

-- Images for the pages (case studies, supporters' logos): checked by
-- content, decoded and re-encoded, so no metadata survives.
CREATE TABLE images (
    id           TEXT PRIMARY KEY,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    data         BYTEA NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL
);

ALTER TABLE terms_versions ADD COLUMN published_by TEXT NOT NULL DEFAULT '';

-- Newsletter subscribers are not members: an email address (encrypted,
-- with a blind index so that signing up twice is one subscriber) and one
-- secret token for the confirmation and unsubscribe links (encrypted, so
-- it can go in every issue, and looked up by its SHA-256). Unsubscribing
-- deletes the row.
CREATE TABLE newsletter_subscribers (
    id           TEXT PRIMARY KEY,
    email_idx    BYTEA NOT NULL UNIQUE,
    email_ct     BYTEA NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    token_ct     BYTEA NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
    created_at   TIMESTAMPTZ NOT NULL,
    confirmed_at TIMESTAMPTZ
);

CREATE TABLE newsletter_issues (
    id         TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'sent')),
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_by    TEXT,
    sent_at    TIMESTAMPTZ,
    recipients INTEGER NOT NULL DEFAULT 0
);

-- Messages sent as part of a batch (a newsletter issue) carry its id, so
-- that the issue's deliveries can be counted.
ALTER TABLE notifications ADD COLUMN batch TEXT;
CREATE INDEX notifications_batch ON notifications (batch);

-- +goose Down
DROP INDEX notifications_batch;
ALTER TABLE notifications DROP COLUMN batch;
DROP TABLE newsletter_issues;
DROP TABLE newsletter_subscribers;
ALTER TABLE terms_versions DROP COLUMN published_by;
DROP TABLE images;
DROP TABLE content_versions;
