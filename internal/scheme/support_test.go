package scheme

import (
	"testing"
	"time"
)

func TestSupportService_UnconfirmedAfterTwelveMonthsOrNever(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		confirmed string
		want      bool
	}{
		{"2026-05-01", false},
		{"2025-12-08", false},
		{"2025-12-01", true},
		{"", true},
		{"not a date", true},
	} {
		if got := (SupportService{ConfirmedOn: tc.confirmed}).Unconfirmed(now); got != tc.want {
			t.Errorf("confirmed %q: unconfirmed %t, want %t", tc.confirmed, got, tc.want)
		}
	}
}

func TestCanMoveReferral_OnlyForward(t *testing.T) {
	allowed := map[[2]ReferralStatus]bool{
		{ReferralSuggested, ReferralMade}: true, {ReferralSuggested, ReferralClosed}: true,
		{ReferralMade, ReferralAccepted}: true, {ReferralMade, ReferralDeclined}: true,
		{ReferralAccepted, ReferralClosed}: true, {ReferralDeclined, ReferralClosed}: true,
	}
	for _, from := range ReferralStatuses {
		for _, to := range ReferralStatuses {
			err := CanMoveReferral(from, to)
			if allowed[[2]ReferralStatus{from, to}] != (err == nil) {
				t.Errorf("%s → %s: %v", from, to, err)
			}
			if err != nil && ErrorCode(err) != CodeConflict {
				t.Errorf("%s → %s refused as %s, want a conflict", from, to, ErrorCode(err))
			}
		}
	}
}
