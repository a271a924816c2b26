package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// indexKind maps a report's identifier kind to its blind-index key.
var indexKind = map[string]vault.Kind{
	"phone": vault.KindPhone, "email": vault.KindEmail, "vehicle": vault.KindPlate,
	"name": vault.KindName, "username": vault.KindHandle,
}

func (db *core) sealJSON(table, column, id string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return db.seal(table, column, id, string(b))
}

func (db *core) openJSON(table, column, id string, ct []byte, v any) error {
	s, err := db.open(table, column, id, ct)
	if err != nil || s == "" {
		return err
	}
	return json.Unmarshal([]byte(s), v)
}

// CreateReport stores a validated report (identifiers already normalised)
// with its offenders and identifiers, links its offenders to any earlier
// ones sharing an identifier, and records it, in one transaction. It returns
// the report with ids filled in.
func (area Reports) CreateReport(ctx context.Context, r scheme.Report) (scheme.Report, error) {
	db := area.db

	r.ID = newID()
	if r.Status == "" {
		r.Status = scheme.ReportSubmitted
	}
	for i := range r.Original.Offenders {
		r.Original.Offenders[i].ID = newID()
	}
	r.Working = r.Original
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if r.DraftID != "" {
			// Sent twice (a double tap on a slow line): the first one stands.
			var existing string
			err := tx.QueryRowContext(ctx, `SELECT id FROM reports WHERE source_draft = $1`, r.DraftID).Scan(&existing)
			if err == nil {
				r.ID = existing
				return errAlreadyFiled
			} else if err != sql.ErrNoRows {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM report_drafts WHERE id = $1 AND user_id = $2`, r.DraftID, r.ReporterID); err != nil {
				return err
			}
		}
		if err := db.insertReport(ctx, tx, r); err != nil {
			return err
		}
		for i, o := range r.Original.Offenders {
			pid, err := db.insertOffender(ctx, tx, r.ID, i, o)
			if err != nil {
				return err
			}
			if pid, err = db.autoLink(ctx, tx, o.ID, pid); err != nil {
				return err
			}
			r.Original.Offenders[i].ProfileID = pid
		}
		r.Working = r.Original
		if err := db.reportEvent(ctx, tx, r.ID, r.ReporterID, "submitted", "", ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: r.ReporterID, Action: "report.submit", SubjectType: "report", SubjectID: r.ID,
			Detail: fmt.Sprintf(`{"third_party":%t,"late":%t}`, r.ThirdParty, r.Late)})
	})
	if err == errAlreadyFiled {
		return db.top.Reports.Report(ctx, r.ID)
	}
	return r, err
}

var errAlreadyFiled = errors.New("report already filed from this draft")

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (db *core) insertReport(ctx context.Context, tx *sql.Tx, r scheme.Report) error {
	orig, err := db.sealJSON("reports", "original", r.ID, r.Original)
	if err != nil {
		return err
	}
	work, err := db.sealJSON("reports", "working", r.ID, r.Working)
	if err != nil {
		return err
	}
	c := r.Consents
	_, err = tx.ExecContext(ctx, `INSERT INTO reports (id, reporter_id, source_draft, organisation_id, third_party, status, severity, severity_rank, region,
		incident_at, time_known, submitted_at, delay_minutes, late, place_kind, contact_method, victim_gender, victim_sector, police_reported,
		consent_alert, consent_police, consent_support, consent_police_contact, original_ct, working_ct, acknowledge_by, updated_at)
		VALUES ($1, $2, $26, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $11)`,
		r.ID, nullable(r.ReporterID), nullable(r.OrganisationID), r.ThirdParty, string(r.Status), string(r.Severity), scheme.SeverityRank[r.Severity], r.Region,
		r.IncidentAt.UTC(), r.TimeKnown, r.SubmittedAt.UTC(), int64(r.Delay/time.Minute), r.Late, r.PlaceKind, r.ContactMethod, r.VictimGender, r.VictimSector,
		r.PoliceReported, c.Alert, c.Police, c.Support, c.PoliceContact, orig, work, r.AcknowledgeBy.UTC(), nullable(r.DraftID))
	if err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	for _, t := range r.IncidentTypes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_incident_types (report_id, type) VALUES ($1, $2)`, r.ID, t); err != nil {
			return fmt.Errorf("incident type %q: %w", t, err)
		}
	}
	return nil
}

