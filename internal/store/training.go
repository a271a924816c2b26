package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/outbox"
	"uglymugs/internal/scheme"
)

// Training holds the scheme's training events, organisations' bookings on
// them, the attendance coordinators record, and the reminders sent to
// organisations whose training is overdue (migration 0026).
type Training struct{ db *core }

const trainingEventColumns = `e.id, e.title, e.starts_at, e.online, COALESCE(e.town, ''), e.places, e.status, e.created_at, e.cancelled_at,
	(SELECT COUNT(*) FROM training_bookings b WHERE b.event_id = e.id)`

func scanTrainingEvent(rows rowScanner) (scheme.TrainingEvent, error) {
	var e scheme.TrainingEvent
	var cancelled sql.NullTime
	err := rows.Scan(&e.ID, &e.Title, &e.StartsAt, &e.Online, &e.Town, &e.Places, &e.Status, &e.CreatedAt, &cancelled, &e.Booked)
	e.StartsAt, e.CreatedAt, e.CancelledAt = e.StartsAt.UTC(), e.CreatedAt.UTC(), cancelled.Time.UTC()
	if !cancelled.Valid {
		e.CancelledAt = time.Time{}
	}
	return e, err
}

// trainingAudit records a change to training, naming ids and counts only.
func (db *core) trainingAudit(ctx context.Context, tx *sql.Tx, actor, action, subjectType, subjectID string, detail map[string]any) error {
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: subjectType, SubjectID: subjectID, Detail: string(d)})
}

// PublishTrainingEvent stores a new event, published at once.
func (area Training) PublishTrainingEvent(ctx context.Context, actor string, e scheme.TrainingEvent) (scheme.TrainingEvent, error) {
	db := area.db

	e.ID, e.Status, e.CreatedAt, e.StartsAt = newID(), scheme.TrainingPublished, db.now().UTC(), e.StartsAt.UTC()
	if e.Online {
		e.Town = ""
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_events (id, title, starts_at, online, town, places, status, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, e.ID, e.Title, e.StartsAt, e.Online, nullable(e.Town), e.Places, e.Status, actor, e.CreatedAt); err != nil {
			return mapErr(err)
		}
		return db.trainingAudit(ctx, tx, actor, "training.publish", "training_event", e.ID,
			map[string]any{"starts_at": e.StartsAt, "online": e.Online, "town": e.Town, "places": e.Places})
	})
	return e, err
}

// TrainingEvents are every event, the latest first, a page at a time.
func (area Training) TrainingEvents(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.TrainingEvent], error) {
	return listPage(ctx, area.db, p, scanTrainingEvent, `SELECT `+trainingEventColumns+` FROM training_events e`, `e.starts_at DESC, e.id`)
}

// UpcomingTrainingEvents are the published events that start after now,
// soonest first: the few a key contact chooses from.
func (area Training) UpcomingTrainingEvents(ctx context.Context, now time.Time) ([]scheme.TrainingEvent, error) {
	return queryRows(ctx, area.db.read, scanTrainingEvent, `SELECT `+trainingEventColumns+` FROM training_events e
		WHERE e.status = 'published' AND e.starts_at > $1 ORDER BY e.starts_at, e.id`, now.UTC())
}

// TrainingEvent is one event.
func (area Training) TrainingEvent(ctx context.Context, id string) (scheme.TrainingEvent, error) {
	e, err := scanTrainingEvent(area.db.read.QueryRowContext(ctx, `SELECT `+trainingEventColumns+` FROM training_events e WHERE e.id = $1`, id))
	return e, mapErr(err)
}

