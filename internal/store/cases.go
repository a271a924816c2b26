package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Timeline returns everything that happened to a report, oldest first.
func (area Reports) Timeline(ctx context.Context, reportID string) ([]scheme.Event, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (e scheme.Event, err error) {
		var ct []byte
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Kind, &e.Detail, &ct); err != nil {
			return e, err
		}
		if e.Body, err = db.openOptional("report_events", "body", e.ID, ct); err != nil {
			return e, err
		}
		return e, nil
	}, `SELECT id, at, actor, kind, detail, body_ct FROM report_events WHERE report_id = $1 ORDER BY at, id`, reportID)
}

// AddCaseNote adds a caseworker's note (kind "note") or a referral to a
// support service (kind "referral") to a report's timeline.
func (area Reports) AddCaseNote(ctx context.Context, actor, reportID, kind, text string) error {
	db := area.db

	text = strings.TrimSpace(text)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := reportExists(ctx, tx, reportID); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, kind, "", text); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "case." + kind, SubjectType: "report", SubjectID: reportID})
	})
}

func reportExists(ctx context.Context, tx *sql.Tx, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return scheme.ErrNotFound
	}
	return nil
}

// AddTask adds a task (with an optional due date) to a report.
func (area Reports) AddTask(ctx context.Context, actor, reportID, title string, due time.Time) (scheme.Task, error) {
	db := area.db

	t := scheme.Task{ID: newID(), Title: strings.TrimSpace(title), DueAt: due}
	ct, err := db.seal("case_tasks", "title", t.ID, t.Title)
	if err != nil {
		return t, err
	}
	var dueArg any
	if !due.IsZero() {
		dueArg = due.UTC()
	}
	return t, db.inTx(ctx, func(tx *sql.Tx) error {
		if err := reportExists(ctx, tx, reportID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_tasks (id, report_id, title_ct, due_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			t.ID, reportID, ct, dueArg, actor, db.now().UTC()); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, "task", fmt.Sprintf(`{"task":%q}`, t.ID), t.Title); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "case.task", SubjectType: "report", SubjectID: reportID})
	})
}

// CompleteTask marks a task of the report done.
func (area Reports) CompleteTask(ctx context.Context, actor, reportID, taskID string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE case_tasks SET done_at = $1 WHERE id = $2 AND report_id = $3 AND done_at IS NULL`, db.now().UTC(), taskID, reportID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return scheme.ErrNotFound
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, "task_done", fmt.Sprintf(`{"task":%q}`, taskID), ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "case.task_done", SubjectType: "report", SubjectID: reportID})
	})
}

// Tasks lists a report's tasks, open ones first by due date.
func (area Reports) Tasks(ctx context.Context, reportID string) ([]scheme.Task, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (t scheme.Task, err error) {
		var ct []byte
		var due, done sql.NullTime
		if err := rows.Scan(&t.ID, &ct, &due, &done); err != nil {
			return t, err
		}
		t.DueAt, t.DoneAt = due.Time, done.Time
		if t.Title, err = db.open("case_tasks", "title", t.ID, ct); err != nil {
			return t, err
		}
		return t, nil
	}, `SELECT id, title_ct, due_at, done_at FROM case_tasks WHERE report_id = $1
		ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, due_at, created_at`, reportID)
}

// AddMessage adds a message to a report's thread. A message from the
// scheme tells the reporter, by their chosen channel, only that there is a
// message waiting.
func (area Reports) AddMessage(ctx context.Context, author, reportID string, fromScheme bool, body, url string) (scheme.Message, error) {
	db := area.db

	m := scheme.Message{ID: newID(), FromScheme: fromScheme, Body: strings.TrimSpace(body), At: db.now().UTC()}
	ct, err := db.seal("report_messages", "body", m.ID, m.Body)
	if err != nil {
		return m, err
	}
	return m, db.inTx(ctx, func(tx *sql.Tx) error { return db.addMessage(ctx, tx, m, ct, author, reportID, fromScheme, url) })
}

// addMessage is AddMessage in the caller's transaction; ct is the body
// sealed for m.ID.
func (db *core) addMessage(ctx context.Context, tx *sql.Tx, m scheme.Message, ct []byte, author, reportID string, fromScheme bool, url string) error {
	var reporter sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT reporter_id FROM reports WHERE id = $1`, reportID).Scan(&reporter); err != nil {
		return mapErr(err)
	}
	if !fromScheme && reporter.String != author {
		return scheme.ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO report_messages (id, report_id, from_scheme, author_id, body_ct, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		m.ID, reportID, fromScheme, author, ct, m.At); err != nil {
		return err
	}
	if err := db.reportEvent(ctx, tx, reportID, author, "message", fmt.Sprintf(`{"from_scheme":%t}`, fromScheme), ""); err != nil {
		return err
	}
	if err := db.appendAudit(ctx, tx, audit.Entry{Actor: author, Action: "case.message", SubjectType: "report", SubjectID: reportID}); err != nil {
		return err
	}
	if !fromScheme || !reporter.Valid {
		return nil
	}
	p, err := db.profile(ctx, tx, reporter.String)
	if scheme.ErrorCode(err) == scheme.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if !p.AlertEmail && !p.AlertSMS {
		return nil // they chose to hear only when they sign in
	}
	return db.notifyUser(ctx, tx, reporter.String, p, "report_message", map[string]string{"url": url})
}

