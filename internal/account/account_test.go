package account_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"uglymugs/internal/account"
	"uglymugs/internal/password"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// clock is a settable time shared by the service and the store.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T, db *store.DB) (*account.Service, *clock) {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	s, err := account.New(db, scheme.DefaultWorkingHours(london), "https://uglymugs.example.org/signin")
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: nextFriday4pm(london)}
	s.Now = c.now
	db.SetClock(c.now)
	return s, c
}

// nextFriday4pm is the first Friday 16:00 in London after now: tests start
// after the terms were published (at migration) and at a known weekday.
func nextFriday4pm(loc *time.Location) time.Time {
	d := time.Now().In(loc).AddDate(0, 0, 1)
	for d.Weekday() != time.Friday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 16, 0, 0, 0, loc)
}

const pw = "correct horse battery"

func individualInput(username string) account.ApplicationInput {
	return account.ApplicationInput{Type: "individual", Username: username, Password: pw, WorkName: "Amber",
		Email: " Amber@Example.org ", Mobile: "07700 900123", AlertChannels: []string{"email", "sms"},
		Regions: []string{"london"}, Gender: "woman", Sector: "escort", Area: "Hackney", TermsVersion: 1}
}

func orgInput(typ, username, email string) account.ApplicationInput {
	return account.ApplicationInput{Type: typ, Username: username, Password: pw, AlertChannels: []string{"email"},
		Regions: []string{"wales"}, TermsVersion: 1,
		Organisation: &account.OrgInput{Name: "Valley Outreach", Website: "https://www.valley-outreach.example.org/about",
			Email: email, KeyContact: "Rhys Morgan", Description: "Outreach and drop-in for sex workers in Cardiff and Swansea."}}
}

func TestApply_EachMembershipTypeJoinsAndIsApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		tests := []struct {
			in   account.ApplicationInput
			role scheme.Role
		}{
			{individualInput("amber.h"), scheme.RoleMember},
			{orgInput("project", "valley.outreach", "team@valley-outreach.example.org"), scheme.RoleOrgContact},
			{orgInput("establishment", "valley.escorts", "desk@valley-outreach.example.org"), scheme.RoleOrgContact},
		}
		for _, tt := range tests {
			a, err := s.Apply(ctx, tt.in)
			if err != nil {
				t.Fatalf("%s: %v", tt.in.Type, err)
			}
			if a.Status != scheme.ApplicationPending {
				t.Errorf("%s: status %s", tt.in.Type, a.Status)
			}
			if _, err := s.SignIn(ctx, account.SignInInput{Username: tt.in.Username, Password: pw}, scheme.SessionWeb); err != nil {
				t.Errorf("%s: an applicant must be able to sign in to see their status: %v", tt.in.Type, err)
			}
			if _, err := s.Decide(ctx, "coord", a.ID, scheme.Approve, ""); err != nil {
				t.Fatal(err)
			}
			sess, err := s.SignIn(ctx, account.SignInInput{Username: tt.in.Username, Password: pw}, scheme.SessionAPI)
			if err != nil {
				t.Fatalf("%s: sign in after approval: %v", tt.in.Type, err)
			}
			me, err := s.Me(ctx, sess.User)
			if err != nil {
				t.Fatal(err)
			}
			if me.Role != tt.role || me.Status != scheme.StatusActive || me.ApplicationStatus != scheme.ApplicationApproved {
				t.Errorf("%s: me = %+v", tt.in.Type, me)
			}
			if tt.in.Organisation != nil && (me.Organisation == nil || me.Organisation.Name != "Valley Outreach") {
				t.Errorf("%s: organisation %+v", tt.in.Type, me.Organisation)
			}
		}
		// Normalised on the way in.
		a, _ := s.DB.Accounts.ApplicationOfUser(ctx, mustLogin(t, db, "amber.h"))
		if a.Profile.Email != "amber@example.org" || a.Profile.Mobile != "+447700900123" {
			t.Errorf("contact details not normalised: %q %q", a.Profile.Email, a.Profile.Mobile)
		}
	})
}