// reportEvent adds a line to a report's case timeline.
func (db *core) reportEvent(ctx context.Context, tx *sql.Tx, reportID, actor, kind, detail, body string) error {
	id := newID()
	var ct []byte
	if body != "" {
		var err error
		if ct, err = db.seal("report_events", "body", id, body); err != nil {
			return err
		}
	}
	if actor == "" {
		actor = "system"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO report_events (id, report_id, at, actor, kind, detail, body_ct) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, reportID, db.now().UTC(), actor, kind, detail, ct)
	return err
}

const reportColumns = `r.id, r.reporter_id, r.organisation_id, r.third_party, r.status, r.severity, r.region, r.incident_at, r.time_known,
	r.submitted_at, r.delay_minutes, r.late, r.place_kind, r.contact_method, r.victim_gender, r.victim_sector, r.police_reported,
	r.consent_alert, r.consent_police, r.consent_support, r.consent_police_contact, r.acknowledge_by, r.acknowledged_at`

func scanReport(sc rowScanner) (scheme.Report, error) {
	var r scheme.Report
	var reporter, org sql.NullString
	var status, severity string
	var delay int64
	var ack sql.NullTime
	err := sc.Scan(&r.ID, &reporter, &org, &r.ThirdParty, &status, &severity, &r.Region, &r.IncidentAt, &r.TimeKnown,
		&r.SubmittedAt, &delay, &r.Late, &r.PlaceKind, &r.ContactMethod, &r.VictimGender, &r.VictimSector, &r.PoliceReported,
		&r.Consents.Alert, &r.Consents.Police, &r.Consents.Support, &r.Consents.PoliceContact, &r.AcknowledgeBy, &ack)
	r.ReporterID, r.OrganisationID, r.Status, r.Severity = reporter.String, org.String, scheme.ReportStatus(status), scheme.Severity(severity)
	r.Delay, r.AcknowledgedAt = time.Duration(delay)*time.Minute, ack.Time
	return r, err
}

// Reports lists reports without their content: newest first for a
// reporter, and for coordinators by severity (highest first) then age
// (oldest first).
func (area Reports) Reports(ctx context.Context, f scheme.ReportFilter) ([]scheme.Report, error) {
	l, err := area.ReportPage(ctx, f, scheme.Page{})
	return l.Items, err
}

// ReportPage is one page of what Reports lists, and how many it lists in
// all.
func (area Reports) ReportPage(ctx context.Context, f scheme.ReportFilter, p scheme.Page) (scheme.Listed[scheme.Report], error) {
	db := area.db

	q := `SELECT ` + reportColumns + ` FROM reports r WHERE 1 = 1`
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.ReporterID != "" {
		q += ` AND r.reporter_id = ` + arg(f.ReporterID)
	}
	if f.ProfileID != "" {
		q += ` AND r.id IN (SELECT report_id FROM offenders WHERE profile_id = ` + arg(f.ProfileID) + `)`
	}
	if len(f.IDs) > 0 {
		q += ` AND r.id IN (` + inList(arg, f.IDs) + `)`
	}
	if len(f.Statuses) > 0 {
		// #nosec G202 -- only $n placeholders are joined in; the values are arguments
		q += ` AND r.status IN (` + inList(arg, f.Statuses) + `)`
	}
	order := `r.severity_rank DESC, r.submitted_at, r.id`
	if f.ReporterID != "" {
		order = `r.submitted_at DESC, r.id`
	}
	l, err := listPage(ctx, db, p, scanReport, q, order, args...)
	if err != nil {
		return l, err
	}
	return l, db.fillIncidentTypes(ctx, l.Items)
}

