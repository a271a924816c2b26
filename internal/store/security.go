package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"time"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// CreateOrgStaff adds a staff login to an organisation, by its key contact.
func (area Accounts) CreateOrgStaff(ctx context.Context, actor, orgID, username, pwHash, name string) (scheme.User, error) {
	db := area.db

	now := db.now().UTC()
	u := scheme.User{ID: newID(), Username: username, Role: scheme.RoleOrgStaff, Status: scheme.StatusActive, CreatedAt: now, OrganisationID: orgID}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if err := db.insertUser(ctx, tx, username, u.ID, u.Role, u.Status, pwHash, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET organisation_id = $1 WHERE id = $2`, orgID, u.ID); err != nil {
			return err
		}
		if err := db.insertProfile(ctx, tx, scheme.Profile{UserID: u.ID, Membership: "staff", WorkName: name}); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "staff.create", SubjectType: "user", SubjectID: u.ID})
	})
	return u, err
}

// OrgStaff lists an organisation's staff logins.
func (area Accounts) OrgStaff(ctx context.Context, orgID string) ([]scheme.StaffMember, error) {
	db := area.db

	return queryRows(ctx, db.read, func(rows rowScanner) (m scheme.StaffMember, err error) {
		var nameCT, workCT []byte
		if err := rows.Scan(&m.User.ID, &nameCT, &m.User.Status, &m.User.CreatedAt, &workCT); err != nil {
			return m, err
		}
		m.User.Role, m.User.OrganisationID = scheme.RoleOrgStaff, orgID
		uo, po := &opener{db: db, table: "users", id: m.User.ID}, &opener{db: db, table: "profiles", id: m.User.ID}
		m.User.Username, m.WorkName = uo.open("username", nameCT), po.open("work_name", workCT)
		if uo.err != nil || po.err != nil {
			return m, firstErr(uo.err, po.err)
		}
		return m, nil
	}, `SELECT u.id, u.username_ct, u.status, u.created_at, p.work_name_ct
		FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.organisation_id = $1 AND u.role = $2 ORDER BY u.created_at, u.id`,
		orgID, string(scheme.RoleOrgStaff))
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// SetStaffActive disables or re-enables a staff login of orgID; disabling
// ends its sessions. A staff id of another organisation is not found.
func (area Accounts) SetStaffActive(ctx context.Context, actor, orgID, staffID string, active bool) error {
	db := area.db

	status, action := scheme.StatusDisabled, "staff.disable"
	if active {
		status, action = scheme.StatusActive, "staff.enable"
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET status = $1 WHERE id = $2 AND organisation_id = $3 AND role = $4`,
			status, staffID, orgID, string(scheme.RoleOrgStaff))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return scheme.ErrNotFound
		}
		if !active {
			if err := deleteUserSessions(ctx, tx, staffID); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: action, SubjectType: "user", SubjectID: staffID})
	})
}

// SetPassword stores a new password hash and ends every session of the
// user; the caller signs the person in again if it was them. actor differs
// from userID when a coordinator resets it.
func (area Accounts) SetPassword(ctx context.Context, actor, userID, pwHash, url string) error {
	db := area.db

	return db.inTx(ctx, func(tx *sql.Tx) error {
		return db.setPasswordTx(ctx, tx, actor, userID, pwHash, url)
	})
}

func (db *core) setPasswordTx(ctx context.Context, tx *sql.Tx, actor, userID, pwHash, url string) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, pwHash, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return scheme.ErrNotFound
	}
	if err := deleteUserSessions(ctx, tx, userID); err != nil {
		return err
	}
	if err := db.appendAudit(ctx, tx, audit.Entry{Actor: actor, Action: "user.password", SubjectType: "user", SubjectID: userID}); err != nil {
		return err
	}
	p, err := db.profile(ctx, tx, userID)
	if scheme.ErrorCode(err) == scheme.CodeNotFound {
		return nil // staff created on the command line have no profile
	} else if err != nil {
		return err
	}
	return db.notifyUser(ctx, tx, userID, p, "password_changed", map[string]string{"url": url})
}

// SetTOTP turns the second factor on (with a secret and the hashes of fresh
// recovery codes) or off (secret ""), replacing any earlier codes.
func (area Accounts) SetTOTP(ctx context.Context, userID, secret string, recoveryHashes [][]byte) error {
	db := area.db

	s := db.sealerOf(ctx, nil, "users", userID, userID)
	ct := s.seal("totp_secret", secret)
	if s.err != nil {
		return s.err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret_ct = $1, totp_enabled = $2 WHERE id = $3`, ct, secret != "", userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)`, userID, h); err != nil {
				return err
			}
		}
		action := "user.totp_on"
		if secret == "" {
			action = "user.totp_off"
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: action, SubjectType: "user", SubjectID: userID})
	})
}

