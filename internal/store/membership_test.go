package store_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func individual(username, email, mobile string) store.NewApplication {
	return store.NewApplication{
		Type: scheme.Individual, Username: username, PasswordHash: "$argon2id$test",
		Profile: scheme.Profile{WorkName: "Ruby " + username, Email: email, Mobile: mobile, AlertEmail: email != "", AlertSMS: mobile != "",
			Regions: []string{"london", "south-east"}, Gender: "woman", Sector: "escort", Area: "Camden", TermsVersion: 1},
		URL: "https://uglymugs.example.org/signin",
	}
}

func apply(t *testing.T, db *store.DB, na store.NewApplication) scheme.Application {
	t.Helper()
	a, err := db.Accounts.CreateApplication(context.Background(), na)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestApplication_StoredEncryptedAndReadBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apply(t, db, individual("ruby.k", "ruby@example.org", "+447700900123"))
		got, err := db.Accounts.Application(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := got.Profile
		if got.Username != "ruby.k" || p.WorkName != "Ruby ruby.k" || p.Email != "ruby@example.org" || p.Mobile != "+447700900123" ||
			p.Area != "Camden" || len(p.Regions) != 2 || !p.AlertEmail || p.TermsVersion != 1 || p.TermsAcceptedAt.IsZero() {
			t.Errorf("read back %+v", got)
		}
		if len(got.Flags) != 0 {
			t.Errorf("first applicant flagged %v", got.Flags)
		}
		var n int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM profiles WHERE email_ct = $1 OR work_name_ct = $2`, []byte("ruby@example.org"), []byte("Ruby ruby.k")).Scan(&n)
		if n != 0 {
			t.Error("personal fields stored in plain text")
		}
		// account.Service.Application audits the view (TestViews_OpeningPersonalDataIsAuditedOnce).
		var queued int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND template = 'application_received'`, a.UserID).Scan(&queued)
		if queued != 1 {
			t.Errorf("%d 'received' messages queued, want 1", queued)
		}
	})
}

func TestApplication_FlagsDuplicateAndOffenderByBlindIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		apply(t, db, individual("first", "same@example.org", ""))
		reportWith(t, db, scheme.Identifier{Kind: "phone", Value: "07700 900666", Normalised: "+447700900666"})
		tests := []struct {
			name   string
			na     store.NewApplication
			want   []scheme.Flag
			wantNo []scheme.Flag
		}{
			{"same email", individual("second", "same@example.org", ""), []scheme.Flag{scheme.FlagPossibleDuplicate}, []scheme.Flag{scheme.FlagPossibleOffender}},
			{"offender's phone", individual("third", "", "+447700900666"), []scheme.Flag{scheme.FlagPossibleOffender}, []scheme.Flag{scheme.FlagPossibleDuplicate}},
			{"nothing shared", individual("fourth", "other@example.org", "+447700900124"), nil, []scheme.Flag{scheme.FlagPossibleDuplicate, scheme.FlagPossibleOffender}},
		}
		for _, tt := range tests {
			a := apply(t, db, tt.na)
			list, err := db.Accounts.Applications(ctx, scheme.ApplicationFilter{}, scheme.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var flags []scheme.Flag
			for _, x := range list.Items {
				if x.ID == a.ID {
					flags = x.Flags
				}
			}
			for _, f := range tt.want {
				if !contains(flags, f) {
					t.Errorf("%s: flags %v lack %s", tt.name, flags, f)
				}
			}
			for _, f := range tt.wantNo {
				if contains(flags, f) {
					t.Errorf("%s: flags %v wrongly include %s", tt.name, flags, f)
				}
			}
		}
	})
}

