package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"uglymugs/internal/password"
	"uglymugs/internal/scheme"
	"uglymugs/internal/settings"
	"uglymugs/internal/store"
)

// Service carries out the membership rules over the store.
type Service struct {
	DB    *store.DB
	Hours settings.Hours // how long an application has waited
	URL   string         // the site's address, for links in messages
	// Session lifetimes; zero values take the defaults below.
	Web, API store.SessionTTL
	// Allowances; zero values take the defaults below.
	SignInLimit, ResetLimit Allowance
	Now                     func() time.Time

	dummyHash string // verified against for unknown usernames, so timing matches
}

// Defaults: browser sessions end after 30 idle minutes (a shared phone is
// the risk) or 12 hours; app tokens after 7 idle days or 30 days.
var (
	DefaultWebTTL = store.SessionTTL{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}
	DefaultAPITTL = store.SessionTTL{Idle: 7 * 24 * time.Hour, Absolute: 30 * 24 * time.Hour}
)

// Allowance is how many tries are allowed at once (Burst), and how soon
// one more is allowed after that (one every Every), counted in the
// database so that every instance shares it (store.Throttle).
type Allowance struct {
	Burst int
	Every time.Duration
}

// There is no lockout: anyone could lock a member out by typing her
// username with wrong passwords. Instead, wrong passwords (and wrong
// second-factor codes) are counted per username, known or not alike: ten
// at once, then one every two minutes, which also bounds guessing spread
// over many addresses (720 a day, fewer than the ten every 15 minutes the
// lockout allowed). A refused try is answered at once, the same for every
// username, with when to try again; it costs nothing, so hammering does
// not push the member's next try further away; and a correct password
// gives its try back. Password reset messages are limited per username:
// three at once, then one every 20 minutes (three an hour), silently, so
// that no one can flood a member with texts.
var (
	DefaultSignInLimit = Allowance{Burst: 10, Every: 2 * time.Minute}
	DefaultResetLimit  = Allowance{Burst: 3, Every: 20 * time.Minute}
)

// dummyHash is verified against for unknown usernames, so that they take
// as long as a wrong password. It is a constant (of a throwaway password,
// with password.Default's parameters): hashing one at start-up would cost
// every start 30 ms and 46 MiB.
const dummyHash = "$argon2id$v=19$m=47104,t=1,p=1$V16/BFd1lFAEZ+OiTnKxpw$wWKh5d7Gq1BWo0L4zUPLlt6aE9QyMeSD8e3cmiy4R50"

// New returns a Service with defaults filled in.
func New(db *store.DB, hours scheme.WorkingHours, url string) (*Service, error) {
	return &Service{DB: db, Hours: settings.Hours{Fixed: hours}, URL: url, Web: DefaultWebTTL, API: DefaultAPITTL,
		SignInLimit: DefaultSignInLimit, ResetLimit: DefaultResetLimit, Now: time.Now, dummyHash: dummyHash}, nil
}

func (a Allowance) or(def Allowance) Allowance {
	if a.Burst <= 0 || a.Every <= 0 {
		return def
	}
	return a
}

// Keys of the allowances in store.Throttle. A NUL cannot be part of a
// client address, so these never meet the web's per-address keys.
func signInKey(username string) string { return "signin\x00" + username }
func codeKey(userID string) string     { return "code\x00" + userID }

// take uses one try of key's sign-in allowance, or says how long to wait.
func (s *Service) take(ctx context.Context, key string) error {
	lim := s.SignInLimit.or(DefaultSignInLimit)
	ok, wait, err := s.DB.Sessions.Throttle(ctx, key, lim.Every, lim.Burst)
	if err != nil {
		return err
	}
	if !ok {
		return &scheme.Error{Code: scheme.CodeTooMany, RetryAfter: wait, Message: signInWait(wait)}
	}
	return nil
}

// giveBack returns a try that proved to be the rightful person's.
func (s *Service) giveBack(ctx context.Context, key string) error {
	return s.DB.Sessions.Refund(ctx, key, s.SignInLimit.or(DefaultSignInLimit).Every)
}

// minutes says a wait in words, rounded up to whole minutes.
// signInWait says how long to wait before signing in again, in words each
// catalogue has (the exact wait is the error's RetryAfter).
func signInWait(d time.Duration) string {
	if d <= time.Minute {
		return "There have been too many tries to sign in with this username. Wait a minute, then try again."
	}
	return "There have been too many tries to sign in with this username. Wait a few minutes, then try again."
}

