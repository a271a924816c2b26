package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"uglymugs/internal/password"
)

// seedPassword is every seeded member's password (printed, so that the
// load tests can sign in as them).
const seedPassword = "seed member password"

// seedCmd fills a database with made-up members at scale, for benchmarks
// and load tests; never point it at a real scheme's database.
type seedCmd struct {
	members, reports, identifiers *int
	migrate                       *bool
}

func (cmd *seedCmd) flags(f *flags) {
	cmd.members = f.Int("members", 0, "how many made-up active members to add")
	cmd.reports = f.Int("reports", 0, "how many made-up reports to file (one in three also a published alert), from seeded members")
	cmd.identifiers = f.Int("identifiers", 0, "how many made-up offender identifiers to add in published alerts, ten to an alert (for check benchmarks)")
	cmd.migrate = f.bool("migrate", true, "create or update the schema first")
}

func (cmd *seedCmd) run(ctx context.Context, c common, stdin io.Reader, stdout, stderr io.Writer) error {
	if *cmd.members < 0 || *cmd.reports < 0 || *cmd.identifiers < 0 || *cmd.members+*cmd.reports+*cmd.identifiers == 0 {
		return usagef("--members, --reports, --identifiers: give how many to add, for example --members 100000 --reports 30000")
	}
	db, done, err := c.openDB(ctx, true, true)
	if err != nil {
		return err
	}
	defer done()
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	if err := c.ready(ctx, db, *cmd.migrate, log); err != nil {
		return err
	}
	hash, err := password.Hash(seedPassword, password.Default)
	if err != nil {
		return err
	}
	if *cmd.members > 0 {
		start := time.Now()
		_, err = db.SeedMembers(ctx, *cmd.members, hash, func(done int) {
			if done%100_000 == 0 || done == *cmd.members {
				fmt.Fprintf(stdout, "%d members (%.0f/s)\n", done, float64(done)/time.Since(start).Seconds())
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %d members in %s; each signs in with the password %q\n", *cmd.members, time.Since(start).Round(time.Millisecond), seedPassword)
	}
	if *cmd.reports > 0 {
		start := time.Now()
		err = db.SeedReports(ctx, *cmd.reports, func(done int) {
			if done%100_000 == 0 || done == *cmd.reports {
				fmt.Fprintf(stdout, "%d reports (%.0f/s)\n", done, float64(done)/time.Since(start).Seconds())
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "filed %d reports (%d also published alerts) in %s\n", *cmd.reports, (*cmd.reports+2)/3, time.Since(start).Round(time.Millisecond))
	}
	if *cmd.identifiers > 0 {
		start := time.Now()
		email, username, err := db.SeedIdentifiers(ctx, *cmd.identifiers, func(done int) {
			if done%1_000_000 == 0 || done == *cmd.identifiers {
				fmt.Fprintf(stdout, "%d identifiers (%.0f/s)\n", done, float64(done)/time.Since(start).Seconds())
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %d identifiers in %s; two of them: %s, %s\n", *cmd.identifiers, time.Since(start).Round(time.Millisecond), email, username)
	}
	return nil
}
