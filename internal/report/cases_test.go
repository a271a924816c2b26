package report_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/account"
	"uglymugs/internal/report"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// staffUser creates an active coordinator.
func staffUser(t *testing.T, db *store.DB, name string) scheme.User {
	t.Helper()
	ctx := context.Background()
	if _, err := account.CreateStaff(ctx, db, "test", name, "a long test passphrase", scheme.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	u, err := db.Accounts.UserByUsername(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	u.Status = scheme.StatusActive
	return u
}

func field(err error, name string) string {
	if se, ok := err.(*scheme.Error); ok {
		return se.Fields[name]
	}
	return ""
}

func TestThread_OnlyTheReporterReadsItAndReadingMarksItRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, u, now := setup(t, db)
		coord := staffUser(t, db, "coord.one")
		rep, err := s.Submit(ctx, u, valid(now.Add(-time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SchemeMessage(ctx, coord, rep.ID, "Thank you: we are reading it.", "https://uglymugs.example.org/signin"); err != nil {
			t.Fatal(err)
		}
		other := scheme.User{ID: "someone-else", Role: scheme.RoleMember, Status: scheme.StatusActive}
		if _, err := s.Own(ctx, other, rep.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member reading the report: %v", err)
		}
		if _, err := s.Thread(ctx, other, rep); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member reading the thread: %v", err)
		}
		if _, err := s.Unread(ctx, other, rep); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member counting the thread: %v", err)
		}
		if _, err := s.CaseThread(ctx, u, rep.ID); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member reading the case thread: %v", err)
		}
		if _, err := s.ReporterMessage(ctx, other, rep.ID, "Me too"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("another member writing on the thread: %v", err)
		}
		if n, err := s.Unread(ctx, u, rep); err != nil || n != 1 {
			t.Errorf("unread before reading: %d %v, want 1", n, err)
		}
		if msgs, err := s.CaseThread(ctx, coord, rep.ID); err != nil || len(msgs) != 1 {
			t.Errorf("case thread: %d %v", len(msgs), err)
		}
		if n, _ := s.Unread(ctx, u, rep); n != 1 {
			t.Errorf("a coordinator reading the thread marked it read: %d unread", n)
		}
		if msgs, err := s.Thread(ctx, u, rep); err != nil || len(msgs) != 1 {
			t.Errorf("reporter's thread: %d %v", len(msgs), err)
		}
		if n, _ := s.Unread(ctx, u, rep); n != 0 {
			t.Errorf("unread after reading: %d, want 0", n)
		}
	})
}

func TestCaseWork_EachProblemNamedForItsField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, u, now := setup(t, db)
		coord := staffUser(t, db, "coord.one")
		rep, err := s.Submit(ctx, u, valid(now.Add(-time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		yesterday := now.In(s.Hours.Location()).AddDate(0, 0, -1).Format("2006-01-02")
		_, err = s.AddTask(ctx, coord, rep.ID, " ", yesterday)
		if field(err, "title") == "" || field(err, "due") == "" {
			t.Errorf("no title and a past day: %v, want both named", err)
		}
		if _, err := s.AddTask(ctx, coord, rep.ID, "Call back", "next week"); field(err, "due") == "" {
			t.Errorf("an unreadable day: %v", err)
		}
		tomorrow := now.In(s.Hours.Location()).AddDate(0, 0, 1)
		task, err := s.AddTask(ctx, coord, rep.ID, "Call back", tomorrow.Format("2006-01-02"))
		if err != nil {
			t.Fatal(err)
		}
		if d := task.DueAt.In(s.Hours.Location()); d.Format("2006-01-02 15:04") != tomorrow.Format("2006-01-02")+" 23:59" {
			t.Errorf("due %v, want the end of %s", d, tomorrow.Format("2006-01-02"))
		}
		if err := s.AddCaseNote(ctx, coord, rep.ID, "memo", "Called."); field(err, "kind") == "" {
			t.Errorf("unknown kind of entry: %v", err)
		}
		if err := s.SetStatus(ctx, coord, rep.ID, "", ""); field(err, "status") == "" {
			t.Errorf("no status chosen: %v", err)
		}
		if err := s.AddCaseNote(ctx, u, rep.ID, "note", "Mine."); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member writing a case note: %v", err)
		}
		if _, err := s.AddTask(ctx, u, rep.ID, "Mine", ""); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member adding a task: %v", err)
		}
	})
}

func TestMoveOffender_NamedAndNotAlreadyInTheProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, u, now := setup(t, db)
		coord := staffUser(t, db, "coord.one")
		rep, err := s.Submit(ctx, u, valid(now.Add(-time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		full, err := s.Peek(ctx, coord, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		o := full.Working.Offenders[0]
		if _, err := s.MoveOffender(ctx, coord, "", o.ProfileID, "Same phone"); field(err, "offender") == "" {
			t.Errorf("no offender named: %v", err)
		}
		if _, err := s.MoveOffender(ctx, coord, o.ID, o.ProfileID, "Same phone"); field(err, "offender") != "That offender is already in this profile." {
			t.Errorf("moving into the profile they are in: %v", err)
		}
		if _, err := s.Peek(ctx, u, rep.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("a member peeking: %v", err)
		}
	})
}

func TestDrafts_StartTickedForOthersAndStayTheWritersOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s, u, _ := setup(t, db)
		coord := staffUser(t, db, "coord.one")
		mine, err := s.StartDraft(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if _, in, err := s.Draft(ctx, u, mine); err != nil || in.ThirdParty {
			t.Errorf("a member's new draft: third party %t, %v", in.ThirdParty, err)
		}
		theirs, err := s.StartDraft(ctx, coord)
		if err != nil {
			t.Fatal(err)
		}
		if _, in, err := s.Draft(ctx, coord, theirs); err != nil || !in.ThirdParty {
			t.Errorf("a coordinator's new draft: third party %t, %v", in.ThirdParty, err)
		}
		if err := s.SaveDraft(ctx, u, mine, 2, report.Input{Region: "london"}); err != nil {
			t.Fatal(err)
		}
		if d, in, err := s.Draft(ctx, u, mine); err != nil || d.Step != 2 || in.Region != "london" {
			t.Errorf("saved draft: step %d, region %q, %v", d.Step, in.Region, err)
		}
		if _, _, err := s.Draft(ctx, coord, mine); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("reading another's draft: %v", err)
		}
		if err := s.DiscardDraft(ctx, coord, mine); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("discarding another's draft: %v", err)
		}
		if err := s.DiscardDraft(ctx, u, mine); err != nil {
			t.Fatal(err)
		}
		if ds, _ := s.Drafts(ctx, u); len(ds) != 0 {
			t.Errorf("%d drafts left after discarding", len(ds))
		}
	})
}
