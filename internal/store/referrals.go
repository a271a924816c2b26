package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Referrals: a caseworker suggests a service to a reporter from her
// report (only with her consent to be contacted about support), she
// answers in her report's thread, and the caseworker records how it went.
// Each step is a line of the case's timeline and an audit entry.

const referralColumns = `f.id, f.report_id, f.service_id, f.kind, f.status, f.note_ct, f.answer, f.answered_at, f.created_at, f.updated_at`

func (db *core) scanReferral(rows rowScanner) (scheme.Referral, error) {
	var f scheme.Referral
	var ct []byte
	var answered sql.NullTime
	if err := rows.Scan(&f.ID, &f.ReportID, &f.ServiceID, &f.Kind, &f.Status, &ct, &f.Answer, &answered, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return f, err
	}
	f.AnsweredAt = answered.Time
	var err error
	f.Note, err = db.openOptional("service_referrals", "note", f.ID, ct)
	return f, err
}

// referralServices fills in each referral's service.
func (db *core) referralServices(ctx context.Context, out []scheme.Referral) error {
	seen := map[string]scheme.SupportService{}
	for i, f := range out {
		s, ok := seen[f.ServiceID]
		if !ok {
			var err error
			if s, err = db.top.Support.Service(ctx, f.ServiceID); err != nil {
				return err
			}
			seen[f.ServiceID] = s
		}
		out[i].Service = s
	}
	return nil
}

// SuggestReferral suggests service serviceID to the reporter of reportID,
// with the caseworker's note. Refused when the reporter has not consented
// to be contacted about support (or has left), or the service is retired.
// The reporter is told, by her chosen channel, only that a message is
// waiting at url.
func (area Support) SuggestReferral(ctx context.Context, actor, reportID, serviceID, note, url string) (scheme.Referral, error) {
	db := area.db

	now := db.now().UTC()
	f := scheme.Referral{ID: newID(), ReportID: reportID, ServiceID: serviceID, Status: scheme.ReferralSuggested, Note: strings.TrimSpace(note), CreatedAt: now, UpdatedAt: now}
	var ct []byte
	if f.Note != "" {
		var err error
		if ct, err = db.seal("service_referrals", "note", f.ID, f.Note); err != nil {
			return f, err
		}
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var reporter sql.NullString
		var support bool
		if err := tx.QueryRowContext(ctx, `SELECT reporter_id, consent_support FROM reports WHERE id = $1`, reportID).Scan(&reporter, &support); err != nil {
			return mapErr(err)
		}
		if !support || !reporter.Valid {
			return scheme.Errorf(scheme.CodeConflict, "The reporter has not agreed to be contacted about support, so no service can be suggested.")
		}
		s, err := scanService(tx.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM support_services s WHERE s.id = $1`, serviceID))
		if err != nil {
			if err == sql.ErrNoRows {
				return scheme.Invalid(map[string]string{"service": "Choose a service from the directory."})
			}
			return err
		}
		if s.Retired() {
			return scheme.Invalid(map[string]string{"service": "That service is retired: choose another."})
		}
		one := []scheme.SupportService{s}
		if err := db.serviceLists(ctx, tx, one); err != nil {
			return err
		}
		f.Service, f.Kind = one[0], one[0].MainKind()
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_referrals (id, report_id, service_id, kind, status, outcome, note_ct, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $8)`, f.ID, reportID, serviceID, f.Kind, f.Status, ct, actor, now); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, "referral", fmt.Sprintf(`{"referral":%q,"status":%q}`, f.ID, f.Status), s.Name); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "referral.suggest", SubjectType: "report", SubjectID: reportID, Detail: fmt.Sprintf(`{"referral":%q}`, f.ID)}); err != nil {
			return err
		}
		p, err := db.profile(ctx, tx, reporter.String)
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			return nil
		} else if err != nil {
			return err
		}
		if !p.AlertEmail && !p.AlertSMS {
			return nil // she hears when she signs in
		}
		return db.notifyUser(ctx, tx, reporter.String, p, "report_message", map[string]string{"url": url})
	})
	return f, err
}

