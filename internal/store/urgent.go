package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
)

// Urgent alerts: the on-call rota, and the review of an alert published
// alone out of hours (publishing itself is PublishAlert's, with
// PublishOptions.Urgent).

// review is an alert's review columns as read.
type review struct {
	state string
	due   sql.NullTime
	by    sql.NullString
	at    sql.NullTime
}

// of is the review, or nil for an alert that was not published as urgent.
func (r review) of() *scheme.UrgentReview {
	if r.state == "" {
		return nil
	}
	return &scheme.UrgentReview{State: r.state, DueAt: r.due.Time, ReviewedBy: r.by.String, ReviewedAt: r.at.Time}
}

func reviewPending(a scheme.Alert) bool {
	return a.Review != nil && a.Review.State == scheme.ReviewPending
}

// closeReview ends an urgent alert's pending review with outcome, audited
// as "alert.urgent_confirm" or "alert.urgent_withdraw"; an alert with no
// review pending is left as it is.
func (db *core) closeReview(ctx context.Context, tx *sql.Tx, actor, id, outcome string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE alerts SET review_state = $1, reviewed_by = $2, reviewed_at = $3
		WHERE id = $4 AND review_state = 'pending'`, outcome, actor, at.UTC(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: map[string]string{scheme.ReviewConfirmed: "alert.urgent_confirm", scheme.ReviewWithdrawn: "alert.urgent_withdraw"}[outcome], SubjectType: "alert", SubjectID: id})
}

// ConfirmUrgent records a second coordinator's review of an urgent alert:
// it stands as it is (scheme.CanReview, asked again here on the locked
// row, so that a withdrawal or another review racing this one is seen).
func (area Alerts) ConfirmUrgent(ctx context.Context, actor, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var a scheme.Alert
		var status string
		var rv review
		if err := tx.QueryRowContext(ctx, `SELECT status, urgent, published_by, review_state, review_due_at, reviewed_by, reviewed_at
			FROM alerts WHERE id = $1`+db.lockRow(), id).Scan(&status, &a.Urgent, &a.PublishedBy, &rv.state, &rv.due, &rv.by, &rv.at); err != nil {
			return mapErr(err)
		}
		a.Status, a.Review = scheme.AlertStatus(status), rv.of()
		if err := scheme.CanReview(a, scheme.User{ID: actor}); err != nil {
			return err
		}
		return db.closeReview(ctx, tx, actor, id, scheme.ReviewConfirmed, db.now())
	})
}

// ReviewQueue lists page p of the urgent alerts waiting for a second
// coordinator's review, the one due first first.
func (area Alerts) ReviewQueue(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Alert], error) {
	return area.db.listAlerts(ctx, p, `SELECT `+alertColumns+` FROM alerts a WHERE a.review_state = 'pending'`,
		`a.review_due_at, a.id`, nil, true)
}

// onCallAt reports whether userID is an active coordinator (or admin) on
// a shift covering at.
func (db *core) onCallAt(ctx context.Context, q queryer, userID string, at time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM on_call_shifts s JOIN users u ON u.id = s.user_id
		WHERE s.user_id = $1 AND s.starts_at <= $2 AND s.ends_at > $2 AND u.status = 'active' AND u.role IN ('coordinator', 'admin')`,
		userID, at.UTC()).Scan(&n)
	return n > 0, err
}

// OnCall reports whether userID is on call now.
func (area Alerts) OnCall(ctx context.Context, userID string) (bool, error) {
	db := area.db

	return db.onCallAt(ctx, db.read, userID, db.now())
}

