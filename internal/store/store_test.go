package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestParseSource(t *testing.T) {
	tests := []struct {
		in      string
		dialect store.Dialect
		path    string
		wantErr bool
	}{
		{"", store.SQLite, store.DefaultPath, false},
		{"./x.db", store.SQLite, "./x.db", false},
		{"sqlite:/tmp/y.db", store.SQLite, "/tmp/y.db", false},
		{"sqlite:", "", "", true},
		{"postgres://u:secret@h/db", store.Postgres, "", false},
		{"postgresql://h/db", store.Postgres, "", false},
		{"mysql://h/db", "", "", true},
	}
	for _, tt := range tests {
		got, err := store.ParseSource(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseSource(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && (got.Dialect != tt.dialect || got.Path != tt.path) {
			t.Errorf("ParseSource(%q) = %+v", tt.in, got)
		}
	}
	if s, _ := store.ParseSource("postgres://u:secret@h/db"); s.String() == "" || strings.Contains(s.String(), "secret") {
		t.Errorf("String() leaks the password: %q", s.String())
	}
}

func TestMigrate_IsUpToDateAndIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		st, err := db.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Stale() || st.Current == 0 {
			t.Fatalf("fresh test database is not migrated: %+v", st)
		}
		n, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second migrate applied %d migrations, want 0", n)
		}
		terms, err := db.Content.CurrentTerms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if terms.Version != 1 || terms.Body != scheme.DefaultTerms {
			t.Errorf("default terms = version %d, %d bytes", terms.Version, len(terms.Body))
		}
	})
}

func TestStatus_ReportsStaleSchemaOnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, store.Source{Dialect: store.SQLite, Path: t.TempDir() + "/empty.db"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Stale() || st.Current != 0 || st.Target < 1 || !st.JobsPending {
		t.Errorf("empty database status = %+v, want stale", st)
	}
}

func TestCreateUser_EncryptsUsernameAndRefusesDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, err := db.Accounts.CreateUser(ctx, "cli", store.NewUser{Username: "Coord.Ada", Role: scheme.RoleCoordinator, PasswordHash: "x", TOTPSecret: "S"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Accounts.UserByUsername(ctx, "Coord.Ada")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.Username != "Coord.Ada" || got.Role != scheme.RoleCoordinator {
			t.Errorf("read back %+v, want %+v", got, u)
		}
		if _, err := db.Accounts.UserByUsername(ctx, "coord.ada"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("usernames must be case-sensitive: lookup in lower case gave %v", err)
		}
		var plain int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username_ct = $1 OR username_idx = $1`, []byte("Coord.Ada")).Scan(&plain); err != nil || plain != 0 {
			t.Errorf("username stored in plain text (count %d, err %v)", plain, err)
		}
		_, err = db.Accounts.CreateUser(ctx, "cli", store.NewUser{Username: "Coord.Ada", Role: scheme.RoleAdmin, PasswordHash: "y"})
		var se *scheme.Error
		if !errors.As(err, &se) || se.Code != scheme.CodeConflict || se.Fields["username"] == "" {
			t.Errorf("duplicate username: got %v, want conflict on username", err)
		}
		_, err = db.Accounts.CreateUser(ctx, "cli", store.NewUser{Username: "no spaces please", Role: scheme.RoleAdmin, PasswordHash: "y"})
		if scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("bad username: got %v, want invalid", err)
		}
		// One user, one audit entry: the failed attempts wrote nothing.
		var users, entries int
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&users)
		db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'`).Scan(&entries)
		if users != 1 || entries != 1 {
			t.Errorf("users = %d, audit entries = %d, want 1 and 1", users, entries)
		}
	})
}

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := range n {
		if err := db.Audit(context.Background(), audit.Entry{Actor: "system", Action: "test.event", SubjectType: "thing", SubjectID: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAudit_ChainVerifiesIntact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 5)
		head, err := audit.Verify(db.AuditEntries(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		if head.Entries != 5 || head.Seq != 5 || len(head.Hash) != 64 {
			t.Errorf("head = %+v", head)
		}
	})
}

func TestAudit_RefusesUpdateAndDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		appendN(t, db, 2)
		ctx := context.Background()
		if _, err := db.Writer().ExecContext(ctx, `UPDATE audit_log SET actor = 'x' WHERE seq = 1`); err == nil {
			t.Error("UPDATE on audit_log succeeded")
		}
		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM audit_log WHERE seq = 1`); err == nil {
			t.Error("DELETE on audit_log succeeded")
		}
	})
}

// tamper bypasses the append-only triggers, as someone with the database
// file or superuser access could.
func tamper(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	off, on := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}, []string(nil)
	if db.Dialect() == store.Postgres {
		off = []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`}
		on = []string{`ALTER TABLE audit_log ENABLE TRIGGER USER`}
	}
	for _, s := range append(append(off, stmts...), on...) {
		if _, err := db.Writer().ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAudit_VerifyFindsFirstBrokenEntry(t *testing.T) {
	tests := []struct {
		name    string
		stmts   []string
		wantSeq int64
	}{
		{"edited", []string{`UPDATE audit_log SET subject_id = 'zz' WHERE seq = 3`}, 3},
		{"edited action", []string{`UPDATE audit_log SET action = 'other' WHERE seq = 2`}, 2},
		{"deleted", []string{`DELETE FROM audit_log WHERE seq = 2`}, 3},
		{"reordered", []string{
			`UPDATE audit_log SET seq = 100 WHERE seq = 2`,
			`UPDATE audit_log SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_log SET seq = 3 WHERE seq = 100`,
		}, 2},
		{"rehashed edit", []string{`UPDATE audit_log SET detail = '{}', hash = prev_hash WHERE seq = 4`}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				appendN(t, db, 5)
				tamper(t, db, tt.stmts...)
				_, err := audit.Verify(db.AuditEntries(context.Background()))
				var be *audit.BrokenError
				if !errors.As(err, &be) {
					t.Fatalf("Verify after %s = %v, want a broken chain", tt.name, err)
				}
				if be.Seq != tt.wantSeq {
					t.Errorf("broken at %d, want %d (%s)", be.Seq, tt.wantSeq, be.Reason)
				}
			})
		})
	}
}