func mustLogin(t *testing.T, db *store.DB, username string) string {
	t.Helper()
	l, err := db.Sessions.LoginByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return l.User.ID
}

func TestApply_EachProblemNamesItsFieldAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		if _, err := s.Apply(ctx, individualInput("taken")); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			field  string
			change func(*account.ApplicationInput)
		}{
			{"type", func(in *account.ApplicationInput) { in.Type = "club" }},
			{"username", func(in *account.ApplicationInput) { in.Username = "has space" }},
			{"username", func(in *account.ApplicationInput) { in.Username = "taken" }},
			{"password", func(in *account.ApplicationInput) { in.Password = "short" }},
			{"password", func(in *account.ApplicationInput) { in.Password = "password123" }},
			{"work_name", func(in *account.ApplicationInput) { in.WorkName = " " }},
			{"email", func(in *account.ApplicationInput) { in.Email = "not an email" }},
			{"email", func(in *account.ApplicationInput) { in.Email, in.Mobile, in.AlertChannels = "", "", nil }},
			{"mobile", func(in *account.ApplicationInput) { in.Mobile = "0113 496 0000" }},
			{"alert_channels", func(in *account.ApplicationInput) { in.Mobile, in.AlertChannels = "", []string{"sms"} }},
			{"alert_channels", func(in *account.ApplicationInput) { in.AlertChannels = []string{"pigeon"} }},
			{"regions", func(in *account.ApplicationInput) { in.Regions = nil }},
			{"regions", func(in *account.ApplicationInput) { in.Regions = []string{"atlantis"} }},
			{"gender", func(in *account.ApplicationInput) { in.Gender = "robot" }},
			{"sector", func(in *account.ApplicationInput) { in.Sector = "robotics" }},
			{"terms_version", func(in *account.ApplicationInput) { in.TermsVersion = 0 }},
			{"terms_version", func(in *account.ApplicationInput) { in.TermsVersion = 7 }},
			{"alert_channels", func(in *account.ApplicationInput) {
				in.Email, in.AlertChannels, in.Organisation = "", []string{"email"}, &account.OrgInput{}
			}},
		}
		for _, tt := range tests {
			in := individualInput("fresh.user")
			tt.change(&in)
			_, err := s.Apply(ctx, in)
			var se *scheme.Error
			if !errors.As(err, &se) || se.Fields[tt.field] == "" {
				t.Errorf("%s: got %v, want a message for %q", tt.field, err, tt.field)
				continue
			}
			if len(se.Fields[tt.field]) < 15 || strings.Contains(se.Fields[tt.field], "err") {
				t.Errorf("%s: message %q is not plain words", tt.field, se.Fields[tt.field])
			}
		}
		orgTests := []struct {
			field  string
			change func(*account.OrgInput)
		}{
			{"organisation.name", func(o *account.OrgInput) { o.Name = "" }},
			{"organisation.website", func(o *account.OrgInput) { o.Website = "not a site" }},
			{"organisation.email", func(o *account.OrgInput) { o.Email = "nope" }},
			{"organisation.key_contact", func(o *account.OrgInput) { o.KeyContact = "" }},
			{"organisation.description", func(o *account.OrgInput) { o.Description = "short" }},
		}
		for _, tt := range orgTests {
			in := orgInput("project", "fresh.org", "a@valley-outreach.example.org")
			tt.change(in.Organisation)
			_, err := s.Apply(ctx, in)
			var se *scheme.Error
			if !errors.As(err, &se) || se.Fields[tt.field] == "" {
				t.Errorf("%s: got %v", tt.field, err)
			}
		}
		var users, apps int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users)
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM applications`).Scan(&apps)
		if users != 1 || apps != 1 {
			t.Errorf("refused applications left %d users and %d applications, want 1 and 1", users, apps)
		}
	})
}

func TestApply_FlagsOrganisationEmailOffItsWebsiteDomain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db)
		ok, err := s.Apply(context.Background(), orgInput("project", "good.org", "info@valley-outreach.example.org"))
		if err != nil {
			t.Fatal(err)
		}
		bad, err := s.Apply(context.Background(), orgInput("project", "odd.org", "valley.outreach@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		has := func(fs []scheme.Flag) bool {
			for _, f := range fs {
				if f == scheme.FlagEmailDomainMismatch {
					return true
				}
			}
			return false
		}
		if has(ok.Flags) || !has(bad.Flags) {
			t.Errorf("flags: on-domain %v, off-domain %v", ok.Flags, bad.Flags)
		}
	})
}

func TestQueue_WaitCountsWorkingHoursAcrossAWeekend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, c := newService(t, db) // Friday 16:00
		if _, err := s.Apply(context.Background(), individualInput("weekend")); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.AddDate(0, 0, 3).Add(-6 * time.Hour) // Monday 10:00
		l, err := s.Queue(context.Background(), scheme.ApplicationFilter{}, scheme.PageOf(1))
		if err != nil {
			t.Fatal(err)
		}
		if q := l.Items; len(q) != 1 || q[0].WaitingHours != 2 || l.Total != 1 {
			t.Errorf("queue %+v, want one application waiting 2 working hours", q)
		}
	})
}

// TestSignIn_WrongPasswordsSlowAUsernameButNeverLockItsMemberOut: wrong
// passwords are counted per username (ten at once, then one every two
// minutes), known and unknown alike, with the same answer; once the wait
// is over the right password works however many wrong ones were tried
// meanwhile, and it gives its try back.
func TestSignIn_WrongPasswordsSlowAUsernameButNeverLockItsMemberOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := newService(t, db)
		a, err := s.Apply(ctx, individualInput("locky"))
		if err != nil {
			t.Fatal(err)
		}
		s.Decide(ctx, "coord", a.ID, scheme.Approve, "")
		try := func(username, password string) error {
			_, err := s.SignIn(ctx, account.SignInInput{Username: username, Password: password}, scheme.SessionWeb)
			return err
		}
		lim := account.DefaultSignInLimit
		for i := range lim.Burst {
			unknown, wrong := try("nobody", "wrong password"), try("locky", "wrong password")
			if unknown == nil || wrong == nil || unknown.Error() != wrong.Error() || scheme.ErrorCode(unknown) != scheme.CodeUnauthenticated {
				t.Fatalf("try %d: unknown user %v and wrong password %v must get the same answer", i+1, unknown, wrong)
			}
		}
		var unknown, wrong *scheme.Error
		if !errors.As(try("nobody", "wrong password"), &unknown) || !errors.As(try("locky", "wrong password"), &wrong) ||
			wrong.Code != scheme.CodeTooMany || wrong.RetryAfter <= 0 || wrong.RetryAfter > lim.Every {
			t.Fatalf("past the allowance: %v; want too many, with a wait of at most %v", wrong, lim.Every)
		}
		same := func(a, b *scheme.Error) bool {
			return a.Code == b.Code && a.Message == b.Message && a.RetryAfter == b.RetryAfter
		}
		if !same(unknown, wrong) {
			t.Errorf("past the allowance, unknown user %+v and member %+v must get the same answer", unknown, wrong)
		}
		// Hammering changes nothing: refused tries are not counted, and the
		// right password is refused alike until the wait is over.
		for range 50 {
			try("locky", "wrong password")
		}
		var right *scheme.Error
		if !errors.As(try("locky", pw), &right) || !same(right, wrong) {
			t.Errorf("the right password during the wait: %+v, want the answer a wrong one gets, %+v", right, wrong)
		}
		c.t = c.t.Add(wrong.RetryAfter)
		if err := try("locky", pw); err != nil {
			t.Fatalf("the right password once the wait is over: %v", err)
		}
		// Signing in gave its try back: one wrong password is still allowed
		// in this interval, the next is not.
		if err := try("locky", "wrong password"); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("the try after signing in: %v, want a wrong password", err)
		}
		if err := try("locky", "wrong password"); scheme.ErrorCode(err) != scheme.CodeTooMany {
			t.Errorf("the second try after signing in: %v, want too many", err)
		}
	})
}

// TestSignIn_SecondFactorCodesHaveAnAllowanceOfTheirOwn: wrong codes after
// a right password are limited per user too (no lockout), on the web's
// code step and in the API's one request alike.
func TestSignIn_SecondFactorCodesHaveAnAllowanceOfTheirOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := newService(t, db)
		uri, err := account.CreateStaff(ctx, db, "cli", "coord.guess", pw, scheme.RoleCoordinator)
		if err != nil {
			t.Fatal(err)
		}
		lim := account.DefaultSignInLimit
		for i := range lim.Burst {
			_, err := s.SignIn(ctx, account.SignInInput{Username: "coord.guess", Password: pw, OTP: "000000"}, scheme.SessionAPI)
			if scheme.ErrorCode(err) != scheme.CodeOTPRequired {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		sess, err := s.SignIn(ctx, account.SignInInput{Username: "coord.guess", Password: pw}, scheme.SessionWeb)
		if scheme.ErrorCode(err) != scheme.CodeOTPRequired {
			t.Fatalf("the password is still right, and its tries were given back: %v", err)
		}
		code, _ := totp.GenerateCode(secretOf(t, uri), c.t)
		if _, err := s.CompleteSignIn(ctx, sess.Token, code, scheme.SessionWeb); scheme.ErrorCode(err) != scheme.CodeTooMany {
			t.Fatalf("a code past the allowance: %v, want too many", err)
		}
		c.t = c.t.Add(lim.Every)
		code, _ = totp.GenerateCode(secretOf(t, uri), c.t)
		if _, err := s.CompleteSignIn(ctx, sess.Token, code, scheme.SessionWeb); err != nil {
			t.Errorf("the right code once the wait is over: %v", err)
		}
	})
}

// TestPasswordReset_AtMostThreeMessagesAnHourPerAccount: asking again and
// again sends three codes, then nothing until the allowance refills (one
// every 20 minutes), with the same answer throughout.
func TestPasswordReset_AtMostThreeMessagesAnHourPerAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := newService(t, db)
		a, _ := s.Apply(ctx, individualInput("pestered"))
		s.Decide(ctx, "coord", a.ID, scheme.Approve, "")
		sent := func() int {
			var n int
			if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE template = 'password_reset_code' AND user_id = $1`, a.UserID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := range 21 {
			if err := s.StartReset(ctx, "pestered"); err != nil {
				t.Fatalf("request %d: %v", i+1, err)
			}
		}
		if n := sent(); n != 3 {
			t.Errorf("21 requests at once queued %d messages, want 3", n)
		}
		c.t = c.t.Add(20 * time.Minute)
		s.StartReset(ctx, "pestered")
		s.StartReset(ctx, "pestered")
		if n := sent(); n != 4 {
			t.Errorf("20 minutes on, %d messages in all, want one more", n)
		}
	})
}

