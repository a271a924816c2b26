package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// What a report led to, for its reporter (issue 20.3): counts only,
// never whose or which. See migration 0029.

// Impact is what report reportID led to: its published alerts and their
// audiences, the checks that found its warning, the other reports linked
// to it, the days it was shared with the police, her choice to be told,
// and her latest request for help with a police report.
func (area Reports) Impact(ctx context.Context, reportID string) (scheme.ReportImpact, error) {
	db := area.db

	im, err := db.impact(ctx, db.read, reportID)
	if err != nil {
		return im, err
	}
	if err := db.read.QueryRowContext(ctx, `SELECT impact_notify FROM reports WHERE id = $1`, reportID).Scan(&im.Notify); err != nil {
		return im, mapErr(err)
	}
	helps, err := area.PoliceHelpRequests(ctx, reportID)
	if err != nil {
		return im, err
	}
	if len(helps) > 0 {
		im.Help = &helps[0]
	}
	return im, nil
}

// impact counts what the report led to, in q (a transaction, for the
// digest, or the pool).
func (db *core) impact(ctx context.Context, q queryer, reportID string) (scheme.ReportImpact, error) {
	im := scheme.ReportImpact{Alerts: []scheme.AlertReach{}, SharedWithPolice: []time.Time{}}
	var err error
	// An alert's audience: the members it was sent to (and new members it
	// was given to later), not those who opened it from a check.
	if im.Alerts, err = queryRows(ctx, q, func(rows rowScanner) (a scheme.AlertReach, err error) {
		return a, rows.Scan(&a.PublishedAt, &a.Members)
	}, `SELECT a.published_at, (SELECT COUNT(*) FROM alert_recipients ar WHERE ar.alert_id = a.id AND ar.via <> 'check')
		FROM alerts a JOIN alert_reports x ON x.alert_id = a.id
		WHERE x.report_id = $1 AND a.status = 'published' ORDER BY a.published_at, a.id`, reportID); err != nil {
		return im, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(checks_found), 0) FROM report_impact WHERE report_id = $1`, reportID).Scan(&im.ChecksFound); err != nil {
		return im, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT o2.report_id) FROM offenders o1
		JOIN offenders o2 ON o2.profile_id = o1.profile_id AND o2.report_id <> o1.report_id
		JOIN reports r2 ON r2.id = o2.report_id
		WHERE o1.report_id = $1 AND r2.status <> 'rejected'`, reportID).Scan(&im.LinkedReports); err != nil {
		return im, err
	}
	if im.SharedWithPolice, err = queryRows(ctx, q, func(rows rowScanner) (t time.Time, err error) {
		return t, rows.Scan(&t)
	}, `SELECT e.created_at FROM police_export_reports x JOIN police_exports e ON e.id = x.export_id
		WHERE x.report_id = $1 AND x.included = $2 ORDER BY e.created_at, e.id`, reportID, true); err != nil {
		return im, err
	}
	im.Alerts, im.SharedWithPolice = nonNil(im.Alerts), nonNil(im.SharedWithPolice)
	return im, nil
}

// countCheckFoundSQL adds one to the count of every report (but the
// checker's own, $4) naming the checked value ($1 kind, $2 index, $3
// false: as a full identifier): a member's check found its warning. The
// check's transaction runs it (checkStmts).
const countCheckFoundSQL = `INSERT INTO report_impact (report_id, checks_found)
	SELECT DISTINCT i.report_id, 1 FROM offender_identifiers i JOIN reports r ON r.id = i.report_id
	WHERE i.kind = $1 AND i.value_idx = $2 AND i.partial = $3 AND (r.reporter_id IS NULL OR r.reporter_id <> $4)
	ON CONFLICT (report_id) DO UPDATE SET checks_found = report_impact.checks_found + 1`

// ownReport refuses, as not found, a report that is not reporterID's.
func ownReport(ctx context.Context, tx *sql.Tx, reporterID, reportID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE id = $1 AND reporter_id = $2`, reportID, reporterID).Scan(&n); err != nil {
		return err
	}
	if n == 0 || reporterID == "" {
		return scheme.ErrNotFound
	}
	return nil
}

// setTold records tally as what the report's reporter was last told.
func setTold(ctx context.Context, tx *sql.Tx, reportID string, t scheme.Tally) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_impact (report_id, told_alerts, told_checks, told_linked, told_shared)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (report_id) DO UPDATE SET told_alerts = $2, told_checks = $3, told_linked = $4, told_shared = $5`,
		reportID, t.Alerts, t.Checks, t.Linked, t.Shared)
	return err
}

