package translation

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"uglymugs/internal/i18n"
	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
)

func newService(t *testing.T, db *store.DB) *Service {
	t.Helper()
	words, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), db, words)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	admin = scheme.User{ID: "admin-1", Role: scheme.RoleAdmin}
	coord = scheme.User{ID: "coord-1", Role: scheme.RoleCoordinator}
)

func TestCorrect_AdminsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, ctx := newService(t, db), context.Background()
		for _, u := range []scheme.User{coord, {ID: "m", Role: scheme.RoleMember}} {
			_, err1 := s.Correct(ctx, u, "ro", "Sign in", map[string]string{"other": "Intră"})
			_, err2 := s.Revert(ctx, u, "ro", "Sign in")
			_, err3 := s.Languages(ctx, u)
			_, err4 := s.Messages(ctx, u, "ro", Filter{}, scheme.PageOf(1))
			_, _, err5 := s.Message(ctx, u, "ro", "Sign in", scheme.PageOf(1))
			for i, err := range []error{err1, err2, err3, err4, err5} {
				if scheme.ErrorCode(err) != scheme.CodeForbidden {
					t.Errorf("%s, call %d: %v, want forbidden", u.Role, i+1, err)
				}
			}
		}
		if _, n, _ := db.Translations.Corrections(ctx); n != 0 {
			t.Errorf("%d versions saved by people who may not", n)
		}
	})
}

func TestCorrect_RefusesWhatCouldBreakOrInjectAPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, ctx := newService(t, db), context.Background()
		cases := []struct {
			name, lang, id string
			forms          map[string]string
			code           scheme.Code
			field, want    string
		}{
			{"a script tag", "ro", "Sign in", map[string]string{"other": "<script>alert(1)</script>"}, scheme.CodeInvalid, "text-other", "Take out the HTML"},
			{"an image tag", "ro", "Sign in", map[string]string{"other": `Intră <img src=x onerror=alert(1)>`}, scheme.CodeInvalid, "text-other", "Take out the HTML"},
			{"a comment", "ro", "Sign in", map[string]string{"other": "Intră <!-- x -->"}, scheme.CodeInvalid, "text-other", "Take out the HTML"},
			{"empty", "ro", "Sign in", map[string]string{"other": "  "}, scheme.CodeInvalid, "text-other", "Write the text"},
			{"too long", "ro", "Sign in", map[string]string{"other": strings.Repeat("a", MaxText+1)}, scheme.CodeInvalid, "text-other", "Make it shorter"},
			{"a control character", "ro", "Sign in", map[string]string{"other": "Intră\x00"}, scheme.CodeInvalid, "text-other", "control characters"},
			{"a placeholder where English has none", "ro", "Sign in", map[string]string{"other": "Intră {{.Name}}"}, scheme.CodeInvalid, "text-other", "Take out the {{ }}"},
			{"a placeholder dropped", "ro", "Print: {{.Title}}", map[string]string{"other": "Tipărește"}, scheme.CodeInvalid, "text-other", "Keep the placeholders {{.Title}} as they are"},
			{"a placeholder renamed", "ro", "Print: {{.Title}}", map[string]string{"other": "Tipărește: {{.Titlu}}"}, scheme.CodeInvalid, "text-other", "Keep the placeholders {{.Title}}"},
			{"a template action", "ro", "Print: {{.Title}}", map[string]string{"other": `{{.Title}}{{template "layout" .}}`}, scheme.CodeInvalid, "text-other", "Keep the placeholders"},
			{"a function call", "ro", "Print: {{.Title}}", map[string]string{"other": `{{.Title | html}}`}, scheme.CodeInvalid, "text-other", "Keep the placeholders"},
			{"a plural form missing", "ro", "checks-left", map[string]string{"one": "Mai ai {{.Count}} verificare azi.", "other": "Mai ai {{.Count}} de verificări azi."}, scheme.CodeInvalid, "text-few", "Write the text"},
			{"the number dropped from other", "ro", "checks-left", map[string]string{"one": "o verificare", "few": "{{.Count}}", "other": "multe"}, scheme.CodeInvalid, "text-other", "Keep the placeholders {{.Count}}"},
			{"an unknown message", "ro", "No file has these words", map[string]string{"other": "x"}, scheme.CodeNotFound, "", ""},
			{"an unknown language", "xx", "Sign in", map[string]string{"other": "x"}, scheme.CodeNotFound, "", ""},
			{"the pseudo-language", "en-XA", "Sign in", map[string]string{"other": "x"}, scheme.CodeNotFound, "", ""},
			{"a language in another case", "RO", "Sign in", map[string]string{"other": "x"}, scheme.CodeNotFound, "", ""},
		}
		for _, c := range cases {
			_, err := s.Correct(ctx, admin, c.lang, c.id, c.forms)
			if scheme.ErrorCode(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
				continue
			}
			if c.field != "" && !strings.Contains(err.(*scheme.Error).Fields[c.field], c.want) {
				t.Errorf("%s: %v, want %q on %s", c.name, err.(*scheme.Error).Fields, c.want, c.field)
			}
		}
		if _, n, _ := db.Translations.Corrections(ctx); n != 0 {
			t.Errorf("%d refused corrections saved", n)
		}
		// What passes: the number in words in "one", the placeholders
		// moved about, a "<" that starts no tag.
		ok := []struct {
			lang, id string
			forms    map[string]string
		}{
			{"ro", "checks-left", map[string]string{"one": "Mai ai o verificare azi.", "few": "Mai ai {{.Count}} verificări azi.", "other": "Azi: încă {{ .Count }} de verificări."}},
			{"ro", "Print: {{.Title}}", map[string]string{"other": "{{.Title}} — de tipărit, < 10 pagini"}},
		}
		for _, c := range ok {
			if _, err := s.Correct(ctx, admin, c.lang, c.id, c.forms); err != nil {
				t.Errorf("%s %s: %v", c.lang, c.id, err)
			}
		}
		ro, _ := i18n.Find("ro")
		if got := s.Words().Localizer(ro).N("checks-left", 1); got != "Mai ai o verificare azi." {
			t.Errorf("the catalogue after the save: %q", got)
		}
	})
}

