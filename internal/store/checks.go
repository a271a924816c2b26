package store

import (
	"context"
	"database/sql"
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
// (an alert_recipients row "via check", in the app only).
func (area Checks) RunCheck(ctx context.Context, c Check) (scheme.CheckOutcome, error) {
	db := area.db

	var out scheme.CheckOutcome
	k, ok := indexKind[c.Kind]
	if !ok || c.Kind == "name" { // check.Normalise refuses it first
		return out, fmt.Errorf("run check: identifier kind %q is not checked", c.Kind)
	}
	idx, err := db.index(k, c.Normalised)
	if err != nil {
		return out, err
	}
	who, col, lock := c.UserID, "user_id", `SELECT id FROM users WHERE id = $1 FOR UPDATE`
	if c.KeyID != "" {
		who, col, lock = c.KeyID, "api_key_id", `SELECT id FROM api_keys WHERE id = $1 FOR UPDATE`
	}
	now := db.now().UTC()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// SQLite's writer is already exclusive; PostgreSQL needs the asker's
		// row locked so that two checks at once cannot both squeeze in.
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, lock, who); err != nil {
				return err
			}
		}
		var today int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM checks WHERE `+col+` = $1 AND checked_at >= $2`,
			who, c.DayStart.UTC()).Scan(&today); err != nil {
			return err
		}
		if today >= c.PerDay {
			out.Limited, out.Daily, out.Used = true, true, today
			return nil
		}
		var minute int
		var oldest any
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(checked_at) FROM checks WHERE `+col+` = $1 AND checked_at > $2`,
			who, now.Add(-time.Minute)).Scan(&minute, &oldest); err != nil {
			return err
		}
		if minute >= c.PerMinute {
			out.Limited, out.Used = true, today
			t, err := scanTime(oldest)
			if err != nil {
				return err
			}
			out.FreeAt = t.Add(time.Minute)
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.severity FROM alerts a
			WHERE a.status = 'published' AND a.id IN (SELECT alert_id FROM alert_identifiers WHERE kind = $1 AND value_idx = $2)
			ORDER BY a.published_at DESC, a.id`, c.Kind, idx)
		if err != nil {
			return err
		}
		err = eachRow(rows, func() error {
			var id string
			var sev scheme.Severity
			if err := rows.Scan(&id, &sev); err != nil {
				return err
			}
			out.AlertIDs = append(out.AlertIDs, id)
			if scheme.SeverityRank[sev] > scheme.SeverityRank[out.Highest] {
				out.Highest = sev
			}
			return nil
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checks (id, user_id, api_key_id, channel, kind, value_idx, matches, highest_severity, checked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			newID(), nullable(c.UserID), nullable(c.KeyID), c.Channel, c.Kind, idx, len(out.AlertIDs), string(out.Highest), now); err != nil {
			return err
		}
		out.Used = today + 1
		if c.UserID == "" {
			return nil
		}
		for _, id := range out.AlertIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alert_recipients (alert_id, user_id, via, created_at)
				VALUES ($1, $2, 'check', $3) ON CONFLICT DO NOTHING`, id, c.UserID, now); err != nil {
				return err
			}
		}
		if len(out.AlertIDs) == 0 {
			return nil
		}
		// A member found a warning: the reports naming this value count it
		// for their reporters (impact.go), never who checked.
		return db.countCheckFound(ctx, tx, c.Kind, idx, c.UserID)
	})
	return out, err
}

// ChecksToday counts the checks a member has made since dayStart.
func (area Checks) ChecksToday(ctx context.Context, userID string, dayStart time.Time) (int, error) {
	db := area.db

	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM checks WHERE user_id = $1 AND checked_at >= $2`,
		userID, dayStart.UTC()).Scan(&n)
	return n, err
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
		n, err = res.RowsAffected()
		return err
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
