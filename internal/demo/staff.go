package demo

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// The demo's staff sign in with a second factor like real staff, but their
// keys are fixed here, in public source, so that the demo can be tried
// again and again with one authenticator entry (or "uglymugs demo code").
// A key anyone can read is no second factor: serve refuses a database in
// which a login still has one (PublishedKeyIn).
var staffLogins = []Login{
	{Username: "demo-admin", Password: "demo admin password", Role: scheme.RoleAdmin, // #nosec G101 -- a fictional demo login, printed to whoever runs the demo; serve refuses its key
		Note: "settings, pages, outbox", TOTPSecret: "UMDEMOADMINTOTP2"},
	{Username: "demo-coordinator", Password: "demo coordinator password", Role: scheme.RoleCoordinator, // #nosec G101 -- a fictional demo login, as above
		Note: "wrote the alert that waits for approval", TOTPSecret: "UMDEMOCOORDTOTP2"},
	{Username: "demo-coordinator-2", Password: "demo second coordinator password", Role: scheme.RoleCoordinator, // #nosec G101 -- a fictional demo login, as above
		Note: "can approve it (two-person approval)", TOTPSecret: "UMDEMOCOORDTOTP3"},
}

// Staff are the demo's staff logins, each with its fixed second-factor key.
func Staff() []Login { return append([]Login(nil), staffLogins...) }

func staffLogin(username string) (Login, bool) {
	for _, l := range staffLogins {
		if l.Username == username {
			return l, true
		}
	}
	return Login{}, false
}

// Code is the second-factor code of a demo staff login at a moment, as an
// authenticator app would show it; any other username is refused.
func Code(username string, at time.Time) (string, error) {
	l, ok := staffLogin(username)
	if !ok {
		var names []string
		for _, l := range staffLogins {
			names = append(names, l.Username)
		}
		return "", fmt.Errorf("%q is not a demo staff login: codes are only for %v", username, names)
	}
	return totp.GenerateCodeCustom(l.TOTPSecret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// OTPAuthURI is what an authenticator app scans to add a login's key: the
// defaults (SHA-1, six digits, 30 seconds) are left out to keep the QR
// code small.
func (l Login) OTPAuthURI() string {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + account.TOTPIssuer + ":" + l.Username,
		RawQuery: url.Values{"secret": {l.TOTPSecret}, "issuer": {account.TOTPIssuer}}.Encode()}
	return u.String()
}

// addStaff creates the demo's staff, each with its fixed key.
func addStaff(ctx context.Context, db *store.DB) error {
	for _, l := range staffLogins {
		if _, err := account.CreateStaff(ctx, db, "demo", l.Username, l.Password, l.Role); err != nil {
			return fmt.Errorf("%s: %w", l.Username, err)
		}
		u, err := db.Accounts.UserByUsername(ctx, l.Username)
		if err != nil {
			return err
		}
		if err := db.Accounts.SetTOTP(ctx, u.ID, l.TOTPSecret, nil); err != nil {
			return err
		}
	}
	return nil
}

// PublishedKeyIn names a login of db whose second factor is one of the
// demo's published keys ("" if there is none): such a database was filled
// by the demo and must not be served for real.
func PublishedKeyIn(ctx context.Context, db *store.DB) (string, error) {
	for _, l := range staffLogins {
		got, err := db.Sessions.LoginByUsername(ctx, l.Username)
		switch {
		case scheme.ErrorCode(err) == scheme.CodeNotFound:
			continue
		case err != nil:
			return "", err
		case got.TOTPSecret == l.TOTPSecret:
			return l.Username, nil
		}
	}
	return "", nil
}
