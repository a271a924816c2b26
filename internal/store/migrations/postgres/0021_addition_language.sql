-- +goose Up
-- The language a member wrote her addition to an alert in (an i18n code;
-- '' for those written before languages), shown to the coordinator who
-- reads it and marked on the page for readers of other languages.
ALTER TABLE alert_additions ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE alert_additions DROP COLUMN language;