func (s *Service) ttl(kind scheme.SessionKind) store.SessionTTL {
	switch kind {
	case scheme.SessionAPI:
		return s.API
	case scheme.SessionMFA:
		return store.SessionTTL{Idle: 5 * time.Minute, Absolute: 5 * time.Minute}
	}
	return s.Web
}

// ErrBadCredentials is the one answer for an unknown username and a wrong
// password, so that neither can be told from the other.
var ErrBadCredentials = scheme.Errorf(scheme.CodeUnauthenticated,
	"That username and password do not match. Check them and try again.")

// ErrOTPRequired says the password was right and a second-factor code is
// needed.
var ErrOTPRequired = scheme.Errorf(scheme.CodeOTPRequired, "Enter the 6-digit code from your authenticator app, or one of your recovery codes.")

// Session is a signed-in session.
type Session struct {
	Token   string
	Expires time.Time
	User    scheme.User
	// SetUpSecondFactor is true for staff who must set up a second factor
	// before doing anything else.
	SetUpSecondFactor bool
}

// SignInInput is what a person types to sign in.
type SignInInput struct {
	Username string `json:"username"`
	Password string `json:"password"`
	OTP      string `json:"otp"`
}

// SignIn checks a username, password and (when set up) second-factor code
// and starts a session of the given kind. Until the password is proven,
// every username takes the same path at the same cost (one try of its
// allowance, one lookup, one argon2id verification) and gets the same
// answer: ErrBadCredentials, or CodeTooMany with a wait.
func (s *Service) SignIn(ctx context.Context, in SignInInput, kind scheme.SessionKind) (Session, error) {
	key := signInKey(in.Username)
	if err := s.take(ctx, key); err != nil {
		return Session{}, err
	}
	l, err := s.DB.Sessions.LoginByUsername(ctx, in.Username)
	found := err == nil
	if err != nil && scheme.ErrorCode(err) != scheme.CodeNotFound {
		return Session{}, err
	}
	hash := s.dummyHash // an unknown username is checked against it, for the time it takes
	if found {
		hash = l.PasswordHash
	}
	// Verify also says when the hash wants stronger parameters; the
	// parameters have not changed yet, so nothing rehashes.
	ok, _, err := password.Verify(hash, in.Password, password.Default)
	if err != nil {
		return Session{}, err
	}
	if !found || !ok {
		return Session{}, ErrBadCredentials
	}
	if err := s.giveBack(ctx, key); err != nil {
		return Session{}, err
	}
	switch l.User.Status {
	case scheme.StatusRevoked:
		return Session{}, scheme.Errorf(scheme.CodeForbidden, "This membership has been ended by the scheme. If you think this is a mistake, contact us.")
	case scheme.StatusDisabled:
		return Session{}, scheme.Errorf(scheme.CodeForbidden, "This login has been switched off. Ask whoever manages it.")
	}
	if l.TOTPEnabled {
		if strings.TrimSpace(in.OTP) == "" {
			if kind != scheme.SessionWeb {
				return Session{}, ErrOTPRequired // API clients send the code with the password
			}
			// The password is proven: hand back a short-lived token for the
			// code step, so the browser need not send the password again.
			token, exp, err := s.DB.Sessions.CreateSession(ctx, l.User.ID, scheme.SessionMFA, s.ttl(scheme.SessionMFA))
			if err != nil {
				return Session{}, err
			}
			return Session{Token: token, Expires: exp, User: l.User}, ErrOTPRequired
		}
		if err := s.secondFactor(ctx, l, in.OTP); err != nil {
			return Session{}, err
		}
	}
	return s.start(ctx, l, kind)
}

// CompleteSignIn finishes a sign-in that needed a second-factor code, with
// the token SignIn gave alongside ErrOTPRequired.
func (s *Service) CompleteSignIn(ctx context.Context, mfaToken, code string, kind scheme.SessionKind) (Session, error) {
	u, err := s.DB.Sessions.SessionUser(ctx, mfaToken, scheme.SessionMFA, s.ttl(scheme.SessionMFA))
	if err != nil {
		return Session{}, scheme.Errorf(scheme.CodeUnauthenticated, "That took too long. Please sign in again.")
	}
	l, err := s.DB.Sessions.LoginByID(ctx, u.ID)
	if err != nil {
		return Session{}, err
	}
	if err := s.secondFactor(ctx, l, code); err != nil {
		return Session{}, err
	}
	if err := s.DB.Sessions.DeleteSession(ctx, mfaToken); err != nil {
		return Session{}, err
	}
	return s.start(ctx, l, kind)
}

