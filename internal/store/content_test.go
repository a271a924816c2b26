package store_test

import (
	"context"
	"slices"
	"testing"

	"uglymugs/internal/imaging"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func TestContent_EveryVersionKeptPerLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, ok, err := db.Content.Content(ctx, "about", "en-GB"); ok || err != nil {
			t.Fatalf("a page never saved: %v %v", ok, err)
		}
		// An empty page is refused by content.Service.SavePage
		// (TestRules_RefusedBeforeTheStoreIsAsked).
		if _, err := db.Content.SaveContent(ctx, "admin-1", "nowhere", "en-GB", "# Hi"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("an unknown page: %v", err)
		}
		for _, v := range []struct{ lang, body string }{
			{"en-GB", "# About\r\n\r\nFirst."}, {"ro", "# Despre noi\n\nPrima."}, {"en-GB", "# About\n\nSecond."},
		} {
			if _, err := db.Content.SaveContent(ctx, "admin-1", "about", v.lang, v.body); err != nil {
				t.Fatal(err)
			}
		}
		c, ok, err := db.Content.Content(ctx, "about", "en-GB")
		if err != nil || !ok || c.Version != 2 || c.Body != "# About\n\nSecond." || c.Lang != "en-GB" {
			t.Errorf("current English: %+v %v %v", c, ok, err)
		}
		if c, ok, err := db.Content.Content(ctx, "about", "ro"); err != nil || !ok || c.Version != 1 || c.Body != "# Despre noi\n\nPrima." {
			t.Errorf("current Romanian: %+v %v %v (its versions are its own)", c, ok, err)
		}
		if _, ok, err := db.Content.Content(ctx, "about", "pl"); ok || err != nil {
			t.Errorf("Polish, never saved: %v %v", ok, err)
		}
		l, err := db.Content.ContentHistory(ctx, "about", "en-GB", scheme.PageOf(1))
		if h := l.Items; err != nil || l.Total != 2 || len(h) != 2 || h[1].Body != "# About\n\nFirst." {
			t.Errorf("history: %+v %v", l, err)
		}
		if langs, err := db.Content.ContentLanguages(ctx); err != nil || len(langs) != 1 || !slices.Equal(langs["about"], []string{"en-GB", "ro"}) {
			t.Errorf("languages: %v %v", langs, err)
		}
		var details []string
		for e, err := range db.AuditEntries(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if e.Action == "content.save" {
				details = append(details, e.SubjectID+" "+e.Detail)
			}
		}
		if want := []string{`about {"language":"en-GB","version":1}`, `about {"language":"ro","version":1}`, `about {"language":"en-GB","version":2}`}; !slices.Equal(details, want) {
			t.Errorf("audit: %q, want %q", details, want)
		}
	})
}

func TestTerms_NewVersionMustBeAcceptedByMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := apply(t, db, individual("terms.member", "terms@example.org", ""))
		if n, err := db.Content.TermsToAccept(ctx, m.UserID); err != nil || n != 0 {
			t.Fatalf("a new member who accepted version 1: %d %v", n, err)
		}
		cur, _ := db.Content.CurrentTerms(ctx)
		if _, err := db.Content.PublishTerms(ctx, "admin-1", cur.Body); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("publishing the same text again: %v", err)
		}
		v2, err := db.Content.PublishTerms(ctx, "admin-1", cur.Body+"\n\nA new clause.")
		if err != nil || v2.Version != cur.Version+1 {
			t.Fatalf("publish: %+v %v", v2, err)
		}
		if n, _ := db.Content.TermsToAccept(ctx, m.UserID); n != v2.Version {
			t.Errorf("after a new version: %d to accept, want %d", n, v2.Version)
		}
		if err := db.Content.AcceptTerms(ctx, m.UserID, cur.Version); scheme.ErrorCode(err) != scheme.CodeConflict {
			t.Errorf("accepting the old version: %v", err)
		}
		if err := db.Content.AcceptTerms(ctx, m.UserID, v2.Version); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.Content.TermsToAccept(ctx, m.UserID); n != 0 {
			t.Errorf("after accepting: %d", n)
		}
		if h, _ := db.Content.TermsHistory(ctx, scheme.Page{}); len(h.Items) != 2 || h.Items[0].Version != v2.Version {
			t.Errorf("history: %+v", h)
		}
		if n, _ := db.Content.TermsToAccept(ctx, "a staff member without a profile"); n != 0 {
			t.Errorf("staff: %d", n)
		}
	})
}

func TestImages_StoredAsCleaned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		img := imaging.Image{Data: []byte("\x89PNG pixels only"), ContentType: "image/png", Width: 4, Height: 3}
		s, err := db.Content.SaveImage(ctx, "admin-1", img)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Content.Image(ctx, s.ID)
		if err != nil || string(got.Data) != string(img.Data) || got.Width != 4 || got.ContentType != "image/png" {
			t.Errorf("image: %+v %v", got, err)
		}
		if list, _ := db.Content.Images(ctx); len(list) != 1 || list[0].Data != nil {
			t.Errorf("list: %+v", list)
		}
		if _, err := db.Content.Image(ctx, "NOSUCHIMAGE"); scheme.ErrorCode(err) != scheme.CodeNotFound {
			t.Errorf("missing: %v", err)
		}
	})
}
