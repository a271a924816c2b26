package identifier

import (
	"errors"
	"testing"
)

func TestPlate_UpperCasesAndDropsSpacesDashesAndDots(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"ab12 cde", "AB12CDE"},
		{"AB12CDE", "AB12CDE"},
		{" ab12-cde ", "AB12CDE"},
		{"a.b.1.2. c.d.e", "AB12CDE"},
		{"AB12\u00a0CDE", "AB12CDE"},
		{"12-D-3456", "12D3456"},
		{"12 – D – 3456", "12D3456"},
		{"ＡＢ１２ ＣＤＥ", "AB12CDE"}, // full-width letters and digits (NFKC)
		{"A˙", "Ȧ"},             // NFKC makes ˙ a space and a combining dot; the dot then composes
		{"ab\xff12", "AB\ufffd12"},
		{"", ""},
	} {
		if got := Plate(tc.in); got != tc.want {
			t.Errorf("Plate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalise_Plate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     Result
		err      error
	}{
		{"full plate", "ab12 cde", Result{Value: "AB12CDE"}, nil},
		{"five characters is a plate", "a 123b", Result{Value: "A123B"}, nil},
		{"short is partial", " AB12 ", Result{Value: "AB12", Partial: true}, nil},
		{"short with spaces is partial", "ab1 2", Result{Value: "ab1 2", Partial: true}, nil},
		{"an ellipsis is partial", "AB12 C…", Result{Value: "AB12 C…", Partial: true}, nil},
		{"three dots are partial", "AB12 CD...", Result{Value: "AB12 CD...", Partial: true}, nil},
		{"placeholders are partial", "AB12 C??", Result{Value: "AB12 C??", Partial: true}, nil},
		{"stars are partial", "AB** CDE", Result{Value: "AB** CDE", Partial: true}, nil},
		{"a partial value is valid UTF-8", "AB\xff?", Result{Value: "AB\ufffd?", Partial: true}, nil},
		{"invalid UTF-8 is an error", "AB12\xffCDE", Result{}, ErrPlate},
		{"other punctuation is an error", "AB12#CDE", Result{}, ErrPlate},
		{"only dashes is an error", "- -", Result{}, ErrPlate},
		{"empty is an error", "  ", Result{}, ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalise(KindPlate, tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Normalise(plate, %q) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestHandleValue_FoldsCaseAndDropsTheAt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"jo_x", "jo_x"},
		{"@Jo_X", "jo_x"},
		{"  @JO_X  ", "jo_x"},
		{"@@jo", "jo"},
		{"@ jo", "jo"},
		{"＠jo_x", "jo_x"},   // full-width @ (NFKC)
		{"¨jo", "\u0308jo"}, // NFKC makes ¨ a space and a diaeresis: trimmed after
		{"ｊｏ＿ｘ", "jo_x"},    // full-width letters (NFKC)
		{"Straße", "strasse"},
		{"ΣΟΦΙΑ", "σοφια"},
		{"Jo.Smith99", "jo.smith99"},
		{"\uAB76\u13A6", "\u13A6\u13A6"}, // Cherokee folds to capitals, not as cases.Fold does
		{"jo\xffx", "jo\ufffdx"},
		{"", ""},
		{"@", ""},
	} {
		if got := HandleValue(tc.in); got != tc.want {
			t.Errorf("HandleValue(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalise_Handle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     Result
		err      error
	}{
		{"folds case", "@Jo_X", Result{Value: "jo_x"}, nil},
		{"an ellipsis is partial", "@jo_sm…", Result{Value: "@jo_sm…", Partial: true}, nil},
		{"full-width full stops are partial", "@jo_sm．．．", Result{Value: "@jo_sm．．．", Partial: true}, nil},
		{"a partial value is valid UTF-8", "@jo\xff…", Result{Value: "@jo\ufffd…", Partial: true}, nil},
		{"all the @s go", "@@Jo_X", Result{Value: "jo_x"}, nil},
		{"a lone @ is empty", " @ ", Result{}, ErrEmpty},
		{"empty is an error", "", Result{}, ErrEmpty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalise(KindHandle, tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Normalise(handle, %q) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestNormalise_RefusesAnUnknownKind(t *testing.T) {
	t.Parallel()
	for _, k := range []Kind{"", "Phone", "Username", "vehicles", "plate "} {
		if _, err := Normalise(k, "jo"); err == nil {
			t.Errorf("Normalise(%q) did not fail", k)
		}
	}
}

func TestKinds_MatchTheBlindIndexKinds(t *testing.T) {
	t.Parallel()
	// vault.Kind uses the same strings; identifier does not import vault.
	for k, want := range map[Kind]string{KindPhone: "phone", KindEmail: "email", KindPlate: "plate", KindHandle: "handle", KindName: "name"} {
		if string(k) != want {
			t.Errorf("kind %q, want %q", k, want)
		}
	}
}
