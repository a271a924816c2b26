package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
)

// An alert as the members it reached read it: their feed, one alert, and
// the alerts that name an identifier they checked.

// MemberAlerts is a member's feed: the alerts they received, newest first,
// published or withdrawn (a withdrawn one carries only its notice), from
// f.Before on, at most f.Limit (default 50).
func (area Alerts) MemberAlerts(ctx context.Context, userID string, f scheme.MemberAlertFilter) ([]scheme.Alert, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	l, err := area.MemberAlertPage(ctx, userID, f, scheme.Page{Number: 1, Size: f.Limit})
	return l.Items, err
}

// MemberAlertPage is page p of a member's feed (as MemberAlerts, without
// f.Limit), and how many alerts the feed holds in all.
func (area Alerts) MemberAlertPage(ctx context.Context, userID string, f scheme.MemberAlertFilter, p scheme.Page) (scheme.Listed[scheme.Alert], error) {
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
	return db.listAlerts(ctx, p, q, `a.published_at DESC, a.id`, args, false)
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
		WHERE r.user_id = $1 AND a.status = 'published' AND a.id IN (` + strings.Join(marks, ", ") + `)`
	l, err := db.listAlerts(ctx, scheme.Page{Number: 1, Size: 50}, q, `a.published_at DESC, a.id`, args, false)
	return l.Items, err
}

// AddAddition records what a member adds to an alert they received (the
// caller has checked body: alert.Service.AddAddition). It waits for a
// coordinator before anyone else sees it.
func (area Alerts) AddAddition(ctx context.Context, userID, alertID, body string) (scheme.Addition, error) {
	db := area.db

	body = strings.TrimSpace(body)
	ad := scheme.Addition{ID: newID(), AlertID: alertID, AuthorID: userID, Mine: true, Body: body, Status: scheme.AdditionPending, CreatedAt: db.now().UTC()}
	if l, ok := i18n.FromContext(ctx); ok { // the language of the page she wrote it on
		ad.Language = l.Code
	}
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_additions (id, alert_id, author_id, body_ct, status, created_at, language)
			VALUES ($1, $2, $3, $4, 'pending', $5, $6)`, ad.ID, alertID, userID, ct, ad.CreatedAt, ad.Language); err != nil {
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

	q := `SELECT id, alert_id, author_id, body_ct, status, created_at, moderated_at, language FROM alert_additions WHERE alert_id = $1`
	args := []any{alertID}
	if !staff {
		q += ` AND (status = 'approved' OR author_id = $2)`
		args = append(args, viewer)
	}
	return db.additions(ctx, q+` ORDER BY created_at, id`, viewer, args...)
}

// PendingAdditions lists page p of the additions waiting for a
// coordinator, oldest first.
func (area Alerts) PendingAdditions(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.Addition], error) {
	db := area.db

	return listPage(ctx, db, p, db.scanAddition(""), `SELECT id, alert_id, author_id, body_ct, status, created_at, moderated_at, language FROM alert_additions
		WHERE status = 'pending'`, `created_at, id`)
}

func (db *core) additions(ctx context.Context, q, viewer string, args ...any) ([]scheme.Addition, error) {
	return queryRows(ctx, db.read, db.scanAddition(viewer), q, args...)
}

