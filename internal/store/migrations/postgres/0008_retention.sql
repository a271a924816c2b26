-- +goose Up
-- Retention may remove the oldest audit entries, and only through a permit
-- that the purge writes and removes within its own transaction; any other
-- delete (and every update and truncate) is refused as before. The purge
-- then appends an entry naming the last entry removed and its hash, from
-- which the chain is verified.
CREATE TABLE audit_purge_permits (through_seq BIGINT NOT NULL);

-- +goose StatementBegin
CREATE FUNCTION audit_log_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq <= COALESCE((SELECT MAX(through_seq) FROM audit_purge_permits), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
DROP TRIGGER audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_delete_guard();

-- +goose Down
DROP TRIGGER audit_log_no_delete ON audit_log;
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP FUNCTION audit_log_delete_guard();
DROP TABLE audit_purge_permits;
