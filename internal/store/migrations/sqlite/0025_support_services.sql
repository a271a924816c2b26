-- +goose Up
-- The scheme's directory of support services (issue 20): organisations'
-- public contact details, kept by coordinators and admins, never deleted
-- (retired instead: referrals keep pointing at them). The lists a service
-- serves and speaks are tables of their own so that the members' search
-- is plain SQL. confirmed_on is the day the scheme last confirmed the
-- service is sex-work friendly ('YYYY-MM-DD', '' for never).
CREATE TABLE support_services (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    national     BOOLEAN NOT NULL DEFAULT FALSE,
    helpline     BOOLEAN NOT NULL DEFAULT FALSE,
    phone        TEXT NOT NULL DEFAULT '',
    website      TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    hours        TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    confirmed_on TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    retired_at   TIMESTAMP
);

-- position keeps the kinds in the order given: the first is the main one.
CREATE TABLE support_service_kinds (
    service_id TEXT NOT NULL REFERENCES support_services (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (service_id, kind)
);
CREATE INDEX support_service_kinds_kind ON support_service_kinds (kind, service_id);

CREATE TABLE support_service_regions (
    service_id TEXT NOT NULL REFERENCES support_services (id) ON DELETE CASCADE,
    region     TEXT NOT NULL REFERENCES regions (slug) ON UPDATE CASCADE,
    PRIMARY KEY (service_id, region)
);
CREATE INDEX support_service_regions_region ON support_service_regions (region, service_id);

CREATE TABLE support_service_towns (
    service_id TEXT NOT NULL REFERENCES support_services (id) ON DELETE CASCADE,
    town       TEXT NOT NULL REFERENCES towns (slug) ON UPDATE CASCADE,
    PRIMARY KEY (service_id, town)
);

-- language is a BCP 47 tag as given; base its base language ("pt" of
-- "pt-BR"), which the members' filter matches.
CREATE TABLE support_service_languages (
    service_id TEXT NOT NULL REFERENCES support_services (id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    base       TEXT NOT NULL,
    PRIMARY KEY (service_id, language)
);
CREATE INDEX support_service_languages_base ON support_service_languages (base, service_id);

-- A caseworker's suggestion of a service to a reporter, from her report,
-- and its progress. It goes with the report (retention). kind is the
-- service's main kind when suggested; outcome the last status before
-- closed, for the statistics. note_ct is the caseworker's words to her,
-- sealed like the report's messages.
CREATE TABLE service_referrals (
    id          TEXT PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    service_id  TEXT NOT NULL REFERENCES support_services (id),
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    note_ct     BLOB,
    answer      TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMP,
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX service_referrals_report ON service_referrals (report_id, created_at);
CREATE INDEX service_referrals_created ON service_referrals (created_at);

-- +goose Down
DROP TABLE service_referrals;
DROP TABLE support_service_languages;
DROP TABLE support_service_towns;
DROP TABLE support_service_regions;
DROP TABLE support_service_kinds;
DROP TABLE support_services;
