package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"uglymugs/internal/audit"
	"uglymugs/internal/backup"
	"uglymugs/internal/store"
)

// backupCmd writes an encrypted, consistent copy of a SQLite database
// while the service may be running.
type backupCmd struct {
	out, to *string
}

func (cmd *backupCmd) flags(f *flags) {
	cmd.out = f.String("out", "", "the backup file to write (must not exist)")
	cmd.to = f.String("recipient", "", "age public key(s) (age1…) to encrypt to; the private key stays off the server")
}

func (cmd *backupCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	if *cmd.out == "" {
		return usagef("--out: give the backup file to write")
	}
	recipients, err := backup.ParseRecipients(*cmd.to)
	if err != nil {
		return usagef("--recipient: %v", err)
	}
	src, err := c.source()
	if err != nil {
		return err
	}
	if src.Dialect != store.SQLite {
		return fmt.Errorf("uglymugs backup copies SQLite databases; for PostgreSQL use pg_dump as docs/deploy.md shows (piped through age to the same public key)")
	}
	if _, err := os.Stat(src.Path); err != nil {
		return fmt.Errorf("backup: no database at %s: %w", src.Path, err)
	}
	db, done, err := c.openDB(ctx, false, false)
	if err != nil {
		return err
	}
	defer done()
	file, err := os.OpenFile(*cmd.out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the operator's --out
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	n, err := backup.SQLite(ctx, db.Writer(), filepath.Dir(*cmd.out), file, recipients...)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%w (the partial file %s should be deleted)", err, *cmd.out)
	}
	fmt.Fprintf(stdout, "backed up %s (%d bytes before encryption) to %s\n", src, n, *cmd.out)
	return nil
}

// restoreCmd decrypts a backup into a new SQLite file and checks it: the
// file's integrity, its schema and the audit log's hash chain.
type restoreCmd struct {
	in, identity *string
}

func (cmd *restoreCmd) flags(f *flags) {
	cmd.in = f.String("in", "", "the backup file to read")
	cmd.identity = f.String("identity", "", "the age private key file (from age-keygen) that opens the backup")
}

func (cmd *restoreCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	if *cmd.in == "" || *cmd.identity == "" {
		return usagef("give the backup (--in) and the private key file (--identity)")
	}
	src, err := c.source()
	if err != nil {
		return err
	}
	if src.Dialect != store.SQLite {
		return usagef("--db: restore into a new SQLite file; for PostgreSQL see docs/deploy.md")
	}
	ids, err := backup.ReadIdentities(*cmd.identity)
	if err != nil {
		return err
	}
	file, err := os.Open(*cmd.in) // #nosec G304 -- the operator's --in
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer file.Close()
	if _, err := backup.RestoreSQLite(file, src.Path, ids...); err != nil {
		return err
	}
	db, done, err := c.openDB(ctx, false, false)
	if err != nil {
		return err
	}
	defer done()
	if err := db.IntegrityCheck(ctx); err != nil {
		return err
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	head, err := audit.Verify(db.AuditEntries(ctx))
	if err != nil {
		return fmt.Errorf("restored, but the audit log does not verify: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s: integrity ok, schema version %d (this build needs %d), audit log intact to entry %d\n",
		src.Path, st.Current, st.Target, head.Seq)
	return nil
}
