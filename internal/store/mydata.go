package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"uglymugs/internal/scheme"
)

// ExportUser gathers everything held about a user, for her to read and
// download: her account, what she told us, her reports with their
// conversation and what became of them, her drafts, checks, the alerts that
// reached her and every message sent to her (never the address), her
// sessions, devices and her own actions. What the law lets the scheme keep
// back is left out: the vetting flags (someone flagged as a possible
// offender must not learn it), disclosures she is not to be told of, and
// staff's working notes.
func (area Accounts) ExportUser(ctx context.Context, userID string) (scheme.MemberData, error) {
	db := area.db

	var e scheme.MemberData
	l, err := db.top.Sessions.LoginByID(ctx, userID)
	if err != nil {
		return e, err
	}
	e.User, e.SecondFactor = l.User, l.TOTPEnabled
	if e.Profile, err = db.top.Accounts.Profile(ctx, userID); err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
		return e, err
	}
	if l.User.OrganisationID != "" {
		org, err := db.top.Accounts.Organisation(ctx, userID)
		if err != nil {
			return e, err
		}
		e.Organisation = &org
	}
	if a, err := db.top.Accounts.ApplicationOfUser(ctx, userID); err == nil {
		// Already above; and never the vetting flags: someone flagged as a
		// possible offender must not learn it.
		a.Profile, a.Org, a.Flags = scheme.Profile{}, nil, nil
		e.Application = &a
	} else if scheme.ErrorCode(err) != scheme.CodeNotFound {
		return e, err
	}
	if e.Additions, err = db.additions(ctx, `SELECT id, alert_id, author_id, body_ct, status, created_at, moderated_at, language
		FROM alert_additions WHERE author_id = $1 ORDER BY created_at, id`, userID, userID); err != nil {
		return e, err
	}
	if e.PushDevices, err = db.top.Push.Devices(ctx, userID); err != nil {
		return e, err
	}
	if e.Discreet, err = db.top.Push.Discreet(ctx, userID); err != nil {
		return e, err
	}
	if e.ImpactToldAt, err = db.top.Reports.LastImpactNotice(ctx, userID); err != nil {
		return e, err
	}
	if e.Referrals, err = db.top.Support.ReferralsOf(ctx, userID); err != nil {
		return e, err
	}
	for _, part := range []func(context.Context, string, *scheme.MemberData) error{
		db.myReports, db.myDrafts, db.myChecks, db.myAlerts, db.myNotifications, db.mySignIns, db.myDisclosures, db.myActivity, db.myTraining,
	} {
		if err := part(ctx, userID, &e); err != nil {
			return e, err
		}
	}
	// Lists are lists, empty or not, so a reader sees "none" rather than
	// "not known".
	e.SessionList, e.Reports, e.Drafts, e.Checks = nonNil(e.SessionList), nonNil(e.Reports), nonNil(e.Drafts), nonNil(e.Checks)
	e.Alerts, e.Notifications, e.Resets = nonNil(e.Alerts), nonNil(e.Notifications), nonNil(e.Resets)
	e.Disclosures, e.Activity, e.Training = nonNil(e.Disclosures), nonNil(e.Activity), nonNil(e.Training)
	return e, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// myReports adds the reports she sent, each as sent and as staff keep it,