// scanAddition reads an addition, marked Mine when viewer wrote it.
func (db *core) scanAddition(viewer string) func(rowScanner) (scheme.Addition, error) {
	return func(rows rowScanner) (ad scheme.Addition, err error) {
		var ct []byte
		var moderated sql.NullTime
		if err := rows.Scan(&ad.ID, &ad.AlertID, &ad.AuthorID, &ct, &ad.Status, &ad.CreatedAt, &moderated, &ad.Language); err != nil {
			return ad, err
		}
		ad.ModeratedAt, ad.Mine = moderated.Time, viewer != "" && ad.AuthorID == viewer
		if ad.Body, err = db.open("alert_additions", "body", ad.ID, ct); err != nil {
			return ad, err
		}
		return ad, nil
	}
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

// Targeting: who an alert reaches. One rule, written once, used to count
// the audience before publishing, to fan out after it and to backfill a
// new member's feed:
//
//   - active members only (individuals, organisations' key contacts and
//     staff), never applicants, revoked members or scheme staff;
//   - nationwide, or a member in one of the alert's regions (an
//     organisation's staff count as being in their key contact's regions);
//   - within a region where the alert names towns, a member who chose one
//     of those towns or who narrowed to no town there (the key contact's
//     towns for staff, as for regions). A region where the alert names no
//     town reaches all its members, those who narrowed to towns too: a
//     member who chose "Camden" still gets an alert for all of London.
//     Her retired towns still match an alert that names them, but a
//     member whose towns in a region are all retired counts as not having
//     narrowed there, so that no admin's change leaves her unwarned;
//   - when the alert names sectors, a member whose sector is one of them or
//     who did not say; likewise for genders ("prefer not to say" counts as
//     not saying). Nobody is left unwarned for declining a monitoring
//     question.
//
// $1 is the alert id. targetFrom selects from users u joined to profiles p;
// targetWho, targetPlace and targetTraits are its three conditions, so
// that a fan-out or count that reads its candidates from the region index
// (reachable) applies the same rule to them, and a nationwide one skips
// the place.
const targetFrom = ` FROM users u JOIN profiles p ON p.user_id = u.id
	WHERE` + targetWho + targetPlace + targetTraits

// targetWho: active members, key contacts and staff.
const targetWho = ` u.status = 'active' AND u.role IN ('member', 'org_contact', 'org_staff')`

// targetPlace: nationwide, or in one of the alert's regions (and towns),
// or staff of an organisation whose key contact is.
const targetPlace = `
	AND (EXISTS (SELECT 1 FROM alerts a WHERE a.id = $1 AND a.nationwide)
		OR EXISTS (SELECT 1 FROM alert_regions ar JOIN profile_regions pr ON pr.region = ar.region
			WHERE ar.alert_id = $1 AND pr.user_id = u.id` + inTowns + `)
		OR EXISTS (SELECT 1 FROM alert_regions ar JOIN profile_regions pr ON pr.region = ar.region
			JOIN users k ON k.id = pr.user_id AND k.role = 'org_contact'
			WHERE ar.alert_id = $1 AND u.organisation_id IS NOT NULL AND k.organisation_id = u.organisation_id` + inTowns + `))`

// targetTraits: the alert's sectors and genders, if it names any.
const targetTraits = `
	AND (NOT EXISTS (SELECT 1 FROM alert_sectors s WHERE s.alert_id = $1) OR p.sector = ''
		OR p.sector IN (SELECT s.sector FROM alert_sectors s WHERE s.alert_id = $1))
	AND (NOT EXISTS (SELECT 1 FROM alert_genders g WHERE g.alert_id = $1) OR p.gender IN ('', 'prefer-not')
		OR p.gender IN (SELECT g.gender FROM alert_genders g WHERE g.alert_id = $1))`

// reachable selects, as id, everyone regional alert $1 may reach: the
// members of its regions, read from the region index (profile_regions by
// region and user), and everyone in an organisation (a few, by a partial
// index), whom a key contact's regions may bring in. It is a superset of
// targetPlace's members, which the targeting then narrows; within bounds
// each part to a range of ids (a fan-out's batch), or is "".
func reachable(within func(column string) string) string {
	return `SELECT pr.user_id AS id FROM alert_regions ar JOIN profile_regions pr ON pr.region = ar.region
		WHERE ar.alert_id = $1` + within("pr.user_id") + `
		UNION SELECT id FROM users WHERE organisation_id IS NOT NULL` + within("id")
}

// anywhere is a within that bounds nothing.
func anywhere(string) string { return "" }

// inTowns narrows a match of the alert's region ar with the profile region
// pr (of the member, or her key contact) by towns, as targetFrom says.
const inTowns = `
			AND (NOT EXISTS (SELECT 1 FROM alert_towns aw JOIN towns t ON t.slug = aw.town
					WHERE aw.alert_id = $1 AND t.region = ar.region)
				OR NOT EXISTS (SELECT 1 FROM profile_towns pt JOIN towns t ON t.slug = pt.town
					WHERE pt.user_id = pr.user_id AND t.region = ar.region AND t.retired_at IS NULL)
				OR EXISTS (SELECT 1 FROM profile_towns pt JOIN alert_towns aw ON aw.town = pt.town JOIN towns t ON t.slug = pt.town
					WHERE pt.user_id = pr.user_id AND aw.alert_id = $1 AND t.region = ar.region))`

// Channel conditions on a recipient's profile p: she chose the channel and
// has an address for it. The address is known by its blind index, set and
// cleared with it, so that the fan-out reads the channels from its
// covering index (profiles_fanout) rather than the profile's row.
const (
	wantsEmail = `p.alert_email AND p.email_idx IS NOT NULL`
	wantsSMS   = `p.alert_sms AND p.mobile_idx IS NOT NULL`
)

// fanOutTables are users u and profiles p as the fan-out and the audience
// read them: on SQLite from their covering indexes (migration 0033), named,
// for without statistics (a scheme's database is never analysed) SQLite
// would read the tables' rows instead, at several times the cost.
func (db *core) fanOutTables() (users, profiles string) {
	if db.dialect == SQLite {
		return `users u INDEXED BY users_fanout`, `profiles p INDEXED BY profiles_fanout`
	}
	return `users u`, `profiles p`
}

// audience counts the members an alert reaches, by channel, as its
// targeting now stands; push counts their devices. A regional alert's are
// counted among the candidates its fan-out reads (reachable), so that the
// count costs what the alert's reach does, and is the fan-out's.
func (db *core) audience(ctx context.Context, q queryer, alertID string) (scheme.Audience, error) {
	var a scheme.Audience
	var nationwide bool
	switch err := q.QueryRowContext(ctx, `SELECT nationwide FROM alerts WHERE id = $1`, alertID).Scan(&nationwide); {
	case err == sql.ErrNoRows:
		return a, nil // no alert reaches nobody
	case err != nil:
		return a, err
	}
	users, profiles := db.fanOutTables()
	from := ` FROM ` + users + ` JOIN ` + profiles + ` ON p.user_id = u.id WHERE` + targetWho + targetTraits
	if !nationwide {
		from = ` FROM (` + reachable(anywhere) + `) b CROSS JOIN ` + users + ` CROSS JOIN ` + profiles + `
			WHERE u.id = b.id AND p.user_id = u.id AND` + targetWho + targetPlace + targetTraits
	}
	// #nosec G202 -- constant fragments and $n placeholders
	err := q.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN `+wantsEmail+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+wantsSMS+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM((SELECT COUNT(*) FROM push_subscriptions ps WHERE ps.user_id = u.id)), 0)`+from, alertID).
		Scan(&a.InApp, &a.Email, &a.SMS, &a.Push)
	return a, err
}

// Audience counts the members alert id reaches, by channel.
func (area Alerts) Audience(ctx context.Context, id string) (scheme.Audience, error) {
	db := area.db

	return db.audience(ctx, db.read, id)
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
