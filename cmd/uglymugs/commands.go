package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"uglymugs/internal/account"
	"uglymugs/internal/audit"
	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// migrateCmd brings the database schema up to date.
type migrateCmd struct{ noFlags }

func (cmd migrateCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	// With the key file (when it is there), migrate also records or
	// checks which key file belongs to this database.
	keys := c.haveKeys()
	db, done, err := c.openDB(ctx, true, keys)
	if err != nil {
		return err
	}
	defer done()
	n, err := db.Migrate(ctx)
	if err != nil {
		return c.keysProblem(err)
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migrations; the database is at schema version %d\n", n, st.Current)
	if keys {
		fmt.Fprintf(stdout, "the key file %s opens this database\n", *c.keys)
	} else {
		fmt.Fprintf(stdout, "no key file at %s: the first command given the key file (user add, serve) will record that it belongs to this database\n", *c.keys)
	}
	return nil
}

// keysInitCmd writes a new key file; it never overwrites one. Like every
// command it accepts --db, and does not use it.
type keysInitCmd struct{ noFlags }

func (cmd keysInitCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	v, err := vault.Generate()
	if err != nil {
		return err
	}
	if err := vault.WriteNew(*c.keys, v); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote a new key file to %s (mode 0600).\n"+
		"Keep it apart from the database and its backups: whoever has both can read members' details.\n"+
		"Back it up somewhere safe: without it, encrypted data cannot be read.\n", *c.keys)
	return nil
}

// keysPushCmd adds a Web Push (VAPID) key to a key file made before push
// existed; a file that has one is left as it is.
type keysPushCmd struct{ noFlags }

func (cmd keysPushCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	v, err := vault.Load(*c.keys)
	if err != nil {
		return err
	}
	if !v.AddVAPID() {
		fmt.Fprintf(stdout, "the key file %s already has a push key; nothing changed.\n", *c.keys)
		return nil
	}
	if err := vault.Replace(*c.keys, v); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added a push key to %s; restart the service to turn push on.\n", *c.keys)
	return nil
}

// auditVerifyCmd checks the audit log's hash chain.
type auditVerifyCmd struct{ noFlags }

func (cmd auditVerifyCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	db, done, err := c.openDB(ctx, false, false)
	if err != nil {
		return err
	}
	defer done()
	head, err := audit.Verify(db.AuditEntries(ctx))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries; last entry %d has hash %s\n"+
		"(note this hash elsewhere: a chain cut short at its end still verifies)\n", head.Entries, head.Seq, head.Hash)
	return nil
}

// userAddCmd adds a coordinator or admin, with the password from stdin,
// and prints the second factor's otpauth:// URI.
type userAddCmd struct {
	username, role *string
}

func (cmd *userAddCmd) flags(f *flags) {
	cmd.username = f.String("username", "", "the new user's username (case-sensitive)")
	cmd.role = f.String("role", "", "coordinator or admin")
}

func (cmd *userAddCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	r := scheme.Role(*cmd.role)
	if !r.Staff() {
		return usagef("--role %q: use coordinator or admin (members join through the website)", *cmd.role)
	}
	if p := scheme.UsernameProblem(*cmd.username); p != "" {
		return usagef("--username %q: %s", *cmd.username, p)
	}
	pw, err := readPassword(stdin)
	if err != nil {
		return err
	}
	db, done, err := c.openDB(ctx, false, true)
	if err != nil {
		return err
	}
	defer done()
	if err := schemaCurrent(ctx, db); err != nil {
		return err
	}
	if err := c.ensureKeys(ctx, db); err != nil {
		return err
	}
	uri, err := account.CreateStaff(ctx, db, "cli", *cmd.username, pw, r)
	if err != nil {
		var se *scheme.Error
		if errors.As(err, &se) && se.Code != scheme.CodeInternal {
			for _, msg := range se.Fields {
				return fmt.Errorf("%s %s", se.Message, msg)
			}
			return errors.New(se.Message)
		}
		return err
	}
	fmt.Fprintln(stdout, uri)
	return nil
}

// readPassword takes the first line of stdin, so that both a pipe and a
// terminal work ("printf '%s\n' … | uglymugs user add …").
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("give the password on standard input, e.g. printf '%%s\\n' \"$PASSWORD\" | uglymugs user add …")
	}
	return pw, nil
}
