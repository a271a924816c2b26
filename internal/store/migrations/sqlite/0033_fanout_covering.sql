-- +goose Up
-- An alert's fan-out reads, for each member it may reach, whether she is
-- an active member and which channels she can be sent on. Read from the
-- tables, that is two rows on pages of their own for each member (the
-- tables are in the order members joined, ids are random): at a million
-- members, most of a London alert's time. These indexes hold just those
-- columns in id order, so that a batch reads them in one sweep.
CREATE INDEX users_fanout ON users (id, status, role, organisation_id);
CREATE INDEX profiles_fanout ON profiles (user_id, alert_email, alert_sms, email_idx, mobile_idx, sector, gender);

-- +goose Down
DROP INDEX profiles_fanout;
DROP INDEX users_fanout;
