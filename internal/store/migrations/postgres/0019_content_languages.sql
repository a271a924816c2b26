-- +goose Up
-- A public page's versions are per language: a reader sees her language's
-- newest, else the English one with a line saying so. The versions so far
-- are English.
ALTER TABLE content_versions ADD COLUMN lang TEXT NOT NULL DEFAULT 'en-GB';
ALTER TABLE content_versions ALTER COLUMN lang DROP DEFAULT;
ALTER TABLE content_versions DROP CONSTRAINT content_versions_pkey;
ALTER TABLE content_versions ADD PRIMARY KEY (slug, lang, version);

-- +goose Down
DELETE FROM content_versions WHERE lang <> 'en-GB';
ALTER TABLE content_versions DROP CONSTRAINT content_versions_pkey;
ALTER TABLE content_versions ADD PRIMARY KEY (slug, version);
ALTER TABLE content_versions DROP COLUMN lang;
