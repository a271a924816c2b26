-- +goose Up
-- An alert's fan-out reads, for each member it may reach, whether she is
-- an active member and which channels she can be sent on: these indexes
-- hold just those columns in id order, so that a batch can read them
-- without visiting the tables' rows (an index-only scan).
CREATE INDEX users_fanout ON users (id) INCLUDE (status, role, organisation_id);
CREATE INDEX profiles_fanout ON profiles (user_id) INCLUDE (alert_email, alert_sms, email_idx, mobile_idx, sector, gender);

-- +goose Down
DROP INDEX profiles_fanout;
DROP INDEX users_fanout;