// Messages returns a report's thread, oldest first; reading it as the
// reporter marks the scheme's messages read.
func (area Reports) Messages(ctx context.Context, reportID string, asReporter bool) ([]scheme.Message, error) {
	db := area.db

	out, err := db.reportMessages(ctx, reportID)
	if err != nil || !asReporter {
		return out, err
	}
	return out, db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE report_messages SET read_at = $1 WHERE report_id = $2 AND from_scheme = $3 AND read_at IS NULL`, db.now().UTC(), reportID, true)
		return err
	})
}

// UnreadMessages counts the scheme's unread messages to a reporter.
func (area Reports) UnreadMessages(ctx context.Context, reporterID string) (int, error) {
	db := area.db

	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_messages m JOIN reports r ON r.id = m.report_id
		WHERE r.reporter_id = $1 AND m.from_scheme = $2 AND m.read_at IS NULL`, reporterID, true).Scan(&n)
	return n, err
}

// SaveDraft creates or updates a user's draft report (encrypted); id ""
// creates one. A draft of another user is not found.
func (area Reports) SaveDraft(ctx context.Context, userID, id string, step int, data string) (string, error) {
	db := area.db

	if id == "" {
		id = newID()
	}
	s := db.sealerOf(ctx, nil, "report_drafts", id, userID)
	ct := s.seal("data", data)
	if s.err != nil {
		return "", s.err
	}
	return id, db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE report_drafts SET step = $1, data_ct = $2, updated_at = $3 WHERE id = $4 AND user_id = $5`,
			step, ct, db.now().UTC(), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var other int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_drafts WHERE id = $1`, id).Scan(&other); err != nil {
			return err
		}
		if other > 0 {
			return scheme.ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO report_drafts (id, user_id, step, data_ct, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			id, userID, step, ct, db.now().UTC())
		return err
	})
}

// Drafts lists a user's drafts, newest first.
func (area Reports) Drafts(ctx context.Context, userID string) ([]scheme.Draft, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (d scheme.Draft, err error) {
		var ct []byte
		if err := rows.Scan(&d.ID, &d.Step, &ct, &d.UpdatedAt); err != nil {
			return d, err
		}
		if d.Data, err = db.open("report_drafts", "data", d.ID, ct); err != nil {
			return d, err
		}
		return d, nil
	}, `SELECT id, step, data_ct, updated_at FROM report_drafts WHERE user_id = $1 ORDER BY updated_at DESC, id`, userID)
}

// DeleteDraft removes a user's draft (after submitting, or discarding it).
func (area Reports) DeleteDraft(ctx context.Context, userID, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM report_drafts WHERE id = $1 AND user_id = $2`, id, userID)
		return err
	})
}
