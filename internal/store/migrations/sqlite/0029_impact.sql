-- +goose Up
-- What a report led to, told to its reporter (issue 20.3), and her
-- request for a caseworker's help making a full police report.
--
-- reports.impact_notify is her choice, per report, to be told
-- content-free when the report makes a difference. report_impact keeps,
-- per report, how many members' checks found a warning naming one of its
-- identifiers (counted as each check is made, because the check log
-- itself is deleted after some weeks; never who checked) and what its
-- reporter was last told (the told_ counts), so that a restart never
-- tells her twice. impact_notices holds when each member was last told:
-- at most one message a day.
ALTER TABLE reports ADD COLUMN impact_notify BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE report_impact (
    report_id    TEXT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    checks_found INTEGER NOT NULL DEFAULT 0,
    told_alerts  INTEGER NOT NULL DEFAULT 0,
    told_checks  INTEGER NOT NULL DEFAULT 0,
    told_linked  INTEGER NOT NULL DEFAULT 0,
    told_shared  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE impact_notices (
    user_id     TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    notified_at TIMESTAMP NOT NULL
);

-- A request stays with the report (it is casework, and counted), so its
-- note and the crime reference are sealed with the scheme's key; the one
-- who asked becomes NULL when she leaves. One open request per report.
CREATE TABLE police_help_requests (
    id           TEXT PRIMARY KEY,
    report_id    TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    requested_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    note_ct      BLOB,
    task_id      TEXT REFERENCES case_tasks (id) ON DELETE SET NULL,
    requested_at TIMESTAMP NOT NULL,
    outcome      TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'reported', 'declined', 'unreachable')),
    crime_ref_ct BLOB,
    outcome_by   TEXT,
    outcome_at   TIMESTAMP
);
CREATE INDEX police_help_report ON police_help_requests (report_id, requested_at);
CREATE UNIQUE INDEX police_help_open ON police_help_requests (report_id) WHERE outcome = '';
CREATE INDEX police_help_requested_by ON police_help_requests (requested_by);

-- +goose Down
DROP TABLE police_help_requests;
DROP TABLE impact_notices;
DROP TABLE report_impact;
ALTER TABLE reports DROP COLUMN impact_notify;