// fillIncidentTypes loads the incident types of many reports in a few
// queries (500 reports at a time), not one query per report.
func (db *core) fillIncidentTypes(ctx context.Context, rs []scheme.Report) error {
	at := make(map[string]int, len(rs))
	for i, r := range rs {
		at[r.ID] = i
	}
	for lo := 0; lo < len(rs); lo += 500 {
		batch := rs[lo:min(lo+500, len(rs))]
		ph := make([]string, len(batch))
		args := make([]any, len(batch))
		for i, r := range batch {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), r.ID
		}
		// #nosec G202 -- only $n placeholders are joined in; the values are arguments
		rows, err := db.read.QueryContext(ctx, `SELECT t.report_id, t.type FROM report_incident_types t JOIN incident_types it ON it.slug = t.type
			WHERE t.report_id IN (`+strings.Join(ph, ", ")+`) ORDER BY t.report_id, it.position`, args...)
		if err != nil {
			return err
		}
		err = eachRow(rows, func() error {
			var id, t string
			if err := rows.Scan(&id, &t); err != nil {
				return err
			}
			rs[at[id]].IncidentTypes = append(rs[at[id]].IncidentTypes, t)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Report returns one report with its content decrypted. The caller checks
// who may see it and records the view (AuditView).
func (area Reports) Report(ctx context.Context, id string) (scheme.Report, error) {
	db := area.db

	row := db.read.QueryRowContext(ctx, `SELECT `+reportColumns+`, r.original_ct, r.working_ct, r.reason_ct FROM reports r WHERE r.id = $1`, id)
	var orig, work, reason []byte
	r, err := scanReport(scanTail{row, []any{&orig, &work, &reason}})
	if err != nil {
		return r, mapErr(err)
	}
	if err := db.openJSON("reports", "original", r.ID, orig, &r.Original); err != nil {
		return r, err
	}
	if err := db.openJSON("reports", "working", r.ID, work, &r.Working); err != nil {
		return r, err
	}
	if r.Reason, err = db.openOptional("reports", "reason", r.ID, reason); err != nil {
		return r, err
	}
	// Profiles as they are now (links change after submission).
	profiles, err := offenderProfiles(ctx, db.read, r.ID)
	if err != nil {
		return r, err
	}
	for _, c := range []*scheme.ReportContent{&r.Original, &r.Working} {
		for i := range c.Offenders {
			c.Offenders[i].ProfileID = profiles[c.Offenders[i].ID]
		}
	}
	rs := []scheme.Report{r}
	if err := db.fillIncidentTypes(ctx, rs); err != nil {
		return r, err
	}
	return rs[0], nil
}

// offenderProfiles maps each of a report's offenders to its profile.
func offenderProfiles(ctx context.Context, q queryer, reportID string) (map[string]string, error) {
	profiles := map[string]string{}
	err := eachPair(ctx, q, func(oid, pid string) { profiles[oid] = pid },
		`SELECT id, profile_id FROM offenders WHERE report_id = $1`, reportID)
	return profiles, err
}

func (db *core) openOptional(table, column, id string, ct []byte) (string, error) {
	if len(ct) == 0 {
		return "", nil
	}
	return db.open(table, column, id, ct)
}

// UpdateWorkingCopy replaces the coordinators' working copy of a report;
// the original submission is never changed. Identifiers are re-indexed from
// the working copy and relinked.
func (area Reports) UpdateWorkingCopy(ctx context.Context, actor, id string, c scheme.ReportContent) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		existing, err := offenderProfiles(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(existing) == 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM reports WHERE id = $1`, id).Scan(&n); err != nil || n == 0 {
				return firstErr(err, scheme.ErrNotFound)
			}
		}
		for i := range c.Offenders {
			o := &c.Offenders[i]
			if pid, ok := existing[o.ID]; ok {
				if _, err := tx.ExecContext(ctx, `DELETE FROM offender_identifiers WHERE offender_id = $1`, o.ID); err != nil {
					return err
				}
				if err := db.insertIdentifiers(ctx, tx, id, *o); err != nil {
					return err
				}
				o.ProfileID = pid
				delete(existing, o.ID)
			} else {
				o.ID = newID()
				if o.ProfileID, err = db.insertOffender(ctx, tx, id, i, *o); err != nil {
					return err
				}
			}
			if o.ProfileID, err = db.autoLink(ctx, tx, o.ID, o.ProfileID); err != nil {
				return err
			}
		}
		for oid, pid := range existing { // offenders the coordinator removed
			if _, err := tx.ExecContext(ctx, `DELETE FROM offenders WHERE id = $1`, oid); err != nil {
				return err
			}
			if err := deleteEmptyProfile(ctx, tx, pid); err != nil {
				return err
			}
		}
		work, err := db.sealJSON("reports", "working", id, c)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET working_ct = $1, updated_at = $2 WHERE id = $3`, work, db.now().UTC(), id); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, id, actor, "edit", "", ""); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "report.edit", SubjectType: "report", SubjectID: id})
	})
}

