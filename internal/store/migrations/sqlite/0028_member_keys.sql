-- +goose Up
-- Each member's own data key, sealed under the key file's encryption key
-- and bound to her id. Her personal fields are sealed with it; leaving
-- deletes it with her account (cascade), so those fields can never be
-- opened again from a copy of the database without it. Backups keep this
-- table apart from the rest (see internal/backup), so that an older
-- backup restored with the newest keys shows nothing of a member who has
-- left since.
CREATE TABLE member_keys (
    user_id    TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    key_ct     BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- Her own actions, for her data download.
CREATE INDEX audit_log_actor ON audit_log (actor, seq);

-- +goose Down
DROP INDEX audit_log_actor;
DROP TABLE member_keys;
