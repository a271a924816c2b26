package scheme_test

import (
	"reflect"
	"strings"
	"testing"

	"uglymugs/internal/scheme"
)

func TestCanSetStatus_AlongReviewsPathsAndPublishedOnlyWithConsent(t *testing.T) {
	consenting := scheme.Consents{Alert: true}
	for _, tc := range []struct {
		from    scheme.ReportStatus
		consent scheme.Consents
		to      scheme.ReportStatus
		message string // "" when allowed
	}{
		{scheme.ReportSubmitted, consenting, scheme.ReportInReview, ""},
		{scheme.ReportInReview, consenting, scheme.ReportPublished, ""},
		{scheme.ReportRejected, scheme.Consents{}, scheme.ReportInReview, ""},
		{scheme.ReportSubmitted, consenting, scheme.ReportPublished, `A report cannot go from "submitted" to "published".`},
		{scheme.ReportPublished, consenting, scheme.ReportInReview, `A report cannot go from "published" to "in_review".`},
		{scheme.ReportInReview, scheme.Consents{}, scheme.ReportPublished, "The reporter has not consented to an alert: keep it as intelligence, or ask them."},
	} {
		err := scheme.CanSetStatus(scheme.Report{Status: tc.from, Consents: tc.consent}, tc.to)
		if tc.message == "" && err != nil || tc.message != "" && (scheme.ErrorCode(err) != scheme.CodeConflict || err.(*scheme.Error).Message != tc.message) {
			t.Errorf("%s → %s: %v, want %q", tc.from, tc.to, err, tc.message)
		}
	}
}

// Field reaches every field of a description by its JSON name, and no
// other.
func TestOffenderDescription_FieldByItsJSONName(t *testing.T) {
	var d scheme.OffenderDescription
	typ := reflect.TypeOf(d)
	for i := range typ.NumField() {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		p := d.Field(key)
		if p == nil {
			t.Errorf("Field(%q) is nil", key)
			continue
		}
		*p = "set " + key
		if got := reflect.ValueOf(d).Field(i).String(); got != "set "+key {
			t.Errorf("Field(%q) set %s to %q", key, typ.Field(i).Name, got)
		}
	}
	if d.Field("name") != nil || d.Field("") != nil {
		t.Error("a key that is not a description field has a field")
	}
}