func TestSignIn_CoordinatorsNeedTheirSecondFactor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := newService(t, db)
		uri, err := account.CreateStaff(ctx, db, "cli", "coord.kim", pw, scheme.RoleCoordinator)
		if err != nil {
			t.Fatal(err)
		}
		secret := secretOf(t, uri)
		sess, err := s.SignIn(ctx, account.SignInInput{Username: "coord.kim", Password: pw}, scheme.SessionWeb)
		if scheme.ErrorCode(err) != scheme.CodeOTPRequired || sess.Token == "" {
			t.Fatalf("password alone: %v", err)
		}
		if _, err := s.Authenticate(ctx, sess.Token, scheme.SessionWeb); err == nil {
			t.Error("the code-step token works as a full session")
		}
		if _, err := s.CompleteSignIn(ctx, sess.Token, "000000", scheme.SessionWeb); scheme.ErrorCode(err) != scheme.CodeOTPRequired {
			t.Errorf("wrong code: %v", err)
		}
		code, _ := totp.GenerateCode(secret, c.t)
		full, err := s.CompleteSignIn(ctx, sess.Token, code, scheme.SessionWeb)
		if err != nil {
			t.Fatalf("right code: %v", err)
		}
		if u, err := s.Authenticate(ctx, full.Token, scheme.SessionWeb); err != nil || u.Role != scheme.RoleCoordinator {
			t.Errorf("session after the code: %+v %v", u, err)
		}
		if _, err := s.CompleteSignIn(ctx, sess.Token, code, scheme.SessionWeb); err == nil {
			t.Error("the code-step token works twice")
		}
		// The API takes the code in the same request (a new one: each works once).
		c.t = c.t.Add(30 * time.Second)
		code, _ = totp.GenerateCode(secret, c.t)
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "coord.kim", Password: pw, OTP: code}, scheme.SessionAPI); err != nil {
			t.Errorf("API sign-in with code: %v", err)
		}
	})
}

