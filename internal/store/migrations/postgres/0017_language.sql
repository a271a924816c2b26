-- +goose Up
-- The language a member reads the service in (a BCP 47 tag the service
-- speaks, e.g. "ro" or "pt-BR"); '' until she chooses, when the browser's
-- languages decide. Her emails and SMS are in it.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN language;
