package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Alerts. A draft is written from reports, checked for anything that
// identifies a reporter (by the caller, which passes the flags in),
// approved by a second coordinator when the scheme asks for it, and
// published: the fan-out job, enqueued in the same transaction, makes the
// per-member deliveries (deliveries.go).

// PublishOptions are what publishing needs beyond the alert itself.
type PublishOptions struct {
	RequireApproval bool               // the scheme's setting
	Flags           []scheme.AlertFlag // the anonymisation check, run again just now
	OverrideReason  string             // needed while Flags is not empty
	// Urgent publishes the alert alone, out of hours (scheme.CanPublishUrgent,
	// asked again here with the rota as it is in this transaction).
	Urgent *UrgentPublish
}

// UrgentPublish is what publishing an urgent alert needs: when its review
// falls due (the start of the next working day, which the caller knows
// from the office hours).
type UrgentPublish struct {
	ReviewDue time.Time
}

// CreateAlert stores a new draft. The caller has validated it and run the
// anonymisation check (a.Flags).
func (area Alerts) CreateAlert(ctx context.Context, actor string, a scheme.Alert) (scheme.Alert, error) {
	db := area.db

	err := db.inTx(ctx, func(tx *sql.Tx) error { return db.insertAlert(ctx, tx, actor, &a) })
	return a, err
}

// CreateDraft is CreateAlert unless a draft written from every one of
// a.ReportIDs already exists (DraftFrom): then it stores nothing and
// returns that draft, with created false. The reports are locked first,
// so that two coordinators pressing "Write an alert" at once make one
// draft (SQLite's single writer already takes turns).
func (area Alerts) CreateDraft(ctx context.Context, actor string, a scheme.Alert) (scheme.Alert, bool, error) {
	db := area.db

	created := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if db.dialect == Postgres && len(a.ReportIDs) > 0 {
			var args []any
			arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
			if _, err := queryRows(ctx, tx, func(rows rowScanner) (id string, err error) { return id, rows.Scan(&id) },
				`SELECT id FROM reports WHERE id IN (`+inList(arg, a.ReportIDs)+`) ORDER BY id FOR UPDATE`, args...); err != nil {
				return err
			}
		}
		old, err := db.draftFrom(ctx, tx, a.ReportIDs)
		switch {
		case err == nil:
			a = old
			return nil
		case scheme.ErrorCode(err) != scheme.CodeNotFound:
			return err
		}
		created = true
		return db.insertAlert(ctx, tx, actor, &a)
	})
	return a, created, err
}

// DraftFrom returns the draft most recently changed among those written
// from every one of reportIDs (it may come from more reports besides), or
// a not-found error.
func (area Alerts) DraftFrom(ctx context.Context, reportIDs []string) (scheme.Alert, error) {
	db := area.db

	return db.draftFrom(ctx, db.read, reportIDs)
}

func (db *core) draftFrom(ctx context.Context, q queryer, reportIDs []string) (scheme.Alert, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(reportIDs)))
	if len(ids) == 0 {
		return scheme.Alert{}, scheme.ErrNotFound
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	in := inList(arg, ids)
	var id string
	err := q.QueryRowContext(ctx, `SELECT a.id FROM alerts a JOIN alert_reports ar ON ar.alert_id = a.id
		WHERE a.status = 'draft' AND ar.report_id IN (`+in+`)
		GROUP BY a.id, a.updated_at HAVING COUNT(*) = `+arg(len(ids))+`
		ORDER BY a.updated_at DESC, a.id LIMIT 1`, args...).Scan(&id)
	if err != nil {
		return scheme.Alert{}, mapErr(err)
	}
	return db.alert(ctx, q, id)
}

