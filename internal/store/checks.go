package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// Check is one "has this been reported?" question, with the asker's
// allowance. Exactly one of UserID (a member) and KeyID (a partner key) is
// set.
type Check struct {
	UserID, KeyID string
	Channel       string // web, api, sms or partner
	Kind          string // phone, email, vehicle or username
	Normalised    string // the value, normalised; indexed, never stored
	PerDay        int
	PerMinute     int
	DayStart      time.Time // when the asker's day began (midnight in the scheme's zone)
}

// RunCheck answers a check in one transaction: it refuses it if the asker's
// day or minute allowance is used up; otherwise it looks the value up among
// published alerts by blind index, logs the check (who, the index, what
// was found — never the value), and lets a member open the alerts found
// (an alert_recipients row "via check", in the app only), returning them
// as she may now read them. It returns once the check is committed; checks
// that meet at the writer share a transaction (checkgroup.go).
func (area Checks) RunCheck(ctx context.Context, c Check) (scheme.CheckOutcome, error) {
	db := area.db

	k, ok := indexKind[c.Kind]
	if !ok || c.Kind == "name" { // check.Normalise refuses it first
		return scheme.CheckOutcome{}, fmt.Errorf("run check: identifier kind %q is not checked", c.Kind)
	}
	idx, err := db.index(k, c.Normalised)
	if err != nil {
		return scheme.CheckOutcome{}, err
	}
	return db.checks.submit(ctx, db, &checkReq{ctx: ctx, c: c, idx: idx, done: make(chan struct{})})
}

// runCheck runs one check in tx (see RunCheck), after the checks before
// it in its group: their rows count against the allowance too.
func (db *core) runCheck(ctx context.Context, tx *sql.Tx, st *checkStmts, r *checkReq) (scheme.CheckOutcome, error) {
	var out scheme.CheckOutcome
	c, idx := r.c, r.idx
	who, day, minute, count := c.UserID, st.dayUser, st.minuteUser, st.countUser
	if c.KeyID != "" {
		who, day, minute, count = c.KeyID, st.dayKey, st.minuteKey, st.countKey
	}
	now, dayStart := db.now().UTC(), c.DayStart.UTC()
	// The day's count is one row (check_days_*), or the log's count at
	// the day's first check.
	var today int
	if err := tx.StmtContext(ctx, day).QueryRowContext(ctx, who, dayStart).Scan(&today); err != nil {
		return out, err
	}
	if today >= c.PerDay {
		out.Limited, out.Daily, out.Used = true, true, today
		return out, nil
	}
	if minuteMayBeFull(today, c.PerMinute, now, dayStart) {
		var inMinute int
		var oldest any
		if err := tx.StmtContext(ctx, minute).QueryRowContext(ctx, who, now.Add(-time.Minute)).Scan(&inMinute, &oldest); err != nil {
			return out, err
		}
		if inMinute >= c.PerMinute {
			out.Limited, out.Used = true, today
			t, err := scanTime(oldest)
			if err != nil {
				return out, err
			}
			out.FreeAt = t.Add(time.Minute)
			return out, nil
		}
	}
	grants, err := db.lookUpCheck(ctx, tx, st, r, &out)
	if err != nil {
		return out, err
	}
	if _, err := tx.StmtContext(ctx, st.insert).ExecContext(ctx, newID(), nullable(c.UserID), nullable(c.KeyID), c.Channel, c.Kind, idx,
		len(out.AlertIDs), string(out.Highest), now); err != nil {
		return out, err
	}
	if _, err := tx.StmtContext(ctx, count).ExecContext(ctx, who, dayStart, today+1); err != nil {
		return out, err
	}
	out.Used = today + 1
	if c.UserID == "" || len(out.AlertIDs) == 0 {
		return out, nil
	}
	grant := tx.StmtContext(ctx, st.grant)
	for _, id := range grants {
		if _, err := grant.ExecContext(ctx, id, c.UserID, now); err != nil {
			return out, err
		}
	}
	// A member found a warning: the reports naming this value count it
	// for their reporters (impact.go), never who checked.
	_, err = tx.StmtContext(ctx, st.found).ExecContext(ctx, c.Kind, idx, false, c.UserID)
	return out, err
}

// minuteMayBeFull reports whether the asker's last minute must be counted:
// it need not be when the minute began over a minute after the day did
// and she has made fewer checks all day than the minute allows, since its
// checks are among the day's. (The spare minute leaves out a check asked
// just before midnight and logged after it, which counts on the day
// before.)
func minuteMayBeFull(today, perMinute int, now, dayStart time.Time) bool {
	return today >= perMinute || now.Add(-2*time.Minute).Before(dayStart)
}

