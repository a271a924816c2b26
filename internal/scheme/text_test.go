package scheme

import "testing"

func TestNormaliseLineBreaks_EveryConventionBecomesLF(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"one line":                "one line",
		"Windows\r\nand browsers": "Windows\nand browsers",
		"old Mac\rtext":           "old Mac\ntext",
		"already\nfine":           "already\nfine",
		"mixed\r\n\r\r\n\nend\r":  "mixed\n\n\n\nend\n",
		"\ttabs stay\t":           "\ttabs stay\t",
	} {
		if got := NormaliseLineBreaks(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
