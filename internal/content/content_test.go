package content_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/content"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

// TestStamp_OnlyTheSitesOwnStampsAreAccepted: a form's stamp opens on
// every instance with the same keys, says how old it is, and a stamp with
// its time changed or its signature forged is refused.
func TestStamp_OnlyTheSitesOwnStampsAreAccepted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newContent(t, db)
		made := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
		stamp := c.Stamp(made)
		age, ok := c.StampAge(stamp, made.Add(90*time.Second))
		if !ok || age != 90*time.Second {
			t.Fatalf("own stamp: ok %v, age %v; want true, 1m30s", ok, age)
		}
		if _, ok := newContent(t, db).StampAge(stamp, made); !ok {
			t.Error("a second service over the same keys refused the stamp")
		}
		ts, sig, _ := strings.Cut(stamp, ".")
		earlier := strconv.FormatInt(made.Unix()-3600, 10)
		for name, bad := range map[string]string{
			"earlier time, same signature": earlier + "." + sig,
			"forged signature":             ts + ".AAAA",
			"no signature":                 ts,
			"unsigned":                     ts + ".unsigned",
			"empty":                        "",
		} {
			if _, ok := c.StampAge(bad, made); ok {
				t.Errorf("%s (%q): accepted", name, bad)
			}
		}
	})
}

// TestPublishing_OnlyAdminsChangeWhatEveryoneSees: saving a page and
// sending the newsletter are refused to anyone but an admin, whichever
// door asks, and nothing is kept.
func TestPublishing_OnlyAdminsChangeWhatEveryoneSees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newContent(t, db)
		for _, role := range []scheme.Role{scheme.RoleMember, scheme.RoleCoordinator} {
			u := scheme.User{ID: "u-" + string(role), Role: role}
			if _, err := c.SavePage(ctx, u, "about", "en-GB", "# Changed"); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s saving a page: %v, want forbidden", role, err)
			}
			if _, err := c.SendIssue(ctx, u, "News", "Hello", func(string) string { return "" }); scheme.ErrorCode(err) != scheme.CodeForbidden {
				t.Errorf("%s sending the newsletter: %v, want forbidden", role, err)
			}
		}
		if _, ok, err := c.Version(ctx, "about", "en-GB"); err != nil || ok {
			t.Errorf("the page has a saved version (%v, %v): the refusal kept something", ok, err)
		}
		if is, err := c.Issues(ctx, scheme.PageOf(1)); err != nil || is.Total != 0 || len(is.Items) != 0 {
			t.Errorf("issues after refusals: %d, %v", is.Total, err)
		}
	})
}

// newContent is the content service over db, its lists read.
func newContent(t *testing.T, db *store.DB) *content.Service {
	t.Helper()
	c, err := content.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
