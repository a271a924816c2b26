package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestCheckData_ListsEachUnreadableFieldAndFails: on each engine,
// check-data passes on sound data, then, after one byte of one username
// is flipped, lists exactly that field (table, column, row id) and exits
// with an error (status 1); the username itself is never printed.
func TestCheckData_ListsEachUnreadableFieldAndFails(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			if d == store.Postgres && !storetest.HavePostgres() {
				t.Skip(storetest.SkipPostgres)
			}
			ctx := context.Background()
			src, keys := storetest.Source(t, d), keyFile(t)
			db := dbArg(src)
			var out, errOut bytes.Buffer
			for _, name := range []string{"coord.sound", "coord.damaged"} {
				if err := run(ctx, []string{"user", "add", "--db", db, "--keys", keys, "--username", name, "--role", "coordinator"},
					testEnv(), strings.NewReader("coordinator passphrase\n"), &out, &errOut); err != nil {
					t.Fatal(err)
				}
			}
			out.Reset()
			if err := run(ctx, []string{"check-data", "--db", db, "--keys", keys}, testEnv(), nil, &out, &errOut); err != nil || !strings.Contains(out.String(), "encrypted values open with the key file") {
				t.Fatalf("check-data on sound data: %v\n%s", err, out.String())
			}

			h, err := store.Open(ctx, src, storetest.Vault(t))
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			u, err := h.Accounts.UserByUsername(ctx, "coord.damaged")
			if err != nil {
				t.Fatal(err)
			}
			var ct []byte
			if err := h.Writer().QueryRowContext(ctx, `SELECT username_ct FROM users WHERE id = $1`, u.ID).Scan(&ct); err != nil {
				t.Fatal(err)
			}
			ct[len(ct)-1] ^= 0xff
			if _, err := h.Writer().ExecContext(ctx, `UPDATE users SET username_ct = $1 WHERE id = $2`, ct, u.ID); err != nil {
				t.Fatal(err)
			}

			out.Reset()
			err = run(ctx, []string{"check-data", "--db", db, "--keys", keys}, testEnv(), nil, &out, &errOut)
			if want := "table\tcolumn\trow id\nusers\tusername\t" + u.ID + "\n"; out.String() != want {
				t.Errorf("check-data listed:\n%s\nwant:\n%s", out.String(), want)
			}
			if err == nil || !strings.HasPrefix(err.Error(), "1 of ") || !strings.Contains(err.Error(), "cannot be read with the key file "+keys) {
				t.Errorf("check-data with a damaged value: %v, want it to fail saying how many", err)
			}
			if strings.Contains(out.String()+errOut.String(), "coord.damaged") {
				t.Error("check-data printed the username")
			}
		})
	}
}