func secretOf(t *testing.T, uri string) string {
	t.Helper()
	_, q, ok := strings.Cut(uri, "secret=")
	if !ok {
		t.Fatalf("no secret in %s", uri)
	}
	s, _, _ := strings.Cut(q, "&")
	return s
}

func TestSecondFactor_MemberTurnsItOnAndARecoveryCodeWorksOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := newService(t, db)
		a, _ := s.Apply(ctx, individualInput("twofa"))
		s.Decide(ctx, "coord", a.ID, scheme.Approve, "")
		key, err := s.SetUpTOTP("twofa")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmTOTP(ctx, a.UserID, key.Secret(), "123456"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("confirming with a wrong code: %v", err)
		}
		code, _ := totp.GenerateCode(key.Secret(), c.t)
		codes, err := s.ConfirmTOTP(ctx, a.UserID, key.Secret(), code)
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %d codes, %v", len(codes), err)
		}
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "twofa", Password: pw}, scheme.SessionAPI); scheme.ErrorCode(err) != scheme.CodeOTPRequired {
			t.Errorf("member with second factor, password only: %v", err)
		}
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "twofa", Password: pw, OTP: strings.ToLower(codes[3])}, scheme.SessionAPI); err != nil {
			t.Errorf("recovery code: %v", err)
		}
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "twofa", Password: pw, OTP: codes[3]}, scheme.SessionAPI); err == nil {
			t.Error("a recovery code worked twice")
		}
	})
}

