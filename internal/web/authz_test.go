package web_test

import (
	"context"
	"testing"

	"uglymugs/internal/account"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
)

// sessionFor signs a user in directly and returns their cookie value.
func sessionFor(t *testing.T, db *store.DB, userID string) string {
	t.Helper()
	tok, _, err := db.Sessions.CreateSession(context.Background(), userID, scheme.SessionWeb, account.DefaultWebTTL)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func approved(t *testing.T, db *store.DB, acc *account.Service, in account.ApplicationInput) string {
	t.Helper()
	ctx := context.Background()
	in.Password, in.TermsVersion, in.Regions = "a long test passphrase", 1, []string{"london"}
	a, err := acc.Apply(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acc.Decide(ctx, "test", a.ID, scheme.Approve, ""); err != nil {
		t.Fatal(err)
	}
	return a.UserID
}