// lookUpCheck finds the published alerts naming the checked value: for a
// partner, their ids and severity; for a member, the alerts as she may
// read them (with when she read each, if she had it already), and which
// of them she has not had yet (to grant).
func (db *core) lookUpCheck(ctx context.Context, tx *sql.Tx, st *checkStmts, r *checkReq, out *scheme.CheckOutcome) (grants []string, err error) {
	found := func(id string, sev scheme.Severity) {
		out.AlertIDs = append(out.AlertIDs, id)
		if scheme.SeverityRank[sev] > scheme.SeverityRank[out.Highest] {
			out.Highest = sev
		}
	}
	if r.c.UserID == "" {
		rows, err := tx.StmtContext(ctx, st.lookUp).QueryContext(ctx, r.c.Kind, r.idx)
		if err != nil {
			return nil, err
		}
		return nil, eachRow(rows, func() error {
			var id string
			var sev scheme.Severity
			if err := rows.Scan(&id, &sev); err != nil {
				return err
			}
			found(id, sev)
			return nil
		})
	}
	rows, err := tx.StmtContext(ctx, st.lookUpMember).QueryContext(ctx, r.c.Kind, r.idx, r.c.UserID)
	if err != nil {
		return nil, err
	}
	err = eachRow(rows, func() error {
		var readAt sql.NullTime
		var had sql.NullString
		a, err := db.scanAlertAs(rows, true, &readAt, &had)
		if err != nil {
			return err
		}
		a.ReadAt = readAt.Time
		if !had.Valid {
			grants = append(grants, a.ID)
		}
		found(a.ID, a.Severity)
		out.Alerts = append(out.Alerts, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	lists := tx.StmtContext(ctx, st.alertLists)
	for i := range out.Alerts {
		a := &out.Alerts[i]
		rows, err := lists.QueryContext(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		err = eachRow(rows, func() error {
			var list int
			var v string
			if err := rows.Scan(&list, &v); err != nil {
				return err
			}
			switch list {
			case 1:
				a.Regions = append(a.Regions, v)
			case 2:
				a.Towns = append(a.Towns, v)
			case 3:
				a.Sectors = append(a.Sectors, v)
			case 4:
				a.Genders = append(a.Genders, v)
			case 5:
				a.IncidentTypes = append(a.IncidentTypes, v)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		*a = a.ForMembers()
	}
	return grants, nil
}

// checkStmts are a check's statements, prepared once on the writer and
// bound to each group's transaction (tx.StmtContext).
type checkStmts struct {
	lockUser, lockKey     *sql.Stmt // PostgreSQL only
	dayUser, dayKey       *sql.Stmt // the checks since the day began
	countUser, countKey   *sql.Stmt // count one more on the day
	minuteUser, minuteKey *sql.Stmt // the last minute's, and the oldest of those
	lookUp, lookUpMember  *sql.Stmt
	alertLists            *sql.Stmt // an alert's regions, towns, sectors, genders and incident types
	insert, grant, found  *sql.Stmt
}

func prepareCheckStmts(ctx context.Context, db *core) (*checkStmts, error) {
	st := &checkStmts{}
	day := func(table, col string) string {
		return checksTodaySQL(table, col)
	}
	count := func(table, col string) string {
		return `INSERT INTO ` + table + ` (` + col + `, day, n) VALUES ($1, $2, $3)
			ON CONFLICT (` + col + `, day) DO UPDATE SET n = ` + table + `.n + 1`
	}
	minute := func(col string) string {
		return `SELECT COUNT(*), MIN(checked_at) FROM checks WHERE ` + col + ` = $1 AND checked_at > $2`
	}
	// From the value's index to its alerts: CROSS JOIN keeps SQLite to
	// that order (without statistics it walked every published alert
	// instead); an alert names a value once (the table's key), so there
	// are no duplicates.
	found := `i.kind = $1 AND i.value_idx = $2 AND a.id = i.alert_id AND a.status = 'published'
		ORDER BY a.published_at DESC, a.id`
	all := []struct {
		to  **sql.Stmt
		sql string
	}{
		{&st.dayUser, day("check_days_user", "user_id")},
		{&st.dayKey, day("check_days_key", "api_key_id")},
		{&st.countUser, count("check_days_user", "user_id")},
		{&st.countKey, count("check_days_key", "api_key_id")},
		{&st.minuteUser, minute("user_id")},
		{&st.minuteKey, minute("api_key_id")},
		{&st.lookUp, `SELECT a.id, a.severity FROM alert_identifiers i CROSS JOIN alerts a WHERE ` + found},
		{&st.lookUpMember, `SELECT ` + alertColumns + `, r.read_at, r.alert_id FROM alert_identifiers i CROSS JOIN alerts a
			LEFT JOIN alert_recipients r ON r.alert_id = a.id AND r.user_id = $3 WHERE ` + found},
		{&st.alertLists, `SELECT 1, region FROM alert_regions WHERE alert_id = $1
			UNION ALL SELECT 2, town FROM alert_towns WHERE alert_id = $1
			UNION ALL SELECT 3, sector FROM alert_sectors WHERE alert_id = $1
			UNION ALL SELECT 4, gender FROM alert_genders WHERE alert_id = $1
			UNION ALL SELECT 5, type FROM alert_incident_types WHERE alert_id = $1
			ORDER BY 1, 2`},
		{&st.insert, `INSERT INTO checks (id, user_id, api_key_id, channel, kind, value_idx, matches, highest_severity, checked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`},
		{&st.grant, `INSERT INTO alert_recipients (alert_id, user_id, via, created_at) VALUES ($1, $2, 'check', $3) ON CONFLICT DO NOTHING`},
		{&st.found, countCheckFoundSQL},
	}
	if db.dialect == Postgres {
		all = append(all, struct {
			to  **sql.Stmt
			sql string
		}{&st.lockUser, `SELECT id FROM users WHERE id = $1 FOR UPDATE`}, struct {
			to  **sql.Stmt
			sql string
		}{&st.lockKey, `SELECT id FROM api_keys WHERE id = $1 FOR UPDATE`})
	}
	for _, s := range all {
		var err error
		if *s.to, err = db.write.PrepareContext(ctx, s.sql); err != nil {
			return nil, errors.Join(fmt.Errorf("prepare the check's statements: %w", err), st.close())
		}
	}
	return st, nil
}

func (st *checkStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{st.lockUser, st.lockKey, st.dayUser, st.dayKey, st.countUser, st.countKey, st.minuteUser, st.minuteKey, st.lookUp, st.lookUpMember, st.alertLists, st.insert, st.grant, st.found} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// ChecksToday counts the checks a member has made since dayStart.
func (area Checks) ChecksToday(ctx context.Context, userID string, dayStart time.Time) (int, error) {
	db := area.db

	var n int
	err := db.read.QueryRowContext(ctx, checksTodaySQL("check_days_user", "user_id"), userID, dayStart.UTC()).Scan(&n)
	return n, err
}

// checksTodaySQL counts the checks of an asker ($1: col in table, and in
// checks) since the day began ($2): her day's row in table (kept by each
// check she makes, check_days_*), or, before the day's first check made
// one, her checks in the log since then. The log's count is also the
// row's start, so a day begun before the rows were (migration 0032), or
// one whose row was pruned with its log, counts what the log holds, as
// always. COALESCE evaluates the count only when there is no row.
func checksTodaySQL(table, col string) string {
	return `SELECT COALESCE((SELECT n FROM ` + table + ` WHERE ` + col + ` = $1 AND day = $2),
		(SELECT COUNT(*) FROM checks WHERE ` + col + ` = $1 AND checked_at >= $2))`
}

// UnusualChecking returns page p of the members whose checks since
// `since` cross a threshold, most checks first, and how many there are. It
// reads counts and blind indexes only.
func (area Checks) UnusualChecking(ctx context.Context, since time.Time, p scheme.Page) (scheme.Listed[scheme.CheckingFlag], error) {
	db := area.db

	// Per member and value: how often, and whether the value is an
	// identifier in a report. Then per member.
	return listPage(ctx, db, p, func(rows rowScanner) (f scheme.CheckingFlag, err error) {
		var last any
		var name []byte
		if err := rows.Scan(&f.UserID, &name, &f.Role, &f.Checks, &f.Distinct, &f.MostRepeated, &f.ReportedRepeated, &last); err != nil {
			return f, err
		}
		if f.LastCheck, err = scanTime(last); err != nil {
			return f, err
		}
		if f.Username, err = db.open("users", "username", f.UserID, name); err != nil {
			return f, err
		}
		if f.Distinct >= scheme.UnusualDistinct {
			f.Reasons = append(f.Reasons, "many different values")
		}
		if f.MostRepeated >= scheme.UnusualRepeats {
			f.Reasons = append(f.Reasons, "the same value again and again")
		}
		if f.ReportedRepeated >= scheme.UnusualReportedCheck {
			f.Reasons = append(f.Reasons, "an identifier from a report, repeatedly")
		}
		return f, nil
	}, `
		WITH per_value AS (
			SELECT c.user_id, c.value_idx, COUNT(*) AS n, MAX(c.checked_at) AS last_at,
				MAX(CASE WHEN EXISTS (SELECT 1 FROM offender_identifiers i WHERE i.kind = c.kind AND i.value_idx = c.value_idx) THEN 1 ELSE 0 END) AS reported
			FROM checks c WHERE c.user_id IS NOT NULL AND c.checked_at >= $1
			GROUP BY c.user_id, c.value_idx
		)
		SELECT p.user_id, u.username_ct, u.role, SUM(p.n), COUNT(*), MAX(p.n),
			MAX(CASE WHEN p.reported = 1 THEN p.n ELSE 0 END), MAX(p.last_at)
		FROM per_value p JOIN users u ON u.id = p.user_id
		GROUP BY p.user_id, u.username_ct, u.role
		HAVING COUNT(*) >= $2 OR MAX(p.n) >= $3 OR MAX(CASE WHEN p.reported = 1 THEN p.n ELSE 0 END) >= $4`,
		`SUM(p.n) DESC, p.user_id`, since.UTC(), scheme.UnusualDistinct, scheme.UnusualRepeats, scheme.UnusualReportedCheck)
}

// MemberChecks returns a member's recent checks, newest first, for a
// coordinator looking into a flag; the view is audited by the caller.
func (area Checks) MemberChecks(ctx context.Context, userID string, since time.Time, limit int) ([]scheme.CheckEntry, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (e scheme.CheckEntry, err error) {
		err = rows.Scan(&e.Channel, &e.Kind, &e.Matches, &e.Reported, &e.CheckedAt)
		return e, err
	}, `SELECT c.channel, c.kind, c.matches,
			EXISTS (SELECT 1 FROM offender_identifiers i WHERE i.kind = c.kind AND i.value_idx = c.value_idx), c.checked_at
		FROM checks c WHERE c.user_id = $1 AND c.checked_at >= $2 ORDER BY c.checked_at DESC LIMIT $3`,
		userID, since.UTC(), limit)
}

// PurgeChecks deletes check log entries older than before (the log is kept
// for UnusualWindow and a margin, not for ever).
func (area Checks) PurgeChecks(ctx context.Context, before time.Time) (int64, error) {
	db := area.db

	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM checks WHERE checked_at < $1`, before.UTC())
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		// The day counts go with the log: a day begun before the cut may
		// have lost checks from it. Were it still today (only when the
		// log is kept less than a day), its next check counts the log
		// again (checksTodaySQL).
		for _, table := range []string{"check_days_user", "check_days_key"} {
			// #nosec G202 -- table is one of the two names above, never input
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE day < $1`, before.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// scanTime reads a time from an aggregate (MIN, MAX): PostgreSQL gives a
// time.Time, SQLite the text it stored ("_time_format=sqlite").
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("store: cannot read %T as a time", v)
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("store: cannot read %q as a time", s)
}

// SMSSeenFor is how long the inbound SMS webhook's message ids are kept at
// least: a replay of a request seen within it is recognised. The daily
// retention job deletes older ones, so each is kept one to two days.
const SMSSeenFor = 24 * time.Hour

// FirstSMSInbound records that the SMS provider delivered the inbound
// message with this id (Twilio's MessageSid) and reports whether it is the
// first time: false means the request is a replay, to be answered without
// acting on it again. The id is stored only as a keyed hash, shared by
// every instance.
func (area Checks) FirstSMSInbound(ctx context.Context, messageID string) (bool, error) {
	db := area.db

	// The index keys are per kind; a NUL cannot occur in a username, so
	// this domain never meets real usernames (as for throttles).
	idx, err := db.index(vault.KindUsername, "sms-inbound\x00"+messageID)
	if err != nil {
		return false, err
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO sms_inbound_seen (sid_idx, seen_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		idx, db.now().UTC())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// sweepSMSInbound deletes the message ids seen longer ago than SMSSeenFor.
func (db *core) sweepSMSInbound(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sms_inbound_seen WHERE seen_at < $1`, now.Add(-SMSSeenFor))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
