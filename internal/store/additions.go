package store

import (
	"context"
	"database/sql"
	"strings"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// AddAddition records what a member adds to an alert they received (the
// caller has checked body: alert.Service.AddAddition). It waits for a
// coordinator before anyone else sees it.
func (area Alerts) AddAddition(ctx context.Context, userID, alertID, body string) (scheme.Addition, error) {
	db := area.db

	body = strings.TrimSpace(body)
	ad := scheme.Addition{ID: newID(), AlertID: alertID, AuthorID: userID, Mine: true, Body: body, Status: scheme.AdditionPending, CreatedAt: db.now().UTC()}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var ok int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
			WHERE r.alert_id = $1 AND r.user_id = $2 AND a.status = 'published'`, alertID, userID).Scan(&ok)
		if err != nil {
			return mapErr(err)
		}
		ct, err := db.seal("alert_additions", "body", ad.ID, body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_additions (id, alert_id, author_id, body_ct, status, created_at)
			VALUES ($1, $2, $3, $4, 'pending', $5)`, ad.ID, alertID, userID, ct, ad.CreatedAt); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "alert.addition", SubjectType: "alert", SubjectID: alertID})
	})
	return ad, err
}

// Additions lists an alert's additions as viewer sees them: coordinators
// (staff) see all; a member sees the approved ones and their own.
func (area Alerts) Additions(ctx context.Context, alertID, viewer string, staff bool) ([]scheme.Addition, error) {
	db := area.db

	q := `SELECT id, alert_id, author_id, body_ct, status, created_at, moderated_at FROM alert_additions WHERE alert_id = $1`
	args := []any{alertID}
	if !staff {
		q += ` AND (status = 'approved' OR author_id = $2)`
		args = append(args, viewer)
	}
	return db.additions(ctx, q+` ORDER BY created_at, id`, viewer, args...)
}

// PendingAdditions lists additions waiting for a coordinator, oldest first.
func (area Alerts) PendingAdditions(ctx context.Context) ([]scheme.Addition, error) {
	db := area.db

	return db.additions(ctx, `SELECT id, alert_id, author_id, body_ct, status, created_at, moderated_at FROM alert_additions
		WHERE status = 'pending' ORDER BY created_at, id LIMIT 200`, "")
}

func (db *core) additions(ctx context.Context, q, viewer string, args ...any) ([]scheme.Addition, error) {
	return queryRows(ctx, db.read, func(rows rowScanner) (ad scheme.Addition, err error) {
		var ct []byte
		var moderated sql.NullTime
		if err := rows.Scan(&ad.ID, &ad.AlertID, &ad.AuthorID, &ct, &ad.Status, &ad.CreatedAt, &moderated); err != nil {
			return ad, err
		}
		ad.ModeratedAt, ad.Mine = moderated.Time, viewer != "" && ad.AuthorID == viewer
		if ad.Body, err = db.open("alert_additions", "body", ad.ID, ct); err != nil {
			return ad, err
		}
		return ad, nil
	}, q, args...)
}

// ModerateAddition approves or rejects a pending addition.
func (area Alerts) ModerateAddition(ctx context.Context, actor, id string, approve bool) error {
	db := area.db

	status := scheme.AdditionRejected
	if approve {
		status = scheme.AdditionApproved
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var alertID string
		err := tx.QueryRowContext(ctx, `SELECT alert_id FROM alert_additions WHERE id = $1 AND status = 'pending'`, id).Scan(&alertID)
		if err == sql.ErrNoRows {
			return scheme.Errorf(scheme.CodeConflict, "This addition has already been moderated, or no longer exists.")
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alert_additions SET status = $1, moderated_by = $2, moderated_at = $3 WHERE id = $4`,
			status, actor, db.now().UTC(), id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.addition." + status, SubjectType: "alert", SubjectID: alertID})
	})
}