// TestApplication_FlagSourcesNameWhatRaisedEachFlag: a flag keeps what
// raised it (the other person, the organisation, the offender), and
// opening it finds them as they are now; an application from before the
// record is matched again, and someone who left is "gone".
func TestApplication_FlagSourcesNameWhatRaisedEachFlag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := apply(t, db, individual("first", "same@example.org", ""))
		org := individual("project.lead", "", "")
		org.Type, org.Org = scheme.Project, &scheme.Organisation{Name: "Outreach", Website: "https://outreach.example.org",
			Email: "team@outreach.example.org", KeyContact: "Jo", Description: "Outreach for street-based workers."}
		project := apply(t, db, org)
		rep := reportWith(t, db, phone("07700 900666", "+447700900666"))
		offender := rep.Original.Offenders[0]

		both := apply(t, db, individual("second", "same@example.org", "+447700900666"))
		wantSources := []scheme.FlagSource{
			{Flag: scheme.FlagPossibleDuplicate, Field: "email", Member: first.UserID},
			{Flag: scheme.FlagPossibleOffender, Field: "mobile", Offender: offender.ID},
		}
		if !slices.Equal(both.FlagSources, wantSources) {
			t.Fatalf("sources %+v, want %+v", both.FlagSources, wantSources)
		}
		stored, err := db.Accounts.Application(ctx, both.ID)
		if err != nil || !slices.Equal(stored.FlagSources, wantSources) {
			t.Fatalf("stored sources %+v (%v), want %+v", stored.FlagSources, err, wantSources)
		}
		matches, now, err := db.Accounts.FlagMatches(ctx, stored)
		if err != nil || now || len(matches) != 2 {
			t.Fatalf("matches %+v, matched now %t, %v", matches, now, err)
		}
		if m := matches[0]; m.Username != "first" || m.ApplicationID != first.ID || m.Role != scheme.RoleApplicant || m.Status != scheme.StatusApplicant || m.Gone {
			t.Errorf("the other member: %+v", m)
		}
		if m := matches[1]; m.ProfileID != offender.ProfileID || m.ProfileID == "" || m.Gone {
			t.Errorf("the offender: %+v, want profile %s", m, offender.ProfileID)
		}

		// The organisation's official email, given as someone's own.
		viaOrg := apply(t, db, individual("third", "team@outreach.example.org", ""))
		matches, _, err = db.Accounts.FlagMatches(ctx, viaOrg)
		if err != nil || len(matches) != 1 || matches[0].Organisation == "" || matches[0].ApplicationID != project.ID || matches[0].Username != "project.lead" {
			t.Errorf("matched through an organisation: %+v %v, want the project's application", matches, err)
		}

		// An application from before the record: matched again as it is opened.
		if _, err := db.Writer().ExecContext(ctx, `UPDATE applications SET flag_sources = '' WHERE id = $1`, both.ID); err != nil {
			t.Fatal(err)
		}
		old, err := db.Accounts.Application(ctx, both.ID)
		if err != nil || len(old.FlagSources) != 0 || len(old.Flags) != 2 {
			t.Fatalf("an older row reads back as %+v %v", old, err)
		}
		matches, now, err = db.Accounts.FlagMatches(ctx, old)
		if err != nil || !now || len(matches) != 2 || matches[0].Member != first.UserID || matches[1].ProfileID != offender.ProfileID {
			t.Errorf("older row: %+v, matched now %t, %v", matches, now, err)
		}

		// Someone who left is gone; the flag stays.
		if err := db.Accounts.Leave(ctx, first.UserID); err != nil {
			t.Fatal(err)
		}
		matches, _, err = db.Accounts.FlagMatches(ctx, stored)
		if err != nil || len(matches) != 2 || !matches[0].Gone || matches[0].Username != "" || matches[1].Gone {
			t.Errorf("after the other member left: %+v %v", matches, err)
		}
	})
}

func contains(fs []scheme.Flag, f scheme.Flag) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

