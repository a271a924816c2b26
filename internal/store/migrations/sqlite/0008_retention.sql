-- +goose Up
-- Retention may remove the oldest audit entries, and only through a permit
-- that the purge writes and removes within its own transaction; any other
-- delete is refused as before. The purge then appends an entry naming the
-- last entry removed and its hash, from which the chain is verified.
CREATE TABLE audit_purge_permits (through_seq INTEGER NOT NULL);

DROP TRIGGER audit_log_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > COALESCE((SELECT MAX(through_seq) FROM audit_purge_permits), 0)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
DROP TABLE audit_purge_permits;
