package store

import (
	"context"
	"database/sql"
	"fmt"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// RecordDisclosure stores a pending disclosure and its audit entry. The
// caller has validated it.
func (area Police) RecordDisclosure(ctx context.Context, d scheme.Disclosure) (scheme.Disclosure, error) {
	db := area.db

	d.ID, d.Status, d.RequestedAt = newID(), "pending", db.now().UTC()
	s := &sealer{db: db, table: "disclosures", id: d.ID}
	what, recipient, justification := s.seal("what", d.What), s.seal("recipient", d.Recipient), s.seal("justification", d.Justification)
	var noNotify []byte
	if !d.Notify {
		noNotify = s.seal("no_notify", d.NoNotify)
	}
	if s.err != nil {
		return d, s.err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO disclosures (id, legal_basis, subject_user_id, report_id, what_ct, recipient_ct, justification_ct,
				notify, no_notify_ct, status, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)`,
			d.ID, d.LegalBasis, nullable(d.SubjectUserID), nullable(d.ReportID), what, recipient, justification,
			d.Notify, noNotify, d.RequestedBy, d.RequestedAt); err != nil {
			return mapErr(err)
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: d.RequestedBy, Action: "disclosure.record", SubjectType: "disclosure", SubjectID: d.ID,
			Detail: fmt.Sprintf(`{"legal_basis":%q}`, d.LegalBasis)})
	})
	return d, err
}

// DecideDisclosure approves or refuses a pending disclosure, by an admin
// who did not record it (the caller checks the role). Approval with
// notification tells the person, in the same transaction, through their
// channel (content-free) and on their account page; a person who has left
// cannot be told, and the record shows it.
func (area Police) DecideDisclosure(ctx context.Context, actor, id string, approve bool, note, url string) (scheme.Disclosure, error) {
	db := area.db

	var d scheme.Disclosure
	noteCT, err := db.seal("disclosures", "decision", id, note)
	if err != nil {
		return d, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = db.disclosure(ctx, tx, id); err != nil {
			return err
		}
		if err := scheme.CanDecideDisclosure(d, scheme.User{ID: actor}); err != nil {
			return err
		}
		now := db.now().UTC()
		d.Status, d.DecidedBy, d.DecidedAt, d.Decision = "refused", actor, now, note
		if approve {
			d.Status = "approved"
		}
		var notified any
		if approve && d.Notify {
			person, err := db.disclosurePerson(ctx, tx, d)
			if err != nil {
				return err
			}
			if person != "" {
				p, err := db.profile(ctx, tx, person)
				if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
					return err
				}
				if err == nil {
					if err := db.notifyUser(ctx, tx, person, p, outbox.TemplateDisclosureMade, map[string]string{"url": url}); err != nil {
						return err
					}
					d.NotifiedAt, notified = now, now
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE disclosures SET status = $1, decided_by = $2, decided_at = $3, decision_ct = $4, notified_at = $5
			WHERE id = $6`, d.Status, actor, now, noteCT, notified, id); err != nil {
			return err
		}
		action := "disclosure.refuse"
		if approve {
			action = "disclosure.approve"
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "disclosure", SubjectID: id,
			Detail: fmt.Sprintf(`{"legal_basis":%q,"notified":%t}`, d.LegalBasis, notified != nil)})
	})
	return d, err
}

// disclosurePerson is whose data it is: the member named, else the
// report's reporter; "" if they have left.
func (db *core) disclosurePerson(ctx context.Context, q queryer, d scheme.Disclosure) (string, error) {
	if d.SubjectUserID != "" {
		return d.SubjectUserID, nil
	}
	if d.ReportID == "" {
		return "", nil
	}
	var reporter sql.NullString
	err := q.QueryRowContext(ctx, `SELECT reporter_id FROM reports WHERE id = $1`, d.ReportID).Scan(&reporter)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return reporter.String, err
}

const disclosureColumns = `id, legal_basis, subject_user_id, report_id, what_ct, recipient_ct, justification_ct, notify, no_notify_ct,
	status, requested_by, requested_at, decided_by, decided_at, decision_ct, notified_at`

func (db *core) scanDisclosure(sc rowScanner) (scheme.Disclosure, error) {
	var d scheme.Disclosure
	var subject, report, decidedBy sql.NullString
	var decidedAt, notifiedAt sql.NullTime
	var what, recipient, justification, noNotify, decision []byte
	if err := sc.Scan(&d.ID, &d.LegalBasis, &subject, &report, &what, &recipient, &justification, &d.Notify, &noNotify,
		&d.Status, &d.RequestedBy, &d.RequestedAt, &decidedBy, &decidedAt, &decision, &notifiedAt); err != nil {
		return d, mapErr(err)
	}
	d.SubjectUserID, d.ReportID, d.DecidedBy, d.DecidedAt, d.NotifiedAt = subject.String, report.String, decidedBy.String, decidedAt.Time, notifiedAt.Time
	for _, f := range []struct {
		col string
		ct  []byte
		to  *string
	}{{"what", what, &d.What}, {"recipient", recipient, &d.Recipient}, {"justification", justification, &d.Justification},
		{"no_notify", noNotify, &d.NoNotify}, {"decision", decision, &d.Decision}} {
		if len(f.ct) == 0 {
			continue
		}
		v, err := db.open("disclosures", f.col, d.ID, f.ct)
		if err != nil {
			return d, err
		}
		*f.to = v
	}
	return d, nil
}

func (db *core) disclosure(ctx context.Context, q queryer, id string) (scheme.Disclosure, error) {
	return db.scanDisclosure(q.QueryRowContext(ctx, `SELECT `+disclosureColumns+` FROM disclosures WHERE id = $1`, id))
}

// Disclosure returns one disclosure; the caller audits the view.
func (area Police) Disclosure(ctx context.Context, id string) (scheme.Disclosure, error) {
	db := area.db

	return db.disclosure(ctx, db.read, id)
}

// Disclosures lists disclosures, pending first, then newest first.
func (area Police) Disclosures(ctx context.Context) ([]scheme.Disclosure, error) {
	db := area.db

	return db.listDisclosures(ctx, `SELECT `+disclosureColumns+` FROM disclosures
		ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, requested_at DESC, id LIMIT 500`)
}

// MemberDisclosures lists the approved disclosures a member was told of:
// of their data, or of a report they made.
func (area Police) MemberDisclosures(ctx context.Context, userID string) ([]scheme.Disclosure, error) {
	db := area.db

	return db.listDisclosures(ctx, `SELECT `+disclosureColumns+` FROM disclosures
		WHERE status = 'approved' AND notify AND (subject_user_id = $1
			OR subject_user_id IS NULL AND report_id IN (SELECT id FROM reports WHERE reporter_id = $1))
		ORDER BY decided_at DESC, id`, userID)
}

func (db *core) listDisclosures(ctx context.Context, q string, args ...any) ([]scheme.Disclosure, error) {
	return queryRows(ctx, db.read, db.scanDisclosure, q, args...)
}