// insertAlert writes a new draft, its reports, its audience and its audit
// entry, filling in a's id, status, version and times.
func (db *core) insertAlert(ctx context.Context, tx *sql.Tx, actor string, a *scheme.Alert) error {
	now := db.now().UTC()
	a.ID, a.Status, a.Version = newID(), scheme.AlertDraft, 1
	a.CreatedBy, a.CreatedAt, a.UpdatedAt = actor, now, now
	content, flags, err := db.sealAlert(*a)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (id, status, severity, severity_rank, nationwide, incident_at,
		content_ct, flags_ct, flag_count, version, created_by, created_at, updated_by, updated_at)
		VALUES ($1, 'draft', $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $9, $10)`,
		a.ID, string(a.Severity), scheme.SeverityRank[a.Severity], a.Nationwide, a.IncidentAt.UTC(), content, flags, len(a.Flags), actor, now); err != nil {
		return fmt.Errorf("insert alert: %w", err)
	}
	for _, id := range a.ReportIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_reports (alert_id, report_id) VALUES ($1, $2)`, a.ID, id); err != nil {
			return fmt.Errorf("link report: %w", mapErr(err))
		}
	}
	if err := db.setAlertTargets(ctx, tx, *a); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.create", SubjectType: "alert", SubjectID: a.ID,
		Detail: fmt.Sprintf(`{"reports":%d,"flags":%d}`, len(a.ReportIDs), len(a.Flags))})
}

func (db *core) sealAlert(a scheme.Alert) (content, flags []byte, err error) {
	if a.Identifiers == nil {
		a.Identifiers = []scheme.Identifier{}
	}
	if content, err = db.sealJSON("alerts", "content", a.ID, a.AlertContent); err != nil {
		return nil, nil, err
	}
	if a.Flags == nil {
		a.Flags = []scheme.AlertFlag{}
	}
	flags, err = db.sealJSON("alerts", "flags", a.ID, a.Flags)
	return content, flags, err
}

// setAlertTargets replaces the alert's regions, towns, sectors, genders, incident
// types and searchable identifiers.
func (db *core) setAlertTargets(ctx context.Context, tx *sql.Tx, a scheme.Alert) error {
	sets := []struct {
		table, column string
		values        []string
	}{
		{"alert_regions", "region", a.Regions},
		{"alert_towns", "town", a.Towns},
		{"alert_sectors", "sector", a.Sectors},
		{"alert_genders", "gender", a.Genders},
		{"alert_incident_types", "type", a.IncidentTypes},
	}
	for _, s := range sets {
		// #nosec G202 -- table and column names from the fixed list above; values are arguments
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.table+` WHERE alert_id = $1`, a.ID); err != nil {
			return err
		}
		for _, v := range compact(s.values) {
			// #nosec G202 -- table and column names from the fixed list above; values are arguments
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+s.table+` (alert_id, `+s.column+`) VALUES ($1, $2)`, a.ID, v); err != nil {
				return fmt.Errorf("%s %q: %w", s.column, v, err)
			}
		}
	}
	return db.setAlertIdentifiers(ctx, tx, a)
}

