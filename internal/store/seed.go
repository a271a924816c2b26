package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/vault"
)

// Seeding fills a database with made-up members (and, for the benchmarks,
// reports) at scale: in large transactions with prepared statements, each
// value encrypted and indexed as in real use, so that what is measured on
// it is what a real scheme of that size would see. Contact details are
// fictional only: example.org addresses and Ofcom's drama numbers
// (07700 900000 to 900999, so mobiles repeat).

// SeedBatch is how many members go in one transaction.
const SeedBatch = 5000

var seedWorkNames = []string{"Amber", "Bea", "Cass", "Dee", "Eve", "Fern", "Gigi", "Holly", "Ivy", "Jade",
	"Kit", "Lux", "Mia", "Nova", "Opal", "Pip", "Rae", "Sky", "Tess", "Vee"}

// SeedMembers adds n active individual members who have accepted the
// current terms: about half want alerts by email and a quarter by SMS,
// each in one or two regions, with monitoring answers spread over the
// choices. Every seeded member has the password whose argon2 hash is
// given (hashing a million passwords would take hours). progress, if not
// nil, is told the running total after each batch. Usernames are the
// returned prefix and the member's number, from 0, in seven digits.
func (d *DB) SeedMembers(ctx context.Context, n int, passwordHash string, progress func(done int)) (prefix string, err error) {
	db := d.db

	regions, err := db.top.Content.Regions(ctx)
	if err != nil {
		return "", err
	}
	sectors, err := db.top.Content.Sectors(ctx)
	if err != nil {
		return "", err
	}
	terms, err := db.top.Content.CurrentTerms(ctx)
	if err != nil {
		return "", err
	}
	// #nosec G404 -- made-up data: nothing about it needs to be unpredictable
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2026))
	prefix = "seed." + strings.ToLower(newID()[:4]) + "." // usernames differ between runs
	for done := 0; done < n; {
		size := min(SeedBatch, n-done)
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			users, err := tx.PrepareContext(ctx, `INSERT INTO users (id, username_idx, username_ct, role, status, password_hash, created_at)
				VALUES ($1, $2, $3, 'member', 'active', $4, $5)`)
			if err != nil {
				return err
			}
			defer users.Close()
			profiles, err := tx.PrepareContext(ctx, `INSERT INTO profiles (user_id, membership, work_name_ct, email_ct, email_idx,
				mobile_ct, mobile_idx, alert_email, alert_sms, gender, sector, terms_version, terms_accepted_at)
				VALUES ($1, 'individual', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`)
			if err != nil {
				return err
			}
			defer profiles.Close()
			inRegion, err := tx.PrepareContext(ctx, `INSERT INTO profile_regions (user_id, region) VALUES ($1, $2) ON CONFLICT DO NOTHING`)
			if err != nil {
				return err
			}
			defer inRegion.Close()
			keys, err := tx.PrepareContext(ctx, `INSERT INTO member_keys (user_id, key_ct, created_at) VALUES ($1, $2, $3)`)
			if err != nil {
				return err
			}
			defer keys.Close()
			now := db.now().UTC()
			for i := range size {
				k := done + i
				id := newID()
				username := fmt.Sprintf("%s%07d", prefix, k)
				email := username + "@example.org"
				mobile := fmt.Sprintf("+447700900%03d", k%1000)
				wantsEmail, wantsSMS := k%2 == 0, k%4 == 0
				key, wrapped, err := db.newMemberKey(id)
				if err != nil {
					return err
				}
				s := &sealer{db: db, table: "users", id: id, key: key}
				nameIdx, nameCT := s.index(vault.KindUsername, username), s.seal("username", username)
				s.table = "profiles"
				workCT := s.seal("work_name", seedWorkNames[rng.IntN(len(seedWorkNames))])
				emailCT, emailIdx := s.seal("email", email), s.index(vault.KindEmail, email)
				mobileCT, mobileIdx := s.seal("mobile", mobile), s.index(vault.KindPhone, mobile)
				if s.err != nil {
					return s.err
				}
				if _, err := users.ExecContext(ctx, id, nameIdx, nameCT, passwordHash, now); err != nil {
					return fmt.Errorf("seed user: %w", err)
				}
				if _, err := keys.ExecContext(ctx, id, wrapped, now); err != nil {
					return fmt.Errorf("seed member key: %w", err)
				}
				gender := scheme.DefaultGenders[rng.IntN(len(scheme.DefaultGenders))].Slug
				sector := sectors[rng.IntN(len(sectors))].Slug
				if _, err := profiles.ExecContext(ctx, id, workCT, emailCT, emailIdx, mobileCT, mobileIdx,
					wantsEmail, wantsSMS, gender, sector, terms.Version, now); err != nil {
					return fmt.Errorf("seed profile: %w", err)
				}
				for range 1 + rng.IntN(2) {
					if _, err := inRegion.ExecContext(ctx, id, regions[rng.IntN(len(regions))].Slug); err != nil {
						return fmt.Errorf("seed region: %w", err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	return prefix, db.analyze(ctx)
}

// seedAccounts are the made-up accounts of what happened, by incident type
// (any type not listed uses "other").
var seedAccounts = []string{
	"He refused to pay and pushed me against the door when I asked for the money.",
	"He booked by text, turned up drunk and became aggressive when I said no.",
	"He took my phone and my bag and drove off before I could stop him.",
	"He kept messaging from different numbers after I blocked him.",
	"He tried to take the condom off and got angry when I stopped.",
	"He booked three times and never turned up, each time at the last minute.",
}

// SeedReports files n made-up reports from seeded members, spread over the
// last three years, each with one offender and two identifiers (an email
// address at example.org and a username, both unique, so no profiles link
// up); one in three is written up as a published alert carrying the same
// identifiers (its fan-out marked done: no recipients are made). Content
// is encrypted and identifiers indexed as in real use; what a real report
// also writes (its events, the audit entry) is left out.
func (d *DB) SeedReports(ctx context.Context, n int, progress func(done int)) error {
	db := d.db

	regions, err := db.top.Content.Regions(ctx)
	if err != nil {
		return err
	}
	types, err := db.top.Content.IncidentTypes(ctx)
	if err != nil {
		return err
	}
	reporters, err := queryStrings(ctx, db.read, `SELECT id FROM users WHERE role = 'member' AND status = 'active' LIMIT 10000`)
	if err != nil {
		return err
	}
	if len(reporters) == 0 {
		return errors.New("seed: no members to file reports: seed members first")
	}
	// #nosec G404 -- made-up data: nothing about it needs to be unpredictable
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	run := strings.ToLower(newID()[:4])
	now := db.now().UTC()
	for done := 0; done < n; {
		size := min(SeedBatch, n-done)
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			for i := range size {
				k := done + i
				t, region := types[rng.IntN(len(types))], regions[rng.IntN(len(regions))]
				at := now.Add(-time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
				email := fmt.Sprintf("offender.%s.%07d@example.org", run, k)
				handle := fmt.Sprintf("seed_%s_%07d", run, k)
				ids := []scheme.Identifier{{Kind: "email", Value: email, Normalised: email}, {Kind: "username", Value: handle, Normalised: handle}}
				r := scheme.Report{ID: newID(), ReporterID: reporters[rng.IntN(len(reporters))], Status: scheme.ReportPublished,
					Severity: t.Severity, IncidentTypes: []string{t.Slug}, Region: region.Slug,
					IncidentAt: at, TimeKnown: true, SubmittedAt: at.Add(6 * time.Hour), Delay: 6 * time.Hour, AcknowledgeBy: at.Add(30 * time.Hour),
					Consents: scheme.Consents{Alert: true, Police: k%2 == 0},
					Original: scheme.ReportContent{Account: seedAccounts[k%len(seedAccounts)], Town: "Seedtown",
						Offenders: []scheme.Offender{{ID: newID(), Description: scheme.OffenderDescription{Hair: "dark", Build: "medium"}, Identifiers: ids}}}}
				r.Working = r.Original
				if err := db.insertReport(ctx, tx, r); err != nil {
					return err
				}
				if _, err := db.insertOffender(ctx, tx, r.ID, 0, r.Original.Offenders[0]); err != nil {
					return err
				}
				if k%3 != 0 {
					continue
				}
				a := scheme.Alert{ID: newID(), AlertContent: scheme.AlertContent{Title: t.Name + " — " + region.Name,
					Body: "A man reported to the scheme; see the identifiers below.", Identifiers: ids},
					Severity: t.Severity, IncidentTypes: []string{t.Slug}, IncidentAt: at, Regions: []string{r.Region}, ReportIDs: []string{r.ID}}
				content, flags, err := db.sealAlert(a)
				if err != nil {
					return err
				}
				published := r.SubmittedAt.Add(24 * time.Hour)
				if _, err := tx.ExecContext(ctx, `INSERT INTO alerts (id, status, severity, severity_rank, nationwide, incident_at,
					content_ct, flags_ct, flag_count, version, created_by, created_at, updated_by, updated_at, published_at, fanout_done_at)
					VALUES ($1, 'published', $2, $3, FALSE, $4, $5, $6, 0, 1, 'seed', $7, 'seed', $7, $7, $7)`,
					a.ID, string(a.Severity), scheme.SeverityRank[a.Severity], at, content, flags, published); err != nil {
					return fmt.Errorf("seed alert: %w", err)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO alert_reports (alert_id, report_id) VALUES ($1, $2)`, a.ID, r.ID); err != nil {
					return err
				}
				if err := db.setAlertTargets(ctx, tx, a); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	return db.analyze(ctx)
}

// analyze gathers the planner's statistics after seeding. On SQLite it
// keeps the per-index summaries (sqlite_stat1) but not the samples
// (sqlite_stat4, which this build of SQLite makes): with samples, a
// prepared statement comparing an indexed column with a parameter is
// prepared again each time the parameter changes, which cost a fifth of
// the server's CPU under the check load.
func (db *core) analyze(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil || db.dialect != SQLite {
		return err
	}
	var stat4 int
	if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&stat4); err != nil || stat4 == 0 {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
		return err
	}
	// Read the statistics again, without the samples.
	_, err := db.write.ExecContext(ctx, `ANALYZE sqlite_schema`)
	return err
}

// SeedIdentifiers adds published alerts carrying n made-up identifiers in
// all, ten to an alert (five emails at example.org, five usernames, all
// unique): the table the check looks values up in, at the size a large
// scheme might reach. It returns one of the values added, in each kind,
// for the load generator to find.
func (d *DB) SeedIdentifiers(ctx context.Context, n int, progress func(done int)) (email, username string, err error) {
	db := d.db

	const perAlert = 10
	run := strings.ToLower(newID()[:4])
	now := db.now().UTC()
	for done := 0; done < n; {
		size := min(SeedBatch*perAlert, n-done)
		err := db.inTx(ctx, func(tx *sql.Tx) error {
			alerts, err := tx.PrepareContext(ctx, `INSERT INTO alerts (id, status, severity, severity_rank, nationwide, incident_at,
				content_ct, flags_ct, flag_count, version, created_by, created_at, updated_by, updated_at, published_at, fanout_done_at)
				VALUES ($1, 'published', 'medium', 2, FALSE, $2, $3, $4, 0, 1, 'seed', $2, 'seed', $2, $2, $2)`)
			if err != nil {
				return err
			}
			defer alerts.Close()
			idents, err := tx.PrepareContext(ctx, `INSERT INTO alert_identifiers (alert_id, kind, value_idx) VALUES ($1, $2, $3)`)
			if err != nil {
				return err
			}
			defer idents.Close()
			for i := 0; i < size; i += perAlert {
				a := scheme.Alert{ID: newID(), AlertContent: scheme.AlertContent{Title: "Harassment", Body: "Made up for a benchmark."}}
				content, flags, err := db.sealAlert(a)
				if err != nil {
					return err
				}
				if _, err := alerts.ExecContext(ctx, a.ID, now, content, flags); err != nil {
					return fmt.Errorf("seed alert: %w", err)
				}
				for j := 0; j < perAlert && i+j < size; j++ {
					k := done + i + j
					kind, value := "email", fmt.Sprintf("seed.%s.%08d@example.org", run, k)
					if j%2 == 1 {
						kind, value = "username", fmt.Sprintf("seed_%s_%08d", run, k)
					}
					idx, err := db.index(indexKind[kind], value)
					if err != nil {
						return err
					}
					if _, err := idents.ExecContext(ctx, a.ID, kind, idx); err != nil {
						return fmt.Errorf("seed identifier: %w", err)
					}
					if k == n/2 {
						email = fmt.Sprintf("seed.%s.%08d@example.org", run, k-k%2)
						username = fmt.Sprintf("seed_%s_%08d", run, k-k%2+1)
					}
				}
			}
			return nil
		})
		if err != nil {
			return "", "", err
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	return email, username, db.analyze(ctx)
}
