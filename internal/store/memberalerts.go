package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"uglymugs/internal/scheme"
)

// An alert as the members it reached read it: their feed, one alert, and
// the alerts that name an identifier they checked.

// MemberAlerts is a member's feed: the alerts they received, newest first,
// published or withdrawn (a withdrawn one carries only its notice).
func (area Alerts) MemberAlerts(ctx context.Context, userID string, f scheme.MemberAlertFilter) ([]scheme.Alert, error) {
	db := area.db

	args := []any{userID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	q := `SELECT ` + alertColumns + `, r.read_at FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
		WHERE r.user_id = $1 AND a.status IN ('published', 'withdrawn')`
	if f.Region != "" {
		q += ` AND (a.nationwide OR a.id IN (SELECT alert_id FROM alert_regions WHERE region = ` + arg(f.Region) + `))`
	}
	if f.Type != "" {
		q += ` AND a.id IN (SELECT alert_id FROM alert_incident_types WHERE type = ` + arg(f.Type) + `)`
	}
	if !f.Since.IsZero() {
		q += ` AND a.published_at >= ` + arg(f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q += ` AND a.published_at < ` + arg(f.Until.UTC())
	}
	if !f.Before.IsZero() {
		q += ` AND a.published_at < ` + arg(f.Before.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	q += ` ORDER BY a.published_at DESC, a.id LIMIT ` + arg(f.Limit)
	return db.listAlerts(ctx, q, args, false)
}

// UnreadAlerts counts a member's alerts not yet opened.
func (area Alerts) UnreadAlerts(ctx context.Context, userID string) (int, error) {
	db := area.db

	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
		WHERE r.user_id = $1 AND r.read_at IS NULL AND a.status IN ('published', 'withdrawn')`, userID).Scan(&n)
	return n, err
}

// MemberAlert returns one alert as a member sees it, if they received it
// (anyone else gets not found), and marks it read.
func (area Alerts) MemberAlert(ctx context.Context, userID, id string) (scheme.Alert, error) {
	db := area.db

	var a scheme.Alert
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var readAt sql.NullTime
		var err error
		a, err = db.scanAlert(tx.QueryRowContext(ctx, `SELECT `+alertColumns+`, r.read_at FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
			WHERE r.user_id = $1 AND r.alert_id = $2 AND a.status IN ('published', 'withdrawn')`, userID, id), &readAt)
		if err != nil {
			return err
		}
		as := []scheme.Alert{a}
		if err := db.fillAlertLists(ctx, tx, as, false); err != nil {
			return err
		}
		a = as[0]
		a.ReadAt = readAt.Time
		if !readAt.Valid {
			_, err = tx.ExecContext(ctx, `UPDATE alert_recipients SET read_at = $1 WHERE alert_id = $2 AND user_id = $3`, db.now().UTC(), id, userID)
		}
		return err
	})
	return a.ForMembers(), err
}

// MemberAlertsIn finds, among the alerts a member received and that are
// still published, those in ids (a check's matches), newest first, at most
// 50.
func (area Alerts) MemberAlertsIn(ctx context.Context, userID string, ids []string) ([]scheme.Alert, error) {
	db := area.db

	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{userID}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	q := `SELECT ` + alertColumns + `, r.read_at FROM alert_recipients r JOIN alerts a ON a.id = r.alert_id
		WHERE r.user_id = $1 AND a.status = 'published' AND a.id IN (` + strings.Join(marks, ", ") + `)
		ORDER BY a.published_at DESC, a.id LIMIT 50`
	return db.listAlerts(ctx, q, args, false)
}
