package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// CreateEnquiry records an enquiry (validated by the caller) and its audit
// entry.
func (area Police) CreateEnquiry(ctx context.Context, e scheme.Enquiry) (scheme.Enquiry, error) {
	db := area.db

	e.ID, e.Status, e.CreatedAt = newID(), "open", db.now().UTC()
	s := &sealer{db: db, table: "police_enquiries", id: e.ID}
	unit, reference, request := s.seal("unit", e.Unit), s.seal("reference", e.Reference), s.seal("request", e.Request)
	if s.err != nil {
		return e, s.err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO police_enquiries (id, force, unit_ct, reference_ct, request_ct, report_id, profile_id,
				status, respond_by, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10)`,
			e.ID, e.Force, unit, reference, request, nullable(e.ReportID), nullable(e.ProfileID),
			e.RespondBy.UTC(), e.CreatedBy, e.CreatedAt); err != nil {
			return mapErr(err)
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: e.CreatedBy, Action: "enquiry.create", SubjectType: "police_enquiry", SubjectID: e.ID})
	})
	return e, err
}

const enquiryColumns = `id, force, unit_ct, reference_ct, request_ct, report_id, profile_id, status, respond_by, outcome_ct,
	created_by, created_at, closed_at, closed_by`

func (db *core) scanEnquiry(sc rowScanner) (scheme.Enquiry, error) {
	var e scheme.Enquiry
	var report, profile, closedBy sql.NullString
	var closedAt sql.NullTime
	var unit, ref, req, outcome []byte
	if err := sc.Scan(&e.ID, &e.Force, &unit, &ref, &req, &report, &profile, &e.Status, &e.RespondBy, &outcome,
		&e.CreatedBy, &e.CreatedAt, &closedAt, &closedBy); err != nil {
		return e, mapErr(err)
	}
	e.ReportID, e.ProfileID, e.ClosedAt, e.ClosedBy = report.String, profile.String, closedAt.Time, closedBy.String
	for _, f := range []struct {
		col string
		ct  []byte
		to  *string
	}{{"unit", unit, &e.Unit}, {"reference", ref, &e.Reference}, {"request", req, &e.Request}, {"outcome", outcome, &e.Outcome}} {
		if len(f.ct) == 0 {
			continue
		}
		v, err := db.open("police_enquiries", f.col, e.ID, f.ct)
		if err != nil {
			return e, err
		}
		*f.to = v
	}
	return e, nil
}

// Enquiry returns an enquiry with its forwards; the caller audits the view.
func (area Police) Enquiry(ctx context.Context, id string) (scheme.Enquiry, error) {
	db := area.db

	e, err := db.scanEnquiry(db.read.QueryRowContext(ctx, `SELECT `+enquiryColumns+` FROM police_enquiries WHERE id = $1`, id))
	if err != nil {
		return e, err
	}
	e.Forwards, err = db.forwards(ctx, `WHERE f.enquiry_id = $1 ORDER BY f.forwarded_at, f.id`, id)
	return e, err
}

// Enquiries lists page p of the enquiries: those the police still wait on
// first, by the date they want an answer; then the rest, newest first.
func (area Police) Enquiries(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Enquiry], error) {
	db := area.db

	return listPage(ctx, db, p, db.scanEnquiry, `SELECT `+enquiryColumns+` FROM police_enquiries`,
		`CASE WHEN status IN ('open', 'forwarded') THEN 0 ELSE 1 END,
			CASE WHEN status IN ('open', 'forwarded') THEN respond_by END, created_at DESC, id`)
}

// forwardColumns are what scanForward reads, of enquiry_forwards f.
const forwardColumns = `SELECT f.id, f.enquiry_id, f.report_id, f.forwarded_to, f.forwarded_by, f.forwarded_at,
		f.decision, f.decided_by, f.decided_at FROM enquiry_forwards f `

func scanForward(rows rowScanner) (f scheme.EnquiryForward, err error) {
	var by sql.NullString
	var at sql.NullTime
	if err := rows.Scan(&f.ID, &f.EnquiryID, &f.ReportID, &f.To, &f.ForwardedBy, &f.ForwardedAt, &f.Decision, &by, &at); err != nil {
		return f, err
	}
	f.DecidedBy, f.DecidedAt = by.String, at.Time
	return f, nil
}

func (db *core) forwards(ctx context.Context, where string, args ...any) ([]scheme.EnquiryForward, error) {
	// #nosec G202 -- where is a constant fragment from this file; values are arguments
	return queryRows(ctx, db.read, scanForward, forwardColumns+where, args...)
}

// ForwardEnquiry passes an enquiry to one report's reporter (through the
// report's message thread, which tells them by their channel that a
// message waits) or to the organisation that filed it (its key contacts
// are told the same way). message is the thread's text; url the sign-in
// address for the notice.
func (area Police) ForwardEnquiry(ctx context.Context, actor, enquiryID, reportID, to, message, url string) (scheme.EnquiryForward, error) {
	db := area.db

	f := scheme.EnquiryForward{ID: newID(), EnquiryID: enquiryID, ReportID: reportID, To: to, ForwardedBy: actor, ForwardedAt: db.now().UTC()}
	m := scheme.Message{ID: newID(), FromScheme: true, Body: message, At: f.ForwardedAt}
	ct, err := db.seal("report_messages", "body", m.ID, m.Body)
	if err != nil {
		return f, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var e scheme.Enquiry
		if err := tx.QueryRowContext(ctx, `SELECT status FROM police_enquiries WHERE id = $1`, enquiryID).Scan(&e.Status); err != nil {
			return mapErr(err)
		}
		if e.Status == "closed" { // before the report is looked for
			return scheme.CanForwardEnquiry(e, scheme.Report{}, to)
		}
		var reporter, org sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT reporter_id, organisation_id FROM reports WHERE id = $1`, reportID).Scan(&reporter, &org); err != nil {
			return mapErr(err)
		}
		if err := scheme.CanForwardEnquiry(e, scheme.Report{ReporterID: reporter.String, OrganisationID: org.String}, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO enquiry_forwards (id, enquiry_id, report_id, forwarded_to, forwarded_by, forwarded_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, f.ID, enquiryID, reportID, to, actor, f.ForwardedAt); err != nil {
			if scheme.ErrorCode(mapErr(err)) == scheme.CodeConflict {
				return scheme.Errorf(scheme.CodeConflict, "This enquiry was already forwarded about that report.")
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE police_enquiries SET status = 'forwarded' WHERE id = $1 AND status = 'open'`, enquiryID); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, "enquiry", fmt.Sprintf(`{"enquiry":%q,"forwarded_to":%q}`, enquiryID, to), ""); err != nil {
			return err
		}
		if to == "reporter" {
			if err := db.addMessage(ctx, tx, m, ct, actor, reportID, true, url); err != nil {
				return err
			}
		} else {
			contacts, err := queryStrings(ctx, tx, `SELECT id FROM users WHERE organisation_id = $1 AND role = 'org_contact' AND status = 'active'`, org.String)
			if err != nil {
				return err
			}
			for _, id := range contacts {
				p, err := db.profile(ctx, tx, id)
				if err != nil {
					return err
				}
				if err := db.notifyUser(ctx, tx, id, p, "report_message", map[string]string{"url": url}); err != nil {
					return err
				}
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "enquiry.forward", SubjectType: "police_enquiry", SubjectID: enquiryID,
			Detail: fmt.Sprintf(`{"report":%q,"to":%q}`, reportID, to)})
	})
	return f, err
}

// MemberEnquiries returns the forwards a member may answer: about their own
// reports (to the reporter), or their organisation's (to the organisation,
// for its key contact). With forwardID, just that one (else not found).
func (area Police) MemberEnquiries(ctx context.Context, u scheme.User, forwardID string) ([]scheme.EnquiryForward, error) {
	db := area.db

	where, args := memberForwards(u)
	if forwardID != "" {
		where += ` AND f.id = $4`
		args = append(args, forwardID)
	}
	fs, err := db.forwards(ctx, where+` ORDER BY f.forwarded_at DESC, f.id`, args...)
	if err == nil && forwardID != "" && len(fs) == 0 {
		err = scheme.ErrNotFound
	}
	return fs, err
}

// MemberEnquiryPage is page p of the forwards a member may answer (as
// MemberEnquiries lists them), newest first.
func (area Police) MemberEnquiryPage(ctx context.Context, u scheme.User, p scheme.Page) (scheme.Listed[scheme.EnquiryForward], error) {
	where, args := memberForwards(u)
	// #nosec G202 -- where is a constant fragment from this file; values are arguments
	return listPage(ctx, area.db, p, scanForward, forwardColumns+where, `f.forwarded_at DESC, f.id`, args...)
}

// memberForwards selects the forwards to u: about her own reports, or
// (for a key contact) her organisation's.
func memberForwards(u scheme.User) (string, []any) {
	return `JOIN reports r ON r.id = f.report_id JOIN police_enquiries e ON e.id = f.enquiry_id
		WHERE (f.forwarded_to = 'reporter' AND r.reporter_id = $1
			OR f.forwarded_to = 'organisation' AND $2 <> '' AND r.organisation_id = $2 AND $3)`,
		[]any{u.ID, u.OrganisationID, u.Role == scheme.RoleOrgContact}
}

// DecideEnquiry records a reporter's (or their organisation's) answer
// (police.Service.DecideEnquiry checks it is one of the three) to a
// forwarded enquiry; it can change until the enquiry is closed. "Talk to
// a caseworker first" adds a task on the case so that someone calls them.
func (area Police) DecideEnquiry(ctx context.Context, u scheme.User, forwardID, decision string) error {
	db := area.db

	fs, err := db.top.Police.MemberEnquiries(ctx, u, forwardID)
	if err != nil {
		return err
	}
	f := fs[0]
	taskID := newID()
	title := "Call the reporter: they want to talk to a caseworker about a police enquiry before deciding."
	taskCT, err := db.seal("case_tasks", "title", taskID, title)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var e scheme.Enquiry
		if err := tx.QueryRowContext(ctx, `SELECT status FROM police_enquiries WHERE id = $1`, f.EnquiryID).Scan(&e.Status); err != nil {
			return mapErr(err)
		}
		if err := scheme.CanAnswerEnquiry(e); err != nil {
			return err
		}
		now := db.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE enquiry_forwards SET decision = $1, decided_by = $2, decided_at = $3 WHERE id = $4`,
			decision, u.ID, now, f.ID); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, f.ReportID, u.ID, "enquiry", fmt.Sprintf(`{"enquiry":%q,"decision":%q}`, f.EnquiryID, decision), ""); err != nil {
			return err
		}
		if decision == "caseworker" && f.Decision != "caseworker" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_tasks (id, report_id, title_ct, due_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				taskID, f.ReportID, taskCT, now.Add(24*time.Hour), u.ID, now); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: u.ID, Action: "enquiry.decide", SubjectType: "police_enquiry", SubjectID: f.EnquiryID,
			Detail: fmt.Sprintf(`{"forward":%q,"decision":%q}`, f.ID, decision)})
	})
}

// EnquiryOutcome records what came of an enquiry: answered (the police
// were told) or closed.
func (area Police) EnquiryOutcome(ctx context.Context, actor, id, status, outcome string) error {
	db := area.db

	ct, err := db.seal("police_enquiries", "outcome", id, outcome)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC()
		var closedAt, closedBy any
		if status == "closed" {
			closedAt, closedBy = now, actor
		}
		res, err := tx.ExecContext(ctx, `UPDATE police_enquiries SET status = $1, outcome_ct = $2, closed_at = $3, closed_by = $4
			WHERE id = $5 AND status <> 'closed'`, status, ct, closedAt, closedBy, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM police_enquiries WHERE id = $1`, id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return scheme.ErrNotFound
			}
			return scheme.Errorf(scheme.CodeConflict, "This enquiry is already closed.")
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "enquiry.outcome", SubjectType: "police_enquiry", SubjectID: id,
			Detail: fmt.Sprintf(`{"status":%q}`, status)})
	})
}
