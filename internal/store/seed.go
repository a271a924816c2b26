package store

import (
	"context"
	"database/sql"
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
// nil, is told the running total after each batch.
func (db *DB) SeedMembers(ctx context.Context, n int, passwordHash string, progress func(done int)) error {
	regions, err := db.Regions(ctx)
	if err != nil {
		return err
	}
	sectors, err := db.Sectors(ctx)
	if err != nil {
		return err
	}
	terms, err := db.CurrentTerms(ctx)
	if err != nil {
		return err
	}
	// #nosec G404 -- made-up data: nothing about it needs to be unpredictable
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2026))
	run := strings.ToLower(newID()[:4]) // usernames differ between runs
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
			now := db.now().UTC()
			for i := range size {
				k := done + i
				id := newID()
				username := fmt.Sprintf("seed.%s.%07d", run, k)
				email := fmt.Sprintf("seed.%s.%07d@example.org", run, k)
				mobile := fmt.Sprintf("+447700900%03d", k%1000)
				wantsEmail, wantsSMS := k%2 == 0, k%4 == 0
				s := &sealer{db: db, table: "users", id: id}
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
				gender := scheme.Genders[rng.IntN(len(scheme.Genders))].Slug
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
			return err
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	_, err = db.write.ExecContext(ctx, `ANALYZE`)
	return err
}