// with what happened to it, its messages and the police's enquiries.
func (db *core) myReports(ctx context.Context, userID string, e *scheme.MemberData) error {
	ids, err := queryRows(ctx, db.read, func(rows rowScanner) (id string, err error) {
		return id, rows.Scan(&id)
	}, `SELECT id FROM reports WHERE reporter_id = $1 ORDER BY submitted_at, id`, userID)
	if err != nil {
		return err
	}
	e.Reports = make([]scheme.MyReport, 0, len(ids))
	for _, id := range ids {
		r, err := db.top.Reports.Report(ctx, id)
		if err != nil {
			return err
		}
		m := scheme.MyReport{Report: r, AsSent: r.Original.ForReporter(), WorkingCopy: r.Working.ForReporter()}
		if m.History, err = queryRows(ctx, db.read, func(rows rowScanner) (s scheme.ReportStep, err error) {
			if err := rows.Scan(&s.Kind, &s.At, &s.Detail); err != nil {
				return s, err
			}
			if s.Kind != "status" && s.Kind != "consent" {
				s.Detail = "" // other events' details name staff's work: tasks, links, enquiries
			}
			return s, nil
		}, `SELECT kind, at, detail FROM report_events WHERE report_id = $1 ORDER BY at, id`, id); err != nil {
			return err
		}
		if m.Messages, err = db.reportMessages(ctx, id); err != nil {
			return err
		}
		if m.Enquiries, err = queryRows(ctx, db.read, func(rows rowScanner) (q scheme.MyEnquiry, err error) {
			var reqCT []byte
			var decided sql.NullTime
			var enquiryID string
			if err := rows.Scan(&enquiryID, &q.Force, &reqCT, &q.ForwardedAt, &q.Decision, &decided); err != nil {
				return q, err
			}
			q.DecidedAt = decided.Time
			q.Request, err = db.open("police_enquiries", "request", enquiryID, reqCT)
			return q, err
		}, `SELECT q.id, q.force, q.request_ct, f.forwarded_at, f.decision, f.decided_at
			FROM enquiry_forwards f JOIN police_enquiries q ON q.id = f.enquiry_id
			WHERE f.report_id = $1 ORDER BY f.forwarded_at, f.id`, id); err != nil {
			return err
		}
		if m.Alerts, err = queryRows(ctx, db.read, func(rows rowScanner) (a string, err error) {
			return a, rows.Scan(&a)
		}, `SELECT alert_id FROM alert_reports WHERE report_id = $1 ORDER BY alert_id`, id); err != nil {
			return err
		}
		if m.SharedWithPolice, err = queryRows(ctx, db.read, func(rows rowScanner) (t time.Time, err error) {
			return t, rows.Scan(&t)
		}, `SELECT e.created_at FROM police_export_reports x JOIN police_exports e ON e.id = x.export_id
			WHERE x.report_id = $1 AND x.included ORDER BY e.created_at`, id); err != nil {
			return err
		}
		im, err := db.top.Reports.Impact(ctx, id)
		if err != nil {
			return err
		}
		m.Impact = &im
		if m.PoliceHelp, err = db.top.Reports.PoliceHelpRequests(ctx, id); err != nil {
			return err
		}
		m.History, m.Messages = nonNil(m.History), nonNil(m.Messages)
		e.Reports = append(e.Reports, m)
	}
	return nil
}

// reportMessages is a report's conversation, without marking anything read.
func (db *core) reportMessages(ctx context.Context, reportID string) ([]scheme.Message, error) {
	return queryRows(ctx, db.read, func(rows rowScanner) (m scheme.Message, err error) {
		var ct []byte
		var read sql.NullTime
		if err := rows.Scan(&m.ID, &m.FromScheme, &ct, &m.At, &read); err != nil {
			return m, err
		}
		m.ReadAt = read.Time
		m.Body, err = db.open("report_messages", "body", m.ID, ct)
		return m, err
	}, `SELECT id, from_scheme, body_ct, created_at, read_at FROM report_messages WHERE report_id = $1 ORDER BY created_at, id`, reportID)
}

// myDrafts adds the reports she started and has not sent, answers and all.
func (db *core) myDrafts(ctx context.Context, userID string, e *scheme.MemberData) (err error) {
	e.Drafts, err = queryRows(ctx, db.read, func(rows rowScanner) (d scheme.MyDraft, err error) {
		var ct []byte
		if err := rows.Scan(&d.ID, &d.Step, &d.UpdatedAt, &ct); err != nil {
			return d, err
		}
		data, err := db.open("report_drafts", "data", d.ID, ct)
		if err != nil {
			return d, err
		}
		if !json.Valid([]byte(data)) {
			data = "null"
		}
		d.Answers = json.RawMessage(data)
		return d, nil
	}, `SELECT id, step, updated_at, data_ct FROM report_drafts WHERE user_id = $1 ORDER BY updated_at, id`, userID)
	return err
}

// myChecks adds the checks she made: kind, door, when, and whether
// something was found. The value was never kept.
func (db *core) myChecks(ctx context.Context, userID string, e *scheme.MemberData) (err error) {
	e.Checks, err = queryRows(ctx, db.read, func(rows rowScanner) (c scheme.MyCheck, err error) {
		var matches int
		err = rows.Scan(&c.Kind, &c.Channel, &c.CheckedAt, &matches)
		c.Found = matches > 0
		return c, err
	}, `SELECT kind, channel, checked_at, matches FROM checks WHERE user_id = $1 ORDER BY checked_at, id`, userID)
	return err
}

