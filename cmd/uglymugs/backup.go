package main

import (
	"context"
	"errors"
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
	out, keysOut, to *string
}

func (cmd *backupCmd) flags(f *flags) {
	cmd.out = f.String("out", "", "the backup file to write (must not exist)")
	cmd.keysOut = f.String("member-keys", "", "the file to write members' data keys to, apart from the backup (replaced; keep only the newest)")
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
	if *cmd.keysOut == "" {
		return usagef("--member-keys: give the file for members' data keys (kept apart from backups, only the newest: see docs/deploy.md)")
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
	// The keys are written beside their file and moved over it only once
	// whole, so the newest complete keys file is never lost.
	keys, err := os.CreateTemp(filepath.Dir(*cmd.keysOut), ".member-keys-*")
	if err != nil {
		return errors.Join(fmt.Errorf("backup: %w", err), file.Close(), os.Remove(*cmd.out))
	}
	n, nkeys, err := backup.SQLite(ctx, db.Writer(), filepath.Dir(*cmd.out), file, keys, recipients...)
	if err == nil {
		err = errors.Join(file.Sync(), keys.Sync())
	}
	err = errors.Join(err, file.Close(), keys.Close())
	if err == nil {
		err = os.Rename(keys.Name(), *cmd.keysOut)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("%w (the partial file %s should be deleted)", err, *cmd.out), os.Remove(keys.Name()))
	}
	fmt.Fprintf(stdout, "backed up %s (%d bytes before encryption) to %s, and %d members' keys to %s\n", src, n, *cmd.out, nkeys, *cmd.keysOut)
	return nil
}

// restoreCmd decrypts a backup into a new SQLite file and checks it: the
// file's integrity, its schema and the audit log's hash chain.
type restoreCmd struct {
	in, keysIn, identity *string
}

func (cmd *restoreCmd) flags(f *flags) {
	cmd.in = f.String("in", "", "the backup file to read")
	cmd.keysIn = f.String("member-keys", "", "the newest members' data keys file (from backup --member-keys)")
	cmd.identity = f.String("identity", "", "the age private key file (from age-keygen) that opens the backup")
}

func (cmd *restoreCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	if *cmd.in == "" || *cmd.identity == "" || *cmd.keysIn == "" {
		return usagef("give the backup (--in), the newest members' keys file (--member-keys) and the private key file (--identity)")
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
	keysFile, err := os.Open(*cmd.keysIn) // #nosec G304 -- the operator's --member-keys
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer keysFile.Close()
	if _, err := backup.RestoreSQLite(file, src.Path, ids...); err != nil {
		return err
	}
	db, done, err := c.openDB(ctx, false, false)
	if err != nil {
		return err
	}
	defer done()
	restored, skipped, err := backup.RestoreKeys(ctx, db.Writer(), keysFile, ids...)
	if err != nil {
		return fmt.Errorf("%w (the restored database %s has no members' keys: delete it and restore again)", err, src.Path)
	}
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
	fmt.Fprintf(stdout, "restored %s: integrity ok, schema version %d (this build needs %d), audit log intact to entry %d, "+
		"%d members' keys (%d of members not in this backup left out)\n", src.Path, st.Current, st.Target, head.Seq, restored, skipped)
	return nil
}
