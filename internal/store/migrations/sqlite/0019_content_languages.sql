-- +goose Up
-- A public page's versions are per language: a reader sees her language's
-- newest, else the English one with a line saying so. The versions so far
-- are English. SQLite cannot change a primary key in place: the table is
-- made again.
CREATE TABLE content_versions_by_language (
    slug      TEXT NOT NULL CHECK (slug IN ('about', 'join', 'privacy', 'contact', 'case-studies', 'supporters')),
    lang      TEXT NOT NULL,
    version   INTEGER NOT NULL,
    body      TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (slug, lang, version)
);
INSERT INTO content_versions_by_language (slug, lang, version, body, edited_by, edited_at)
    SELECT slug, 'en-GB', version, body, edited_by, edited_at FROM content_versions;
DROP TABLE content_versions;
ALTER TABLE content_versions_by_language RENAME TO content_versions;

-- +goose Down
CREATE TABLE content_versions_english (
    slug      TEXT NOT NULL CHECK (slug IN ('about', 'join', 'privacy', 'contact', 'case-studies', 'supporters')),
    version   INTEGER NOT NULL,
    body      TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TIMESTAMP NOT NULL,
    PRIMARY KEY (slug, version)
);
INSERT INTO content_versions_english (slug, version, body, edited_by, edited_at)
    SELECT slug, version, body, edited_by, edited_at FROM content_versions WHERE lang = 'en-GB';
DROP TABLE content_versions;
ALTER TABLE content_versions_english RENAME TO content_versions;