// lockTrainingEvent reads an event in tx, locked on PostgreSQL for the
// change that follows (SQLite's one writer already serialises): two
// bookings at once then count each other's places.
func (db *core) lockTrainingEvent(ctx context.Context, tx *sql.Tx, id string) (scheme.TrainingEvent, error) {
	if db.dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM training_events WHERE id = $1 FOR UPDATE`, id); err != nil {
			return scheme.TrainingEvent{}, err
		}
	}
	e, err := scanTrainingEvent(tx.QueryRowContext(ctx, `SELECT `+trainingEventColumns+` FROM training_events e WHERE e.id = $1`, id))
	return e, mapErr(err)
}

// bookingColumns are a booking with its event, the person's name (from
// her profile) and her organisation's name.
const bookingColumns = `b.id, b.event_id, b.organisation_id, COALESCE(b.user_id, ''), b.booked_at, b.attended,
	e.title, e.starts_at, e.status, p.work_name_ct, o.name_ct`

const bookingFrom = ` FROM training_bookings b JOIN training_events e ON e.id = b.event_id
	JOIN organisations o ON o.id = b.organisation_id
	LEFT JOIN profiles p ON p.user_id = b.user_id`

func (db *core) scanBooking(rows rowScanner) (scheme.TrainingBooking, error) {
	var b scheme.TrainingBooking
	var attended sql.NullBool
	var nameCT, orgCT []byte
	if err := rows.Scan(&b.ID, &b.EventID, &b.OrganisationID, &b.UserID, &b.BookedAt, &attended,
		&b.EventTitle, &b.EventStartsAt, &b.EventStatus, &nameCT, &orgCT); err != nil {
		return b, err
	}
	b.BookedAt, b.EventStartsAt = b.BookedAt.UTC(), b.EventStartsAt.UTC()
	b.Recorded, b.Attended = attended.Valid, attended.Bool
	po, oo := &opener{db: db, table: "profiles", id: b.UserID}, &opener{db: db, table: "organisations", id: b.OrganisationID}
	b.Name, b.Organisation = po.open("work_name", nameCT), oo.open("name", orgCT)
	return b, firstErr(po.err, oo.err)
}

// EventBookings are an event's bookings, by organisation then when
// booked, with the people's and organisations' names: the coordinators'
// list (the domain audits its reading).
func (area Training) EventBookings(ctx context.Context, eventID string) ([]scheme.TrainingBooking, error) {
	db := area.db
	return queryRows(ctx, db.read, db.scanBooking, `SELECT `+bookingColumns+bookingFrom+` WHERE b.event_id = $1
		ORDER BY b.organisation_id, b.booked_at, b.id`, eventID)
}

// OrganisationBookings are an organisation's bookings, latest event
// first.
func (area Training) OrganisationBookings(ctx context.Context, orgID string) ([]scheme.TrainingBooking, error) {
	db := area.db
	return queryRows(ctx, db.read, db.scanBooking, `SELECT `+bookingColumns+bookingFrom+` WHERE b.organisation_id = $1
		ORDER BY e.starts_at DESC, e.id, b.booked_at, b.id`, orgID)
}

// trainingPeople are those a key contact may book for: her organisation's
// active key contacts and staff logins, by id.
func (db *core) trainingPeople(ctx context.Context, q queryer, orgID string) ([]scheme.TrainingPerson, error) {
	return queryRows(ctx, q, func(rows rowScanner) (scheme.TrainingPerson, error) {
		var p scheme.TrainingPerson
		var ct []byte
		if err := rows.Scan(&p.ID, &ct); err != nil {
			return p, err
		}
		o := &opener{db: db, table: "profiles", id: p.ID}
		p.Name = o.open("work_name", ct)
		return p, o.err
	}, `SELECT u.id, p.work_name_ct FROM users u JOIN profiles p ON p.user_id = u.id
		WHERE u.organisation_id = $1 AND u.role IN ('org_contact', 'org_staff') AND u.status = 'active'
		ORDER BY CASE u.role WHEN 'org_contact' THEN 0 ELSE 1 END, u.created_at, u.id`, orgID)
}

// TrainingPeople are the people of an organisation its key contact may
// book places for.
func (area Training) TrainingPeople(ctx context.Context, orgID string) ([]scheme.TrainingPerson, error) {
	return area.db.trainingPeople(ctx, area.db.read, orgID)
}

// BookTraining books places on an event for people of the key contact's
// organisation, all or none. The event is locked and its places counted
// in the same transaction (scheme.CanBookTraining), so two key contacts
// booking the last place at once cannot both have it.
func (area Training) BookTraining(ctx context.Context, contact scheme.User, eventID string, people []string) ([]string, error) {
	db := area.db

	var ids []string
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		e, err := db.lockTrainingEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status != scheme.TrainingPublished {
			return scheme.ErrNotFound
		}
		mine, err := db.trainingPeople(ctx, tx, contact.OrganisationID)
		if err != nil {
			return err
		}
		allowed := map[string]bool{}
		for _, p := range mine {
			allowed[p.ID] = true
		}
		now := db.now().UTC()
		if err := scheme.CanBookTraining(e, now, people, allowed); err != nil {
			return err
		}
		booked, err := queryStrings(ctx, tx, `SELECT COALESCE(user_id, '') FROM training_bookings WHERE event_id = $1`, eventID)
		if err != nil {
			return err
		}
		for _, id := range people {
			if slices.Contains(booked, id) {
				return scheme.Invalid(map[string]string{"people": "Someone you chose already has a place on this event."})
			}
			b := newID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_bookings (id, event_id, organisation_id, user_id, booked_by, booked_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, b, eventID, contact.OrganisationID, id, contact.ID, now); err != nil {
				return mapErr(err)
			}
			ids = append(ids, b)
		}
		return db.trainingAudit(ctx, tx, contact.ID, "training.book", "training_event", eventID,
			map[string]any{"organisation": contact.OrganisationID, "bookings": ids})
	})
	return ids, err
}

// CancelTrainingBooking gives a place back, before the event starts. A
// booking of another organisation is not found.
func (area Training) CancelTrainingBooking(ctx context.Context, contact scheme.User, bookingID string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		var eventID string
		if err := tx.QueryRowContext(ctx, `SELECT event_id FROM training_bookings WHERE id = $1 AND organisation_id = $2`,
			bookingID, contact.OrganisationID).Scan(&eventID); err != nil {
			return mapErr(err)
		}
		e, err := db.lockTrainingEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status == scheme.TrainingPublished && !e.Bookable(db.now()) {
			return scheme.Errorf(scheme.CodeConflict, "This event has started: its places can no longer be cancelled.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM training_bookings WHERE id = $1`, bookingID); err != nil {
			return err
		}
		return db.trainingAudit(ctx, tx, contact.ID, "training.cancel_booking", "training_event", eventID,
			map[string]any{"organisation": contact.OrganisationID, "booking": bookingID})
	})
}

