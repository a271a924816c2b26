-- +goose Up
-- Admins' corrections of the catalogues' words (internal/i18n), by
-- language and message. Every version is kept; the newest is in force.
-- forms is the text as JSON, by CLDR plural form ({"other": "…"}, or one
-- text per form for a message that takes a number); '' puts the
-- catalogue's own text back.
CREATE TABLE translation_corrections (
    lang       TEXT NOT NULL,
    message_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    forms      TEXT NOT NULL,
    edited_by  TEXT NOT NULL,
    edited_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (lang, message_id, version)
);

-- +goose Down
DROP TABLE translation_corrections;
