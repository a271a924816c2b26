package alert

import (
	"strings"
	"testing"

	"uglymugs/internal/scheme"
)

// The drafted text says "he" or "she" only when every description says
// so, gives each detail under its own label as written, and repeats none
// of the alert's own fields.
func TestBody_NeverInventsAPronounOrAWord(t *testing.T) {
	report := func(ds ...scheme.OffenderDescription) scheme.Report {
		var r scheme.Report
		for _, d := range ds {
			r.Working.Offenders = append(r.Working.Offenders, scheme.Offender{Description: d})
		}
		return r
	}
	s := &Service{}
	for _, c := range []struct {
		name    string
		reports []scheme.Report
		want    []string
		never   []string
	}{
		{"no gender given", []scheme.Report{report(scheme.OffenderDescription{Age: "30s", Build: "stocky"})},
			[]string{"Described as: age: 30s; build: stocky.", "If they contact you, or you recognise them,"},
			[]string{" he ", " him", " his ", "aged about", "What happened"}},
		{"a man, twice", []scheme.Report{report(scheme.OffenderDescription{Gender: "man"}), report(scheme.OffenderDescription{Gender: "Male", Hair: "shaved"})},
			[]string{"2 members have reported this person.", "If he contacts you, or you recognise him,"}, []string{"they"}},
		{"a woman", []scheme.Report{report(scheme.OffenderDescription{Gender: "woman"})},
			[]string{"If she contacts you, or you recognise her,"}, []string{" he ", " they "}},
		{"reports disagree", []scheme.Report{report(scheme.OffenderDescription{Gender: "man"}), report(scheme.OffenderDescription{Gender: "woman"})},
			[]string{"If they contact you"}, []string{" he ", " she "}},
		{"one of two says nothing", []scheme.Report{report(scheme.OffenderDescription{Gender: "man"}, scheme.OffenderDescription{Age: "20s"})},
			[]string{"If they contact you"}, []string{" he "}},
		{"in another way", []scheme.Report{report(scheme.OffenderDescription{Gender: "non-binary"})},
			[]string{"If they contact you", "Described as: gender: non-binary."}, []string{" he ", " she "}},
		{"nothing described", []scheme.Report{{}},
			[]string{"If they contact you"}, []string{"Described as"}},
	} {
		got := s.body(c.reports)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", c.name, got, w)
			}
		}
		for _, n := range c.never {
			if strings.Contains(" "+got+" ", n) {
				t.Errorf("%s: %q says %q", c.name, got, n)
			}
		}
	}
}