func (db *core) setAlertIdentifiers(ctx context.Context, tx *sql.Tx, a scheme.Alert) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM alert_identifiers WHERE alert_id = $1`, a.ID); err != nil {
		return err
	}
	for _, id := range a.Identifiers {
		k, ok := indexKind[id.Kind]
		if !ok || id.Partial || id.Normalised == "" {
			continue
		}
		idx, err := db.index(k, id.Normalised)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_identifiers (alert_id, kind, value_idx) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, a.ID, id.Kind, idx); err != nil {
			return err
		}
	}
	return nil
}

func compact(vs []string) []string {
	out := slices.Clone(vs)
	slices.Sort(out)
	return slices.Compact(out)
}

// UpdateAlert saves a coordinator's edit. A draft's content and targeting
// are replaced and any approval is cleared (the approver approved other
// words). A published alert's content becomes a new version, the old one
// kept; its targeting and severity cannot change (it has gone out already).
func (area Alerts) UpdateAlert(ctx context.Context, actor string, a scheme.Alert) (scheme.Alert, error) {
	db := area.db

	err := db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := db.alert(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if err := scheme.CanEdit(old, a); err != nil {
			return err
		}
		now := db.now().UTC()
		a.Status, a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.ReportIDs = old.Status, old.CreatedBy, old.CreatedAt, now, old.ReportIDs
		a.Urgent, a.Review = old.Urgent, old.Review
		content, flags, err := db.sealAlert(a)
		if err != nil {
			return err
		}
		switch old.Status {
		case scheme.AlertDraft:
			a.Version = 1
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET severity = $1, severity_rank = $2, nationwide = $3, incident_at = $4,
				content_ct = $5, flags_ct = $6, flag_count = $7, updated_by = $8, updated_at = $9, approved_by = NULL, approved_at = NULL
				WHERE id = $10`, string(a.Severity), scheme.SeverityRank[a.Severity], a.Nationwide, a.IncidentAt.UTC(),
				content, flags, len(a.Flags), actor, now, a.ID); err != nil {
				return err
			}
			if err := db.setAlertTargets(ctx, tx, a); err != nil {
				return err
			}
		case scheme.AlertPublished:
			a.Version = old.Version + 1
			a.Severity, a.IncidentTypes, a.IncidentAt = old.Severity, old.IncidentTypes, old.IncidentAt
			a.PublishedAt, a.PublishedBy, a.ApprovedBy, a.ApprovedAt = old.PublishedAt, old.PublishedBy, old.ApprovedBy, old.ApprovedAt
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET content_ct = $1, flags_ct = $2, flag_count = $3, version = $4,
				updated_by = $5, updated_at = $6 WHERE id = $7`, content, flags, len(a.Flags), a.Version, actor, now, a.ID); err != nil {
				return err
			}
			if err := db.insertAlertVersion(ctx, tx, a, actor, now); err != nil {
				return err
			}
			if a.OverrideReason != "" {
				ct, err := db.seal("alerts", "override", a.ID, a.OverrideReason)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE alerts SET override_ct = $1 WHERE id = $2`, ct, a.ID); err != nil {
					return err
				}
			}
			if err := db.setAlertIdentifiers(ctx, tx, a); err != nil {
				return err
			}
		}
		action := "alert.edit"
		if old.Status == scheme.AlertPublished && reviewPending(old) {
			action = "alert.urgent_edit" // an edit while it waits for review, as like as not the review's
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "alert", SubjectID: a.ID,
			Detail: fmt.Sprintf(`{"status":%q,"version":%d,"flags":%d}`, old.Status, a.Version, len(a.Flags))})
	})
	return a, err
}

func (db *core) insertAlertVersion(ctx context.Context, tx *sql.Tx, a scheme.Alert, actor string, at time.Time) error {
	key := fmt.Sprintf("%s/%d", a.ID, a.Version)
	ct, err := db.sealJSON("alert_versions", "content", key, a.AlertContent)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO alert_versions (alert_id, version, content_ct, edited_by, edited_at) VALUES ($1, $2, $3, $4, $5)`,
		a.ID, a.Version, ct, actor, at)
	return err
}

// AlertVersions lists a published alert's versions, newest first.
func (area Alerts) AlertVersions(ctx context.Context, id string) ([]scheme.AlertVersion, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (v scheme.AlertVersion, err error) {
		var ct []byte
		if err := rows.Scan(&v.Version, &ct, &v.EditedBy, &v.EditedAt); err != nil {
			return v, err
		}
		if err := db.openJSON("alert_versions", "content", fmt.Sprintf("%s/%d", id, v.Version), ct, &v.Content); err != nil {
			return v, err
		}
		return v, nil
	}, `SELECT version, content_ct, edited_by, edited_at FROM alert_versions
		WHERE alert_id = $1 ORDER BY version DESC`, id)
}

// ApproveAlert records a second coordinator's approval of a draft. Whoever
// wrote or last edited it cannot approve it (scheme.CanApprove, asked here
// again on the row as it is in this transaction, locked on PostgreSQL, so
// that an edit or an approval racing this one is seen).
func (area Alerts) ApproveAlert(ctx context.Context, actor, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var a scheme.Alert
		if err := tx.QueryRowContext(ctx, `SELECT status, created_by, updated_by FROM alerts WHERE id = $1`+db.lockRow(), id).
			Scan(&a.Status, &a.CreatedBy, &a.UpdatedBy); err != nil {
			return mapErr(err)
		}
		if err := scheme.CanApprove(a, scheme.User{ID: actor}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET approved_by = $1, approved_at = $2 WHERE id = $3`, actor, db.now().UTC(), id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.approve", SubjectType: "alert", SubjectID: id})
	})
}

