package identifier

import (
	"errors"
	"testing"
)

func TestNameValue_FoldsCaseSpacesAndQuotes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Jo Smith", "jo smith"},
		{"  jo   SMITH ", "jo smith"},
		{"Jo\tSmith\n", "jo smith"},
		{"Jo\u00a0Smith", "jo smith"},  // a no-break space
		{"Jo \u200bSmith", "jo smith"}, // a zero-width space
		{"\ufeffJo", "jo"},             // a byte-order mark
		{`"Big Jo"`, "big jo"},
		{"'Big Jo'", "big jo"},
		{"“Big Jo”", "big jo"},
		{"„Big Jo“", "big jo"},
		{"‘Jo’", "jo"},
		{"«Jo»", "jo"},
		{"＂Jo＂", "jo"}, // full-width quotes (NFKC)
		{`" Jo "`, "jo"},
		{`""Jo""`, "jo"},
		{`"'Jo'"`, "jo"},
		{`"Jo`, `"jo`}, // not a pair: kept
		{`Jo "Big" Smith`, `jo "big" smith`},
		{"O'Brien", "o'brien"},
		{"'O'", "o"},
		{`"`, `"`},
		{`""`, ""},
		{"Jo-Anne Smith", "jo-anne smith"},
		{"Seán Ó Briain", "seán ó briain"},
		{"Zoe\u0308", "zoë"}, // decomposed ë becomes one rune
		{"ＪＯ ＳＭＩＴＨ", "jo smith"},
		{"ΣΟΦΙΑ", "σοφια"},
		{"Σοφία", "σοφία"},
		{"Strauß", "strauss"},
		{"\u13CC\u13BA", "\u13CC\u13BA"}, // Cherokee folds to capitals
		{"\uAB9C\uAB8A", "\u13CC\u13BA"},
		{"Jo\xffSmith", "jo\ufffdsmith"},
		{"", ""},
		{" \t ", ""},
	} {
		if got := NameValue(tc.in); got != tc.want {
			t.Errorf("NameValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalise_Name(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     Result
		err      error
	}{
		{"folds", "  Big   JO ", Result{Value: "big jo"}, nil},
		{"an ellipsis is not partial", "Big J…", Result{Value: "big j..."}, nil},
		{"placeholders are not partial", "J? Smith", Result{Value: "j? smith"}, nil},
		{"empty is an error", " ", Result{}, ErrEmpty},
		{"empty quotes are an error", "“”", Result{}, ErrEmpty},
		{"invisible is an error", "\u200b", Result{}, ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalise(KindName, tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Normalise(name, %q) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseKind_MapsTheAPIWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Kind{
		"phone":    KindPhone,
		"email":    KindEmail,
		"vehicle":  KindPlate,
		"plate":    KindPlate,
		"name":     KindName,
		"username": KindHandle,
		"handle":   KindHandle,
	} {
		if got, err := ParseKind(in); got != want || err != nil {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Phone", "EMAIL", " vehicle", "vehicles", "mobile", "url"} {
		got, err := ParseKind(in)
		var p Problem
		if err == nil || got != "" || errors.As(err, &p) {
			t.Errorf("ParseKind(%q) = %q, %v; want a plain error", in, got, err)
		}
	}
}

func TestNormalise_TakesTheAPIWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		alias, canon Kind
		in           string
	}{
		{"vehicle", KindPlate, "ab12 cde"},
		{"vehicle", KindPlate, "AB12"},
		{"username", KindHandle, "@Jo_X"},
		{"username", KindHandle, "@jo_…"},
	} {
		got, err := Normalise(tc.alias, tc.in)
		want, werr := Normalise(tc.canon, tc.in)
		if got != want || err != werr {
			t.Errorf("Normalise(%s, %q) = %+v, %v; Normalise(%s) = %+v, %v", tc.alias, tc.in, got, err, tc.canon, want, werr)
		}
	}
}
