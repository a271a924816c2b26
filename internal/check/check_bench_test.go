package check_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"uglymugs/internal/check"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// BenchmarkMemberCheck is one member's check (normalise, allowance,
// look-up, log, grant) on SQLite with 500 published alerts and 20,000
// earlier checks by the same member in the log.
func BenchmarkMemberCheck(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	ctx := context.Background()
	f := setup(b, db, check.Limits{})
	for i := range 500 {
		a, err := db.Alerts.CreateAlert(ctx, "coord", scheme.Alert{AlertContent: scheme.AlertContent{Title: "Robbery", Body: "A man took a bag.",
			Identifiers: []scheme.Identifier{{Kind: "phone", Value: "x", Normalised: fmt.Sprintf("+4477009%05d", i)}}},
			Severity: scheme.SeverityHigh, IncidentTypes: []string{"robbery"}, IncidentAt: time.Now(), Regions: []string{"london"}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Alerts.PublishAlert(ctx, "coord", a.ID, store.PublishOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Writer().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
		INSERT INTO checks (id, user_id, channel, kind, value_idx, matches, checked_at)
		SELECT 'c' || i, $1, 'web', 'phone', randomblob(32), 0, $2 FROM n`, f.member.ID, time.Now().Add(-48*time.Hour).UTC()); err != nil {
		b.Fatal(err)
	}
	svc := check.New(db, time.UTC, check.Limits{PerDay: 1 << 30, PerMinute: 1 << 30})
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := svc.Member(ctx, f.member, check.ChannelWeb, "", fmt.Sprintf("07700 9%05d", i%1000)); err != nil {
			b.Fatal(err)
		}
	}
}
