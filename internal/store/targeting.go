package store

import (
	"context"
	"database/sql"
	"time"

	"uglymugs/internal/scheme"
)

// Targeting: who an alert reaches. One rule, written once, used to count
// the audience before publishing and to fan out after it:
//
//   - active members only (individuals, organisations' key contacts and
//     staff), never applicants, revoked members or scheme staff;
//   - nationwide, or a member in one of the alert's regions (an
//     organisation's staff count as being in their key contact's regions);
//   - when the alert names sectors, a member whose sector is one of them or
//     who did not say; likewise for genders ("prefer not to say" counts as
//     not saying). Nobody is left unwarned for declining a monitoring
//     question.
//
// $1 is the alert id. targetFrom selects from users u joined to profiles p.
const targetFrom = ` FROM users u JOIN profiles p ON p.user_id = u.id
	WHERE u.status = 'active' AND u.role IN ('member', 'org_contact', 'org_staff')
	AND (EXISTS (SELECT 1 FROM alerts a WHERE a.id = $1 AND a.nationwide)
		OR EXISTS (SELECT 1 FROM alert_regions ar JOIN profile_regions pr ON pr.region = ar.region
			WHERE ar.alert_id = $1 AND pr.user_id = u.id)
		OR EXISTS (SELECT 1 FROM alert_regions ar JOIN profile_regions pr ON pr.region = ar.region
			JOIN users k ON k.id = pr.user_id AND k.role = 'org_contact'
			WHERE ar.alert_id = $1 AND u.organisation_id IS NOT NULL AND k.organisation_id = u.organisation_id))
	AND (NOT EXISTS (SELECT 1 FROM alert_sectors s WHERE s.alert_id = $1) OR p.sector = ''
		OR p.sector IN (SELECT s.sector FROM alert_sectors s WHERE s.alert_id = $1))
	AND (NOT EXISTS (SELECT 1 FROM alert_genders g WHERE g.alert_id = $1) OR p.gender IN ('', 'prefer-not')
		OR p.gender IN (SELECT g.gender FROM alert_genders g WHERE g.alert_id = $1))`

// Channel conditions on top of targetFrom: the member chose the channel and
// has an address for it.
const (
	wantsEmail = ` AND p.alert_email AND p.email_ct IS NOT NULL`
	wantsSMS   = ` AND p.alert_sms AND p.mobile_ct IS NOT NULL`
)

// audience counts the members an alert reaches, by channel, as its
// targeting now stands.
func audience(ctx context.Context, q queryer, alertID string) (scheme.Audience, error) {
	var a scheme.Audience
	err := q.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN p.alert_email AND p.email_ct IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN p.alert_sms AND p.mobile_ct IS NOT NULL THEN 1 ELSE 0 END), 0)`+targetFrom, alertID).
		Scan(&a.InApp, &a.Email, &a.SMS)
	return a, err
}

// Audience counts the members alert id reaches, by channel.
func (area Alerts) Audience(ctx context.Context, id string) (scheme.Audience, error) {
	db := area.db

	return audience(ctx, db.read, id)
}

// BackfillDays is how far back a new member's feed starts: the alerts
// published in that time that would have reached them appear in the app
// (they are not emailed or texted: they are not new).
const BackfillDays = 30

// backfillAlerts gives a newly active member the recent alerts that target
// them, in the app.
func backfillAlerts(ctx context.Context, tx *sql.Tx, userID string, now time.Time) error {
	ids, err := queryStrings(ctx, tx, `SELECT id FROM alerts WHERE status = 'published' AND published_at >= $1`,
		now.Add(-BackfillDays*24*time.Hour))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_recipients (alert_id, user_id, via, created_at)
			SELECT $1, u.id, 'backfill', $2`+targetFrom+` AND u.id = $3 ON CONFLICT DO NOTHING`, id, now, userID); err != nil {
			return err
		}
	}
	return nil
}