// SetImpactNotify records a reporter's choice to be told, content-free,
// when her own report makes a difference. Turning it on takes what the
// report has led to so far as told (she sees it on its page): only what
// happens next is news.
func (area Reports) SetImpactNotify(ctx context.Context, reporterID, reportID string, on bool) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := ownReport(ctx, tx, reporterID, reportID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET impact_notify = $1 WHERE id = $2`, on, reportID); err != nil {
			return err
		}
		if on {
			im, err := db.impact(ctx, tx, reportID)
			if err != nil {
				return err
			}
			if err := setTold(ctx, tx, reportID, im.Tally()); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: reporterID, Action: "report.impact_notify", SubjectType: "report", SubjectID: reportID,
			Detail: fmt.Sprintf(`{"notify":%t}`, on)})
	})
}

// RequestPoliceHelp records a reporter's request for a caseworker's help
// making a full police report about her own report: the request (her note
// sealed with the scheme's key, as it stays with the report), a task on
// the case and a line in its timeline. A report with a request still
// open is a conflict.
func (area Reports) RequestPoliceHelp(ctx context.Context, reporterID, reportID, note string) (scheme.PoliceHelp, error) {
	db := area.db

	h := scheme.PoliceHelp{ID: newID(), ReportID: reportID, TaskID: newID(), Note: strings.TrimSpace(note), RequestedAt: db.now().UTC()}
	var noteCT []byte
	var err error
	if h.Note != "" {
		if noteCT, err = db.seal("police_help_requests", "note", h.ID, h.Note); err != nil {
			return h, err
		}
	}
	titleCT, err := db.seal("case_tasks", "title", h.TaskID, scheme.PoliceHelpTaskTitle)
	if err != nil {
		return h, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := ownReport(ctx, tx, reporterID, reportID); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM police_help_requests WHERE report_id = $1 AND outcome = ''`, reportID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return scheme.Errorf(scheme.CodeConflict, "You have already asked for help with this report: a caseworker will be in touch.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_tasks (id, report_id, title_ct, due_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			h.TaskID, reportID, titleCT, h.RequestedAt.Add(24*time.Hour), reporterID, h.RequestedAt); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO police_help_requests (id, report_id, requested_by, note_ct, task_id, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, h.ID, reportID, reporterID, noteCT, h.TaskID, h.RequestedAt); err != nil {
			return mapErr(err)
		}
		if err := db.reportEvent(ctx, tx, reportID, reporterID, "police_help", fmt.Sprintf(`{"request":%q,"task":%q}`, h.ID, h.TaskID), ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: reporterID, Action: "report.police_help", SubjectType: "report", SubjectID: reportID,
			Detail: fmt.Sprintf(`{"request":%q}`, h.ID)})
	})
	return h, err
}

// PoliceHelpRequests lists a report's requests for help with a police
// report, newest first.
func (area Reports) PoliceHelpRequests(ctx context.Context, reportID string) ([]scheme.PoliceHelp, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (h scheme.PoliceHelp, err error) {
		var noteCT, refCT []byte
		var task sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&h.ID, &h.ReportID, &task, &noteCT, &h.RequestedAt, &h.Outcome, &refCT, &at); err != nil {
			return h, err
		}
		h.TaskID, h.OutcomeAt = task.String, at.Time
		if h.Note, err = db.openOptional("police_help_requests", "note", h.ID, noteCT); err != nil {
			return h, err
		}
		h.CrimeRef, err = db.openOptional("police_help_requests", "crime_ref", h.ID, refCT)
		return h, err
	}, `SELECT id, report_id, task_id, note_ct, requested_at, outcome, crime_ref_ct, outcome_at
		FROM police_help_requests WHERE report_id = $1 ORDER BY requested_at DESC, id`, reportID)
}

