package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/stats"
)

// Monitoring statistics: counts of codes, flags and dates only, never a
// personal field (area of work is encrypted and is not counted: regions
// say where members work). Counting by category is done in SQL; months
// and days are counted in Go, on the scheme's clock, which SQLite cannot
// read; working hours too.

// The filter's bounds for SQL: an open start is the first instant any
// record could have, an open end one no record will reach.
var (
	statsStart = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	statsEnd   = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

// statsQuery holds what every statistics query binds: $1 and $2 are the
// span (from, to) and $3 the region slug or "".
type statsQuery struct {
	ctx  context.Context
	tx   *sql.Tx
	args []any
	loc  *time.Location
}

// Stats counts the monitoring figures for f in one read transaction, so
// that the tables agree with each other. hours gives the scheme's time
// zone (for months and days) and working hours (for processing times).
func (area Reports) Stats(ctx context.Context, f stats.Filter, hours scheme.WorkingHours) (stats.Figures, error) {
	db := area.db

	loc := hours.Location
	if loc == nil {
		loc = time.UTC
	}
	out := stats.Figures{Filter: f, Location: loc, Now: db.now()}
	from, to := statsStart, statsEnd
	if !f.From.IsZero() {
		from = f.From.UTC()
	}
	if !f.To.IsZero() {
		to = f.To.UTC()
	}
	var opts *sql.TxOptions
	if db.dialect == Postgres {
		// One snapshot for every query (SQLite's WAL gives one anyway).
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return out, err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	q := &statsQuery{ctx: ctx, tx: tx, args: []any{from, to, f.Region}, loc: loc}
	if err := tx.QueryRowContext(ctx, `SELECT published_at FROM terms_versions ORDER BY version LIMIT 1`).Scan(&out.Since); err != nil && err != sql.ErrNoRows {
		return out, fmt.Errorf("statistics: start of records: %w", err)
	}
	if out.Regions, err = q.categories(`SELECT slug, name FROM regions ORDER BY position, slug`); err != nil {
		return out, fmt.Errorf("statistics: regions: %w", err)
	}
	if out.Sectors, err = q.categories(`SELECT slug, name FROM sectors ORDER BY position, slug`); err != nil {
		return out, fmt.Errorf("statistics: sectors: %w", err)
	}
	if out.IncidentTypes, err = q.categories(`SELECT slug, name FROM incident_types ORDER BY position, slug`); err != nil {
		return out, fmt.Errorf("statistics: incident types: %w", err)
	}
	if out.Genders, err = q.categories(`SELECT slug, name FROM genders ORDER BY position, slug`); err != nil {
		return out, fmt.Errorf("statistics: genders: %w", err)
	}
	for _, k := range scheme.SupportKinds {
		out.SupportKinds = append(out.SupportKinds, stats.Category{Key: k.Slug, Name: k.Name})
	}
	if out.Members, err = q.members(); err != nil {
		return out, fmt.Errorf("statistics: members: %w", err)
	}
	if out.Applications, err = q.applications(hours); err != nil {
		return out, fmt.Errorf("statistics: applications: %w", err)
	}
	if out.Reports, err = q.reports(f.ExcludeRejected); err != nil {
		return out, fmt.Errorf("statistics: reports: %w", err)
	}
	if out.Offenders, err = q.offenders(f.ExcludeRejected); err != nil {
		return out, fmt.Errorf("statistics: offenders: %w", err)
	}
	if out.Referrals, err = q.referrals(); err != nil {
		return out, fmt.Errorf("statistics: referrals: %w", err)
	}
	if out.Alerts, err = q.alerts(); err != nil {
		return out, fmt.Errorf("statistics: alerts: %w", err)
	}
	if out.Checks, err = q.checks(); err != nil {
		return out, fmt.Errorf("statistics: checks: %w", err)
	}
	return out, nil
}

func (q *statsQuery) categories(query string) ([]stats.Category, error) {
	rows, err := q.tx.QueryContext(q.ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []stats.Category
	for rows.Next() {
		var c stats.Category
		if err := rows.Scan(&c.Key, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// countBy runs a "SELECT key, COUNT(*) … GROUP BY key" query.
func (q *statsQuery) countBy(query string) (map[string]int, error) {
	rows, err := q.tx.QueryContext(q.ctx, query, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] += n
	}
	return out, rows.Err()
}

// The members counted: active individuals and organisations' key
// contacts, who joined (were approved) in the span and work in the region.
// Members made active without an application (none today) count from when
// their login was made.
const (
	memberJoins = ` FROM users u JOIN profiles p ON p.user_id = u.id
	LEFT JOIN applications a ON a.user_id = u.id AND a.status = 'approved'`
	memberWhere = ` WHERE u.status = 'active' AND u.role IN ('member', 'org_contact')
	AND COALESCE(a.decided_at, u.created_at) >= $1 AND COALESCE(a.decided_at, u.created_at) < $2
	AND ($3 = '' OR EXISTS (SELECT 1 FROM profile_regions rf WHERE rf.user_id = u.id AND rf.region = $3))`
)

func (q *statsQuery) members() (stats.MemberFigures, error) {
	m := stats.MemberFigures{ByType: map[string]int{}, ByGender: map[string]int{}, BySector: map[string]int{}, ByMonth: map[string]int{}}
	rows, err := q.tx.QueryContext(q.ctx, `SELECT p.membership, p.gender, p.sector, COUNT(*)`+memberJoins+memberWhere+`
		GROUP BY p.membership, p.gender, p.sector`, q.args...)
	if err != nil {
		return m, err
	}
	err = eachRow(rows, func() error {
		var typ, gender, sector string
		var n int
		if err := rows.Scan(&typ, &gender, &sector, &n); err != nil {
			return err
		}
		m.Total += n
		m.ByType[typ] += n
		m.ByGender[gender] += n
		m.BySector[sector] += n
		return nil
	})
	if err != nil {
		return m, err
	}
	if m.ByRegion, err = q.countBy(`SELECT pr.region, COUNT(*)` + memberJoins + `
		JOIN profile_regions pr ON pr.user_id = u.id` + memberWhere + ` GROUP BY pr.region`); err != nil {
		return m, err
	}
	rows, err = q.tx.QueryContext(q.ctx, `SELECT a.decided_at, u.created_at`+memberJoins+memberWhere, q.args...)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	for rows.Next() {
		var decided sql.NullTime
		var created time.Time
		if err := rows.Scan(&decided, &created); err != nil {
			return m, err
		}
		joined := created
		if decided.Valid {
			joined = decided.Time
		}
		m.ByMonth[stats.MonthKey(joined, q.loc)]++
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	// Staff logins of the organisations in the region, made in the span.
	err = q.tx.QueryRowContext(q.ctx, `SELECT COUNT(*) FROM users s
		WHERE s.status = 'active' AND s.role = 'org_staff' AND s.created_at >= $1 AND s.created_at < $2
		AND ($3 = '' OR EXISTS (SELECT 1 FROM users k JOIN profile_regions rf ON rf.user_id = k.id
			WHERE k.organisation_id = s.organisation_id AND k.role = 'org_contact' AND rf.region = $3))`, q.args...).Scan(&m.Staff)
	return m, err
}

func (q *statsQuery) applications(hours scheme.WorkingHours) (stats.ApplicationFigures, error) {
	a := stats.ApplicationFigures{ByStatus: map[string]int{}, Processing: map[string][]time.Duration{}}
	rows, err := q.tx.QueryContext(q.ctx, `SELECT a.status, a.submitted_at, a.decided_at FROM applications a
		WHERE a.submitted_at >= $1 AND a.submitted_at < $2
		AND ($3 = '' OR EXISTS (SELECT 1 FROM profile_regions rf WHERE rf.user_id = a.user_id AND rf.region = $3))`, q.args...)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var submitted time.Time
		var decided sql.NullTime
		if err := rows.Scan(&status, &submitted, &decided); err != nil {
			return a, err
		}
		a.ByStatus[status]++
		if decided.Valid && (status == string(scheme.ApplicationApproved) || status == string(scheme.ApplicationRejected)) {
			a.Processing[status] = append(a.Processing[status], hours.Between(submitted, decided.Time))
		}
	}
	return a, rows.Err()
}

// reportsIn returns the condition on reports (under alias r) in the span
// and the region.
func reportsIn(r string, excludeRejected bool) string {
	w := ` ` + r + `.submitted_at >= $1 AND ` + r + `.submitted_at < $2 AND ($3 = '' OR ` + r + `.region = $3)`
	if excludeRejected {
		w += ` AND ` + r + `.status <> 'rejected'`
	}
	return w
}

func (q *statsQuery) reports(excludeRejected bool) (stats.ReportFigures, error) {
	rf := stats.ReportFigures{ByMonth: map[string]stats.ReportMonth{}}
	where := reportsIn("r", excludeRejected)
	var err error
	for _, c := range []struct {
		into   *map[string]int
		column string
	}{{&rf.ByStatus, "status"}, {&rf.BySeverity, "severity"}, {&rf.ByRegion, "region"}, {&rf.ByContact, "contact_method"}} {
		if *c.into, err = q.countBy(`SELECT r.` + c.column + `, COUNT(*) FROM reports r WHERE` + where + ` GROUP BY r.` + c.column); err != nil {
			return rf, err
		}
	}
	if rf.ByType, err = q.countBy(`SELECT t.type, COUNT(*) FROM report_incident_types t JOIN reports r ON r.id = t.report_id
		WHERE` + where + ` GROUP BY t.type`); err != nil {
		return rf, err
	}
	if rf.PoliceHelp, err = q.countBy(`SELECT CASE WHEN h.outcome = '' THEN 'open' ELSE h.outcome END, COUNT(*)
		FROM police_help_requests h JOIN reports r ON r.id = h.report_id WHERE` + where + ` GROUP BY 1`); err != nil {
		return rf, err
	}
	// #nosec G202 -- the WHERE clause is built in this file from constant fragments and $n placeholders; values go in q.args
	rows, err := q.tx.QueryContext(q.ctx, `SELECT r.submitted_at, r.late, r.third_party,
		r.consent_alert, r.consent_police, r.consent_support, r.consent_police_contact, r.police_reported FROM reports r WHERE`+where, q.args...)
	if err != nil {
		return rf, err
	}
	defer rows.Close()
	one := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	for rows.Next() {
		var at time.Time
		var late, third, alert, police, support, contact, reported bool
		if err := rows.Scan(&at, &late, &third, &alert, &police, &support, &contact, &reported); err != nil {
			return rf, err
		}
		rf.PoliceReported += one(reported)
		m := stats.ReportMonth{Reports: 1, Within72h: one(!late), ThirdParty: one(third),
			Alert: one(alert), Police: one(police), Support: one(support), PoliceContact: one(contact)}
		k := stats.MonthKey(at, q.loc)
		rf.ByMonth[k] = rf.ByMonth[k].Add(m)
		rf.Total += m.Reports
		rf.Within72h += m.Within72h
		rf.ThirdParty += m.ThirdParty
	}
	return rf, rows.Err()
}

// referrals counts referrals by kind and outcome, by the day suggested and
// the region of the report they came from.
func (q *statsQuery) referrals() (stats.ReferralFigures, error) {
	rf := stats.ReferralFigures{ByKind: map[string]map[string]int{}}
	err := addCounts(q.ctx, q.tx, rf.ByKind, `SELECT f.kind, f.outcome, COUNT(*) FROM service_referrals f JOIN reports r ON r.id = f.report_id
		WHERE f.created_at >= $1 AND f.created_at < $2 AND ($3 = '' OR r.region = $3) GROUP BY f.kind, f.outcome`, q.args...)
	return rf, err
}

func (q *statsQuery) offenders(excludeRejected bool) (stats.OffenderFigures, error) {
	o := stats.OffenderFigures{ByReports: map[int]int{}}
	// Each profile's number of distinct reports among those counted.
	perProfile := `SELECT o.profile_id, COUNT(DISTINCT o.report_id) AS reports FROM offenders o
		JOIN reports r ON r.id = o.report_id WHERE` + reportsIn("r", excludeRejected) + ` GROUP BY o.profile_id`
	// #nosec G202 -- the WHERE clause is built in this file from constant fragments and $n placeholders; values go in q.args
	rows, err := q.tx.QueryContext(q.ctx, `SELECT pp.reports, COUNT(*) FROM (`+perProfile+`) pp
		WHERE pp.reports >= 2 GROUP BY pp.reports`, q.args...)
	if err != nil {
		return o, err
	}
	err = eachRow(rows, func() error {
		var n, profiles int
		if err := rows.Scan(&n, &profiles); err != nil {
			return err
		}
		o.ByReports[n] = profiles
		return nil
	})
	if err != nil {
		return o, err
	}
	err = q.tx.QueryRowContext(q.ctx, `SELECT COUNT(DISTINCT x.report_id) FROM offenders x
		JOIN (`+perProfile+`) pp ON pp.profile_id = x.profile_id AND pp.reports >= 2
		JOIN reports r ON r.id = x.report_id WHERE`+reportsIn("r", excludeRejected), q.args...).Scan(&o.Reports)
	return o, err
}

// alertsIn is the condition on alerts (under alias a) published in the
// span and sent to the region (nationwide alerts go everywhere).
const alertsIn = ` a.published_at IS NOT NULL AND a.status IN ('published', 'withdrawn')
	AND a.published_at >= $1 AND a.published_at < $2
	AND ($3 = '' OR a.nationwide OR EXISTS (SELECT 1 FROM alert_regions ar WHERE ar.alert_id = a.id AND ar.region = $3))`

func (q *statsQuery) alerts() (stats.AlertFigures, error) {
	af := stats.AlertFigures{ByMonth: map[string]int{}, Deliveries: map[string]map[string]int{}}
	rows, err := q.tx.QueryContext(q.ctx, `SELECT a.published_at FROM alerts a WHERE`+alertsIn, q.args...)
	if err != nil {
		return af, err
	}
	err = eachRow(rows, func() error {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return err
		}
		af.Published++
		af.ByMonth[stats.MonthKey(at, q.loc)]++
		return nil
	})
	if err != nil {
		return af, err
	}
	err = addCounts(q.ctx, q.tx, af.Deliveries, `SELECT d.channel, d.status, COUNT(*) FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
		WHERE`+alertsIn+` GROUP BY d.channel, d.status`, q.args...)
	if err != nil {
		return af, err
	}
	// In the app: everyone who can read the alert because it was sent to
	// them (not because a check of theirs found it).
	inApp, err := q.countBy(`SELECT CASE WHEN m.read_at IS NULL THEN 'delivered' ELSE 'read' END, COUNT(*)
		FROM alert_recipients m JOIN alerts a ON a.id = m.alert_id
		WHERE m.via <> 'check' AND` + alertsIn + ` GROUP BY CASE WHEN m.read_at IS NULL THEN 'delivered' ELSE 'read' END`)
	if len(inApp) > 0 {
		af.Deliveries["in_app"] = inApp
	}
	return af, err
}

// checks counts members' checks (not partners') by day in the span, and
// how many found a published alert; with a region, checks by members who
// work there. The log is kept for 60 days, so older days count nothing.
func (q *statsQuery) checks() (*stats.CheckFigures, error) {
	cf := &stats.CheckFigures{ByDay: map[string]stats.CheckDay{}}
	rows, err := q.tx.QueryContext(q.ctx, `SELECT c.checked_at, c.matches FROM checks c
		WHERE c.user_id IS NOT NULL AND c.checked_at >= $1 AND c.checked_at < $2
		AND ($3 = '' OR EXISTS (SELECT 1 FROM profile_regions pr WHERE pr.user_id = c.user_id AND pr.region = $3))`, q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var matches int
		if err := rows.Scan(&at, &matches); err != nil {
			return nil, err
		}
		k := at.In(q.loc).Format(time.DateOnly)
		d := cf.ByDay[k]
		d.Checks++
		if matches > 0 {
			d.Hits++
		}
		cf.ByDay[k] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var oldest any
	if err := q.tx.QueryRowContext(q.ctx, `SELECT MIN(checked_at) FROM checks WHERE user_id IS NOT NULL`).Scan(&oldest); err != nil {
		return nil, err
	}
	cf.Oldest, err = scanTime(oldest)
	return cf, err
}
