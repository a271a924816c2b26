-- +goose Up
-- The scheme's lists become admins' to keep while the service runs:
-- regions, sectors and incident types can be retired (never deleted:
-- reports, alerts and members that hold a value keep showing it), and
-- the monitoring answers on gender become a list like the others. Each
-- region reads phone numbers written without a country code by its own
-- numbering plan (an ISO 3166 code): Ireland's by IE, the rest by GB.
ALTER TABLE regions ADD COLUMN phone_region TEXT NOT NULL DEFAULT 'GB';
ALTER TABLE regions ADD COLUMN retired_at TIMESTAMP;
ALTER TABLE sectors ADD COLUMN retired_at TIMESTAMP;
ALTER TABLE incident_types ADD COLUMN retired_at TIMESTAMP;
UPDATE regions SET phone_region = 'IE' WHERE slug = 'ireland';

CREATE TABLE genders (
    slug       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    retired_at TIMESTAMP
);
INSERT INTO genders (slug, name, position) VALUES
    ('woman', 'Woman', 1),
    ('man', 'Man', 2),
    ('non-binary', 'Non-binary', 3),
    ('other', 'In another way', 4),
    ('prefer-not', 'Prefer not to say', 5);

-- +goose Down
DROP TABLE genders;
ALTER TABLE incident_types DROP COLUMN retired_at;
ALTER TABLE sectors DROP COLUMN retired_at;
ALTER TABLE regions DROP COLUMN retired_at;
ALTER TABLE regions DROP COLUMN phone_region;