// PublishAlert publishes a draft: it checks approval, the anonymisation
// flags (an override needs a reason) and that every report it came from
// still has the reporter's consent; marks those reports published; and
// enqueues the fan-out in the same transaction. It returns how many members
// it reaches by each channel.
func (area Alerts) PublishAlert(ctx context.Context, actor, id string, o PublishOptions) (scheme.Audience, error) {
	db := area.db

	var aud scheme.Audience
	o.OverrideReason = strings.TrimSpace(o.OverrideReason)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		var approvedBy sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT status, approved_by FROM alerts WHERE id = $1`+db.lockRow(), id).Scan(&status, &approvedBy); err != nil {
			return mapErr(err)
		}
		if o.Urgent != nil {
			onCall, err := db.onCallAt(ctx, tx, actor, db.now())
			if err != nil {
				return err
			}
			if err := scheme.CanPublishUrgent(scheme.Alert{Status: scheme.AlertStatus(status)}, scheme.UrgentConditions{OnCall: onCall, Flags: o.Flags}); err != nil {
				return err
			}
		} else if err := scheme.ReadyToPublish(scheme.Alert{Status: scheme.AlertStatus(status), ApprovedBy: approvedBy.String}, o.RequireApproval); err != nil {
			return err
		}
		if err := scheme.OverrideNeeded(o.Flags, o.OverrideReason); err != nil {
			return err
		}
		var withheld int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM alert_reports ar JOIN reports r ON r.id = ar.report_id
			WHERE ar.alert_id = $1 AND NOT r.consent_alert`, id).Scan(&withheld); err != nil {
			return err
		}
		if withheld > 0 {
			return scheme.Errorf(scheme.CodeConflict, "%d of the reports behind this alert no longer have the reporter's consent to an alert. Remove them or keep this as intelligence.", withheld)
		}
		a, err := db.alert(ctx, tx, id)
		if err != nil {
			return err
		}
		now := db.now().UTC()
		s := &sealer{db: db, table: "alerts", id: id}
		var override []byte
		if len(o.Flags) > 0 {
			override = s.seal("override", o.OverrideReason)
		}
		flags, err := db.sealJSON("alerts", "flags", id, nonNilFlags(o.Flags))
		if err = firstErr(err, s.err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET status = 'published', published_by = $1, published_at = $2, updated_at = $2,
			flags_ct = $3, flag_count = $4, override_ct = $5 WHERE id = $6`, actor, now, flags, len(o.Flags), override, id); err != nil {
			return err
		}
		if o.Urgent != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET urgent = TRUE, review_state = 'pending', review_due_at = $1 WHERE id = $2`,
				o.Urgent.ReviewDue.UTC(), id); err != nil {
				return err
			}
		}
		a.Version = 1
		if err := db.insertAlertVersion(ctx, tx, a, actor, now); err != nil {
			return err
		}
		for _, rid := range a.ReportIDs {
			res, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'published', updated_at = $1, acknowledged_at = COALESCE(acknowledged_at, $1)
				WHERE id = $2 AND status IN ('submitted', 'in_review')`, now, rid)
			if err != nil {
				return err
			}
			detail := "alert"
			if n, _ := res.RowsAffected(); n == 0 {
				detail = "alert (status unchanged)"
			}
			if err := db.reportEvent(ctx, tx, rid, actor, "alert_published", detail, ""); err != nil {
				return err
			}
		}
		if aud, err = db.audience(ctx, tx, id); err != nil {
			return err
		}
		// In parts, one job each, that several workers (and instances)
		// can take at once.
		parts := db.fanOutParts()
		for part := range parts {
			if err := db.top.EnqueueTx(ctx, tx, outbox.AlertFanOutArgs{AlertID: id, Part: part, Parts: parts}, nil); err != nil {
				return err
			}
		}
		if o.Urgent != nil {
			return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.urgent_publish", SubjectType: "alert", SubjectID: id,
				Detail: fmt.Sprintf(`{"review_due":%q,"in_app":%d,"email":%d,"sms":%d,"push":%d}`,
					o.Urgent.ReviewDue.UTC().Format(time.RFC3339), aud.InApp, aud.Email, aud.SMS, aud.Push)})
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.publish", SubjectType: "alert", SubjectID: id,
			Detail: fmt.Sprintf(`{"flags":%d,"override":%t,"approved_by":%q,"in_app":%d,"email":%d,"sms":%d,"push":%d}`,
				len(o.Flags), len(o.Flags) > 0, approvedBy.String, aud.InApp, aud.Email, aud.SMS, aud.Push)})
	})
	return aud, err
}

func nonNilFlags(fs []scheme.AlertFlag) []scheme.AlertFlag {
	if fs == nil {
		return []scheme.AlertFlag{}
	}
	return fs
}

// WithdrawAlert takes a published alert out of members' feeds: they see
// the notice instead (alert.Service.Withdraw requires one). Email and SMS not yet sent are cancelled.
func (area Alerts) WithdrawAlert(ctx context.Context, actor, id, notice string) error {
	db := area.db

	notice = strings.TrimSpace(notice)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM alerts WHERE id = $1`+db.lockRow(), id).Scan(&status); err != nil {
			return mapErr(err)
		}
		if err := scheme.CanWithdraw(scheme.Alert{Status: scheme.AlertStatus(status)}); err != nil {
			return err
		}
		ct, err := db.seal("alerts", "notice", id, notice)
		if err != nil {
			return err
		}
		now := db.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE alerts SET status = 'withdrawn', withdrawn_by = $1, withdrawn_at = $2, updated_at = $2,
			notice_ct = $3 WHERE id = $4`, actor, now, ct, id); err != nil {
			return err
		}
		// Members who have not opened it yet see the withdrawal as unread.
		if _, err := tx.ExecContext(ctx, `UPDATE alert_recipients SET read_at = NULL WHERE alert_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE alert_deliveries SET status = 'cancelled', updated_at = $1
			WHERE alert_id = $2 AND status IN ('queued', 'retrying')`, now, id); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.withdraw", SubjectType: "alert", SubjectID: id}); err != nil {
			return err
		}
		return db.closeReview(ctx, tx, actor, id, scheme.ReviewWithdrawn, now)
	})
}

// DiscardAlert deletes a draft that will not be published.
func (area Alerts) DiscardAlert(ctx context.Context, actor, id string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM alerts WHERE id = $1 AND status = 'draft'`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return scheme.Errorf(scheme.CodeConflict, "Only a draft can be discarded.")
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "alert.discard", SubjectType: "alert", SubjectID: id})
	})
}