// RecordPoliceHelpOutcome records how an open request ended (the rule
// scheme.PoliceHelpOutcomeProblems is the caller's): its task is done,
// the timeline says so, and when she reported to the police the report
// says so too (reports.police_reported), which statistics count.
func (area Reports) RecordPoliceHelpOutcome(ctx context.Context, actor, reportID, helpID string, o scheme.PoliceHelpOutcome, crimeRef string) error {
	db := area.db

	crimeRef = strings.TrimSpace(crimeRef)
	var refCT []byte
	if crimeRef != "" {
		var err error
		if refCT, err = db.seal("police_help_requests", "crime_ref", helpID, crimeRef); err != nil {
			return err
		}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC()
		var task sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT task_id FROM police_help_requests WHERE id = $1 AND report_id = $2 AND outcome = ''`,
			helpID, reportID).Scan(&task); err != nil {
			return mapErr(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE police_help_requests SET outcome = $1, crime_ref_ct = $2, outcome_by = $3, outcome_at = $4 WHERE id = $5`,
			string(o), refCT, actor, now, helpID); err != nil {
			return err
		}
		if task.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE case_tasks SET done_at = $1 WHERE id = $2 AND done_at IS NULL`, now, task.String); err != nil {
				return err
			}
		}
		if o == scheme.PoliceHelpReported {
			if _, err := tx.ExecContext(ctx, `UPDATE reports SET police_reported = $1, updated_at = $2 WHERE id = $3`, true, now, reportID); err != nil {
				return err
			}
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, "police_help_outcome", fmt.Sprintf(`{"request":%q,"outcome":%q}`, helpID, o), ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "case.police_help_outcome", SubjectType: "report", SubjectID: reportID,
			Detail: fmt.Sprintf(`{"request":%q,"outcome":%q}`, helpID, o)})
	})
}

// NotifyImpact tells each active member who chose it, content-free and at
// most once in scheme.ImpactNoticeGap, that there is news about a report
// she made (scheme.Tally.NewsSince), one message for all her reports, by
// her channel; url is where to sign in. What she was told and when are
// recorded in the same transaction as the message, so a restart never
// tells her twice. It returns how many members were told.
func (area Reports) NotifyImpact(ctx context.Context, url string) (int, error) {
	db := area.db

	told := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC()
		type candidate struct {
			user, report string
			was          scheme.Tally
			last         sql.NullTime
		}
		cands, err := queryRows(ctx, tx, func(rows rowScanner) (c candidate, err error) {
			return c, rows.Scan(&c.user, &c.report, &c.was.Alerts, &c.was.Checks, &c.was.Linked, &c.was.Shared, &c.last)
		}, `SELECT r.reporter_id, r.id, COALESCE(i.told_alerts, 0), COALESCE(i.told_checks, 0), COALESCE(i.told_linked, 0), COALESCE(i.told_shared, 0), n.notified_at
			FROM reports r JOIN users u ON u.id = r.reporter_id
			LEFT JOIN report_impact i ON i.report_id = r.id
			LEFT JOIN impact_notices n ON n.user_id = r.reporter_id
			WHERE r.impact_notify = $1 AND r.status <> 'rejected' AND u.status = 'active'
			ORDER BY r.reporter_id, r.id`, true)
		if err != nil {
			return err
		}
		news := map[string]map[string]scheme.Tally{} // member → report → its tally now
		var order []string
		for _, c := range cands {
			if c.last.Valid && now.Sub(c.last.Time) < scheme.ImpactNoticeGap {
				continue
			}
			im, err := db.impact(ctx, tx, c.report)
			if err != nil {
				return err
			}
			if t := im.Tally(); t.NewsSince(c.was) {
				if news[c.user] == nil {
					news[c.user] = map[string]scheme.Tally{}
					order = append(order, c.user)
				}
				news[c.user][c.report] = t
			}
		}
		for _, user := range order {
			p, err := db.profile(ctx, tx, user)
			if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
				return err
			}
			if err == nil {
				if err := db.notifyUser(ctx, tx, user, p, outbox.TemplateReportImpact, map[string]string{"url": url}); err != nil {
					return err
				}
			}
			for report, t := range news[user] {
				if err := setTold(ctx, tx, report, t); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO impact_notices (user_id, notified_at) VALUES ($1, $2)
				ON CONFLICT (user_id) DO UPDATE SET notified_at = $2`, user, now); err != nil {
				return err
			}
			d, _ := json.Marshal(map[string]int{"reports": len(news[user])})
			if err := db.appendAudit(ctx, tx, audit.Entry{Actor: "system", Action: "report.impact_notice", SubjectType: "user", SubjectID: user, Detail: string(d)}); err != nil {
				return err
			}
			told++
		}
		return nil
	})
	return told, err
}

// LastImpactNotice is when a member was last told there is news about a
// report she made (zero: never), for her data download.
func (area Reports) LastImpactNotice(ctx context.Context, userID string) (time.Time, error) {
	db := area.db

	var at sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT notified_at FROM impact_notices WHERE user_id = $1`, userID).Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	return at.Time, err
}