func TestPasswordReset_CodeByMessageEndsOldSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		a, _ := s.Apply(ctx, individualInput("forgetful"))
		s.Decide(ctx, "coord", a.ID, scheme.Approve, "")
		old, err := s.SignIn(ctx, account.SignInInput{Username: "forgetful", Password: pw}, scheme.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.StartReset(ctx, "no-such-user"); err != nil {
			t.Errorf("reset for an unknown user must look like success: %v", err)
		}
		if err := s.StartReset(ctx, "forgetful"); err != nil {
			t.Fatal(err)
		}
		var id string
		if err := db.Writer().QueryRowContext(ctx, `SELECT id FROM notifications WHERE template = 'password_reset_code' AND user_id = $1`, a.UserID).Scan(&id); err != nil {
			t.Fatalf("no reset message queued: %v", err)
		}
		n, err := db.Deliveries.Notification(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		code := n.Params["code"]
		if err := s.FinishReset(ctx, "forgetful", "WRONG-CODE", "a brand new passphrase"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("wrong code: %v", err)
		}
		if err := s.FinishReset(ctx, "forgetful", code, "a brand new passphrase"); err != nil {
			t.Fatalf("right code: %v", err)
		}
		if _, err := s.Authenticate(ctx, old.Token, scheme.SessionWeb); err == nil {
			t.Error("a session from before the reset still works")
		}
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "forgetful", Password: "a brand new passphrase"}, scheme.SessionWeb); err != nil {
			t.Errorf("new password: %v", err)
		}
		if err := s.FinishReset(ctx, "forgetful", code, "yet another passphrase"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("a reset code worked twice: %v", err)
		}
	})
}