const alertColumns = `a.id, a.status, a.severity, a.nationwide, a.incident_at, a.content_ct, a.flags_ct, a.override_ct, a.version,
	a.created_by, a.updated_by, a.created_at, a.updated_at, a.approved_by, a.approved_at, a.published_by, a.published_at, a.withdrawn_at, a.notice_ct,
	a.urgent, a.review_state, a.review_due_at, a.reviewed_by, a.reviewed_at`

func (db *core) scanAlert(sc rowScanner, extra ...any) (scheme.Alert, error) {
	return db.scanAlertAs(sc, false, extra...)
}

// scanAlertAs reads an alert row. lenient (for lists) marks an alert whose
// encrypted fields do not open as Unreadable, with no content, instead of
// failing the whole list; the alert's own page still fails.
func (db *core) scanAlertAs(sc rowScanner, lenient bool, extra ...any) (scheme.Alert, error) {
	var a scheme.Alert
	var status, severity string
	var content, flags, override, notice []byte
	var approvedBy, publishedBy sql.NullString
	var approvedAt, publishedAt, withdrawnAt sql.NullTime
	var rv review
	dest := append([]any{&a.ID, &status, &severity, &a.Nationwide, &a.IncidentAt, &content, &flags, &override, &a.Version,
		&a.CreatedBy, &a.UpdatedBy, &a.CreatedAt, &a.UpdatedAt, &approvedBy, &approvedAt, &publishedBy, &publishedAt, &withdrawnAt, &notice,
		&a.Urgent, &rv.state, &rv.due, &rv.by, &rv.at}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return a, mapErr(err)
	}
	a.Review = rv.of()
	a.Status, a.Severity = scheme.AlertStatus(status), scheme.Severity(severity)
	a.ApprovedBy, a.ApprovedAt, a.PublishedBy, a.PublishedAt, a.WithdrawnAt = approvedBy.String, approvedAt.Time, publishedBy.String, publishedAt.Time, withdrawnAt.Time
	var errs []error
	keep := func(err error) {
		if err == nil {
			return
		}
		if lenient && unreadable(err) {
			a.Unreadable = true
			return
		}
		errs = append(errs, err)
	}
	keep(db.openJSON("alerts", "content", a.ID, content, &a.AlertContent))
	keep(db.openJSON("alerts", "flags", a.ID, flags, &a.Flags))
	var err error
	a.OverrideReason, err = db.openOptional("alerts", "override", a.ID, override)
	keep(err)
	a.Notice, err = db.openOptional("alerts", "notice", a.ID, notice)
	keep(err)
	if a.Unreadable { // show nothing of it rather than part
		a.AlertContent, a.Flags, a.OverrideReason, a.Notice = scheme.AlertContent{}, nil, "", ""
	}
	return a, errors.Join(errs...)
}

