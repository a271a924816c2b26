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

func (db *DB) sealJSON(table, column, id string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return db.seal(table, column, id, string(b))
}

func (db *DB) openJSON(table, column, id string, ct []byte, v any) error {
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
func (db *DB) CreateReport(ctx context.Context, r scheme.Report) (scheme.Report, error) {
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
		return db.Report(ctx, r.ID)
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

func (db *DB) insertReport(ctx context.Context, tx *sql.Tx, r scheme.Report) error {
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

// insertOffender stores an offender in a new profile of their own, and
// their identifiers; it returns the profile id.
func (db *DB) insertOffender(ctx context.Context, tx *sql.Tx, reportID string, pos int, o scheme.Offender) (string, error) {
	pid := newID()
	now := db.now().UTC()
	if _, err := tx.ExecContext(ctx, `INSERT INTO offender_profiles (id, created_at) VALUES ($1, $2)`, pid, now); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO offenders (id, report_id, position, profile_id) VALUES ($1, $2, $3, $4)`, o.ID, reportID, pos, pid); err != nil {
		return "", err
	}
	return pid, db.insertIdentifiers(ctx, tx, reportID, o)
}

func (db *DB) insertIdentifiers(ctx context.Context, tx *sql.Tx, reportID string, o scheme.Offender) error {
	now := db.now().UTC()
	for _, id := range o.Identifiers {
		k, ok := indexKind[id.Kind]
		if !ok {
			return fmt.Errorf("unknown identifier kind %q", id.Kind)
		}
		iid := newID()
		s := &sealer{db: db, table: "offender_identifiers", id: iid}
		// Partial values are indexed as given (trimmed), so a coordinator
		// can find the same partial value typed the same way.
		value := id.Normalised
		if id.Partial || value == "" {
			value = strings.TrimSpace(id.Value)
		}
		ct, idx := s.seal("value", value), s.index(k, value)
		if s.err != nil {
			return s.err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO offender_identifiers (id, offender_id, report_id, kind, value_idx, value_ct, partial, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, iid, o.ID, reportID, id.Kind, idx, ct, id.Partial, now); err != nil {
			return err
		}
	}
	return nil
}

// autoLink joins an offender's profile with every profile holding an
// offender who shares a full (not partial) identifier with them: the oldest
// profile absorbs the others. Offenders placed by hand (pinned) stay where a
// coordinator put them. It returns the offender's profile.
func (db *DB) autoLink(ctx context.Context, tx *sql.Tx, offenderID, own string) (string, error) {
	if err := db.lockProfiles(ctx, tx); err != nil {
		return "", err
	}
	var pinned bool
	var ownAt time.Time
	if err := tx.QueryRowContext(ctx, `SELECT o.pinned, p.created_at FROM offenders o JOIN offender_profiles p ON p.id = o.profile_id WHERE o.id = $1`,
		offenderID).Scan(&pinned, &ownAt); err != nil {
		return "", err
	}
	if pinned {
		return own, nil // placed by hand: automatic linking leaves them there
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT o.profile_id, p.created_at FROM offender_identifiers mine
		JOIN offender_identifiers other ON other.kind = mine.kind AND other.value_idx = mine.value_idx AND other.partial = $2 AND other.offender_id <> mine.offender_id
		JOIN offenders o ON o.id = other.offender_id
		JOIN offender_profiles p ON p.id = o.profile_id
		WHERE mine.offender_id = $1 AND mine.partial = $2`, offenderID, false)
	if err != nil {
		return "", err
	}
	type prof struct {
		id string
		at time.Time
	}
	var found []prof
	err = eachRow(rows, func() error {
		var p prof
		if err := rows.Scan(&p.id, &p.at); err != nil {
			return err
		}
		if p.id != own {
			found = append(found, p)
		}
		return nil
	})
	if err != nil || len(found) == 0 {
		return own, err
	}
	target := prof{id: own, at: ownAt}
	for _, p := range found {
		if p.at.Before(target.at) || p.at.Equal(target.at) && p.id < target.id {
			target = p
		}
	}
	merge := []string{own}
	for _, p := range found {
		if p.id != target.id {
			merge = append(merge, p.id)
		}
	}
	for _, from := range merge {
		if _, err := tx.ExecContext(ctx, `UPDATE offenders SET profile_id = $1 WHERE profile_id = $2 AND (pinned = $3 OR id = $4)`,
			target.id, from, false, offenderID); err != nil { // offenderID itself is not pinned (checked above)
			return "", err
		}
		if err := deleteEmptyProfile(ctx, tx, from); err != nil {
			return "", err
		}
	}
	return target.id, nil
}

// profilesLockKey serialises changes to which profile an offender is in,
// on PostgreSQL (SQLite's single writer already does). Without it two
// reports naming the same person at once could each merge the profile the
// other was moving its offender into: one transaction deleted a profile
// the other had just linked to, and that report was refused with a 500.
const profilesLockKey = 0x75676c7970726f66 // "uglyprof"

// lockProfiles holds the profiles lock until tx ends.
func (db *DB) lockProfiles(ctx context.Context, tx *sql.Tx) error {
	if db.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(profilesLockKey))
	return err
}

func deleteEmptyProfile(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM offender_profiles WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM offenders WHERE profile_id = $1)`, id)
	return err
}

// reportEvent adds a line to a report's case timeline.
func (db *DB) reportEvent(ctx context.Context, tx *sql.Tx, reportID, actor, kind, detail, body string) error {
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

func scanReport(sc interface{ Scan(...any) error }) (scheme.Report, error) {
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

// ReportFilter selects reports.
type ReportFilter struct {
	ReporterID string                // only this reporter's
	Statuses   []scheme.ReportStatus // none: any
	ProfileID  string                // only reports with an offender in this profile
	IDs        []string              // only these reports
}

// Reports lists reports without their content: newest first for a
// reporter, and for coordinators by severity (highest first) then age
// (oldest first).
func (db *DB) Reports(ctx context.Context, f ReportFilter) ([]scheme.Report, error) {
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
		var ph []string
		for _, id := range f.IDs {
			ph = append(ph, arg(id))
		}
		q += ` AND r.id IN (` + strings.Join(ph, ", ") + `)`
	}
	if len(f.Statuses) > 0 {
		var ph []string
		for _, s := range f.Statuses {
			ph = append(ph, arg(string(s)))
		}
		// #nosec G202 -- only $n placeholders are joined in; the values are arguments
		q += ` AND r.status IN (` + strings.Join(ph, ", ") + `)`
	}
	if f.ReporterID != "" {
		q += ` ORDER BY r.submitted_at DESC, r.id`
	} else {
		q += ` ORDER BY r.severity_rank DESC, r.submitted_at, r.id`
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scheme.Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, db.fillIncidentTypes(ctx, out)
}

// fillIncidentTypes loads the incident types of many reports in a few
// queries (500 reports at a time), not one query per report.
func (db *DB) fillIncidentTypes(ctx context.Context, rs []scheme.Report) error {
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
func (db *DB) Report(ctx context.Context, id string) (scheme.Report, error) {
	row := db.read.QueryRowContext(ctx, `SELECT `+reportColumns+`, r.original_ct, r.working_ct, r.reason_ct FROM reports r WHERE r.id = $1`, id)
	var r scheme.Report
	var orig, work, reason []byte
	var reporter, org sql.NullString
	var status, severity string
	var delay int64
	var ack sql.NullTime
	err := row.Scan(&r.ID, &reporter, &org, &r.ThirdParty, &status, &severity, &r.Region, &r.IncidentAt, &r.TimeKnown,
		&r.SubmittedAt, &delay, &r.Late, &r.PlaceKind, &r.ContactMethod, &r.VictimGender, &r.VictimSector, &r.PoliceReported,
		&r.Consents.Alert, &r.Consents.Police, &r.Consents.Support, &r.Consents.PoliceContact, &r.AcknowledgeBy, &ack, &orig, &work, &reason)
	if err != nil {
		return r, mapErr(err)
	}
	r.ReporterID, r.OrganisationID, r.Status, r.Severity = reporter.String, org.String, scheme.ReportStatus(status), scheme.Severity(severity)
	r.Delay, r.AcknowledgedAt = time.Duration(delay)*time.Minute, ack.Time
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
	rows, err := db.read.QueryContext(ctx, `SELECT id, profile_id FROM offenders WHERE report_id = $1`, r.ID)
	if err != nil {
		return r, err
	}
	profiles := map[string]string{}
	err = eachRow(rows, func() error {
		var oid, pid string
		if err := rows.Scan(&oid, &pid); err != nil {
			return err
		}
		profiles[oid] = pid
		return nil
	})
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

func (db *DB) openOptional(table, column, id string, ct []byte) (string, error) {
	if len(ct) == 0 {
		return "", nil
	}
	return db.open(table, column, id, ct)
}

// UpdateWorkingCopy replaces the coordinators' working copy of a report;
// the original submission is never changed. Identifiers are re-indexed from
// the working copy and relinked.
func (db *DB) UpdateWorkingCopy(ctx context.Context, actor, id string, c scheme.ReportContent) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, profile_id FROM offenders WHERE report_id = $1`, id)
		if err != nil {
			return err
		}
		existing := map[string]string{}
		err = eachRow(rows, func() error {
			var oid, pid string
			if err := rows.Scan(&oid, &pid); err != nil {
				return err
			}
			existing[oid] = pid
			return nil
		})
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

