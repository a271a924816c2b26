package scheme

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCode(t *testing.T) {
	tests := []struct {
		err  error
		want Code
	}{
		{nil, ""},
		{errors.New("disk on fire"), CodeInternal},
		{ErrNotFound, CodeNotFound},
		{fmt.Errorf("wrapped: %w", Invalid(map[string]string{"a": "b"})), CodeInvalid},
	}
	for _, tt := range tests {
		if got := ErrorCode(tt.err); got != tt.want {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	if msg := ErrorMessage(errors.New("secret detail")); msg == "secret detail" {
		t.Error("an internal error's text reached the message for people")
	}
}