// alert loads one alert with its targeting and reports.
func (db *core) alert(ctx context.Context, q queryer, id string) (scheme.Alert, error) {
	a, err := db.scanAlert(q.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts a WHERE a.id = $1`, id))
	if err != nil {
		return a, err
	}
	as := []scheme.Alert{a}
	if err := db.fillAlertLists(ctx, q, as, true); err != nil {
		return a, err
	}
	return as[0], nil
}

// fillAlertLists loads regions, sectors, genders and incident types (and,
// for coordinators, report ids) of many alerts in one query each.
func (db *core) fillAlertLists(ctx context.Context, q queryer, as []scheme.Alert, reports bool) error {
	if len(as) == 0 {
		return nil
	}
	at := make(map[string]int, len(as))
	var ph []string
	var args []any
	for i, a := range as {
		at[a.ID] = i
		args = append(args, a.ID)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	in := strings.Join(ph, ", ")
	lists := []struct {
		query string
		set   func(a *scheme.Alert, v string)
	}{
		{`SELECT alert_id, region FROM alert_regions WHERE alert_id IN (` + in + `) ORDER BY region`, func(a *scheme.Alert, v string) { a.Regions = append(a.Regions, v) }},
		{`SELECT alert_id, town FROM alert_towns WHERE alert_id IN (` + in + `) ORDER BY town`, func(a *scheme.Alert, v string) { a.Towns = append(a.Towns, v) }},
		{`SELECT alert_id, sector FROM alert_sectors WHERE alert_id IN (` + in + `) ORDER BY sector`, func(a *scheme.Alert, v string) { a.Sectors = append(a.Sectors, v) }},
		{`SELECT alert_id, gender FROM alert_genders WHERE alert_id IN (` + in + `) ORDER BY gender`, func(a *scheme.Alert, v string) { a.Genders = append(a.Genders, v) }},
		{`SELECT alert_id, type FROM alert_incident_types WHERE alert_id IN (` + in + `) ORDER BY type`, func(a *scheme.Alert, v string) { a.IncidentTypes = append(a.IncidentTypes, v) }},
	}
	if reports {
		lists = append(lists, struct {
			query string
			set   func(a *scheme.Alert, v string)
		}{`SELECT alert_id, report_id FROM alert_reports WHERE alert_id IN (` + in + `) ORDER BY report_id`, func(a *scheme.Alert, v string) { a.ReportIDs = append(a.ReportIDs, v) }})
	}
	for _, l := range lists {
		err := eachPair(ctx, q, func(id, v string) { l.set(&as[at[id]], v) }, l.query, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// Alert returns one alert in full, for coordinators.
func (area Alerts) Alert(ctx context.Context, id string) (scheme.Alert, error) {
	db := area.db

	return db.alert(ctx, db.read, id)
}

// Alerts lists alerts for coordinators: drafts first, then newest; at
// most f.Limit (default 200).
func (area Alerts) Alerts(ctx context.Context, f scheme.AlertFilter) ([]scheme.Alert, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q, args := alertsWhere(f)
	l, err := area.db.listAlerts(ctx, scheme.Page{Number: 1, Size: f.Limit}, q,
		`CASE WHEN a.status = 'draft' THEN 0 ELSE 1 END, COALESCE(a.published_at, a.updated_at) DESC, a.id`, args, true)
	return l.Items, err
}

// AlertPage is page p of the alerts Alerts lists (without f.Limit), as
// the coordinators' page shows them: drafts first, then the published,
// then the withdrawn, each newest first; and how many there are in all.
func (area Alerts) AlertPage(ctx context.Context, f scheme.AlertFilter, p scheme.Page) (scheme.Listed[scheme.Alert], error) {
	q, args := alertsWhere(f)
	return area.db.listAlerts(ctx, p, q, `CASE a.status WHEN 'draft' THEN 0 WHEN 'published' THEN 1 ELSE 2 END,
		COALESCE(a.published_at, a.updated_at) DESC, a.id`, args, true)
}

// alertsWhere selects the alerts f asks for.
func alertsWhere(f scheme.AlertFilter) (string, []any) {
	q := `SELECT ` + alertColumns + ` FROM alerts a WHERE 1 = 1`
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(f.Statuses) > 0 {
		q += ` AND a.status IN (` + inList(arg, f.Statuses) + `)`
	}
	if f.ReportID != "" {
		q += ` AND a.id IN (SELECT alert_id FROM alert_reports WHERE report_id = ` + arg(f.ReportID) + `)`
	}
	return q, args
}

// listAlerts runs page p of a list of alerts (see listPage), with their
// lists filled in; members get what members may read of each.
func (db *core) listAlerts(ctx context.Context, p scheme.Page, sel, order string, args []any, staff bool) (scheme.Listed[scheme.Alert], error) {
	l, err := listPage(ctx, db, p, func(rows rowScanner) (scheme.Alert, error) {
		if staff {
			return db.scanAlertAs(rows, true)
		}
		var readAt sql.NullTime
		a, err := db.scanAlertAs(rows, true, &readAt)
		a.ReadAt = readAt.Time
		return a, err
	}, sel, order, args...)
	if err != nil {
		return l, err
	}
	if err := db.fillAlertLists(ctx, db.read, l.Items, staff); err != nil {
		return l, err
	}
	if !staff {
		for i := range l.Items {
			l.Items[i] = l.Items[i].ForMembers()
		}
	}
	return l, nil
}

// Setting returns a scheme setting, or def when it was never set.
func (area Alerts) Setting(ctx context.Context, key, def string) (string, error) {
	db := area.db

	var v string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return def, nil
	}
	return v, err
}

// SetSetting changes a scheme setting, recorded in the audit log.
func (area Alerts) SetSetting(ctx context.Context, actor, key, value string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.putSetting(ctx, tx, actor, key, value); err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]string{"key": key, "value": value})
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "setting.change", SubjectType: "setting", SubjectID: key, Detail: string(detail)})
	})
}

// lockRow is what a SELECT of one row adds to lock it until the
// transaction ends: nothing on SQLite, whose writer is already exclusive.
func (db *core) lockRow() string {
	if db.dialect == Postgres {
		return ` FOR UPDATE`
	}
	return ""
}
