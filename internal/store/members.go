package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// Profile returns a user's own profile (no audit entry: people may always
// see their own data).
func (area Accounts) Profile(ctx context.Context, userID string) (scheme.Profile, error) {
	db := area.db

	return db.profile(ctx, db.read, userID)
}

// Organisation returns the organisation a user belongs to.
func (area Accounts) Organisation(ctx context.Context, userID string) (scheme.Organisation, error) {
	db := area.db

	return db.organisationOfUser(ctx, db.read, userID)
}

// ProfileUpdate is what a member may change about themselves.
type ProfileUpdate struct {
	WorkName, RealName, Email, Mobile, Area string
	AlertEmail, AlertSMS                    bool
	Regions                                 []string
	Towns                                   []string // within Regions (checked by the caller)
	Gender, Sector                          string
}

// UpdateProfile replaces a member's editable details.
func (area Accounts) UpdateProfile(ctx context.Context, userID string, u ProfileUpdate) error {
	db := area.db
	defer db.listsChanged() // her regions may have changed (Vocab.Version)

	s := db.sealerOf(ctx, nil, "profiles", userID, userID) // makes her key if she has none yet
	return db.inTx(ctx, func(tx *sql.Tx) error {
		args := []any{s.seal("work_name", u.WorkName), s.seal("real_name", u.RealName), s.seal("email", u.Email), s.index(vault.KindEmail, u.Email),
			s.seal("mobile", u.Mobile), s.index(vault.KindPhone, u.Mobile), u.AlertEmail, u.AlertSMS, u.Gender, u.Sector, s.seal("area", u.Area), userID}
		if s.err != nil {
			return s.err
		}
		res, err := tx.ExecContext(ctx, `UPDATE profiles SET work_name_ct = $1, real_name_ct = $2, email_ct = $3, email_idx = $4,
			mobile_ct = $5, mobile_idx = $6, alert_email = $7, alert_sms = $8, gender = $9, sector = $10, area_ct = $11 WHERE user_id = $12`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return scheme.ErrNotFound
		}
		if err := db.setRegions(ctx, tx, userID, u.Regions); err != nil {
			return err
		}
		if err := db.setTowns(ctx, tx, userID, u.Towns); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "profile.update", SubjectType: "user", SubjectID: userID})
	})
}

// Leave erases a member: their login, profile, regions, application,
// sessions, codes, pending messages and data key go with the user row (so
// what her key sealed opens nowhere, backups included: see member_keys); an
// organisation whose key contact leaves goes too, with its staff logins.
// Reports they made stay, detached (their reporter is set to nothing). No
// goodbye message is sent: it would mean keeping their address after they
// asked us to erase it; the page or API answer tells them it is done.
func (area Accounts) Leave(ctx context.Context, userID string) error {
	db := area.db

	gone := []string{userID}
	defer func() {
		for _, id := range gone {
			db.forgetMemberKey(id)
		}
	}()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := db.loginTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if l.User.Role == scheme.RoleOrgContact && l.User.OrganisationID != "" {
			staff, err := queryStrings(ctx, tx, `SELECT id FROM users WHERE organisation_id = $1 AND id <> $2`, l.User.OrganisationID, userID)
			if err != nil {
				return err
			}
			gone = append(gone, staff...)
			if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE organisation_id = $1 AND id <> $2`, l.User.OrganisationID, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, userID); err != nil {
			return err
		}
		if l.User.OrganisationID != "" && l.User.Role == scheme.RoleOrgContact {
			if _, err := tx.ExecContext(ctx, `DELETE FROM organisations WHERE id = $1`, l.User.OrganisationID); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "user.leave", SubjectType: "user", SubjectID: userID})
	})
}

func (db *core) loginTx(ctx context.Context, tx *sql.Tx, userID string) (Login, error) {
	var l Login
	var role string
	var orgID sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, role, status, organisation_id FROM users WHERE id = $1`, userID).Scan(&l.User.ID, &role, &l.User.Status, &orgID)
	l.User.Role, l.User.OrganisationID = scheme.Role(role), orgID.String
	return l, mapErr(err)
}

