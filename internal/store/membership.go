package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// NewApplication is a validated, normalised application to join.
type NewApplication struct {
	Type         scheme.MembershipType
	Username     string
	PasswordHash string
	Profile      scheme.Profile // Email lower-cased, Mobile in E.164
	Org          *scheme.Organisation
	Flags        []scheme.Flag // raised by the caller (email domain)
	URL          string        // sign-in address for the notification
	Language     string        // the applicant's, when not English: her messages are in it
}

// CreateApplication stores an application and everything in it in one
// transaction: the applicant's login, profile, regions, organisation, the
// application with its flags, the audit entry and the "received" message.
func (area Accounts) CreateApplication(ctx context.Context, na NewApplication) (scheme.Application, error) {
	db := area.db

	now := db.now().UTC()
	a := scheme.Application{ID: newID(), UserID: newID(), Type: na.Type, Status: scheme.ApplicationPending, SubmittedAt: now}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertUser(ctx, tx, na.Username, a.UserID, scheme.RoleApplicant, scheme.StatusApplicant, na.PasswordHash, now); err != nil {
			return err
		}
		if na.Language != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, na.Language, a.UserID); err != nil {
				return err
			}
		}
		p := na.Profile
		p.UserID, p.Membership, p.TermsAcceptedAt = a.UserID, string(na.Type), now
		if err := db.insertProfile(ctx, tx, p); err != nil {
			return err
		}
		flags := append([]scheme.Flag(nil), na.Flags...)
		if na.Org != nil {
			org := *na.Org
			org.ID, org.Type = newID(), na.Type
			if err := db.insertOrganisation(ctx, tx, org, a.UserID, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET organisation_id = $1 WHERE id = $2`, org.ID, a.UserID); err != nil {
				return err
			}
			na.Org = &org
		}
		var err error
		if a.FlagSources, err = db.contactSources(ctx, tx, a.UserID, p, na.Org); err != nil {
			return err
		}
		a.Flags = append(flags, scheme.FlagsOf(a.FlagSources)...)
		var sources []byte
		if len(a.FlagSources) > 0 {
			if sources, err = json.Marshal(a.FlagSources); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO applications (id, user_id, type, status, flags, flag_sources, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, a.UserID, string(a.Type), string(a.Status), scheme.JoinFlags(a.Flags), string(sources), now); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, audit.Entry{Actor: a.UserID, Action: "application.submit", SubjectType: "application", SubjectID: a.ID,
			Detail: fmt.Sprintf(`{"type":%q,"flags":%q}`, a.Type, scheme.JoinFlags(a.Flags))}); err != nil {
			return err
		}
		return db.notifyUser(ctx, tx, a.UserID, p, "application_received", map[string]string{"url": na.URL})
	})
	if err != nil {
		return scheme.Application{}, err
	}
	a.Username, a.Profile, a.Org = na.Username, na.Profile, na.Org
	return a, nil
}

func (db *core) insertUser(ctx context.Context, tx *sql.Tx, username, id string, role scheme.Role, status, pwHash string, now time.Time) error {
	if p := scheme.UsernameProblem(username); p != "" {
		return scheme.Invalid(map[string]string{"username": p})
	}
	idx, err := db.index(vault.KindUsername, username)
	if err != nil {
		return err
	}
	key, wrapped, err := db.newMemberKey(id)
	if err != nil {
		return err
	}
	s := &sealer{db: db, table: "users", id: id, key: key}
	nameCT := s.seal("username", username)
	if s.err != nil {
		return s.err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, username_idx, username_ct, role, status, password_hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, idx, nameCT, string(role), status, pwHash, now)
	if scheme.ErrorCode(mapErr(err)) == scheme.CodeConflict {
		return &scheme.Error{Code: scheme.CodeConflict, Message: "That username is taken.",
			Fields: map[string]string{"username": "That username is taken. Try another."}}
	}
	if err != nil {
		return err
	}
	return db.keepMemberKey(ctx, tx, key, wrapped)
}

// sealer seals several fields of one row: with a member's key when the
// row is hers (sealerOf), else with the key file's.
type sealer struct {
	db    *core
	table string
	id    string
	key   vault.MemberKey
	err   error
}

func (s *sealer) seal(column, value string) []byte {
	if s.err != nil {
		return nil
	}
	var ct []byte
	if s.key.Valid() {
		ct, s.err = s.key.SealString(vault.Field{Table: s.table, Column: column, RowID: s.id}, value)
	} else {
		ct, s.err = s.db.seal(s.table, column, s.id, value)
	}
	return ct
}

func (s *sealer) index(k vault.Kind, value string) []byte {
	if s.err != nil || value == "" {
		return nil
	}
	var idx []byte
	idx, s.err = s.db.index(k, value)
	return idx
}

func (db *core) insertProfile(ctx context.Context, tx *sql.Tx, p scheme.Profile) error {
	s := db.sealerOf(ctx, tx, "profiles", p.UserID, p.UserID)
	var termsVersion any
	if p.TermsVersion > 0 {
		termsVersion = p.TermsVersion
	}
	var termsAt any
	if !p.TermsAcceptedAt.IsZero() {
		termsAt = p.TermsAcceptedAt
	}
	args := []any{p.UserID, p.Membership, s.seal("work_name", p.WorkName), s.seal("real_name", p.RealName),
		s.seal("email", p.Email), s.index(vault.KindEmail, p.Email), s.seal("mobile", p.Mobile), s.index(vault.KindPhone, p.Mobile),
		p.AlertEmail, p.AlertSMS, p.Gender, p.Sector, s.seal("area", p.Area), termsVersion, termsAt}
	if s.err != nil {
		return s.err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO profiles (user_id, membership, work_name_ct, real_name_ct, email_ct, email_idx,
		mobile_ct, mobile_idx, alert_email, alert_sms, gender, sector, area_ct, terms_version, terms_accepted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, args...)
	if err != nil {
		return fmt.Errorf("insert profile: %w", err)
	}
	return db.setRegions(ctx, tx, p.UserID, p.Regions)
}

func (db *core) setRegions(ctx context.Context, tx *sql.Tx, userID string, regions []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM profile_regions WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, r := range regions {
		if _, err := tx.ExecContext(ctx, `INSERT INTO profile_regions (user_id, region) VALUES ($1, $2)`, userID, r); err != nil {
			return fmt.Errorf("region %q: %w", r, err)
		}
	}
	return nil
}

// insertOrganisation adds an organisation, its details sealed with its key
// contact's key (contactID): they go when she leaves, and it with her.
func (db *core) insertOrganisation(ctx context.Context, tx *sql.Tx, o scheme.Organisation, contactID string, now time.Time) error {
	s := db.sealerOf(ctx, tx, "organisations", o.ID, contactID)
	args := []any{o.ID, string(o.Type), s.seal("name", o.Name), s.seal("website", o.Website), s.seal("email", o.Email),
		s.index(vault.KindEmail, o.Email), s.seal("key_contact", o.KeyContact), s.seal("description", o.Description), now}
	if s.err != nil {
		return s.err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, type, name_ct, website_ct, email_ct, email_idx, key_contact_ct, description_ct, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, args...)
	return err
}

// contactSources finds what raises flags when the applicant's contact
// details are compared, by blind index, with other people's and with
// offender identifiers in reports: each match once, at most
// maxFlagSources in all (enough to act on; the flag stands either way).
func (db *core) contactSources(ctx context.Context, q queryer, userID string, p scheme.Profile, org *scheme.Organisation) ([]scheme.FlagSource, error) {
	type probe struct {
		field, value string
		kind         vault.Kind
	}
	probes := []probe{{"email", p.Email, vault.KindEmail}, {"mobile", p.Mobile, vault.KindPhone}}
	if org != nil {
		probes = append(probes, probe{"organisation_email", org.Email, vault.KindEmail})
	}
	var out []scheme.FlagSource
	seen := map[scheme.FlagSource]bool{}
	add := func(query string, args []any, src func(id string) scheme.FlagSource) error {
		ids, err := queryRows(ctx, q, func(rows rowScanner) (id string, err error) { return id, rows.Scan(&id) }, query, args...)
		for _, id := range ids {
			if s := src(id); len(out) < maxFlagSources && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		return err
	}
	for _, pr := range probes {
		if pr.value == "" {
			continue
		}
		idx, err := db.index(pr.kind, pr.value)
		if err != nil {
			return nil, err
		}
		col := "email_idx"
		if pr.kind == vault.KindPhone {
			col = "mobile_idx"
		}
		// Another person (any status but the applicant's own row) with the
		// same address: rejected and revoked people count too.
		if err := add(`SELECT user_id FROM profiles WHERE `+col+` = $1 AND user_id <> $2 ORDER BY user_id`, []any{idx, userID},
			func(id string) scheme.FlagSource {
				return scheme.FlagSource{Flag: scheme.FlagPossibleDuplicate, Field: pr.field, Member: id}
			}); err != nil {
			return nil, err
		}
		if pr.kind == vault.KindEmail {
			if err := add(`SELECT o.id FROM organisations o WHERE o.email_idx = $1
				AND NOT EXISTS (SELECT 1 FROM users u WHERE u.organisation_id = o.id AND u.id = $2) ORDER BY o.id`, []any{idx, userID},
				func(id string) scheme.FlagSource {
					return scheme.FlagSource{Flag: scheme.FlagPossibleDuplicate, Field: pr.field, Organisation: id}
				}); err != nil {
				return nil, err
			}
		}
		if err := add(`SELECT DISTINCT offender_id FROM offender_identifiers WHERE kind = $1 AND value_idx = $2 ORDER BY offender_id`,
			[]any{string(pr.kind), idx}, func(id string) scheme.FlagSource {
				return scheme.FlagSource{Flag: scheme.FlagPossibleOffender, Field: pr.field, Offender: id}
			}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxFlagSources bounds what is kept of what raised an application's flags.
const maxFlagSources = 20

// FlagMatches opens what raised an application's flags as it is now: the
// member (with their username, status and application) or the offender
// profile. An application from before sources were kept has its
// applicant's details matched again now (matchedNow). Opening one is part
// of opening the application, which the caller records.
func (area Accounts) FlagMatches(ctx context.Context, a scheme.Application) (matches []scheme.FlagMatch, matchedNow bool, err error) {
	db := area.db

	sources := a.FlagSources
	if len(sources) == 0 && slices.ContainsFunc(a.Flags, func(f scheme.Flag) bool { return f != scheme.FlagEmailDomainMismatch }) {
		matchedNow = true
		if sources, err = db.contactSources(ctx, db.read, a.UserID, a.Profile, a.Org); err != nil {
			return nil, false, err
		}
	}
	for _, src := range sources {
		m := scheme.FlagMatch{FlagSource: src}
		switch {
		case src.Offender != "":
			err = db.read.QueryRowContext(ctx, `SELECT profile_id FROM offenders WHERE id = $1`, src.Offender).Scan(&m.ProfileID)
		case src.Organisation != "":
			// The organisation is opened through the key contact who applied for it.
			err = db.read.QueryRowContext(ctx, `SELECT u.id FROM users u JOIN applications a ON a.user_id = u.id
				WHERE u.organisation_id = $1 ORDER BY a.submitted_at, a.id LIMIT 1`, src.Organisation).Scan(&m.Member)
			if err == nil {
				err = db.flagMember(ctx, &m)
			}
		default:
			err = db.flagMember(ctx, &m)
		}
		if err == sql.ErrNoRows {
			m.Gone, err = true, nil
		}
		if err != nil {
			return nil, false, err
		}
		matches = append(matches, m)
	}
	return matches, matchedNow, nil
}

// flagMember fills in the member m points to, or sql.ErrNoRows.
func (db *core) flagMember(ctx context.Context, m *scheme.FlagMatch) error {
	var nameCT []byte
	var role string
	var appID sql.NullString
	if err := db.read.QueryRowContext(ctx, `SELECT u.username_ct, u.role, u.status, a.id FROM users u
		LEFT JOIN applications a ON a.user_id = u.id WHERE u.id = $1`, m.Member).Scan(&nameCT, &role, &m.Status, &appID); err != nil {
		return err
	}
	m.Role, m.ApplicationID = scheme.Role(role), appID.String
	var err error
	m.Username, err = db.open("users", "username", m.Member, nameCT)
	return err
}

// Applications lists page p of the applications oldest first, without
// personal details: the queue shows type, wait and flags; details are
// opened one at a time.
func (area Accounts) Applications(ctx context.Context, f scheme.ApplicationFilter, p scheme.Page) (scheme.Listed[scheme.Application], error) {
	db := area.db

	if len(f.Statuses) == 0 {
		f.Statuses = []scheme.ApplicationStatus{scheme.ApplicationPending, scheme.ApplicationInfoRequested}
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// #nosec G202 -- only $n placeholders are joined in; the values are arguments
	q := `SELECT id, user_id, type, status, flags, submitted_at FROM applications WHERE status IN (` + inList(arg, f.Statuses) + `)`
	return listPage(ctx, db, p, func(rows rowScanner) (a scheme.Application, err error) {
		var typ, status, flags string
		if err := rows.Scan(&a.ID, &a.UserID, &typ, &status, &flags, &a.SubmittedAt); err != nil {
			return a, err
		}
		a.Type, a.Status, a.Flags = scheme.MembershipType(typ), scheme.ApplicationStatus(status), scheme.SplitFlags(flags)
		return a, nil
	}, q, `submitted_at, id`, args...)
}

// Application returns one application with the applicant's details. It is
// a view of personal data: the caller records who looked
// (account.Service.Application).
func (area Accounts) Application(ctx context.Context, id string) (scheme.Application, error) {
	db := area.db

	return db.applicationWhere(ctx, db.read, `a.id = $1`, id)
}

// ApplicationOfUser returns the applicant's own application.
func (area Accounts) ApplicationOfUser(ctx context.Context, userID string) (scheme.Application, error) {
	db := area.db

	return db.applicationWhere(ctx, db.read, `a.user_id = $1`, userID)
}

func (db *core) applicationWhere(ctx context.Context, q queryer, where string, arg any) (scheme.Application, error) {
	var a scheme.Application
	var typ, status, flags, sources string
	var decidedAt sql.NullTime
	var reason, question, answer, nameCT []byte
	err := q.QueryRowContext(ctx, `SELECT a.id, a.user_id, a.type, a.status, a.flags, a.flag_sources, a.submitted_at, a.decided_at,
		a.reason_ct, a.question_ct, a.answer_ct, u.username_ct
		FROM applications a JOIN users u ON u.id = a.user_id WHERE `+where, arg).
		Scan(&a.ID, &a.UserID, &typ, &status, &flags, &sources, &a.SubmittedAt, &decidedAt, &reason, &question, &answer, &nameCT)
	if err != nil {
		return a, mapErr(err)
	}
	a.Type, a.Status, a.Flags, a.DecidedAt = scheme.MembershipType(typ), scheme.ApplicationStatus(status), scheme.SplitFlags(flags), decidedAt.Time
	if sources != "" {
		if err := json.Unmarshal([]byte(sources), &a.FlagSources); err != nil {
			return a, fmt.Errorf("application %s: flag sources: %w", a.ID, err)
		}
	}
	o := &opener{db: db, table: "applications", id: a.ID}
	a.Reason, a.Question, a.Answer = o.open("reason", reason), o.open("question", question), o.open("answer", answer)
	uo := &opener{db: db, table: "users", id: a.UserID}
	a.Username = uo.open("username", nameCT)
	if err := errors.Join(o.err, uo.err); err != nil {
		return a, err
	}
	if a.Profile, err = db.profile(ctx, q, a.UserID); err != nil {
		return a, err
	}
	if a.Type.Organisational() {
		org, err := db.organisationOfUser(ctx, q, a.UserID)
		if err != nil {
			return a, err
		}
		a.Org = &org
	}
	return a, nil
}

// opener opens several fields of one row, keeping the first error. A
// lenient opener (for list reads) instead marks a value that does not open
// in unreadable and goes on, so one damaged value does not sink a page.
type opener struct {
	db         *core
	table      string
	id         string
	err        error
	lenient    bool
	unreadable map[string]bool // column → did not open (lenient only)
}

func (o *opener) open(column string, ct []byte) string {
	if o.err != nil || len(ct) == 0 {
		return ""
	}
	s, err := o.db.open(o.table, column, o.id, ct)
	if err != nil && o.lenient && unreadable(err) {
		if o.unreadable == nil {
			o.unreadable = map[string]bool{}
		}
		o.unreadable[column] = true
		return ""
	}
	o.err = err
	return s
}

func (db *core) profile(ctx context.Context, q queryer, userID string) (scheme.Profile, error) {
	p := scheme.Profile{UserID: userID}
	var work, real, email, mobile, area []byte
	var termsVersion sql.NullInt64
	var termsAt sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT membership, work_name_ct, real_name_ct, email_ct, mobile_ct, alert_email, alert_sms,
		gender, sector, area_ct, terms_version, terms_accepted_at FROM profiles WHERE user_id = $1`, userID).
		Scan(&p.Membership, &work, &real, &email, &mobile, &p.AlertEmail, &p.AlertSMS, &p.Gender, &p.Sector, &area, &termsVersion, &termsAt)
	if err != nil {
		return p, mapErr(err)
	}
	p.TermsVersion, p.TermsAcceptedAt = int(termsVersion.Int64), termsAt.Time
	o := &opener{db: db, table: "profiles", id: userID}
	p.WorkName, p.RealName, p.Email, p.Mobile, p.Area = o.open("work_name", work), o.open("real_name", real), o.open("email", email), o.open("mobile", mobile), o.open("area", area)
	if o.err != nil {
		return p, o.err
	}
	if p.Regions, err = queryStrings(ctx, q, `SELECT region FROM profile_regions WHERE user_id = $1 ORDER BY region`, userID); err != nil {
		return p, err
	}
	p.Towns, err = profileTowns(ctx, q, userID)
	return p, err
}

