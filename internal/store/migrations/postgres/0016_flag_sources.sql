-- +goose Up
-- What raised each vetting flag, so that the coordinator can open it: the
-- other member whose email or mobile matched, the organisation whose
-- email did, the offender (in a report) whose identifier did. A JSON list
-- of ids and codes only; equal blind indexes already tie these rows
-- together, so the ids say nothing the database did not. Applications
-- from before keep '' and are matched again when opened.
ALTER TABLE applications ADD COLUMN flag_sources TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE applications DROP COLUMN flag_sources;
