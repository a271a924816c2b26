-- +goose Up
-- The language a message to someone without an account (a newsletter
-- subscriber) is written in: the page's she signed up on. A member's
-- messages follow her profile's language at sending instead.
ALTER TABLE notifications ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE notifications DROP COLUMN language;