// CancelTrainingEvent cancels an event that has not started and tells
// the key contacts of each organisation with a place on it, content-free
// (url: the page to sign in to).
func (area Training) CancelTrainingEvent(ctx context.Context, actor, eventID, url string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		e, err := db.lockTrainingEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if !e.Bookable(db.now()) {
			return scheme.Errorf(scheme.CodeConflict, "Only an event still to come can be cancelled.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE training_events SET status = 'cancelled', cancelled_at = $1 WHERE id = $2`, db.now().UTC(), eventID); err != nil {
			return err
		}
		orgs, err := queryStrings(ctx, tx, `SELECT DISTINCT organisation_id FROM training_bookings WHERE event_id = $1 ORDER BY organisation_id`, eventID)
		if err != nil {
			return err
		}
		for _, org := range orgs {
			if err := db.notifyKeyContacts(ctx, tx, org, outbox.TemplateTrainingCancelled, url); err != nil {
				return err
			}
		}
		return db.trainingAudit(ctx, tx, actor, "training.cancel", "training_event", eventID, map[string]any{"organisations_told": len(orgs)})
	})
}

// notifyKeyContacts queues a content-free message to each active key
// contact of an organisation: by email when she gave one, else by SMS.
func (db *core) notifyKeyContacts(ctx context.Context, tx *sql.Tx, orgID, template, url string) error {
	contacts, err := queryStrings(ctx, tx, `SELECT id FROM users WHERE organisation_id = $1 AND role = 'org_contact' AND status = 'active' ORDER BY id`, orgID)
	if err != nil {
		return err
	}
	for _, id := range contacts {
		p, err := db.profile(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case p.Email != "":
			err = db.enqueueNotification(ctx, tx, id, scheme.ChannelEmail, p.Email, template, map[string]string{"url": url})
		case p.Mobile != "":
			err = db.enqueueNotification(ctx, tx, id, scheme.ChannelSMS, p.Mobile, template, map[string]string{"url": url})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// RecordTrainingAttendance records, for each booking on an event that has
// begun, whether its person attended (attended names those who did; the
// rest did not). A cancelled event has no attendance.
func (area Training) RecordTrainingAttendance(ctx context.Context, actor, eventID string, attended map[string]bool) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		e, err := db.lockTrainingEvent(ctx, tx, eventID)
		if err != nil {
			return err
		}
		if e.Status != scheme.TrainingPublished || !e.Started(db.now()) {
			return scheme.Errorf(scheme.CodeConflict, "Attendance can be recorded once the event has begun, and not for a cancelled one.")
		}
		bookings, err := queryStrings(ctx, tx, `SELECT id FROM training_bookings WHERE event_id = $1 ORDER BY id`, eventID)
		if err != nil {
			return err
		}
		for id := range attended {
			if !slices.Contains(bookings, id) {
				return scheme.Invalid(map[string]string{"attended": "Choose people booked on this event."})
			}
		}
		now, came := db.now().UTC(), 0
		for _, id := range bookings {
			if attended[id] {
				came++
			}
			if _, err := tx.ExecContext(ctx, `UPDATE training_bookings SET attended = $1, recorded_by = $2, recorded_at = $3 WHERE id = $4`,
				attended[id], actor, now, id); err != nil {
				return err
			}
		}
		return db.trainingAudit(ctx, tx, actor, "training.attendance", "training_event", eventID,
			map[string]any{"booked": len(bookings), "attended": came})
	})
}