// TestPasswordReset_AskingTakesTheSameTimeForEveryUsername: storing and
// queuing a code costs a few writes that an unknown username does not;
// the answer must not come sooner for one than the other. A branch that
// answered without waiting would answer most requests (its median) in
// well under the other's fastest time; load only adds time, so that
// cannot happen by chance to a branch that waits.
func TestPasswordReset_AskingTakesTheSameTimeForEveryUsername(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		s.ResetLimit = account.Allowance{Burst: 1000, Every: time.Millisecond} // every request sends
		a, _ := s.Apply(ctx, individualInput("timed"))
		s.Decide(ctx, "coord", a.ID, scheme.Approve, "")
		names := []string{"timed", "untimed"}
		median := func(ds []time.Duration) time.Duration {
			ds = slices.Clone(ds)
			slices.Sort(ds)
			return ds[len(ds)/2]
		}
		// A busy machine could delay every request of one branch: a
		// difference must show three times over.
		for attempt := 1; ; attempt++ {
			times := make([][]time.Duration, len(names))
			for i := range 15 {
				for k := range names {
					j := (i + k) % len(names)
					start := time.Now()
					if err := s.StartReset(ctx, names[j]); err != nil {
						t.Fatal(err)
					}
					times[j] = append(times[j], time.Since(start))
				}
			}
			t.Logf("attempt %d: medians: member %v, unknown %v", attempt, median(times[0]), median(times[1]))
			diff := ""
			for j := range names {
				for k := range names {
					if fastest := slices.Min(times[j]); fastest-median(times[k]) > fastest/3 {
						diff = fmt.Sprintf("%q answered in %v (median), %q never sooner than %v", names[k], median(times[k]), names[j], fastest)
					}
				}
			}
			if diff == "" {
				break
			}
			if attempt == 3 {
				t.Fatalf("told apart by time, three times over: %s", diff)
			}
		}
	})
}

func TestLeave_EndsSessionsAndTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		a, _ := s.Apply(ctx, individualInput("goodbye"))
		s.Decide(ctx, "coord", a.ID, scheme.Approve, "")
		sess, err := s.SignIn(ctx, account.SignInInput{Username: "goodbye", Password: pw}, scheme.SessionAPI)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Leave(ctx, sess.User); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, sess.Token, scheme.SessionAPI); err == nil {
			t.Error("session survived leaving")
		}
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "goodbye", Password: pw}, scheme.SessionAPI); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("signing in after leaving: %v", err)
		}
	})
}