// lockedReferral reads a referral of reportID in tx, locked for the change
// that follows on PostgreSQL, with its report's reporter. Any other
// report's referral is not found.
func (db *core) lockedReferral(ctx context.Context, tx *sql.Tx, reportID, id string) (scheme.Referral, string, error) {
	q := `SELECT ` + referralColumns + `, COALESCE(r.reporter_id, '') FROM service_referrals f JOIN reports r ON r.id = f.report_id WHERE f.id = $1 AND f.report_id = $2`
	if db.dialect == Postgres {
		q += ` FOR UPDATE OF f`
	}
	var reporter string
	f, err := db.scanReferral(scanTail{tx.QueryRowContext(ctx, q, id, reportID), []any{&reporter}})
	return f, reporter, mapErr(err)
}

// MoveReferral records a referral's progress, as scheme.CanMoveReferral
// allows from where it stands.
func (area Support) MoveReferral(ctx context.Context, actor, reportID, id string, to scheme.ReferralStatus) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		f, _, err := db.lockedReferral(ctx, tx, reportID, id)
		if err != nil {
			return err
		}
		if err := scheme.CanMoveReferral(f.Status, to); err != nil {
			return err
		}
		// outcome keeps the last status before closing, for the statistics.
		if _, err := tx.ExecContext(ctx, `UPDATE service_referrals SET status = $1, outcome = CASE WHEN $1 = 'closed' THEN outcome ELSE $1 END, updated_at = $2 WHERE id = $3`,
			string(to), db.now().UTC(), id); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, reportID, actor, "referral_status", fmt.Sprintf(`{"referral":%q,"status":%q}`, id, to), ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "referral.status", SubjectType: "report", SubjectID: reportID,
			Detail: fmt.Sprintf(`{"referral":%q,"from":%q,"to":%q}`, id, f.Status, to)})
	})
}

// AnswerReferral records the reporter's answer to a suggested service. Only
// the report's reporter may answer (anyone else: not found), and only
// while the referral is still a suggestion; she may change her answer
// until then.
func (area Support) AnswerReferral(ctx context.Context, userID, reportID, id string, answer scheme.ReferralAnswer) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		f, reporter, err := db.lockedReferral(ctx, tx, reportID, id)
		if err != nil {
			return err
		}
		if reporter == "" || reporter != userID {
			return scheme.ErrNotFound
		}
		if f.Status != scheme.ReferralSuggested {
			return scheme.Errorf(scheme.CodeConflict, "The caseworker has already acted on this suggestion. Send them a message instead.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE service_referrals SET answer = $1, answered_at = $2, updated_at = $2 WHERE id = $3`,
			string(answer), db.now().UTC(), id); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, reportID, userID, "referral_answer", fmt.Sprintf(`{"referral":%q,"answer":%q}`, id, answer), ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "referral.answer", SubjectType: "report", SubjectID: reportID,
			Detail: fmt.Sprintf(`{"referral":%q}`, id)})
	})
}

// Referrals lists a report's referrals, oldest first, with their services.
func (area Support) Referrals(ctx context.Context, reportID string) ([]scheme.Referral, error) {
	db := area.db

	out, err := queryRows(ctx, db.read, db.scanReferral, `SELECT `+referralColumns+` FROM service_referrals f WHERE f.report_id = $1 ORDER BY f.created_at, f.id`, reportID)
	if err != nil {
		return nil, err
	}
	return out, db.referralServices(ctx, out)
}

// ReferralsOf lists the referrals on every report userID made, oldest
// first, for her own data.
func (area Support) ReferralsOf(ctx context.Context, userID string) ([]scheme.Referral, error) {
	db := area.db

	out, err := queryRows(ctx, db.read, db.scanReferral, `SELECT `+referralColumns+` FROM service_referrals f JOIN reports r ON r.id = f.report_id
		WHERE r.reporter_id = $1 ORDER BY f.created_at, f.id`, userID)
	if err != nil {
		return nil, err
	}
	return out, db.referralServices(ctx, out)
}