func TestApplication_QueueOldestFirstAndDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return clock })
		a1 := apply(t, db, individual("older", "a1@example.org", ""))
		clock = clock.Add(time.Hour)
		a2 := apply(t, db, individual("newer", "a2@example.org", ""))
		queue, err := db.Accounts.Applications(ctx, scheme.ApplicationFilter{}, scheme.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if list := queue.Items; len(list) != 2 || list[0].ID != a1.ID || list[1].ID != a2.ID {
			t.Fatalf("queue not oldest first: %+v", list)
		}

		if _, err := db.Accounts.DecideApplication(ctx, "coord", a1.ID, scheme.Reject, "", "u"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("reject without reason: %v", err)
		}
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a1.ID, scheme.RequestInfo, "Which area do you work in?", "u"); err != nil {
			t.Fatal(err)
		}
		if err := db.Accounts.AnswerApplication(ctx, a1.UserID, "Mostly north London."); err != nil {
			t.Fatal(err)
		}
		got, err := db.Accounts.ApplicationOfUser(ctx, a1.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != scheme.ApplicationPending || got.Answer != "Mostly north London." || got.Question == "" {
			t.Errorf("after answer: %+v", got)
		}
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a1.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		l, err := db.Sessions.LoginByUsername(ctx, "older")
		if err != nil {
			t.Fatal(err)
		}
		if l.User.Role != scheme.RoleMember || l.User.Status != scheme.StatusActive {
			t.Errorf("approved user is %s/%s", l.User.Role, l.User.Status)
		}
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a1.ID, scheme.Reject, "late", "u"); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("deciding twice: %v", err)
		}
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a2.ID, scheme.Reject, "We could not confirm you are a sex worker.", "u"); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Accounts.ApplicationOfUser(ctx, a2.UserID)
		if got.Status != scheme.ApplicationRejected || got.Reason == "" {
			t.Errorf("rejected: %+v", got)
		}
		var audits int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('application.approve','application.reject','application.request-info','application.answer')`).Scan(&audits)
		if audits != 4 {
			t.Errorf("%d decision audit entries, want 4", audits)
		}
	})
}

func TestSessions_ExpireWhenIdleOrOldAndDieOnRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return clock })
		a := apply(t, db, individual("sess", "s@example.org", ""))
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		ttl := store.SessionTTL{Idle: 30 * time.Minute, Absolute: 2 * time.Hour}
		tok, _, err := db.Sessions.CreateSession(ctx, a.UserID, scheme.SessionWeb, ttl)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := db.Sessions.SessionUser(ctx, tok, scheme.SessionWeb, ttl); err != nil || u.ID != a.UserID || u.Username != "sess" {
			t.Fatalf("fresh session: %+v, %v", u, err)
		}
		if _, err := db.Sessions.SessionUser(ctx, tok, scheme.SessionAPI, ttl); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("a web session used as an API token: %v", err)
		}
		// Used every 20 minutes, it lives until the absolute limit.
		for range 5 {
			clock = clock.Add(20 * time.Minute)
			if _, err := db.Sessions.SessionUser(ctx, tok, scheme.SessionWeb, ttl); err != nil {
				t.Fatalf("active session died at %v: %v", clock, err)
			}
		}
		clock = clock.Add(21 * time.Minute) // 2h01 after sign-in
		if _, err := db.Sessions.SessionUser(ctx, tok, scheme.SessionWeb, ttl); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("session past its absolute limit: %v", err)
		}
		idle, _, _ := db.Sessions.CreateSession(ctx, a.UserID, scheme.SessionWeb, ttl)
		clock = clock.Add(31 * time.Minute)
		if _, err := db.Sessions.SessionUser(ctx, idle, scheme.SessionWeb, ttl); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("idle session: %v", err)
		}
		out, _, _ := db.Sessions.CreateSession(ctx, a.UserID, scheme.SessionWeb, ttl)
		if err := db.Sessions.DeleteSession(ctx, out); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Sessions.SessionUser(ctx, out, scheme.SessionWeb, ttl); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("signed-out session: %v", err)
		}
		live, _, _ := db.Sessions.CreateSession(ctx, a.UserID, scheme.SessionAPI, ttl)
		if err := db.Accounts.Revoke(ctx, "coord", a.UserID, "False reports about a named client.", "u"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Sessions.SessionUser(ctx, live, scheme.SessionAPI, ttl); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("session of a revoked member: %v", err)
		}
	})
}

func TestOrgStaff_KeyContactManagesOwnStaffOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mk := func(user, orgEmail string) scheme.Application {
			na := individual(user, "", "")
			na.Type = scheme.Project
			na.Profile.Email = orgEmail
			na.Org = &scheme.Organisation{Name: "Outreach " + user, Website: "https://example.org", Email: orgEmail, KeyContact: "Sam", Description: "Night outreach van."}
			a := apply(t, db, na)
			if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
				t.Fatal(err)
			}
			return a
		}
		mine, other := mk("proj.one", "team@example.org"), mk("proj.two", "hello@example.com")
		myOrg, _ := db.Accounts.Organisation(ctx, mine.UserID)
		otherOrg, _ := db.Accounts.Organisation(ctx, other.UserID)
		staff, err := db.Accounts.CreateOrgStaff(ctx, mine.UserID, myOrg.ID, "van.worker", "$argon2id$x", "Jo")
		if err != nil {
			t.Fatal(err)
		}
		list, _ := db.Accounts.OrgStaff(ctx, myOrg.ID)
		if len(list) != 1 || list[0].User.Username != "van.worker" || list[0].WorkName != "Jo" {
			t.Errorf("staff list %+v", list)
		}
		if err := db.Accounts.SetStaffActive(ctx, other.UserID, otherOrg.ID, staff.ID, false); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another organisation disabled my staff: %v", err)
		}
		ttl := store.SessionTTL{Idle: time.Hour, Absolute: time.Hour}
		tok, _, _ := db.Sessions.CreateSession(ctx, staff.ID, scheme.SessionWeb, ttl)
		if err := db.Accounts.SetStaffActive(ctx, mine.UserID, myOrg.ID, staff.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Sessions.SessionUser(ctx, tok, scheme.SessionWeb, ttl); scheme.ErrorCode(err) != scheme.CodeUnauthenticated {
			t.Errorf("disabled staff still signed in: %v", err)
		}
		if err := db.Accounts.SetStaffActive(ctx, mine.UserID, myOrg.ID, staff.ID, true); err != nil {
			t.Fatal(err)
		}
		l, _ := db.Sessions.LoginByID(ctx, staff.ID)
		if l.User.Status != scheme.StatusActive {
			t.Errorf("re-enabled staff is %s", l.User.Status)
		}
	})
}

// userRows counts rows that still point at a user, table by table.
var userTables = []string{"users WHERE id", "profiles WHERE user_id", "profile_regions WHERE user_id", "applications WHERE user_id",
	"sessions WHERE user_id", "recovery_codes WHERE user_id", "password_resets WHERE user_id", "notifications WHERE user_id", "revocations WHERE user_id"}

func TestLeave_ErasesEveryPersonalField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apply(t, db, individual("leaver", "leaver@example.org", "+447700900321"))
		if _, err := db.Accounts.DecideApplication(ctx, "coord", a.ID, scheme.Approve, "", "u"); err != nil {
			t.Fatal(err)
		}
		db.Sessions.CreateSession(ctx, a.UserID, scheme.SessionWeb, store.SessionTTL{Idle: time.Hour, Absolute: time.Hour})
		keep := apply(t, db, individual("stayer", "stayer@example.org", ""))

		// Every ciphertext and index held for the leaver, to look for afterwards.
		var secrets [][]byte
		rows, err := db.Writer().QueryContext(ctx, `SELECT work_name_ct, email_ct, email_idx, mobile_ct, mobile_idx, area_ct FROM profiles WHERE user_id = $1`, a.UserID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c [6][]byte
			rows.Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5])
			for _, b := range c {
				if len(b) > 0 {
					secrets = append(secrets, b)
				}
			}
		}
		rows.Close()
		var nameCT []byte
		db.Writer().QueryRowContext(ctx, `SELECT username_ct FROM users WHERE id = $1`, a.UserID).Scan(&nameCT)
		secrets = append(secrets, nameCT)
		if len(secrets) != 7 {
			t.Fatalf("expected 7 personal values to look for, found %d", len(secrets))
		}

		if err := db.Accounts.Leave(ctx, a.UserID); err != nil {
			t.Fatal(err)
		}
		for _, q := range userTables {
			var n int
			if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+q+` = $1`, a.UserID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("%d rows left in %s", n, q)
			}
		}
		for _, idx := range [][]byte{secrets[2], secrets[4]} {
			var n int
			db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM profiles WHERE email_idx = $1 OR mobile_idx = $1`, idx).Scan(&n)
			if n != 0 {
				t.Error("a blind index of the leaver is still held")
			}
		}
		if _, err := db.Accounts.Profile(ctx, keep.UserID); err != nil {
			t.Errorf("another member's data went too: %v", err)
		}
		var left int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'user.leave' AND subject_id = $1`, a.UserID).Scan(&left)
		if left != 1 {
			t.Error("leaving is not in the audit log")
		}
		if db.Dialect() == store.SQLite {
			// secure_delete zeroes freed pages: after a checkpoint no byte
			// of the leaver's ciphertexts remains anywhere in the file.
			if _, err := db.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				t.Fatal(err)
			}
			var path string
			db.Writer().QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path)
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range secrets {
				if bytes.Contains(file, s) {
					t.Errorf("personal value %d still in the database file", i)
				}
			}
		}
	})
}

func TestNotification_AddressErasedOnceSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apply(t, db, individual("notified", "", "+447700900555"))
		var id string
		if err := db.Writer().QueryRowContext(ctx, `SELECT id FROM notifications WHERE user_id = $1`, a.UserID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		n, err := db.Deliveries.Notification(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if n.Channel != scheme.ChannelSMS || n.To != "+447700900555" || n.Template != "application_received" || n.Params["url"] == "" {
			t.Errorf("notification %+v", n)
		}
		if err := db.Deliveries.MarkNotification(ctx, id, "sent", 1, ""); err != nil {
			t.Fatal(err)
		}
		var to []byte
		db.Writer().QueryRowContext(ctx, `SELECT to_ct FROM notifications WHERE id = $1`, id).Scan(&to)
		if len(to) != 0 {
			t.Error("address kept after sending")
		}
		n, err = db.Deliveries.Notification(ctx, id)
		if err != nil || n.Status != "sent" || n.To != "" {
			t.Errorf("after sending: %+v, %v", n, err)
		}
	})
}