// myAlerts adds the alerts that reached her feed and when she read them.
func (db *core) myAlerts(ctx context.Context, userID string, e *scheme.MemberData) (err error) {
	e.Alerts, err = queryRows(ctx, db.read, func(rows rowScanner) (a scheme.MyAlert, err error) {
		var read sql.NullTime
		err = rows.Scan(&a.AlertID, &a.Via, &a.At, &read)
		a.ReadAt = read.Time
		return a, err
	}, `SELECT alert_id, via, created_at, read_at FROM alert_recipients WHERE user_id = $1 ORDER BY created_at, alert_id`, userID)
	return err
}

// myNotifications adds every message sent or queued to her, alerts and
// the rest: channel, what about, when. Never the address or the words.
func (db *core) myNotifications(ctx context.Context, userID string, e *scheme.MemberData) error {
	scan := func(rows rowScanner) (n scheme.MyNotification, err error) {
		var sent sql.NullTime
		err = rows.Scan(&n.Channel, &n.About, &n.AlertID, &n.Status, &n.At, &sent)
		n.SentAt = sent.Time
		return n, err
	}
	alerts, err := queryRows(ctx, db.read, scan, `SELECT d.channel, 'alert', d.alert_id, d.status, d.updated_at, d.sent_at
		FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.user_id = $1 ORDER BY d.updated_at, d.alert_id, d.channel, d.device`, userID)
	if err != nil {
		return err
	}
	others, err := queryRows(ctx, db.read, scan, `SELECT channel, template, '', status, created_at, sent_at
		FROM notifications WHERE user_id = $1 ORDER BY created_at, id`, userID)
	e.Notifications = append(alerts, others...)
	return err
}

// mySignIns adds her sessions, password resets and how many recovery codes
// are left: times only, never a token or a code.
func (db *core) mySignIns(ctx context.Context, userID string, e *scheme.MemberData) (err error) {
	if e.SessionList, err = queryRows(ctx, db.read, func(rows rowScanner) (s scheme.MySession, err error) {
		return s, rows.Scan(&s.Kind, &s.Started, &s.LastSeen, &s.Ends)
	}, `SELECT kind, created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at`, userID); err != nil {
		return err
	}
	e.Sessions = len(e.SessionList)
	if e.Resets, err = queryRows(ctx, db.read, func(rows rowScanner) (r scheme.MyReset, err error) {
		var used sql.NullTime
		err = rows.Scan(&r.Asked, &used)
		r.Used = used.Time
		return r, err
	}, `SELECT created_at, used_at FROM password_resets WHERE user_id = $1 ORDER BY created_at, id`, userID); err != nil {
		return err
	}
	return db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&e.RecoveryCodes)
}

// myDisclosures adds the disclosures she is told of, by the rule of her
// account page (Police.MemberDisclosures): approved, and not one the law
// forbids telling her of. A pending or refused one disclosed nothing.
func (db *core) myDisclosures(ctx context.Context, userID string, e *scheme.MemberData) error {
	list, err := db.top.Police.MemberDisclosures(ctx, userID)
	for _, d := range list {
		e.Disclosures = append(e.Disclosures, scheme.MyDisclosure{LegalBasis: d.LegalBasis, What: d.What, Recipient: d.Recipient, DecidedAt: d.DecidedAt})
	}
	return err
}

// myActivity adds what she did herself, from the audit log: the action and
// when. What others did about her is in the parts above, as it is now.
func (db *core) myActivity(ctx context.Context, userID string, e *scheme.MemberData) (err error) {
	e.Activity, err = queryRows(ctx, db.read, func(rows rowScanner) (a scheme.MyActivity, err error) {
		return a, rows.Scan(&a.Action, &a.At)
	}, `SELECT action, at FROM audit_log WHERE actor = $1 ORDER BY seq`, userID)
	return err
}

// myTraining adds the training places she was booked on, and whether she
// attended.
func (db *core) myTraining(ctx context.Context, userID string, e *scheme.MemberData) (err error) {
	e.Training, err = queryRows(ctx, db.read, func(rows rowScanner) (t scheme.MyTraining, err error) {
		var attended sql.NullBool
		err = rows.Scan(&t.Event, &t.StartsAt, &attended)
		if attended.Valid {
			t.Attended = &attended.Bool
		}
		return t, err
	}, `SELECT e.title, e.starts_at, b.attended FROM training_bookings b JOIN training_events e ON e.id = b.event_id
		WHERE b.user_id = $1 ORDER BY e.starts_at, b.id`, userID)
	return err
}
