// Package account holds the rules for sign-ins: creating them, and (as the
// service grows) joining, signing in and leaving. It stores through the
// store and hashes through password.
package account

import (
	"context"

	"github.com/pquerna/otp/totp"

	"uglymugs/internal/password"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// TOTPIssuer names the service in authenticator apps. It is deliberately
// bland: an authenticator entry is visible to anyone who picks up the phone.
const TOTPIssuer = "UM"

// CreateStaff creates a coordinator or admin with a fresh second-factor
// secret, and returns the otpauth:// URI to load into an authenticator app.
func CreateStaff(ctx context.Context, db *store.DB, actor, username, pw string, role scheme.Role) (string, error) {
	if !role.Staff() {
		return "", scheme.Invalid(map[string]string{"role": "Choose coordinator or admin."})
	}
	if p := password.Check(pw); p != "" {
		return "", scheme.Invalid(map[string]string{"password": p})
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return "", err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: username})
	if err != nil {
		return "", err
	}
	_, err = db.Accounts.CreateUser(ctx, actor, store.NewUser{Username: username, Role: role, PasswordHash: hash, TOTPSecret: key.Secret()})
	if err != nil {
		return "", err
	}
	return key.URL(), nil
}
