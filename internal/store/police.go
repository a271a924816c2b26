package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"
	"time"

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

// Disclosures lists page p of the disclosures, pending first, then newest
// first.
func (area Police) Disclosures(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Disclosure], error) {
	db := area.db

	return listPage(ctx, db, p, db.scanDisclosure, `SELECT `+disclosureColumns+` FROM disclosures`,
		`CASE status WHEN 'pending' THEN 0 ELSE 1 END, requested_at DESC, id`)
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

// newExportReference is "UMX-" and 8 random base32 characters (40 bits):
// short enough to read out on the phone, not guessable, not a count.
func newExportReference() string { return "UMX-" + rand.Text()[:8] }

// CreatePoliceExport records an export and its audit entry in one
// transaction, with a fresh reference.
func (area Police) CreatePoliceExport(ctx context.Context, e scheme.PoliceExport) (scheme.PoliceExport, error) {
	db := area.db

	e.ID, e.CreatedAt = newID(), db.now().UTC()
	s := &sealer{db: db, table: "police_exports", id: e.ID}
	purpose, recipient := s.seal("purpose", e.Purpose), s.seal("recipient", e.Recipient)
	if s.err != nil {
		return e, s.err
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for try := 0; ; try++ {
			e.Reference = newExportReference()
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM police_exports WHERE reference = $1`, e.Reference).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				break
			}
			if try > 5 {
				return fmt.Errorf("store: no free export reference")
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO police_exports (id, reference, format, profile_id, purpose_ct, recipient_ct, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.ID, e.Reference, e.Format, nullable(e.ProfileID), purpose, recipient, e.CreatedBy, e.CreatedAt); err != nil {
			return err
		}
		for _, set := range []struct {
			ids []string
			in  bool
		}{{e.Included, true}, {e.Excluded, false}} {
			for _, id := range set.ids {
				if _, err := tx.ExecContext(ctx, `INSERT INTO police_export_reports (export_id, report_id, included) VALUES ($1, $2, $3)`,
					e.ID, id, set.in); err != nil {
					return err
				}
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: e.CreatedBy, Action: "police.export", SubjectType: "police_export", SubjectID: e.ID,
			Detail: fmt.Sprintf(`{"reference":%q,"format":%q,"included":%d,"excluded":%d}`, e.Reference, e.Format, len(e.Included), len(e.Excluded))})
	})
	return e, err
}

const exportColumns = `id, reference, format, profile_id, purpose_ct, recipient_ct, created_by, created_at`

func (db *core) scanExport(sc rowScanner) (scheme.PoliceExport, error) {
	var e scheme.PoliceExport
	var profile sql.NullString
	var purpose, recipient []byte
	if err := sc.Scan(&e.ID, &e.Reference, &e.Format, &profile, &purpose, &recipient, &e.CreatedBy, &e.CreatedAt); err != nil {
		return e, mapErr(err)
	}
	e.ProfileID = profile.String
	var err error
	if e.Purpose, err = db.open("police_exports", "purpose", e.ID, purpose); err != nil {
		return e, err
	}
	e.Recipient, err = db.open("police_exports", "recipient", e.ID, recipient)
	return e, err
}

// PoliceExport returns an export's record with its report lists.
func (area Police) PoliceExport(ctx context.Context, id string) (scheme.PoliceExport, error) {
	db := area.db

	e, err := db.scanExport(db.read.QueryRowContext(ctx, `SELECT `+exportColumns+` FROM police_exports WHERE id = $1`, id))
	if err != nil {
		return e, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT x.report_id, x.included FROM police_export_reports x
		LEFT JOIN reports r ON r.id = x.report_id WHERE x.export_id = $1 ORDER BY r.incident_at, x.report_id`, id)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid string
		var in bool
		if err := rows.Scan(&rid, &in); err != nil {
			return e, err
		}
		if in {
			e.Included = append(e.Included, rid)
		} else {
			e.Excluded = append(e.Excluded, rid)
		}
	}
	return e, rows.Err()
}

// PoliceExports lists page p of the exports, newest first.
func (area Police) PoliceExports(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.ExportSummary], error) {
	db := area.db

	// #nosec G202 -- a constant column list
	return listPage(ctx, db, p, func(rows rowScanner) (s scheme.ExportSummary, err error) {
		var inc, exc int
		e, err := db.scanExport(scanTail{rows, []any{&inc, &exc}})
		if err != nil {
			return s, err
		}
		s.PoliceExport, s.IncludedCount, s.ExcludedCount = e, inc, exc
		return s, nil
	}, `SELECT `+prefixed("e.", exportColumns)+`,
			(SELECT COUNT(*) FROM police_export_reports x WHERE x.export_id = e.id AND x.included),
			(SELECT COUNT(*) FROM police_export_reports x WHERE x.export_id = e.id AND NOT x.included)
		FROM police_exports e`, `e.created_at DESC, e.id`)
}