// UseRecoveryCode spends one unused recovery code; false if there is none.
func (area Accounts) UseRecoveryCode(ctx context.Context, userID string, codeHash []byte) (bool, error) {
	db := area.db

	used := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL`,
			db.now().UTC(), userID, codeHash)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if used = n == 1; !used {
			return nil
		}
		return db.appendAudit(ctx, tx, audit.Entry{Actor: userID, Action: "user.recovery_code", SubjectType: "user", SubjectID: userID})
	})
	return used, err
}

// ResetRequest is a request for a password reset code.
type ResetRequest struct {
	// Username is as it was typed: the allowance of messages is counted
	// per username, whether it is anyone's or not, so that both cost the
	// same.
	Username string
	// UserID is the account's, if the username is an active account; ""
	// sends nothing.
	UserID   string
	Code     string
	CodeHash []byte
	TTL      time.Duration
	// At most Burst messages at once per username, then one every Every.
	Every time.Duration
	Burst int
	URL   string
}

// StartPasswordReset counts the request against the username's allowance
// and, within it, stores the hash of a one-time code and sends the code by
// the user's channel, in one transaction. It returns false (and sends
// nothing) for an unknown or inactive username, a used-up allowance, and a
// user with no email or mobile (a coordinator resets theirs).
func (area Accounts) StartPasswordReset(ctx context.Context, rr ResetRequest) (bool, error) {
	db := area.db

	idx, err := db.throttleIndex("reset\x00" + rr.Username)
	if err != nil {
		return false, err
	}
	sent := false
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		ok, _, err := db.throttleTx(ctx, tx, idx, rr.Every, rr.Burst)
		if err != nil || !ok || rr.UserID == "" {
			return err
		}
		p, err := db.profile(ctx, tx, rr.UserID)
		if scheme.ErrorCode(err) == scheme.CodeNotFound {
			return nil
		} else if err != nil {
			return err
		}
		if ch, _ := preferredChannel(p); ch == "" {
			return nil
		}
		now := db.now().UTC()
		if _, err := tx.ExecContext(ctx, `DELETE FROM password_resets WHERE user_id = $1`, rr.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO password_resets (id, user_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			newID(), rr.UserID, rr.CodeHash, now, now.Add(rr.TTL)); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, tx, audit.Entry{Actor: rr.UserID, Action: "user.reset_start", SubjectType: "user", SubjectID: rr.UserID}); err != nil {
			return err
		}
		sent = true
		return db.notifyUser(ctx, tx, rr.UserID, p, "password_reset_code", map[string]string{"code": rr.Code, "url": rr.URL})
	})
	db.sweepThrottles(ctx, db.now().UnixMicro())
	return sent, err
}

// FinishPasswordReset checks a reset code for a username (at most
// maxAttempts tries, before it expires, once) and sets the new password.
// An unknown username, and a wrong, used or expired code, are CodeInvalid
// with one message, whichever it was; each takes the same one transaction.
func (area Accounts) FinishPasswordReset(ctx context.Context, username string, codeHash []byte, maxAttempts int, pwHash, url string) error {
	db := area.db

	bad := scheme.Invalid(map[string]string{"code": "That code is wrong or has expired. Ask for a new one."})
	nameIdx, err := db.index(vault.KindUsername, username)
	if err != nil {
		return err
	}
	var ok bool
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var id, userID string
		var stored []byte
		var attempts int
		var expires time.Time
		err := tx.QueryRowContext(ctx, `SELECT r.id, r.user_id, r.code_hash, r.attempts, r.expires_at FROM password_resets r
			JOIN users u ON u.id = r.user_id
			WHERE u.username_idx = $1 AND r.used_at IS NULL ORDER BY r.created_at DESC LIMIT 1`, nameIdx).Scan(&id, &userID, &stored, &attempts, &expires)
		if scheme.ErrorCode(mapErr(err)) == scheme.CodeNotFound {
			return nil
		} else if err != nil {
			return err
		}
		if attempts >= maxAttempts || db.now().After(expires) {
			return nil
		}
		if subtle.ConstantTimeCompare(stored, codeHash) != 1 {
			_, err := tx.ExecContext(ctx, `UPDATE password_resets SET attempts = attempts + 1 WHERE id = $1`, id)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = $1 WHERE id = $2`, db.now().UTC(), id); err != nil {
			return err
		}
		ok = true
		return db.setPasswordTx(ctx, tx, userID, userID, pwHash, url)
	})
	if err != nil {
		return err
	}
	if !ok {
		return bad
	}
	return nil
}

// UseTOTPStep records that the code of time step n was used, refusing a
// step at or before the last one used: each code works once.
func (area Accounts) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	db := area.db

	ok := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, userID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}