// joinedSQL is each organisation's joining: the first approval of one of
// its key contacts.
const joinedSQL = `SELECT u.organisation_id AS org, MIN(a.decided_at) AS joined FROM users u
	JOIN applications a ON a.user_id = u.id
	WHERE u.role = 'org_contact' AND a.status = 'approved' AND u.organisation_id IS NOT NULL GROUP BY u.organisation_id`

// TrainingStatus is an organisation's standing: when it joined and the
// day of the last event someone it booked attended. dueDays is the
// setting in force.
func (area Training) TrainingStatus(ctx context.Context, orgID string, dueDays int) (scheme.TrainingStatus, error) {
	db := area.db

	s := scheme.TrainingStatus{DueDays: dueDays}
	var joined, attended any
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT j.joined FROM (`+joinedSQL+`) j WHERE j.org = $1),
		(SELECT MAX(e.starts_at) FROM training_bookings b JOIN training_events e ON e.id = b.event_id
			WHERE b.organisation_id = $1 AND b.attended = TRUE)`, orgID).Scan(&joined, &attended)
	if err != nil {
		return s, err
	}
	if s.Joined, err = scanTime(joined); err != nil {
		return s, err
	}
	s.AttendedOn, err = scanTime(attended)
	return s, err
}

// overdueSQL selects the organisations with an active key contact that
// joined before $1 and of which nobody has attended; $2 is now (a booking
// on an event after it counts as booked).
const overdueSQL = `SELECT o.id, o.name_ct, o.type, j.joined, r.reminded_at,
	EXISTS (SELECT 1 FROM training_bookings b JOIN training_events e ON e.id = b.event_id
		WHERE b.organisation_id = o.id AND e.status = 'published' AND e.starts_at > $2) AS booked
	FROM organisations o JOIN (` + joinedSQL + `) j ON j.org = o.id
	LEFT JOIN training_reminders r ON r.organisation_id = o.id
	WHERE j.joined < $1
	AND EXISTS (SELECT 1 FROM users k WHERE k.organisation_id = o.id AND k.role = 'org_contact' AND k.status = 'active')
	AND NOT EXISTS (SELECT 1 FROM training_bookings b WHERE b.organisation_id = o.id AND b.attended = TRUE)`

func (db *core) scanOverdue(rows rowScanner) (scheme.OverdueOrganisation, error) {
	var o scheme.OverdueOrganisation
	var ct []byte
	var joined any
	var reminded sql.NullTime
	if err := rows.Scan(&o.ID, &ct, &o.Type, &joined, &reminded, &o.Booked); err != nil {
		return o, err
	}
	var err error
	if o.Joined, err = scanTime(joined); err != nil {
		return o, err
	}
	if reminded.Valid {
		o.RemindedAt = reminded.Time.UTC()
	}
	op := &opener{db: db, table: "organisations", id: o.ID}
	o.Name = op.open("name", ct)
	return o, op.err
}

// OverdueOrganisations are the organisations not trained within dueDays
// of joining at now, the longest waiting first, a page at a time.
func (area Training) OverdueOrganisations(ctx context.Context, now time.Time, dueDays int, p scheme.Page) (scheme.Listed[scheme.OverdueOrganisation], error) {
	db := area.db
	return listPage(ctx, db, p, db.scanOverdue, overdueSQL, `j.joined, o.id`, now.UTC().AddDate(0, 0, -dueDays), now.UTC())
}

// RemindOverdueTraining tells the key contacts of each overdue
// organisation, content-free, that training is due (url: where to sign
// in), at most once every dueDays: the reminder is recorded in the same
// transaction as its messages, so a restart never sends it again. It
// returns how many organisations were reminded.
func (area Training) RemindOverdueTraining(ctx context.Context, dueDays int, url string) (int, error) {
	db := area.db

	n := 0
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC()
		overdue, err := queryRows(ctx, tx, db.scanOverdue, overdueSQL+` ORDER BY j.joined, o.id`, now.AddDate(0, 0, -dueDays), now)
		if err != nil {
			return err
		}
		since := now.AddDate(0, 0, -dueDays)
		for _, o := range overdue {
			if !o.RemindedAt.IsZero() && o.RemindedAt.After(since) {
				continue
			}
			if err := db.notifyKeyContacts(ctx, tx, o.ID, outbox.TemplateTrainingDue, url); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM training_reminders WHERE organisation_id = $1`, o.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_reminders (organisation_id, reminded_at) VALUES ($1, $2)`, o.ID, now); err != nil {
				return err
			}
			if err := db.trainingAudit(ctx, tx, "system", "training.remind", "organisation", o.ID, map[string]any{"due_days": dueDays}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