// prefixed puts p before every column of a comma-separated list.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// ProfileReports returns the ids of the reports an offender profile links,
// oldest incident first.
func (area Police) ProfileReports(ctx context.Context, profileID string) ([]string, error) {
	db := area.db

	out, err := queryRows(ctx, db.read, func(rows rowScanner) (id string, err error) {
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return id, err
		}
		return id, nil
	}, `SELECT DISTINCT r.id, r.incident_at FROM offenders o JOIN reports r ON r.id = o.report_id
		WHERE o.profile_id = $1 ORDER BY r.incident_at, r.id`, profileID)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, scheme.ErrNotFound
	}
	return out, nil
}

// RequestMemberExport records a coordinator's request to export a revoked
// member's details, with its purpose (encrypted), and audits it. Nothing
// is exported until another coordinator or admin approves it.
func (area Police) RequestMemberExport(ctx context.Context, actor, userID, purpose string) (scheme.MemberExport, error) {
	db := area.db

	e := scheme.MemberExport{ID: newID(), SubjectID: userID, Purpose: purpose, Status: scheme.MemberExportPending, RequestedBy: actor, RequestedAt: db.now().UTC()}
	ct, err := db.seal("data_exports", "purpose", e.ID, purpose)
	if err != nil {
		return e, err
	}
	return e, db.inTx(ctx, func(tx *sql.Tx) error {
		if err := revokedMember(ctx, tx, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_exports (id, actor, kind, subject_id, purpose_ct, created_at, status)
			VALUES ($1, $2, 'revoked_member', $3, $4, $5, $6)`, e.ID, actor, userID, ct, e.RequestedAt, e.Status); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.export_request", SubjectType: "user", SubjectID: userID,
			Detail: fmt.Sprintf(`{"export":%q}`, e.ID)})
	})
}

// revokedMember refuses anyone but a revoked member.
func revokedMember(ctx context.Context, q queryer, userID string) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM revocations r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = $1 AND u.status = $2`, userID, scheme.StatusRevoked).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return scheme.Errorf(scheme.CodeForbidden, "Only a revoked member's details can be exported.")
	}
	return nil
}

// DecideMemberExport approves or refuses a pending request, in one
// transaction with its audit entry. Whoever asked for it cannot decide
// it: checked here, under the transaction, so that no race gets round it.
// The caller checks the decider's role.
func (area Police) DecideMemberExport(ctx context.Context, actor, id string, approve bool) (scheme.MemberExport, error) {
	db := area.db

	var e scheme.MemberExport
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if e, err = db.memberExport(ctx, tx, id); err != nil {
			return err
		}
		if err := scheme.CanDecideMemberExport(e, scheme.User{ID: actor}); err != nil {
			return err
		}
		e.Status, e.DecidedBy, e.DecidedAt = scheme.MemberExportRefused, actor, db.now().UTC()
		action := "user.export_refuse"
		if approve {
			e.Status, action = scheme.MemberExportApproved, "user.export_approve"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE data_exports SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4`,
			e.Status, actor, e.DecidedAt, id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "user", SubjectID: e.SubjectID,
			Detail: fmt.Sprintf(`{"export":%q}`, id)})
	})
	return e, err
}

// ExportRevoked gives the requester of an approved export the revoked
// member's details, and audits the download. Before approval or after a
// refusal it is a conflict; to anyone else it does not exist; once the
// member is no longer revoked (or has gone) there is nothing to download.
func (area Police) ExportRevoked(ctx context.Context, actor, exportID string) (scheme.RevokedExport, error) {
	db := area.db

	var out scheme.RevokedExport
	e, err := db.memberExport(ctx, db.read, exportID)
	if err != nil {
		return out, err
	}
	if err := scheme.CanDownloadMemberExport(e, scheme.User{ID: actor}); err != nil {
		return out, err
	}
	if err := revokedMember(ctx, db.read, e.SubjectID); err != nil {
		return out, err
	}
	var reasonCT []byte
	var orgID sql.NullString
	if err := db.read.QueryRowContext(ctx, `SELECT r.reason_ct, u.organisation_id FROM revocations r JOIN users u ON u.id = r.user_id WHERE r.user_id = $1`,
		e.SubjectID).Scan(&reasonCT, &orgID); err != nil {
		return out, mapErr(err)
	}
	out.UserID = e.SubjectID
	if out.Reason, err = db.open("revocations", "reason", e.SubjectID, reasonCT); err != nil {
		return out, err
	}
	if out.Profile, err = db.top.Accounts.Profile(ctx, e.SubjectID); err != nil {
		return out, err
	}
	if orgID.Valid {
		org, err := db.top.Accounts.Organisation(ctx, e.SubjectID)
		if err != nil {
			return out, err
		}
		out.Organisation = &org
	}
	return out, db.inTx(ctx, func(tx *sql.Tx) error {
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.export_revoked", SubjectType: "user", SubjectID: e.SubjectID,
			Detail: fmt.Sprintf(`{"export":%q}`, exportID)})
	})
}

// MemberExport returns one export request (its purpose decrypted).
func (area Police) MemberExport(ctx context.Context, id string) (scheme.MemberExport, error) {
	db := area.db

	return db.memberExport(ctx, db.read, id)
}

// MemberExports lists the requests to export revoked members' details:
// pending first, then newest first. Every one: they are few (a revoked
// member's details go to the police rarely, and each takes two people).
func (area Police) MemberExports(ctx context.Context) ([]scheme.MemberExport, error) {
	db := area.db

	return queryRows(ctx, db.read, db.scanMemberExport, `SELECT `+memberExportColumns+` FROM data_exports WHERE kind = 'revoked_member'
		ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, created_at DESC, id`)
}

const memberExportColumns = `id, subject_id, purpose_ct, status, actor, created_at, decided_by, decided_at`

func (db *core) memberExport(ctx context.Context, q queryer, id string) (scheme.MemberExport, error) {
	return db.scanMemberExport(q.QueryRowContext(ctx, `SELECT `+memberExportColumns+` FROM data_exports WHERE id = $1 AND kind = 'revoked_member'`, id))
}

func (db *core) scanMemberExport(sc rowScanner) (scheme.MemberExport, error) {
	var e scheme.MemberExport
	var ct []byte
	var decidedBy sql.NullString
	var decidedAt sql.NullTime
	if err := sc.Scan(&e.ID, &e.SubjectID, &ct, &e.Status, &e.RequestedBy, &e.RequestedAt, &decidedBy, &decidedAt); err != nil {
		return e, mapErr(err)
	}
	e.DecidedBy, e.DecidedAt = decidedBy.String, decidedAt.Time
	var err error
	e.Purpose, err = db.open("data_exports", "purpose", e.ID, ct)
	return e, err
}