// SetReportStatus moves a report through review (report.Service.SetStatus
// requires a reason for a rejection); the first move out of "submitted"
// acknowledges the report.
func (area Reports) SetReportStatus(ctx context.Context, actor, id string, to scheme.ReportStatus, reason string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var from string
		var alertConsent bool
		if err := tx.QueryRowContext(ctx, `SELECT status, consent_alert FROM reports WHERE id = $1`+db.lockRow(), id).Scan(&from, &alertConsent); err != nil {
			return mapErr(err)
		}
		if err := scheme.CanSetStatus(scheme.Report{Status: scheme.ReportStatus(from), Consents: scheme.Consents{Alert: alertConsent}}, to); err != nil {
			return err
		}
		now := db.now().UTC()
		var reasonCT []byte
		if reason != "" {
			var err error
			if reasonCT, err = db.seal("reports", "reason", id, reason); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET status = $1, reason_ct = $2, updated_at = $3,
			acknowledged_at = COALESCE(acknowledged_at, $3) WHERE id = $4`, string(to), reasonCT, now, id); err != nil {
			return err
		}
		if err := db.reportEvent(ctx, tx, id, actor, "status", string(to), reason); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "report.status", SubjectType: "report", SubjectID: id,
			Detail: fmt.Sprintf(`{"from":%q,"to":%q}`, from, to)})
	})
}

// SetConsents records the reporter's new consents; each change is a line
// in the case timeline and in the audit log, and takes effect at once.
func (area Reports) SetConsents(ctx context.Context, reporterID, id string, c scheme.Consents) (scheme.Consents, error) {
	db := area.db

	var old scheme.Consents
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var reporter sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT reporter_id, consent_alert, consent_police, consent_support, consent_police_contact FROM reports WHERE id = $1`, id).
			Scan(&reporter, &old.Alert, &old.Police, &old.Support, &old.PoliceContact)
		if err != nil {
			return mapErr(err)
		}
		if reporter.String != reporterID {
			return scheme.ErrNotFound // another member's report does not exist for you
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET consent_alert = $1, consent_police = $2, consent_support = $3, consent_police_contact = $4, updated_at = $5 WHERE id = $6`,
			c.Alert, c.Police, c.Support, c.PoliceContact, db.now().UTC(), id); err != nil {
			return err
		}
		changes := []struct {
			name     string
			old, new bool
		}{{"alert", old.Alert, c.Alert}, {"police", old.Police, c.Police}, {"support", old.Support, c.Support}, {"police_contact", old.PoliceContact, c.PoliceContact}}
		for _, ch := range changes {
			if ch.old == ch.new {
				continue
			}
			detail := fmt.Sprintf(`{"consent":%q,"given":%t}`, ch.name, ch.new)
			if err := db.reportEvent(ctx, tx, id, reporterID, "consent", detail, ""); err != nil {
				return err
			}
			if err := db.appendAudit(ctx, tx, audit.Entry{Actor: reporterID, Action: "report.consent", SubjectType: "report", SubjectID: id, Detail: detail}); err != nil {
				return err
			}
		}
		return nil
	})
	return c, err
}
