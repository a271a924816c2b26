package store_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestAPIKeys_HashedAtRestAndRevokedAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		k, token, err := db.Sessions.CreateAPIKey(ctx, "admin-1", "Example Adverts Ltd", 60, 5000)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, scheme.APIKeyPrefix) || len(token) != len(scheme.APIKeyPrefix)+26 || !strings.HasPrefix(token, k.Prefix) {
			t.Fatalf("token %q, prefix %q", token, k.Prefix)
		}
		// Nothing stored holds the token; the hash is its SHA-256.
		var name, prefix string
		var hash []byte
		if err := db.Writer().QueryRowContext(ctx, `SELECT name, prefix, key_hash FROM api_keys WHERE id = $1`, k.ID).Scan(&name, &prefix, &hash); err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256([]byte(token)); string(hash) != string(h[:]) || strings.Contains(name+prefix+string(hash), token) {
			t.Error("the key is not stored as its hash only")
		}
		got, err := db.Sessions.APIKeyByToken(ctx, token)
		if err != nil || got.ID != k.ID || got.PerMinute != 60 || got.PerDay != 5000 {
			t.Fatalf("by token: %+v %v", got, err)
		}
		if _, err := db.Sessions.APIKeyByToken(ctx, token+"x"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("a wrong token: %v", err)
		}
		keys, err := db.Sessions.APIKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0].LastUsedAt.IsZero() {
			t.Errorf("list: %+v %v (last use not noted)", keys, err)
		}
		if err := db.Sessions.RevokeAPIKey(ctx, "admin-2", k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Sessions.APIKeyByToken(ctx, token); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("a revoked key still works: %v", err)
		}
		if err := db.Sessions.RevokeAPIKey(ctx, "admin-2", k.ID); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("revoking twice: %v", err)
		}
		// A key's name and allowances are checked by
		// account.Service.CreateAPIKey (TestRules_RefusedBeforeTheStoreIsAsked).
	})
}