func TestAudit_EveryMembershipActionIsRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		if _, err := account.CreateStaff(ctx, db, "cli", "coord.audit", pw, scheme.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		coord, _ := db.Accounts.UserByUsername(ctx, "coord.audit")
		a, _ := s.Apply(ctx, individualInput("audited"))
		if _, err := s.Application(ctx, coord, a.ID); err != nil {
			t.Fatal(err)
		}
		s.Decide(ctx, coord.ID, a.ID, scheme.Approve, "")
		sess, err := s.SignIn(ctx, account.SignInInput{Username: "audited", Password: pw}, scheme.SessionWeb)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ChangePassword(ctx, sess.User, pw, "another fine passphrase"); err != nil {
			t.Fatal(err)
		}
		org := orgInput("project", "audit.org", "x@valley-outreach.example.org")
		oa, _ := s.Apply(ctx, org)
		s.Decide(ctx, coord.ID, oa.ID, scheme.Approve, "")
		contact, _ := db.Sessions.LoginByUsername(ctx, "audit.org")
		staff, err := s.AddStaff(ctx, contact.User, "audit.staff", pw, "Kai")
		if err != nil {
			t.Fatal(err)
		}
		s.SetStaffActive(ctx, contact.User, staff.ID, false)
		s.Members(ctx, coord, scheme.PageOf(1))
		db.Accounts.SetRole(ctx, coord.ID, a.UserID, scheme.RoleCoordinator)
		db.Accounts.SetRole(ctx, coord.ID, a.UserID, "")
		db.Accounts.Revoke(ctx, coord.ID, a.UserID, "False reports.", "u")
		req, _ := db.Police.RequestMemberExport(ctx, coord.ID, a.UserID, "Police intelligence hub request")
		db.Police.DecideMemberExport(ctx, "second.coordinator", req.ID, true)
		db.Police.ExportRevoked(ctx, coord.ID, req.ID)
		ob, _ := s.Apply(ctx, individualInput("leaver.audit"))
		s.Decide(ctx, coord.ID, ob.ID, scheme.Approve, "")
		s.Leave(ctx, scheme.User{ID: ob.UserID, Role: scheme.RoleMember})

		want := []string{"user.create", "application.submit", "application.view", "application.approve", "user.signin", "user.password",
			"staff.create", "staff.disable", "members.view", "user.role", "user.revoke",
			"user.export_request", "user.export_approve", "user.export_revoked", "user.leave"}
		got := map[string]bool{}
		rows, err := db.Writer().QueryContext(ctx, `SELECT action FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			rows.Scan(&a)
			got[a] = true
		}
		rows.Close()
		for _, w := range want {
			if !got[w] {
				t.Errorf("no %q entry in the audit log", w)
			}
		}
		// Entries hold ids and codes, no personal data.
		var details string
		rows, err = db.Writer().QueryContext(ctx, `SELECT actor, subject_id, detail FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, b, c string
			rows.Scan(&a, &b, &c)
			details += a + " " + b + " " + c + "\n"
		}
		rows.Close()
		if !strings.Contains(details, "user.") && !strings.Contains(details, `"role"`) {
			t.Fatalf("read no audit details: %q", details)
		}
		for _, pii := range []string{"amber@example.org", "Amber", "+447700900123", "False reports", "Police intelligence"} {
			if strings.Contains(details, pii) {
				t.Errorf("audit details hold %q", pii)
			}
		}
	})
}

func TestSignIn_ATOTPCodeWorksOnlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, c := newService(t, db)
		uri, err := account.CreateStaff(ctx, db, "cli", "coord.replay", pw, scheme.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(secretOf(t, uri), c.t)
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "coord.replay", Password: pw, OTP: code}, scheme.SessionAPI); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "coord.replay", Password: pw, OTP: code}, scheme.SessionAPI); scheme.ErrorCode(err) != scheme.CodeOTPRequired {
			t.Errorf("replayed code: %v", err)
		}
		c.t = c.t.Add(30 * time.Second)
		next, _ := totp.GenerateCode(secretOf(t, uri), c.t)
		if _, err := s.SignIn(ctx, account.SignInInput{Username: "coord.replay", Password: pw, OTP: next}, scheme.SessionAPI); err != nil {
			t.Errorf("next step's code: %v", err)
		}
	})
}

func TestDummyHash_HasTheDefaultCost(t *testing.T) {
	// Unknown usernames must cost what a real password check costs.
	if _, rehash, err := password.Verify(account.DummyHashForTest, "x", password.Default); err != nil || rehash {
		t.Errorf("the constant dummy hash is malformed or weaker than password.Default (%v, rehash %v)", err, rehash)
	}
}
