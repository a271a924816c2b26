package store

import (
	"context"
	"database/sql"
	"fmt"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

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
// pending first, then newest first.
func (area Police) MemberExports(ctx context.Context) ([]scheme.MemberExport, error) {
	db := area.db

	return queryRows(ctx, db.read, db.scanMemberExport, `SELECT `+memberExportColumns+` FROM data_exports WHERE kind = 'revoked_member'
		ORDER BY CASE status WHEN 'pending' THEN 0 ELSE 1 END, created_at DESC, id LIMIT 200`)
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