// secondFactor checks a code once the password is proven. Codes have an
// allowance of their own per user, which only someone who knows the
// password can use up.
func (s *Service) secondFactor(ctx context.Context, l store.Login, code string) error {
	key := codeKey(l.User.ID)
	if err := s.take(ctx, key); err != nil {
		return err
	}
	good, err := s.checkSecondFactor(ctx, l, code)
	if err != nil {
		return err
	}
	if !good {
		return scheme.Errorf(scheme.CodeOTPRequired, "That code is not right. Codes change every 30 seconds: try the newest one.")
	}
	return s.giveBack(ctx, key)
}

// start opens the session once every check has passed.
func (s *Service) start(ctx context.Context, l store.Login, kind scheme.SessionKind) (Session, error) {
	setUp := l.User.Role.Staff() && !l.TOTPEnabled
	if setUp && kind == scheme.SessionAPI {
		return Session{}, scheme.Errorf(scheme.CodeForbidden, "Staff must set up a second factor in the web app before using the API.")
	}
	if err := s.DB.Sessions.LoginSucceeded(ctx, l.User.ID); err != nil {
		return Session{}, err
	}
	token, exp, err := s.DB.Sessions.CreateSession(ctx, l.User.ID, kind, s.ttl(kind))
	return Session{Token: token, Expires: exp, User: l.User, SetUpSecondFactor: setUp}, err
}

func (s *Service) checkSecondFactor(ctx context.Context, l store.Login, code string) (bool, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) == 6 {
		// Accept the current 30-second step or either neighbour (clock
		// drift), and each step's code only once (no replay).
		now := s.Now()
		for _, skew := range []int64{0, -1, 1} {
			at := now.Add(time.Duration(skew*30) * time.Second)
			want, err := totp.GenerateCodeCustom(l.TOTPSecret, at, totpOpts)
			if err != nil {
				return false, err
			}
			if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
				return s.DB.Accounts.UseTOTPStep(ctx, l.User.ID, at.Unix()/30)
			}
		}
		return false, nil
	}
	return s.DB.Accounts.UseRecoveryCode(ctx, l.User.ID, hashCode(code))
}

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Authenticate returns the user of a session token.
func (s *Service) Authenticate(ctx context.Context, token string, kind scheme.SessionKind) (scheme.User, error) {
	return s.DB.Sessions.SessionUser(ctx, token, kind, s.ttl(kind))
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	return s.DB.Sessions.DeleteSession(ctx, token)
}

// hashCode hashes a one-time code (recovery or reset) for storage. Codes are
// random with at least 40 bits and tries are limited, so a fast hash is
// enough.
func hashCode(code string) []byte {
	h := sha256.Sum256([]byte(strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))))
	return h[:]
}

var codeEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newCode returns a random code of n base32 characters (5 bits each),
// grouped in fours for reading aloud.
func newCode(n int) string {
	b := make([]byte, (n*5+7)/8)
	rand.Read(b) //nolint:errcheck // never fails
	c := codeEncoding.EncodeToString(b)[:n]
	var parts []string
	for len(c) > 4 {
		parts, c = append(parts, c[:4]), c[4:]
	}
	return strings.Join(append(parts, c), "-")
}

// SetUpTOTP makes a new second-factor secret for a user to load into an
// authenticator app; it takes effect when ConfirmTOTP gets a valid code.
func (s *Service) SetUpTOTP(username string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: username})
}

// ConfirmTOTP turns the second factor on if code matches secret, and
// returns ten fresh recovery codes (shown once, stored hashed).
func (s *Service) ConfirmTOTP(ctx context.Context, userID, secret, code string) ([]string, error) {
	ok, err := totp.ValidateCustom(strings.TrimSpace(code), secret, s.Now(), totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil || !ok {
		return nil, scheme.Invalid(map[string]string{"code": "That code is not right. Check your authenticator app shows this account, and try the newest code."})
	}
	codes := make([]string, 10)
	hashes := make([][]byte, 10)
	for i := range codes {
		codes[i] = newCode(12)
		hashes[i] = hashCode(codes[i])
	}
	return codes, s.DB.Accounts.SetTOTP(ctx, userID, secret, hashes)
}