// Revoke ends a member's membership for false or malicious reporting: the
// reason (account.Service.Revoke requires one) is kept, every session ends at once, and they are told.
func (area Accounts) Revoke(ctx context.Context, actor, userID, reason, url string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := db.loginTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := scheme.CanRevoke(l.User); err != nil {
			return err
		}
		ct, err := db.seal("revocations", "reason", userID, reason)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET status = $1 WHERE id = $2`, scheme.StatusRevoked, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO revocations (user_id, reason_ct, revoked_by, revoked_at) VALUES ($1, $2, $3, $4)`,
			userID, ct, actor, db.now().UTC()); err != nil {
			return err
		}
		if err := deleteUserSessions(ctx, tx, userID); err != nil {
			return err
		}
		// Her devices stop getting alerts at once.
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if l.User.Role == scheme.RoleOrgContact && l.User.OrganisationID != "" {
			// The organisation's staff act for it: they stop with it.
			if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE user_id IN (SELECT id FROM users WHERE organisation_id = $1 AND role = $2)`,
				l.User.OrganisationID, string(scheme.RoleOrgStaff)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE organisation_id = $1 AND role = $2)`,
				l.User.OrganisationID, string(scheme.RoleOrgStaff)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET status = $1 WHERE organisation_id = $2 AND role = $3`,
				scheme.StatusDisabled, l.User.OrganisationID, string(scheme.RoleOrgStaff)); err != nil {
				return err
			}
		}
		if err := db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.revoke", SubjectType: "user", SubjectID: userID}); err != nil {
			return err
		}
		p, err := db.profile(ctx, tx, userID)
		if err != nil {
			return err
		}
		return db.notifyUser(ctx, tx, userID, p, "account_revoked", map[string]string{"url": url})
	})
}

// SetRole grants or removes a staff role (admins only, checked by the
// caller). role "" removes it: a member goes back to being a member; staff
// with no membership (made on the command line) are switched off.
func (area Accounts) SetRole(ctx context.Context, actor, userID string, role scheme.Role) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		l, err := db.loginTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		status := l.User.Status
		if role == "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM profiles WHERE user_id = $1`, userID).Scan(&n); err != nil {
				return err
			}
			role = scheme.RoleMember
			if n == 0 {
				status = scheme.StatusDisabled
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, status = $2 WHERE id = $3`, string(role), status, userID); err != nil {
			return err
		}
		// A change of powers starts afresh: sessions made under the old role end.
		if err := deleteUserSessions(ctx, tx, userID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.role", SubjectType: "user", SubjectID: userID,
			Detail: fmt.Sprintf(`{"from":%q,"to":%q}`, l.User.Role, role)})
	})
}

// Members lists page p of everyone who can sign in, oldest account first,
// for coordinators. It shows personal data: the caller records the view
// (account.Service.Members).
func (area Accounts) Members(ctx context.Context, p scheme.Page) (scheme.Listed[scheme.MemberRow], error) {
	db := area.db

	return listPage(ctx, db, p, func(rows rowScanner) (m scheme.MemberRow, err error) {
		var role string
		var orgID sql.NullString
		var nameCT, workCT, emailCT, mobileCT, orgCT []byte
		if err := rows.Scan(&m.User.ID, &nameCT, &role, &m.User.Status, &m.User.CreatedAt, &orgID, &m.User.SecondFactor,
			&m.Membership, &workCT, &emailCT, &mobileCT, &orgCT); err != nil {
			return m, err
		}
		m.User.Role, m.User.OrganisationID = scheme.Role(role), orgID.String
		uo := &opener{db: db, table: "users", id: m.User.ID, lenient: true}
		po := &opener{db: db, table: "profiles", id: m.User.ID, lenient: true}
		oo := &opener{db: db, table: "organisations", id: orgID.String, lenient: true}
		m.User.Username, m.WorkName, m.Organisation = uo.open("username", nameCT), po.open("work_name", workCT), oo.open("name", orgCT)
		m.HasContact = len(emailCT) > 0 || len(mobileCT) > 0
		if err := firstErr(uo.err, po.err, oo.err); err != nil {
			return m, err
		}
		for field, bad := range map[string]bool{"username": uo.unreadable["username"], "work_name": po.unreadable["work_name"], "organisation": oo.unreadable["name"]} {
			if bad {
				if m.Unreadable == nil {
					m.Unreadable = map[string]bool{}
				}
				m.Unreadable[field] = true
			}
		}
		return m, nil
	}, `SELECT u.id, u.username_ct, u.role, u.status, u.created_at, u.organisation_id, u.totp_enabled,
		COALESCE(p.membership, ''), p.work_name_ct, p.email_ct, p.mobile_ct, o.name_ct
		FROM users u LEFT JOIN profiles p ON p.user_id = u.id LEFT JOIN organisations o ON o.id = u.organisation_id
		WHERE u.status <> 'applicant'`, `u.created_at, u.id`)
}

// newID returns a random 128-bit id in base32: ids carry no order and no
// count, and cannot be guessed.
func newID() string { return rand.Text() }

var errNoVault = errors.New("store: this command was started without a key file")

func (db *core) seal(table, column, id, plaintext string) ([]byte, error) {
	if db.vault == nil {
		return nil, errNoVault
	}
	return db.vault.SealString(vault.Field{Table: table, Column: column, RowID: id}, plaintext)
}

// open decrypts one field. A value that does not open is reported
// (OnUnreadable) and its error matches vault.ErrDecrypt, so that list
// reads can mark it and go on.
func (db *core) open(table, column, id string, ciphertext []byte) (string, error) {
	if db.vault == nil {
		return "", errNoVault
	}
	var s string
	pt, err := db.openField(vault.Field{Table: table, Column: column, RowID: id}, ciphertext)
	if err == nil {
		s = string(pt)
	}
	if unreadable(err) {
		db.reportUnreadable(table, column, id)
		return "", fmt.Errorf("%s.%s of %s: %w", table, column, id, err)
	}
	return s, err
}

func (db *core) index(k vault.Kind, normalised string) ([]byte, error) {
	if db.vault == nil {
		return nil, errNoVault
	}
	return db.vault.Index(k, normalised), nil
}

// NewUser is what creating a sign-in needs. PasswordHash is already hashed;
// TOTPSecret may be empty.
type NewUser struct {
	Username     string
	Role         scheme.Role
	PasswordHash string
	TOTPSecret   string
}

// CreateUser adds a user and records who did it. A taken username is a
// conflict.
func (area Accounts) CreateUser(ctx context.Context, actor string, nu NewUser) (scheme.User, error) {
	db := area.db

	if p := scheme.UsernameProblem(nu.Username); p != "" {
		return scheme.User{}, scheme.Invalid(map[string]string{"username": p})
	}
	u := scheme.User{ID: newID(), Username: nu.Username, Role: nu.Role, Status: "active", CreatedAt: db.now().UTC()}
	idx, err := db.index(vault.KindUsername, nu.Username)
	if err != nil {
		return u, err
	}
	key, wrapped, err := db.newMemberKey(u.ID)
	if err != nil {
		return u, err
	}
	s := &sealer{db: db, table: "users", id: u.ID, key: key}
	nameCT, totpCT := s.seal("username", nu.Username), s.seal("totp_secret", nu.TOTPSecret)
	if s.err != nil {
		return u, s.err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, username_idx, username_ct, role, status, password_hash, totp_secret_ct, totp_enabled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			u.ID, idx, nameCT, string(u.Role), u.Status, nu.PasswordHash, totpCT, nu.TOTPSecret != "", u.CreatedAt)
		if err != nil {
			if scheme.ErrorCode(mapErr(err)) == scheme.CodeConflict {
				return &scheme.Error{Code: scheme.CodeConflict, Message: "That username is taken.", Fields: map[string]string{"username": "That username is taken. Try another."}}
			}
			return fmt.Errorf("insert user: %w", err)
		}
		if err := db.keepMemberKey(ctx, tx, key, wrapped); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.create", SubjectType: "user", SubjectID: u.ID,
			Detail: fmt.Sprintf(`{"role":%q}`, u.Role)})
	})
	return u, err
}

// UserByUsername finds a user by exact (case-sensitive) username.
func (area Accounts) UserByUsername(ctx context.Context, username string) (scheme.User, error) {
	db := area.db

	idx, err := db.index(vault.KindUsername, username)
	if err != nil {
		return scheme.User{}, err
	}
	var u scheme.User
	var role string
	var nameCT []byte
	err = db.read.QueryRowContext(ctx, `SELECT id, username_ct, role, status, created_at FROM users WHERE username_idx = $1`, idx).
		Scan(&u.ID, &nameCT, &role, &u.Status, &u.CreatedAt)
	if err != nil {
		return u, mapErr(err)
	}
	u.Role = scheme.Role(role)
	u.Username, err = db.open("users", "username", u.ID, nameCT)
	return u, err
}

// SetLanguage records the language a member reads the service in (a code
// the caller has checked; "" for her browser's).
func (area Accounts) SetLanguage(ctx context.Context, userID, code string) error {
	return area.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, code, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return scheme.Errorf(scheme.CodeNotFound, "No such account.")
		}
		return nil
	})
}