// AddShifts puts shifts on the rota, all or none, each audited. The
// caller has checked each (scheme.CheckShift); here each must name an
// active coordinator or admin, and none may overlap another shift of the
// same coordinator.
func (area Alerts) AddShifts(ctx context.Context, actor string, shifts []scheme.OnCallShift) ([]scheme.OnCallShift, error) {
	db := area.db

	out := make([]scheme.OnCallShift, 0, len(shifts))
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		now := db.now().UTC()
		for _, s := range shifts {
			var role, status string
			err := tx.QueryRowContext(ctx, `SELECT role, status FROM users WHERE id = $1`, s.UserID).Scan(&role, &status)
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if err == sql.ErrNoRows || status != scheme.StatusActive || (role != string(scheme.RoleCoordinator) && role != string(scheme.RoleAdmin)) {
				return scheme.Invalid(map[string]string{"user_id": "Choose an active coordinator: only they can be on call."})
			}
			var overlap int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM on_call_shifts WHERE user_id = $1 AND starts_at < $3 AND ends_at > $2`,
				s.UserID, s.StartsAt.UTC(), s.EndsAt.UTC()).Scan(&overlap); err != nil {
				return err
			}
			if overlap > 0 {
				return scheme.Errorf(scheme.CodeConflict, "That coordinator is already on call for part of that time (from %s UTC): change the times, or remove the other shift first.",
					s.StartsAt.UTC().Format("Mon 2 Jan 15:04"))
			}
			s.ID, s.CreatedBy, s.CreatedAt = newID(), actor, now
			s.StartsAt, s.EndsAt = s.StartsAt.UTC(), s.EndsAt.UTC()
			if _, err := tx.ExecContext(ctx, `INSERT INTO on_call_shifts (id, user_id, starts_at, ends_at, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, s.ID, s.UserID, s.StartsAt, s.EndsAt, actor, now); err != nil {
				return err
			}
			if err := db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "oncall.add", SubjectType: "on_call_shift", SubjectID: s.ID,
				Detail: fmt.Sprintf(`{"user":%q,"starts":%q,"ends":%q}`, s.UserID, s.StartsAt.Format(time.RFC3339), s.EndsAt.Format(time.RFC3339))}); err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// RemoveShift takes a shift off the rota: one still to come is deleted;
// one under way ends now (what happened in it stays on record); one over
// already stays as it was.
func (area Alerts) RemoveShift(ctx context.Context, actor, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var s scheme.OnCallShift
		if err := tx.QueryRowContext(ctx, `SELECT user_id, starts_at, ends_at FROM on_call_shifts WHERE id = $1`+db.lockRow(), id).
			Scan(&s.UserID, &s.StartsAt, &s.EndsAt); err != nil {
			return mapErr(err)
		}
		now := db.now().UTC()
		action := "oncall.remove"
		switch {
		case !s.EndsAt.After(now):
			return scheme.Errorf(scheme.CodeConflict, "That shift is over: it stays on the rota as the record of who was on call.")
		case s.Covers(now):
			action = "oncall.end"
			if _, err := tx.ExecContext(ctx, `UPDATE on_call_shifts SET ends_at = $1 WHERE id = $2`, now, id); err != nil {
				return err
			}
		default:
			if _, err := tx.ExecContext(ctx, `DELETE FROM on_call_shifts WHERE id = $1`, id); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "on_call_shift", SubjectID: id,
			Detail: fmt.Sprintf(`{"user":%q}`, s.UserID)})
	})
}

// Shifts lists page p of the rota's shifts that end after from (the
// current and the coming ones, when from is now), in order of start.
func (area Alerts) Shifts(ctx context.Context, from time.Time, p scheme.Page) (scheme.Listed[scheme.OnCallShift], error) {
	db := area.db

	return listPage(ctx, db, p, func(rows rowScanner) (s scheme.OnCallShift, err error) {
		err = rows.Scan(&s.ID, &s.UserID, &s.StartsAt, &s.EndsAt, &s.CreatedBy, &s.CreatedAt)
		return s, err
	}, `SELECT id, user_id, starts_at, ends_at, created_by, created_at FROM on_call_shifts WHERE ends_at > $1`,
		`starts_at, id`, from.UTC())
}

// OnCallCandidates lists who may be put on call: the active coordinators
// and admins, with their usernames, in order of username.
func (area Alerts) OnCallCandidates(ctx context.Context) ([]scheme.User, error) {
	db := area.db

	us, err := queryRows(ctx, db.read, func(rows rowScanner) (u scheme.User, err error) {
		var role string
		var ct []byte
		if err := rows.Scan(&u.ID, &role, &u.Status, &ct); err != nil {
			return u, err
		}
		u.Role = scheme.Role(role)
		u.Username, err = db.open("users", "username", u.ID, ct)
		return u, err
	}, `SELECT id, role, status, username_ct FROM users WHERE status = 'active' AND role IN ('coordinator', 'admin') ORDER BY id`)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(us, func(a, b scheme.User) int { return strings.Compare(a.Username, b.Username) })
	return us, nil
}
