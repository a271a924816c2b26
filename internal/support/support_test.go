package support_test

import (
	"context"
	"testing"
	"time"

	"uglymugs/internal/scheme"
	"uglymugs/internal/store"
	"uglymugs/internal/store/storetest"
	"uglymugs/internal/support"
)

var now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func good() support.Input {
	return support.Input{Name: " Leeds  Romanian Health ", Kinds: []string{"sexual-health"}, Regions: []string{"yorkshire-humber"},
		Phone: "0113 496 0123", Website: "https://leeds.example.org", Email: "Help@Example.org", Languages: []string{"ro", "EN"}, ConfirmedOn: "2026-05-01"}
}

func TestCheck_NamesEachProblemInPlainWords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*support.Input)
		field string
	}{
		{"no name", func(in *support.Input) { in.Name = "  " }, "name"},
		{"no kind", func(in *support.Input) { in.Kinds = nil }, "kinds"},
		{"an unknown kind", func(in *support.Input) { in.Kinds = []string{"astrology"} }, "kinds"},
		{"neither regions nor national", func(in *support.Input) { in.Regions = nil }, "regions"},
		{"a helpline that is not national", func(in *support.Input) { in.Helpline = true }, "helpline"},
		{"a phone that is not one", func(in *support.Input) { in.Phone = "0800 FLOWERS" }, "phone"},
		{"a website without https", func(in *support.Input) { in.Website = "http://leeds.example.org" }, "website"},
		{"an email that is not one", func(in *support.Input) { in.Email = "help at example.org" }, "email"},
		{"no way to reach it", func(in *support.Input) { in.Phone, in.Website, in.Email = "", "", "" }, "phone"},
		{"a malformed language", func(in *support.Input) { in.Languages = []string{"romanian!"} }, "languages"},
		{"a confirmation in the future", func(in *support.Input) { in.ConfirmedOn = "2027-01-01" }, "confirmed_on"},
		{"a confirmation that is no date", func(in *support.Input) { in.ConfirmedOn = "May" }, "confirmed_on"},
	} {
		in := good()
		tc.edit(&in)
		_, problems := support.Check(in, now)
		if problems[tc.field] == "" || len(problems) != 1 {
			t.Errorf("%s: problems %v, want one on %q", tc.name, problems, tc.field)
		}
	}
	s, problems := support.Check(good(), now)
	if problems != nil {
		t.Fatalf("a good service: %v", problems)
	}
	if s.Name != "Leeds Romanian Health" || s.Phone != "+441134960123" || s.Email != "help@example.org" || len(s.Languages) != 2 || s.Languages[1] != "en" {
		t.Errorf("tidied to %+v", s)
	}
	national := good()
	national.National, national.Helpline = true, true
	if s, problems := support.Check(national, now); problems != nil || len(s.Regions) != 0 {
		t.Errorf("a national helpline: %+v, %v", s, problems)
	}
}

func TestNear_RefusesBadFiltersNamingTheFieldAndOnlyMembersSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svc := support.New(db)
		coord, err := db.Accounts.CreateUser(ctx, "admin", store.NewUser{Username: "coord.one", Role: scheme.RoleCoordinator, PasswordHash: "$argon2id$test"})
		if err != nil {
			t.Fatal(err)
		}
		coord.Status = scheme.StatusActive
		if _, err := svc.Add(ctx, coord, good()); err != nil {
			t.Fatal(err)
		}
		m := scheme.User{ID: "m1", Role: scheme.RoleMember, Status: scheme.StatusActive}
		for _, tc := range []struct {
			q     support.Query
			field string
		}{
			{support.Query{Region: "atlantis"}, "region"},
			{support.Query{Region: "london", Kind: "astrology"}, "kind"},
			{support.Query{Region: "london", Language: "!!"}, "language"},
		} {
			_, err := svc.Near(ctx, m, tc.q, scheme.Page{})
			var e *scheme.Error
			if scheme.ErrorCode(err) != scheme.CodeInvalid || !asError(err, &e) || e.Fields[tc.field] == "" {
				t.Errorf("%+v: %v, want invalid on %s", tc.q, err, tc.field)
			}
		}
		got, err := svc.Near(ctx, m, support.Query{Region: "yorkshire-humber", Kind: "sexual-health", Language: "ro-RO"}, scheme.Page{})
		if err != nil || got.Total != 1 {
			t.Fatalf("the Leeds service: %+v, %v", got, err)
		}
		if _, err := svc.Near(ctx, scheme.User{ID: "x", Role: scheme.RoleApplicant, Status: scheme.StatusActive}, support.Query{}, scheme.Page{}); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("an applicant searched: %v", err)
		}
		if _, err := svc.Add(ctx, m, good()); scheme.ErrorCode(err) != scheme.CodeForbidden {
			t.Errorf("a member added a service: %v", err)
		}
		if err := svc.Move(ctx, coord, "r", "f", "suggested"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("moving back to suggested: %v", err)
		}
		if err := svc.Answer(ctx, m, "r", "f", "maybe"); scheme.ErrorCode(err) != scheme.CodeInvalid {
			t.Errorf("an answer that is none of the three: %v", err)
		}
	})
}