func (db *core) organisationOfUser(ctx context.Context, q queryer, userID string) (scheme.Organisation, error) {
	var org scheme.Organisation
	var typ string
	var name, website, email, contact, desc []byte
	err := q.QueryRowContext(ctx, `SELECT o.id, o.type, o.name_ct, o.website_ct, o.email_ct, o.key_contact_ct, o.description_ct
		FROM organisations o JOIN users u ON u.organisation_id = o.id WHERE u.id = $1`, userID).
		Scan(&org.ID, &typ, &name, &website, &email, &contact, &desc)
	if err != nil {
		return org, mapErr(err)
	}
	org.Type = scheme.MembershipType(typ)
	o := &opener{db: db, table: "organisations", id: org.ID}
	org.Name, org.Website, org.Email, org.KeyContact, org.Description = o.open("name", name), o.open("website", website), o.open("email", email), o.open("key_contact", contact), o.open("description", desc)
	return org, o.err
}

// DecideApplication approves, rejects (with a reason) or asks a question
// about an application, tells the applicant by their channel, and records it.
func (area Accounts) DecideApplication(ctx context.Context, actor, id string, d scheme.Decision, text, url string) (scheme.Application, error) {
	db := area.db

	var a scheme.Application
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if a, err = db.applicationWhere(ctx, tx, `a.id = $1`, id); err != nil {
			return err
		}
		if err := scheme.CanDecide(a, d, text); err != nil {
			return err
		}
		now := db.now().UTC()
		s := db.sealerOf(ctx, tx, "applications", a.ID, a.UserID)
		var template string
		switch d {
		case scheme.Approve:
			role := scheme.RoleMember
			if a.Type.Organisational() {
				role = scheme.RoleOrgContact
			}
			a.Status, template = scheme.ApplicationApproved, "application_approved"
			_, err = tx.ExecContext(ctx, `UPDATE users SET role = $1, status = $2 WHERE id = $3`, string(role), scheme.StatusActive, a.UserID)
			if err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE applications SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4`,
					string(a.Status), now, actor, a.ID)
			}
			if err == nil {
				err = backfillAlerts(ctx, tx, a.UserID, now)
			}
		case scheme.Reject:
			a.Status, a.Reason, template = scheme.ApplicationRejected, text, "application_rejected"
			_, err = tx.ExecContext(ctx, `UPDATE users SET status = $1 WHERE id = $2`, scheme.StatusRejected, a.UserID)
			if err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE applications SET status = $1, decided_at = $2, decided_by = $3, reason_ct = $4 WHERE id = $5`,
					string(a.Status), now, actor, s.seal("reason", text), a.ID)
			}
		case scheme.RequestInfo:
			a.Status, a.Question, a.Answer, template = scheme.ApplicationInfoRequested, text, "", "application_info_requested"
			_, err = tx.ExecContext(ctx, `UPDATE applications SET status = $1, question_ct = $2, answer_ct = NULL, answered_at = NULL WHERE id = $3`,
				string(a.Status), s.seal("question", text), a.ID)
		}
		if err = errors.Join(err, s.err); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "application." + string(d), SubjectType: "application", SubjectID: a.ID}); err != nil {
			return err
		}
		return db.notifyUser(ctx, tx, a.UserID, a.Profile, template, map[string]string{"url": url})
	})
	return a, err
}

// AnswerApplication records the applicant's answer to the coordinator's
// question and puts the application back in the queue.
func (area Accounts) AnswerApplication(ctx context.Context, userID, answer string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		a, err := db.applicationWhere(ctx, tx, `a.user_id = $1`, userID)
		if err != nil {
			return err
		}
		if err := scheme.CanAnswer(a); err != nil {
			return err
		}
		s := db.sealerOf(ctx, tx, "applications", a.ID, a.UserID)
		ct := s.seal("answer", answer)
		if s.err != nil {
			return s.err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, answer_ct = $2, answered_at = $3 WHERE id = $4`,
			string(scheme.ApplicationPending), ct, db.now().UTC(), a.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "application.answer", SubjectType: "application", SubjectID: a.ID})
	})
}