// Another instance over the same database reads a correction saved on
// this one when it next looks (Watch does, every 30 s in serve), and not
// before: looking again with nothing new reads nothing.
func TestRefresh_AnotherInstancePicksTheCorrectionUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		here, there, ctx := newService(t, db), newService(t, db), context.Background()
		ro, _ := i18n.Find("ro")
		if _, err := here.Correct(ctx, admin, "ro", "Sign in", map[string]string{"other": "Intră acum"}); err != nil {
			t.Fatal(err)
		}
		if got := there.Words().Localizer(ro).T("Sign in"); got != "Intră în cont" {
			t.Fatalf("the other instance, before it looks: %q", got)
		}
		if err := there.refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := there.Words().Localizer(ro).T("Sign in"); got != "Intră acum" {
			t.Errorf("the other instance, after it looked: %q", got)
		}
		if _, err := here.Revert(ctx, admin, "ro", "Sign in"); err != nil {
			t.Fatal(err)
		}
		if err := there.refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := there.Words().Localizer(ro).T("Sign in"); got != "Intră în cont" {
			t.Errorf("the other instance after the revert: %q", got)
		}
	})
}

// A save that changes nothing (the same text again, a revert of what is
// not corrected) keeps and audits nothing.
func TestCorrect_NothingChangedNothingKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, ctx := newService(t, db), context.Background()
		if _, err := s.Revert(ctx, admin, "ro", "Sign in"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := s.Correct(ctx, admin, "ro", "Sign in", map[string]string{"other": " Intră acum\r\n"}); err != nil {
				t.Fatal(err)
			}
		}
		if h, err := db.Translations.CorrectionHistory(ctx, "ro", "Sign in", scheme.Page{}); err != nil || h.Total != 1 {
			t.Errorf("%d versions (%v), want 1", h.Total, err)
		}
	})
}

func TestMessages_SearchedAndPaged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, ctx := newService(t, db), context.Background()
		if _, err := s.Correct(ctx, admin, "ro", "Sign in", map[string]string{"other": "Intră acum"}); err != nil {
			t.Fatal(err)
		}
		all, err := s.Messages(ctx, admin, "ro", Filter{}, scheme.PageOf(2))
		if err != nil || all.Total < 100 || len(all.Items) != scheme.PageSize {
			t.Fatalf("page 2 of all: %d of %d (%v)", len(all.Items), all.Total, err)
		}
		for _, c := range []struct {
			name string
			f    Filter
			want string
			n    int // 0: at least one
		}{
			{"the English, any case", Filter{Query: "SIGN IN"}, "Sign in", 0},
			{"the text shown now", Filter{Query: "intră acum"}, "Sign in", 0},
			{"the corrected ones", Filter{Corrected: true}, "Sign in", 1},
		} {
			l, err := s.Messages(ctx, admin, "ro", c.f, scheme.PageOf(1))
			found := false
			for _, m := range l.Items {
				found = found || m.ID == c.want && m.Correction != nil && m.Current()["other"] == "Intră acum"
			}
			if err != nil || !found || c.n > 0 && l.Total != c.n {
				t.Errorf("%s: %d found (%v), want %q corrected", c.name, l.Total, err, c.want)
			}
		}
		ls, err := s.Languages(ctx, admin)
		if err != nil || len(ls) != len(i18n.Languages) || ls[1].Code != "ro" || ls[1].Corrected != 1 || ls[2].Corrected != 0 {
			t.Errorf("languages: %+v %v", ls, err)
		}
	})
}

// Watch, as serve runs it, brings another instance's correction in
// without being asked, and stops when its context ends.
func TestWatch_PicksCorrectionsUpUntilStopped(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	here, there := newService(t, db), newService(t, db)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		there.Watch(ctx, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	if _, err := here.Correct(context.Background(), admin, "ro", "Sign in", map[string]string{"other": "Intră acum"}); err != nil {
		t.Fatal(err)
	}
	ro, _ := i18n.Find("ro")
	deadline := time.Now().Add(5 * time.Second)
	for there.Words().Localizer(ro).T("Sign in") != "Intră acum" {
		if time.Now().After(deadline) {
			t.Fatal("the other instance never picked the correction up")
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not stop with its context")
	}
}
