-- +goose Up
-- A regional alert's fan-out reads its candidates from indexes in id
-- order: the members of its regions (profile_regions_region) and the
-- people of organisations, whom a key contact's regions may bring in —
-- this index, which holds those few accounts alone.
CREATE INDEX users_in_organisation ON users (id) WHERE organisation_id IS NOT NULL;

-- +goose Down
DROP INDEX users_in_organisation;