// SetReportStatus moves a report through review. A rejection needs a
// reason; the first move out of "submitted" acknowledges the report.
func (db *DB) SetReportStatus(ctx context.Context, actor, id string, to scheme.ReportStatus, reason string) error {
	if to == scheme.ReportRejected && strings.TrimSpace(reason) == "" {
		return scheme.Invalid(map[string]string{"reason": "Give the reason for rejecting this report: it is kept with it."})
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var from string
		var alertConsent bool
		if err := tx.QueryRowContext(ctx, `SELECT status, consent_alert FROM reports WHERE id = $1`, id).Scan(&from, &alertConsent); err != nil {
			return mapErr(err)
		}
		if to == scheme.ReportPublished && !alertConsent {
			return scheme.Errorf(scheme.CodeConflict, "The reporter has not consented to an alert: keep it as intelligence, or ask them.")
		}
		allowed := map[scheme.ReportStatus][]scheme.ReportStatus{
			scheme.ReportSubmitted:    {scheme.ReportInReview, scheme.ReportRejected, scheme.ReportIntelligence},
			scheme.ReportInReview:     {scheme.ReportPublished, scheme.ReportIntelligence, scheme.ReportRejected},
			scheme.ReportIntelligence: {scheme.ReportInReview},
			scheme.ReportRejected:     {scheme.ReportInReview},
			scheme.ReportPublished:    {},
		}[scheme.ReportStatus(from)]
		ok := false
		for _, a := range allowed {
			ok = ok || a == to
		}
		if !ok {
			return scheme.Errorf(scheme.CodeConflict, "A report cannot go from %q to %q.", from, to)
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
func (db *DB) SetConsents(ctx context.Context, reporterID, id string, c scheme.Consents) (scheme.Consents, error) {
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

// OffenderProfile is what is known of one likely offender, across reports.
type OffenderProfile struct {
	ID          string              `json:"id"`
	ReportIDs   []string            `json:"report_ids"`
	Identifiers []scheme.Identifier `json:"identifiers"`
	FirstSeen   time.Time           `json:"first_seen"`
	LastSeen    time.Time           `json:"last_seen"`
	Regions     []string            `json:"regions"`
}

// OffenderProfile returns an offender profile, and records the view.
func (db *DB) OffenderProfile(ctx context.Context, actor, id string) (OffenderProfile, error) {
	p := OffenderProfile{ID: id, ReportIDs: []string{}, Identifiers: []scheme.Identifier{}, Regions: []string{}}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT r.id, r.incident_at, r.region FROM offenders o JOIN reports r ON r.id = o.report_id
		WHERE o.profile_id = $1 ORDER BY r.incident_at, r.id`, id)
	if err != nil {
		return p, err
	}
	regions := map[string]bool{}
	err = eachRow(rows, func() error {
		var rid, region string
		var at time.Time
		if err := rows.Scan(&rid, &at, &region); err != nil {
			return err
		}
		if len(p.ReportIDs) == 0 {
			p.FirstSeen = at
		}
		p.LastSeen = at
		p.ReportIDs = append(p.ReportIDs, rid)
		if !regions[region] {
			regions[region] = true
			p.Regions = append(p.Regions, region)
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	if len(p.ReportIDs) == 0 {
		return p, scheme.ErrNotFound
	}
	rows, err = db.read.QueryContext(ctx, `SELECT i.id, i.kind, i.value_ct, i.partial FROM offender_identifiers i JOIN offenders o ON o.id = i.offender_id
		WHERE o.profile_id = $1 ORDER BY i.kind, i.created_at`, id)
	if err != nil {
		return p, err
	}
	seen := map[string]bool{}
	err = eachRow(rows, func() error {
		var iid, kind string
		var ct []byte
		var partial bool
		if err := rows.Scan(&iid, &kind, &ct, &partial); err != nil {
			return err
		}
		v, err := db.open("offender_identifiers", "value", iid, ct)
		if err != nil {
			return err
		}
		if !seen[kind+"\x00"+v] {
			seen[kind+"\x00"+v] = true
			p.Identifiers = append(p.Identifiers, scheme.Identifier{Kind: kind, Value: v, Partial: partial})
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	return p, db.Audit(ctx, audit.Entry{Actor: actor, Action: "offender.view", SubjectType: "offender_profile", SubjectID: id})
}

// MoveOffender links an offender by hand into another profile (or, with
// to "", unlinks them into a profile of their own), with a reason; they stay
// there (pinned) whatever automatic linking finds later.
func (db *DB) MoveOffender(ctx context.Context, actor, offenderID, to, reason string) (string, error) {
	if strings.TrimSpace(reason) == "" {
		return "", scheme.Invalid(map[string]string{"reason": "Say why: links change what coordinators believe about a person."})
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockProfiles(ctx, tx); err != nil {
			return err
		}
		var reportID, from string
		if err := tx.QueryRowContext(ctx, `SELECT report_id, profile_id FROM offenders WHERE id = $1`, offenderID).Scan(&reportID, &from); err != nil {
			return mapErr(err)
		}
		if to == "" {
			to = newID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO offender_profiles (id, created_at) VALUES ($1, $2)`, to, db.now().UTC()); err != nil {
				return err
			}
		} else {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM offender_profiles WHERE id = $1`, to).Scan(&n); err != nil || n == 0 {
				return firstErr(err, scheme.ErrNotFound)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offenders SET profile_id = $1, pinned = $2 WHERE id = $3`, to, true, offenderID); err != nil {
			return err
		}
		if err := deleteEmptyProfile(ctx, tx, from); err != nil {
			return err
		}
		detail := fmt.Sprintf(`{"offender":%q,"from":%q,"to":%q}`, offenderID, from, to)
		if err := db.reportEvent(ctx, tx, reportID, actor, "link", detail, reason); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "offender.move", SubjectType: "report", SubjectID: reportID, Detail: detail})
	})
	return to, err
}
